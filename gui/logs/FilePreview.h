#pragma once

#include <QString>

namespace obslab {

// The first part of a log file as text, for a quick look before the full viewer indexes it.
struct FilePreview
{
    static constexpr qint64 kLimit = 1024 * 1024;

    QString path;
    qint64 size = -1;  // bytes on disk; -1 when the file could not be read
    QString text;      // at most kLimit bytes, cut at the last whole line
    bool truncated = false;
    QString problem;  // why there is no text (unreadable, compressed, binary)

    // Reads the preview; blocking disk I/O: call it on a worker thread (QtConcurrent::run).
    static FilePreview load(const QString& path);
};

}  // namespace obslab
