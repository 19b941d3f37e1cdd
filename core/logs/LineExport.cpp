#include "core/logs/LineExport.h"

#include "core/logs/FileRead.h"

#include <QCoreApplication>
#include <QSaveFile>

namespace obslab {

namespace {

// Reads line ranges through a 1 MiB window, so consecutive lines cost one pread per window.
class WindowReader
{
public:
    QByteArrayView read(int fd, qint64 begin, qint64 end)
    {
        if (fd != fd_ || begin < start_ || end > start_ + buffer_.size()) {
            const qint64 want = std::max<qint64>(end - begin, kWindow);
            buffer_.resize(want);
            const qint64 got = preadFully(fd, buffer_.data(), want, begin);
            buffer_.resize(std::max<qint64>(got, 0));
            fd_ = fd;
            start_ = begin;
        }
        const qint64 from = begin - start_;
        const qint64 len = std::min<qint64>(end, start_ + buffer_.size()) - begin;
        return len > 0 ? QByteArrayView(buffer_.constData() + from, len) : QByteArrayView();
    }

private:
    static constexpr qint64 kWindow = 1024 * 1024;
    QByteArray buffer_;
    int fd_ = -1;
    qint64 start_ = 0;
};

constexpr qint64 kLongLine = 1024 * 1024;

}  // namespace

Result<qint64> LineExport::writeLines(const LogFile::Snapshot& snap,
                                      const std::vector<qint64>* lines, const QString& path,
                                      const std::atomic<bool>& cancel)
{
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return Error{
            QCoreApplication::translate("LineExport", "Cannot write %1: %2")
                .arg(path, out.errorString()),
            QCoreApplication::translate("LineExport", "Choose a folder you can write to.")};
    WindowReader reader;
    QByteArray chunk;
    qint64 written = 0;
    size_t segment = 0;
    auto writeLine = [&](qint64 line) {
        while (segment + 1 < snap.segments.size() && line >= snap.segments[segment + 1].firstLine)
            ++segment;
        while (segment > 0 && line < snap.segments[segment].firstLine)
            --segment;
        const auto& s = snap.segments[segment];
        const qint64 local = line - s.firstLine;
        auto [begin, end] = snap.range(s, local);
        if (end - begin > kLongLine) {
            // A long line is copied whole, in parts: memory stays one part.
            out.write(chunk);
            chunk.clear();
            QByteArray part(kLongLine, Qt::Uninitialized);
            for (qint64 at = begin; at < end;) {
                const qint64 got = preadFully(s.fd, part.data(), std::min(kLongLine, end - at), at);
                if (got <= 0)
                    break;
                QByteArrayView v(part.constData(), got);
                at += got;
                while (at >= end && !v.isEmpty() && (v.back() == '\n' || v.back() == '\r'))
                    v.chop(1);
                out.write(v.data(), v.size());
            }
            chunk.append('\n');
            ++written;
            return;
        }
        QByteArrayView bytes = reader.read(s.fd, begin, end);
        while (!bytes.isEmpty() && (bytes.back() == '\n' || bytes.back() == '\r'))
            bytes.chop(1);
        chunk.append(bytes.data(), bytes.size());
        chunk.append('\n');
        ++written;
        if (chunk.size() > (1 << 20)) {
            out.write(chunk);
            chunk.clear();
        }
    };
    const qint64 total = lines ? qint64(lines->size()) : snap.lineCount;
    for (qint64 i = 0; i < total; ++i) {
        if ((i & 0xfff) == 0 && cancel.load()) {
            out.cancelWriting();
            return Error{QCoreApplication::translate("LineExport", "Export cancelled"), {}};
        }
        const qint64 line = lines ? (*lines)[size_t(i)] : i;
        if (line < 0 || line >= snap.lineCount || snap.segments.empty())
            continue;
        writeLine(line);
    }
    out.write(chunk);
    if (!out.commit())
        return Error{QCoreApplication::translate("LineExport", "Cannot write %1: %2")
                         .arg(path, out.errorString()),
                     QCoreApplication::translate("LineExport", "Check the free disk space.")};
    return written;
}

}  // namespace obslab
