#include "core/logs/LogScanner.h"

#include "core/logs/AccessLogParser.h"
#include "core/logs/FileRead.h"
#include "core/logs/LogFile.h"
#include "core/logs/RecordDecoder.h"

#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab::logscan {

namespace {

constexpr qint64 kGzipInputBlock = 1024 * 1024;

// Appends the offset just past every '\n' in data (which starts at file offset base).
void scanLineEnds(const char* data, qint64 size, qint64 base, std::vector<qint64>& ends)
{
    const char* p = data;
    const char* const end = data + size;
    while (p < end) {
        const void* nl = std::memchr(p, '\n', size_t(end - p));
        if (!nl)
            break;
        const char* q = static_cast<const char*>(nl);
        ends.push_back(base + (q - data) + 1);
        p = q + 1;
    }
}

}  // namespace

}  // namespace obslab::logscan

namespace obslab {

std::vector<ScanPart> ScanPartPool::take(size_t n)
{
    std::vector<ScanPart> parts;
    {
        const std::lock_guard lock(mutex_);
        const size_t from = free_.size() - std::min(n, free_.size());
        parts.assign(std::make_move_iterator(free_.begin() + qsizetype(from)),
                     std::make_move_iterator(free_.end()));
        free_.resize(from);
    }
    for (ScanPart& part : parts) {
        part.ends.clear();
        part.records.clear();
        part.times.clear();
        part.pods.clear();
    }
    parts.resize(n);
    return parts;
}

void ScanPartPool::give(std::vector<ScanPart>&& parts)
{
    const std::lock_guard lock(mutex_);
    for (ScanPart& part : parts) {
        if (free_.size() >= kKept)
            break;
        if (part.ends.capacity() <= kKeptLines)  // a block of empty lines is not kept
            free_.push_back(std::move(part));
    }
}

}  // namespace obslab

