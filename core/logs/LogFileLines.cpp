// LogFile's reading side: lines through the block cache, cut at the line cap, and parts of a
// long line for the whole-line viewer.
#include "core/logs/FileRead.h"
#include "core/logs/LogFile.h"

#include <algorithm>
#include <atomic>

namespace obslab {

QByteArray LogFile::readRange(const Segment& s, int segment, qint64 begin, qint64 end) const
{
    QByteArray result;
    if (end <= begin)
        return result;
    if (end - begin > kCacheBlockSize) {
        // A very long line: read it directly rather than flooding the cache.
        result.resize(end - begin);
        const qint64 n = preadFully(s.fd, result.data(), end - begin, begin);
        result.truncate(std::max<qint64>(n, 0));
        return result;
    }
    result.reserve(end - begin);
    for (qint64 block = begin / kCacheBlockSize; block * kCacheBlockSize < end; ++block) {
        const quint64 key = (quint64(segment) << 40) | quint64(block);
        QByteArray* data = cache_.object(key);
        if (!data) {
            auto* fresh = new QByteArray(kCacheBlockSize, Qt::Uninitialized);
            const qint64 n =
                preadFully(s.fd, fresh->data(), kCacheBlockSize, block * kCacheBlockSize);
            fresh->truncate(std::max<qint64>(n, 0));
            data = fresh;
            cache_.insert(key, fresh);  // the cache owns it from here, even if it evicts it
            data = cache_.object(key);
            if (!data)
                return result;
        }
        const qint64 blockStart = block * kCacheBlockSize;
        const qint64 from = std::max(begin, blockStart) - blockStart;
        const qint64 to = std::min(end, blockStart + data->size()) - blockStart;
        if (to > from)
            result.append(data->constData() + from, to - from);
        if (data->size() < kCacheBlockSize)
            break;  // end of file
    }
    return result;
}

QByteArray LogFile::line(qint64 index) const
{
    if (index < 0 || index >= lineCount_ || segments_.empty())
        return {};
    const int segment = segmentOfLine(index);
    const Segment& s = segments_[size_t(segment)];
    const qint64 local = index - s.firstLine;
    const qint64 begin = local == 0 ? 0 : s.ends[local - 1];
    const qint64 end = local < s.ends.size() ? s.ends[local] : s.scannedEnd;
    const qint64 length = end - begin - (local < s.ends.size() ? 1 : 0);
    if (length > lineCap_)
        return readRange(s, segment, begin, begin + lineCap_);
    QByteArray bytes = readRange(s, segment, begin, end);
    if (bytes.endsWith('\n'))
        bytes.chop(1);
    if (bytes.endsWith('\r'))
        bytes.chop(1);
    return bytes;
}

qint64 LogFile::lineLength(qint64 index) const
{
    if (index < 0 || index >= lineCount_ || segments_.empty())
        return -1;
    const Segment& s = segments_[size_t(segmentOfLine(index))];
    const qint64 local = index - s.firstLine;
    const qint64 begin = local == 0 ? 0 : s.ends[local - 1];
    const qint64 end = local < s.ends.size() ? s.ends[local] : s.scannedEnd;
    return end - begin - (local < s.ends.size() ? 1 : 0);
}

QByteArray LogFile::linePart(qint64 index, qint64 offset, qint64 size) const
{
    const qint64 length = lineLength(index);
    if (length < 0 || offset < 0 || offset >= length || size <= 0)
        return {};
    const Segment& s = segments_[size_t(segmentOfLine(index))];
    const qint64 local = index - s.firstLine;
    const qint64 begin = local == 0 ? 0 : s.ends[local - 1];
    QByteArray bytes(std::min(size, length - offset), Qt::Uninitialized);
    const qint64 n = preadFully(s.fd, bytes.data(), bytes.size(), begin + offset);
    bytes.truncate(std::max<qint64>(n, 0));
    return bytes;
}

namespace {
std::atomic<qint64> defaultCap{LogFile::kDefaultLineCap};
}

void LogFile::setDefaultLineCap(qint64 bytes)
{
    defaultCap = std::max<qint64>(bytes, 1024);
}

qint64 LogFile::defaultLineCap()
{
    return defaultCap;
}

void LogFile::setLineCap(qint64 bytes)
{
    lineCap_ = std::max<qint64>(bytes, 1024);
}

}  // namespace obslab
