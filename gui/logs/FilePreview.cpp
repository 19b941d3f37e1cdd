#include "FilePreview.h"

#include <QCoreApplication>
#include <QFile>

namespace obslab {

FilePreview FilePreview::load(const QString& path)
{
    FilePreview preview;
    preview.path = path;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        preview.problem = QCoreApplication::translate("FilePreview", "Cannot read the file: %1")
                              .arg(file.errorString());
        return preview;
    }
    preview.size = file.size();
    QByteArray data = file.read(kLimit);
    if (data.startsWith("\x1f\x8b")) {
        preview.problem = QCoreApplication::translate(
            "FilePreview", "This log is gzip-compressed; the quick preview shows plain text only.");
        return preview;
    }
    if (data.left(4096).contains('\0')) {
        preview.problem = QCoreApplication::translate(
            "FilePreview", "This file looks binary, not like a text log.");
        return preview;
    }
    preview.truncated = file.size() > data.size() || !file.atEnd();
    if (preview.truncated) {
        // Never show half a line: it would look like a parsing error.
        const qsizetype lastNewline = data.lastIndexOf('\n');
        if (lastNewline > 0)
            data.truncate(lastNewline + 1);
    }
    // Invalid UTF-8 becomes U+FFFD; nothing is lost on disk.
    preview.text = QString::fromUtf8(data);
    return preview;
}

}  // namespace obslab
