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
{
    buffer_.reset(new char[size_t(capacity_)]);
}

// Scans [from, EOF) of fd, where EOF is what pread finds now. Returns an error or "".
QString Scanner::scan(int fd, qint64 from, const std::atomic<bool>& cancel, const Publish& publish,
                      const std::function<void(ScanChunk&)>& progress)
{
    qint64 offset = from;
    while (!cancel.load(std::memory_order_relaxed)) {
        const qint64 n = readBlock(fd, offset);
        if (n < 0)
            return u"read error at byte %1: %2"_s.arg(offset).arg(errnoText(errno));
        if (n == 0)
            break;
        const char* data = buffer_.get();
        const char* lastNl = static_cast<const char*>(memrchr(data, '\n', size_t(n)));
        if (!lastNl && n == capacity_) {
            // One line longer than the buffer (so longer than the cap): its first bytes are
            // its record, the rest is only skipped to find its end. Memory stays one buffer.
            const QString error = skipLongLine(fd, offset, cancel, publish, progress);
            if (!error.isEmpty() || longLineEnd_ < 0)
                return error;  // an error, cancelled, or the file ends inside the line
            offset = longLineEnd_;
            continue;
        }
        ScanChunk chunk;
        const qint64 complete = lastNl ? (lastNl - data) + 1 : 0;
        collect(data, complete, offset, chunk);
        offset += complete;
        const bool atEof = n < capacity_;
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

// The buffer holds the first capacity_ bytes of a line that starts at offset and has no
// '\n' in them. Parses its first lineCap_ bytes, then reads on (reusing the buffer) to the
// '\n' and publishes the line. longLineEnd_ is the offset past its '\n', or -1 when the
// file ends first (the line is then published as the unfinished last line) or on cancel.
QString Scanner::skipLongLine(int fd, qint64 offset, const std::atomic<bool>& cancel,
                              const Publish& publish,
                              const std::function<void(ScanChunk&)>& progress)
{
    longLineEnd_ = -1;
    qint64 time = ParsedLine::kMissing;
    const LineRecord record =
        indexing_ ? parseOne(QByteArrayView(buffer_.get(), capacity_), &time) : LineRecord();
    qint64 pos = offset + capacity_;
    while (!cancel.load(std::memory_order_relaxed)) {
        const qint64 n = preadFully(fd, buffer_.get(), capacity_, pos);
        if (n < 0)
            return u"read error at byte %1: %2"_s.arg(pos).arg(errnoText(errno));
        const void* nl = n > 0 ? std::memchr(buffer_.get(), '\n', size_t(n)) : nullptr;
        if (!nl && n == capacity_) {
            pos += n;
            continue;
        }
        ScanChunk chunk;
        if (nl) {
            longLineEnd_ = pos + (static_cast<const char*>(nl) - buffer_.get()) + 1;
            chunk.ends.push_back(longLineEnd_);
            if (indexing_) {
                chunk.records.push_back(record);
                chunk.times.push_back(time);
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

// Line ends of data[0, size) (which ends with '\n'), and their records.
void Scanner::collect(const char* data, qint64 size, qint64 base, ScanChunk& chunk)
{
    if (!indexing_) {
        scanLineEnds(data, size, base, chunk.ends);
        return;
    }
    // Parsing dominates indexing: a big block is cut at line ends into parts that this
    // thread and a pool thread take in turn, so that neither waits long for the other
    // (JSON lines cost twice what TEXT lines do; halves would rarely be even).
    if (size < kParallelBytes || QThreadPool::globalInstance()->maxThreadCount() < 2) {
        Part whole;
        parsePart(data, size, base, whole, parsed_);
        adoptPart(whole, chunk);
        return;
    }
    constexpr int kParts = 8;
    std::array<qint64, kParts + 1> bounds{};
    for (int i = 1; i < kParts; ++i) {
        const qint64 from = std::max(bounds[size_t(i - 1)], size * i / kParts);
        const void* nl =
            from < size ? std::memchr(data + from, '\n', size_t(size - from)) : nullptr;
        bounds[size_t(i)] = nl ? (static_cast<const char*>(nl) - data) + 1 : size;
    }
    bounds[kParts] = size;
    std::array<Part, kParts> parts;
    std::atomic<int> next{0};
    const auto work = [&](ParsedLine& parsed) {
        for (int k = next.fetch_add(1); k < kParts; k = next.fetch_add(1)) {
            const qint64 from = bounds[size_t(k)];
            parsePart(data + from, bounds[size_t(k) + 1] - from, base + from, parts[size_t(k)],
                      parsed);
        }
    };
    QFuture<void> other = QtConcurrent::run([&] {
        ParsedLine parsed;
        work(parsed);
    });
    work(parsed_);
    other.waitForFinished();
    // The parts are joined on both threads too: each copies whole parts to their place, the
    // pods renumbered in the scanner's table (numbered here, in order: the table is not shared).
    std::array<size_t, kParts + 1> at{};
    std::array<std::vector<quint16>, kParts> podMaps;
    for (size_t k = 0; k < size_t(kParts); ++k) {
        at[k + 1] = at[k] + parts[k].ends.size();
        podMaps[k] = podMap(parts[k]);
    }
    chunk.ends.resize(at[kParts]);
    chunk.records.resize(at[kParts]);
    chunk.times.resize(at[kParts]);
    next = 0;
    const auto join = [&] {
        for (int k = next.fetch_add(1); k < kParts; k = next.fetch_add(1)) {
            const Part& part = parts[size_t(k)];
            const std::vector<quint16>& map = podMaps[size_t(k)];
            const size_t to = at[size_t(k)];
            std::copy(part.ends.begin(), part.ends.end(), chunk.ends.begin() + qsizetype(to));
            std::copy(part.times.begin(), part.times.end(), chunk.times.begin() + qsizetype(to));
            LineRecord* out = chunk.records.data() + to;
            for (LineRecord r : part.records) {
                if (r.pod != LineRecord::kNoPod)
                    r.pod = map[r.pod];
                *out++ = r;
            }
        }
    };
    QFuture<void> joining = QtConcurrent::run(join);
    join();
    joining.waitForFinished();
}

// Fills the buffer from offset; when indexing, the two halves are read on two cores (the
// copy from the page cache is a tenth of the work, and would otherwise leave a core idle).
qint64 Scanner::readBlock(int fd, qint64 offset)
{
    struct stat st
    {};
    const bool big = ::fstat(fd, &st) == 0 && qint64(st.st_size) - offset >= 2 * kParallelBytes;
    if (!indexing_ || !big || capacity_ < 2 * kParallelBytes ||
        QThreadPool::globalInstance()->maxThreadCount() < 2)
        return preadFully(fd, buffer_.get(), capacity_, offset);  // a follow's few new lines
    const qint64 half = capacity_ / 2;
    qint64 second = 0;
    int secondErrno = 0;
    QFuture<void> other = QtConcurrent::run([&] {
        second = preadFully(fd, buffer_.get() + half, capacity_ - half, offset + half);
        secondErrno = errno;
    });
    const qint64 first = preadFully(fd, buffer_.get(), half, offset);
    other.waitForFinished();
    if (first < half)
        return first;  // the end of the file (or an error) is in the first half
    if (second < 0)
        errno = secondErrno;
    return second < 0 ? second : half + second;
}

void Scanner::parsePart(const char* data, qint64 size, qint64 base, Part& part,
                        ParsedLine& parsed) const
{
    // Each line is parsed as soon as its end is found, while its bytes are in the L1 cache.
    const size_t expected = size_t(size / 128 + 16);
    part.ends.reserve(expected);
    part.records.reserve(expected);
    part.times.reserve(expected);
    PodCache pods(part.pods);
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

// The scanner's pod numbers for a part's own (the table is not shared between threads; a part
// holds a handful of pods).
std::vector<quint16> Scanner::podMap(const Part& part)
{
    std::vector<quint16> map;
    map.reserve(size_t(part.pods.size()));
    for (qsizetype i = 0; i < part.pods.size(); ++i)
        map.push_back(pods_.intern(part.pods.name(quint16(i))));
    return map;
}

// The only part of a block: its vectors become the chunk's, pods renumbered.
void Scanner::adoptPart(Part& part, ScanChunk& chunk)
{
    const std::vector<quint16> map = podMap(part);
    chunk.ends = std::move(part.ends);
    chunk.records = std::move(part.records);
    chunk.times = std::move(part.times);
    for (LineRecord& r : chunk.records) {
        if (r.pod != LineRecord::kNoPod)
            r.pod = map[r.pod];
    }
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
                chunk.scannedEnd = chunk.ends.empty() ? indexed : chunk.ends.back();
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