namespace obslab::logscan {

bool isGzip(int fd)
{
    unsigned char magic[2] = {0, 0};
    return preadFully(fd, reinterpret_cast<char*>(magic), 2, 0) == 2 && magic[0] == 0x1f &&
           magic[1] == 0x8b;
}

Scanner::Scanner(bool indexing, PodTable pods, qint64 lineCap)
    : indexing_(indexing)
    , pods_(std::move(pods))
    , lineCap_(lineCap)
    , capacity_(std::max(LogFile::kBlockSize, lineCap + 1))
{}

// The read buffers, sized for what is left to scan from `from`: a follow's few new lines get one
// buffer in ordinary pages (a huge page would be zeroed whole for a few bytes on every poll);
// a file with a block or more to go gets huge pages, and a second buffer to read ahead into
// when indexing on two cores (not with a raised line cap, which would double a big buffer).
void Scanner::prepareBuffers(int fd, qint64 from)
{
    struct stat st
    {};
    const bool big = ::fstat(fd, &st) == 0 && qint64(st.st_size) - from >= capacity_;
    if (!buffers_[0] || (big && !hugeBuffers_)) {
        buffers_[0] = makeLargeArray<char>(size_t(capacity_), big);
        hugeBuffers_ = big;
    }
    if (big && !buffers_[1] && indexing_ && capacity_ == LogFile::kBlockSize &&
        QThreadPool::globalInstance()->maxThreadCount() >= 2)
        buffers_[1] = makeLargeArray<char>(size_t(capacity_), true);
}

// Scans [from, EOF) of fd, where EOF is what pread finds now. Returns an error or "".
QString Scanner::scan(int fd, qint64 from, const std::atomic<bool>& cancel, const Publish& publish,
                      const std::function<void(ScanChunk&)>& progress)
{
    prepareBuffers(fd, from);
    qint64 offset = from;
    int current = 0;
    qint64 n = readBlock(fd, buffers_[0].get(), offset);
    int readError = errno;
    while (!cancel.load(std::memory_order_relaxed)) {
        if (n < 0)
            return u"read error at byte %1: %2"_s.arg(offset).arg(errnoText(readError));
        if (n == 0)
            break;
        char* data = buffers_[size_t(current)].get();
        const char* lastNl = static_cast<const char*>(memrchr(data, '\n', size_t(n)));
        if (!lastNl && n == capacity_) {
            // One line longer than the buffer (so longer than the cap): its first bytes are
            // its record, the rest is only skipped to find its end. Memory stays one buffer.
            const QString error = skipLongLine(fd, data, offset, cancel, publish, progress);
            if (!error.isEmpty() || longLineEnd_ < 0)
                return error;  // an error, cancelled, or the file ends inside the line
            offset = longLineEnd_;
            n = readBlock(fd, data, offset);
            readError = errno;
            continue;
        }
        ScanChunk chunk;
        const qint64 complete = lastNl ? (lastNl - data) + 1 : 0;
        const bool atEof = n < capacity_;
        // A full block: more probably follows, read into the other buffer while this is parsed.
        BlockRead ahead{fd, buffers_[size_t(current ^ 1)].get(), offset + complete, capacity_};
        ahead.split = splitRead(fd, ahead.offset);
        const bool readingAhead = !atEof && ahead.buffer;
        collect(data, complete, offset, chunk, readingAhead ? &ahead : nullptr);
        offset += complete;
        if (atEof && complete < n) {
            // The last line has no newline (yet): it is a line, re-read when it grows.
            chunk.hasTail = true;
            if (indexing_)
                chunk.tail =
                    parseOne(QByteArrayView(data + complete, n - complete), &chunk.tailTime);
            chunk.scannedEnd = offset + (n - complete);
        } else {
            chunk.scannedEnd = offset;
        }
        takeNewPods(chunk);
        progress(chunk);
        publish(std::move(chunk));
        if (atEof)
            break;
        if (readingAhead) {
            current ^= 1;
            n = ahead.bytes;
            readError = ahead.error;
        } else {
            n = readBlock(fd, data, offset);
            readError = errno;
        }
    }
    return {};
}

LineRecord Scanner::parseOne(QByteArrayView line, qint64* time)
{
    line.truncate(std::min<qsizetype>(line.size(), lineCap_));
    recorddecoder::Attempts attempts;
    QByteArrayView pod;
    LineRecord record = recorddecoder::recordOf(line, parsed_, attempts, *time, pod);
    record.pod = pods_.intern(pod);
    return record;
}

QString Scanner::skipLongLine(int fd, char* buffer, qint64 offset, const std::atomic<bool>& cancel,
                              const Publish& publish,
                              const std::function<void(ScanChunk&)>& progress)
{
    longLineEnd_ = -1;
    qint64 time = ParsedLine::kMissing;
    const LineRecord record =
        indexing_ ? parseOne(QByteArrayView(buffer, capacity_), &time) : LineRecord();
    qint64 pos = offset + capacity_;
    while (!cancel.load(std::memory_order_relaxed)) {
        const qint64 n = preadFully(fd, buffer, capacity_, pos);
        if (n < 0)
            return u"read error at byte %1: %2"_s.arg(pos).arg(errnoText(errno));
        const void* nl = n > 0 ? std::memchr(buffer, '\n', size_t(n)) : nullptr;
        if (!nl && n == capacity_) {
            pos += n;
            continue;
        }
        ScanChunk chunk;
        if (nl) {
            longLineEnd_ = pos + (static_cast<const char*>(nl) - buffer) + 1;
            ScanPart& part = chunk.parts.emplace_back();
            part.ends.push_back(longLineEnd_);
            if (indexing_) {
                part.records.push_back(record);  // its pod is already the scanner's number
                part.times.push_back(time);
            }
            chunk.scannedEnd = longLineEnd_;
        } else {
            chunk.hasTail = true;
            chunk.tail = record;
            chunk.tailTime = time;
            chunk.scannedEnd = pos + n;
        }
        takeNewPods(chunk);
        progress(chunk);
        publish(std::move(chunk));
        return {};
    }
    return {};
}

void Scanner::takeNewPods(ScanChunk& chunk)
{
    for (qsizetype i = podsReported_; i < pods_.size(); ++i)
        chunk.newPods.append(pods_.name(quint16(i)));
    podsReported_ = pods_.size();
}

// Line ends of data[0, size) (which ends with '\n'), and their records; with ahead, the next
// block is read meanwhile.
void Scanner::collect(const char* data, qint64 size, qint64 base, ScanChunk& chunk,
                      BlockRead* ahead)
{
    const auto readAhead = [this](BlockRead& a) {
        a.bytes = readBlock(a.fd, a.buffer, a.offset);
        a.error = errno;
    };
    chunk.pool = partPool_;
    if (!indexing_) {
        chunk.parts = partPool_->take(1);
        scanLineEnds(data, size, base, chunk.parts[0].ends);
        if (ahead)
            readAhead(*ahead);
        return;
    }
    if (size < kParallelBytes || QThreadPool::globalInstance()->maxThreadCount() < 2) {
        chunk.parts = partPool_->take(1);
        ScanPart& part = chunk.parts[0];
        PodTable pods;
        parsePart(data, size, base, part, pods, parsed_);
        part.pods = podMap(pods);
        if (ahead)
            readAhead(*ahead);
        return;
    }
    // Parsing dominates indexing: the block is cut at line ends into parts that this thread and
    // a pool thread take in turn, so that neither waits long for the other (JSON lines cost
    // twice what TEXT lines do; halves would rarely be even). The next block's read (its two
    // halves) comes first in the same queue: one wait per block, not one per step.
    constexpr int kParts = 8;
    std::array<qint64, kParts + 1> bounds{};
    for (int i = 1; i < kParts; ++i) {
        const qint64 from = std::max(bounds[size_t(i - 1)], size * i / kParts);
        const void* nl =
            from < size ? std::memchr(data + from, '\n', size_t(size - from)) : nullptr;
        bounds[size_t(i)] = nl ? (static_cast<const char*>(nl) - data) + 1 : size;
    }
    bounds[kParts] = size;
    chunk.parts = partPool_->take(kParts);
    std::array<PodTable, kParts> pods;
    const int reads = ahead ? ahead->pieces() : 0;
    std::atomic<int> next{0};
    const auto work = [&](ParsedLine& parsed) {
        for (int k = next.fetch_add(1); k < reads + kParts; k = next.fetch_add(1)) {
            if (k < reads) {
                ahead->read(k);
                continue;
            }
            const size_t p = size_t(k - reads);
            parsePart(data + bounds[p], bounds[p + 1] - bounds[p], base + bounds[p], chunk.parts[p],
                      pods[p], parsed);
        }
    };
    QFuture<void> other = QtConcurrent::run([&] {
        ParsedLine parsed;
        work(parsed);
    });
    work(parsed_);
    other.waitForFinished();
    for (size_t k = 0; k < size_t(kParts); ++k)
        chunk.parts[k].pods = podMap(pods[k]);
    if (ahead)
        ahead->join();
}

void Scanner::BlockRead::read(int k)
{
    const qint64 half = capacity / 2;
    const qint64 from = split && k == 1 ? half : 0;
    const qint64 length = !split ? capacity : k == 0 ? half : capacity - half;
    got[size_t(k)] = preadFully(fd, buffer + from, length, offset + from);
    errors[size_t(k)] = errno;  // taken at once: a later wait may set errno itself
}

void Scanner::BlockRead::join()
{
    const qint64 half = capacity / 2;
    if (!split || got[0] < half) {
        bytes = got[0];  // the whole block, or the end of the file (or an error) in its first half
        error = errors[0];
    } else {
        bytes = got[1] < 0 ? got[1] : half + got[1];
        error = errors[1];
    }
}

bool Scanner::splitRead(int fd, qint64 offset) const
{
    struct stat st
    {};
    return indexing_ && capacity_ >= 2 * kParallelBytes &&
           QThreadPool::globalInstance()->maxThreadCount() >= 2 && ::fstat(fd, &st) == 0 &&
           qint64(st.st_size) - offset >= 2 * kParallelBytes;
}

qint64 Scanner::readBlock(int fd, char* buffer, qint64 offset)
{
    BlockRead block{fd, buffer, offset, capacity_};
    block.split = splitRead(fd, offset);
    if (block.split) {
        QFuture<void> other = QtConcurrent::run([&] { block.read(1); });
        block.read(0);
        other.waitForFinished();
    } else {
        block.read(0);
    }
    block.join();
    errno = block.error;
    return block.bytes;
}

void Scanner::parsePart(const char* data, qint64 size, qint64 base, ScanPart& part,
                        PodTable& podTable, ParsedLine& parsed) const
{
    // Each line is parsed as soon as its end is found, while its bytes are in the L1 cache.
    const size_t expected = size_t(size / 128 + 16);
    part.ends.reserve(expected);
    part.records.reserve(expected);
    part.times.reserve(expected);
    PodCache pods(podTable);
    recorddecoder::Attempts attempts;
    const char* p = data;
    const char* const stop = data + size;
    while (p < stop) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(stop - p)));
        if (!nl)
            break;
        const QByteArrayView line(p, std::min<qint64>(nl - p, lineCap_));
        qint64 time = ParsedLine::kMissing;
        QByteArrayView pod;
        // The common layouts are decoded straight into the record; the rest parsed in full.
        LineRecord r = recorddecoder::recordOf(line, parsed, attempts, time, pod);
        r.pod = pods.intern(pod);
        part.ends.push_back(base + (nl - data) + 1);
        part.records.push_back(r);
        part.times.push_back(time);
        p = nl + 1;
    }
}

std::vector<quint16> Scanner::podMap(const PodTable& pods)
{
    std::vector<quint16> map;
    map.reserve(size_t(pods.size()));
    for (qsizetype i = 0; i < pods.size(); ++i)
        map.push_back(pods_.intern(pods.name(quint16(i))));
    return map;
}

// Worker: inflates a gzip stream (several members allowed) from in into out, indexing the
// inflated bytes as they come.
QString inflateGzip(int in, int out, Scanner& scanner, const std::atomic<bool>& cancel,
                    const Publish& publish)
{
    struct stat st
    {};
    const qint64 total = ::fstat(in, &st) == 0 ? qint64(st.st_size) : 0;
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK)  // 15 + 32: zlib or gzip header, detected
        return u"zlib could not be initialised"_s;
    std::unique_ptr<char[]> input(new char[size_t(kGzipInputBlock)]);
    std::unique_ptr<char[]> output(new char[size_t(LogFile::kBlockSize)]);
    qint64 inOffset = 0;
    qint64 outOffset = 0;
    qint64 indexed = 0;  // inflated bytes indexed so far (up to the last complete line)
    bool streamEnded = false;
    QString error;
    const auto progress = [&](ScanChunk& chunk) {
        chunk.done = inOffset - zs.avail_in;
        chunk.total = total;
    };
    // Index what was inflated, line-complete; the tail waits for more (or for the end).
    const auto indexUpTo = [&](bool final) {
        qint64 last = indexed;
        const Publish track = [&](ScanChunk&& chunk) {
            if (!final && chunk.hasTail) {
                // Not the end yet: leave the unfinished line for the next round.
                chunk.hasTail = false;
                const qint64 lastEnd = chunk.lastEnd();
                chunk.scannedEnd = lastEnd < 0 ? indexed : lastEnd;
            }
            last = std::max(last, chunk.scannedEnd);
            publish(std::move(chunk));
        };
        const QString e = scanner.scan(out, indexed, cancel, track, progress);
        indexed = last;
        return e;
    };
    while (!cancel.load(std::memory_order_relaxed)) {
        if (zs.avail_in == 0) {
            const qint64 n = preadFully(in, input.get(), kGzipInputBlock, inOffset);
            if (n < 0) {
                error = u"read error: %1"_s.arg(errnoText(errno));
                break;
            }
            if (n == 0) {
                if (!streamEnded)
                    error = QLatin1String(kGzipCutOff);
                break;
            }
            inOffset += n;
            zs.next_in = reinterpret_cast<Bytef*>(input.get());
            zs.avail_in = uInt(n);
        }
        if (streamEnded) {
            // Another gzip member follows (concatenated .gz files are valid gzip).
            if (inflateReset(&zs) != Z_OK) {
                error = u"zlib could not continue with the next gzip member"_s;
                break;
            }
            streamEnded = false;
        }
        zs.next_out = reinterpret_cast<Bytef*>(output.get());
        zs.avail_out = uInt(LogFile::kBlockSize);
        const int rc = inflate(&zs, Z_NO_FLUSH);
        const qint64 produced = LogFile::kBlockSize - zs.avail_out;
        if (produced > 0) {
            if (!pwriteFully(out, output.get(), produced, outOffset)) {
                error = u"cannot write the inflated log to a temporary file: %1"_s.arg(
                    errnoText(errno));
                break;
            }
            outOffset += produced;
            if (outOffset - indexed >= LogFile::kBlockSize) {
                const QString e = indexUpTo(false);
                if (!e.isEmpty()) {
                    error = e;
                    break;
                }
            }
        }
        if (rc == Z_STREAM_END) {
            streamEnded = true;
        } else if (rc == Z_BUF_ERROR && produced == 0 && zs.avail_in == 0) {
            continue;  // needs more input
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            error = u"the gzip data is corrupt after %1 bytes (%2)"_s.arg(inOffset - zs.avail_in)
                        .arg(QString::fromLatin1(zs.msg ? zs.msg : "inflate error"));
            break;
        }
    }
    inflateEnd(&zs);
    // Whatever was inflated is indexed, even after an error: nothing readable is lost.
    const QString e = indexUpTo(true);
    return error.isEmpty() ? e : error;
}

}  // namespace obslab::logscan
