#include "core/logs/LogFile.h"

#include "core/common/Logging.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/FileRead.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

// One published batch of work: line ends, and (when indexing) one record per complete line.
struct ScanChunk
{
    std::vector<qint64> ends;
    std::vector<LineRecord> records;  // records[i] is the line ending at ends[i]
    std::vector<qint64> times;        // its time (absolute ms), encoded by the owner
    bool hasTail = false;             // a last line without newline at end of file
    LineRecord tail;
    qint64 tailTime = ParsedLine::kMissing;
    QList<QByteArray> newPods;  // pod names first seen in this chunk, in id order
    qint64 scannedEnd = 0;
    qint64 done = 0;
    qint64 total = 0;
};

namespace {

constexpr int kDefaultPollMs = 1000;
constexpr qint64 kGzipInputBlock = 1024 * 1024;
constexpr const char* kGzipCutOff = "the gzip data is cut off";

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

bool isGzip(int fd)
{
    unsigned char magic[2] = {0, 0};
    return preadFully(fd, reinterpret_cast<char*>(magic), 2, 0) == 2 && magic[0] == 0x1f &&
           magic[1] == 0x8b;
}

using Publish = std::function<void(ScanChunk&&)>;

// Worker side of the index: reads blocks that start on a line boundary, finds the complete lines
// and parses them (on two cores when there are enough), and publishes each block's results.
class Scanner
{
public:
    Scanner(bool indexing, PodTable pods, qint64 lineCap)
        : indexing_(indexing)
        , pods_(std::move(pods))
        , lineCap_(lineCap)
        , capacity_(std::max(LogFile::kBlockSize, lineCap + 1))
    {
        buffer_.reset(new char[size_t(capacity_)]);
    }

    // Scans [from, EOF) of fd, where EOF is what pread finds now. Returns an error or "".
    QString scan(int fd, qint64 from, const std::atomic<bool>& cancel, const Publish& publish,
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

private:
    LineRecord parseOne(QByteArrayView line, qint64* time)
    {
        line.truncate(std::min<qsizetype>(line.size(), lineCap_));
        AccessLogParser::parse(line, parsed_);
        return makeRecord(parsed_, line, &pods_, time);
    }

    // The buffer holds the first capacity_ bytes of a line that starts at offset and has no
    // '\n' in them. Parses its first lineCap_ bytes, then reads on (reusing the buffer) to the
    // '\n' and publishes the line. longLineEnd_ is the offset past its '\n', or -1 when the
    // file ends first (the line is then published as the unfinished last line) or on cancel.
    QString skipLongLine(int fd, qint64 offset, const std::atomic<bool>& cancel,
                         const Publish& publish, const std::function<void(ScanChunk&)>& progress)
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

    void takeNewPods(ScanChunk& chunk)
    {
        for (qsizetype i = podsReported_; i < pods_.size(); ++i)
            chunk.newPods.append(pods_.name(quint16(i)));
        podsReported_ = pods_.size();
    }

    // Line ends of data[0, size) (which ends with '\n'), and their records.
    void collect(const char* data, qint64 size, qint64 base, ScanChunk& chunk)
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
            appendPart(whole, chunk);
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
        size_t total = 0;
        for (const Part& part : parts)
            total += part.ends.size();
        chunk.ends.reserve(total);
        chunk.records.reserve(total);
        chunk.times.reserve(total);
        for (Part& part : parts)
            appendPart(part, chunk);
    }

    static constexpr qint64 kParallelBytes = 1024 * 1024;

    // Fills the buffer from offset; when indexing, the two halves are read on two cores (the
    // copy from the page cache is a tenth of the work, and would otherwise leave a core idle).
    qint64 readBlock(int fd, qint64 offset)
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

    // The lines of one part of a block, and what the index keeps of each.
    struct Part
    {
        std::vector<qint64> ends;
        std::vector<LineRecord> records;  // pods numbered in this part's own table
        std::vector<qint64> times;
        PodTable pods;
    };

    void parsePart(const char* data, qint64 size, qint64 base, Part& part, ParsedLine& parsed) const
    {
        scanLineEnds(data, size, base, part.ends);
        const size_t count = part.ends.size();
        part.records.resize(count);
        part.times.resize(count);
        qint64 begin = base;
        QByteArrayView lastPod;
        quint16 lastId = LineRecord::kNoPod;
        for (size_t i = 0; i < count; ++i) {
            const qint64 end = std::min(part.ends[i] - 1, begin + lineCap_);  // drop '\n'
            const QByteArrayView line(data + (begin - base), end - begin);
            AccessLogParser::parse(line, parsed);
            LineRecord& r = part.records[i];
            r = makeRecord(parsed, line, nullptr, &part.times[i]);
            if (parsed.has(Field::Pod)) {
                // Pods come in runs: only a new name is looked up.
                const QByteArrayView pod = parsed.view(line, Field::Pod);
                if (pod != lastPod) {
                    lastPod = pod;
                    lastId = part.pods.intern(pod);
                }
                r.pod = lastId;
            }
            begin = part.ends[i];
        }
    }

    // Appends a part's lines to the chunk, its pods renumbered in the scanner's table (the
    // table is not shared between threads; a part holds a handful of pods).
    void appendPart(Part& part, ScanChunk& chunk)
    {
        std::array<quint16, 64> small{};
        std::vector<quint16> large;
        quint16* map = small.data();
        if (part.pods.size() > qsizetype(small.size())) {
            large.resize(size_t(part.pods.size()));
            map = large.data();
        }
        for (qsizetype i = 0; i < part.pods.size(); ++i)
            map[i] = pods_.intern(part.pods.name(quint16(i)));
        if (chunk.ends.capacity() == 0) {  // the only part: its vectors become the chunk's
            chunk.ends = std::move(part.ends);
            chunk.records = std::move(part.records);
            chunk.times = std::move(part.times);
            for (LineRecord& r : chunk.records) {
                if (r.pod != LineRecord::kNoPod)
                    r.pod = map[r.pod];
            }
            return;
        }
        chunk.ends.insert(chunk.ends.end(), part.ends.begin(), part.ends.end());
        chunk.times.insert(chunk.times.end(), part.times.begin(), part.times.end());
        for (LineRecord r : part.records) {
            if (r.pod != LineRecord::kNoPod)
                r.pod = map[r.pod];
            chunk.records.push_back(r);
        }
    }

    bool indexing_;
    PodTable pods_;
    qsizetype podsReported_ = 0;
    qint64 lineCap_;
    std::unique_ptr<char[]> buffer_;
    qint64 capacity_;
    qint64 longLineEnd_ = -1;
    ParsedLine parsed_;
};

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

}  // namespace

LogFile::LogFile(QObject* parent)
    : QObject(parent)
    , cache_(kCacheBlocks)
{
    pollTimer_.setInterval(kDefaultPollMs);
    connect(&pollTimer_, &QTimer::timeout, this, &LogFile::poll);
}

LogFile::~LogFile()
{
    close();
}

void LogFile::setState(State state)
{
    state_ = state;
}

bool LogFile::open(const QString& path)
{
    close();
    path_ = path;
    const QFileInfo info(path);
    if (info.isDir()) {
        error_ = tr("%1 is a folder, not a log file.").arg(path);
        setState(State::Failed);
        return false;
    }
    struct stat pathStat
    {};
    if (::stat(QFile::encodeName(path).constData(), &pathStat) == 0 && !S_ISREG(pathStat.st_mode)) {
        // A FIFO would block open() until a writer comes; a device like /dev/zero never ends.
        error_ = tr("%1 is not a regular file (a pipe, socket or device): the viewer reads files. "
                    "Use 'obslab logs %1' to read a stream, or save it to a file first.")
                     .arg(path);
        setState(State::Failed);
        return false;
    }
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        error_ = e == ENOENT ? tr("%1 does not exist.").arg(path)
                             : tr("Cannot open %1: %2.").arg(path, errnoText(e));
        setState(State::Failed);
        return false;
    }
    struct stat st
    {};
    ::fstat(fd, &st);
    sizeOnDisk_ = st.st_size;

    Segment segment;
    segment.path = path;
    segment.dev = st.st_dev;
    segment.ino = st.st_ino;
    compressed_ = isGzip(fd);
    if (compressed_) {
        QString error;
        const int tmp = anonymousTempFile("inflated", &error);
        if (tmp < 0) {
            ::close(fd);
            error_ = tr("Cannot open %1: %2").arg(path, error);
            setState(State::Failed);
            return false;
        }
        segment.fd = tmp;
        segment.temporary = true;
        segments_.push_back(std::move(segment));
        cancel_ = std::make_shared<std::atomic<bool>>(false);
        setState(State::Indexing);
        jobRunning_ = true;
        const quint64 generation = generation_;
        auto cancel = cancel_;
        const Publish publish = publisher(generation, 0);
        auto scanner = std::make_shared<Scanner>(indexing_, pods_, lineCap_);
        job_ = QtConcurrent::run([this, fd, tmp, cancel, publish, generation, scanner] {
            QString message = inflateGzip(fd, tmp, *scanner, *cancel, publish);
            ::close(fd);
            QMetaObject::invokeMethod(
                this, [this, generation, message] { onJobFinished(generation, 0, message); },
                Qt::QueuedConnection);
        });
        return true;
    }

    segment.fd = fd;
    segments_.push_back(std::move(segment));
    startScan(0, 0);
    return true;
}

bool LogFile::openTemporary(int fd, const QString& displayName)
{
    close();
    path_ = displayName;
    struct stat st
    {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            ::close(fd);
        error_ = tr("%1: the temporary file is not readable.").arg(displayName);
        setState(State::Failed);
        return false;
    }
    sizeOnDisk_ = st.st_size;
    Segment segment;
    segment.fd = fd;
    segment.path = displayName;
    segment.dev = st.st_dev;
    segment.ino = st.st_ino;
    segment.temporary = true;
    segments_.push_back(std::move(segment));
    startScan(0, 0);
    return true;
}

void LogFile::checkNow()
{
    if (state_ == State::Closed || state_ == State::Failed || !following_)
        return;
    if (jobRunning_) {
        checkPending_ = true;
        return;
    }
    poll();
}

std::function<void(ScanChunk&&)> LogFile::publisher(quint64 generation, int segment)
{
    return [this, generation, segment](ScanChunk&& chunk) {
        QMetaObject::invokeMethod(
            this,
            [this, generation, segment, chunk = std::move(chunk)]() mutable {
                onChunk(generation, segment, chunk);
                if (generation == generation_)
                    Q_EMIT progressChanged(chunk.done, chunk.total);
            },
            Qt::QueuedConnection);
    };
}

void LogFile::startScan(int segment, qint64 from)
{
    Segment& s = segments_[size_t(segment)];
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    setState(State::Indexing);
    jobRunning_ = true;
    const quint64 generation = generation_;
    const int fd = s.fd;
    auto cancel = cancel_;
    const Publish publish = publisher(generation, segment);
    auto scanner = std::make_shared<Scanner>(indexing_, pods_, lineCap_);
    job_ = QtConcurrent::run([this, fd, from, cancel, publish, generation, segment, scanner] {
        struct stat st
        {};
        const qint64 total = ::fstat(fd, &st) == 0 ? qint64(st.st_size) : 0;
        const auto progress = [total](ScanChunk& chunk) {
            chunk.done = chunk.scannedEnd;
            chunk.total = std::max(total, chunk.scannedEnd);
        };
        QString error = scanner->scan(fd, from, *cancel, publish, progress);
        QMetaObject::invokeMethod(
            this, [this, generation, segment, error] { onJobFinished(generation, segment, error); },
            Qt::QueuedConnection);
    });
}

qint64 LogFile::segmentLineCount(const Segment& s) const
{
    const qint64 lastEnd = s.ends.empty() ? 0 : s.ends.back();
    return qint64(s.ends.size()) + (s.scannedEnd > lastEnd ? 1 : 0);
}

void LogFile::onChunk(quint64 generation, int segment, ScanChunk& chunk)
{
    if (generation != generation_ || segment >= int(segments_.size()))
        return;
    Segment& s = segments_[size_t(segment)];
    const qint64 before = segmentLineCount(s);
    const qint64 lastEndBefore = s.ends.empty() ? 0 : s.ends.back();
    const qint64 scannedBefore = s.scannedEnd;
    const bool hadTail = scannedBefore > lastEndBefore;
    if (chunk.scannedEnd > s.scannedEnd || !chunk.ends.empty()) {
        // Blocks read at the old end of file were short: drop them so the new bytes show.
        const quint64 firstStale = quint64(lastEndBefore / kCacheBlockSize);
        const QList<quint64> keys = cache_.keys();
        for (quint64 key : keys) {
            if ((key >> 40) == quint64(segment) && (key & ((1ULL << 40) - 1)) >= firstStale)
                cache_.remove(key);
        }
    }
    for (const QByteArray& pod : std::as_const(chunk.newPods))
        pods_.intern(pod);
    const qint64 firstNew = s.firstLine + qint64(s.ends.size());
    s.ends.append(chunk.ends.begin(), chunk.ends.end());
    for (size_t i = 0; i < chunk.records.size(); ++i) {
        LineRecord r = chunk.records[i];
        r.timeOffsetMs = times_.encode(chunk.times[i], firstNew + qint64(i));
        s.records.push_back(r);
    }
    s.tail = LineRecord();
    if (chunk.hasTail && indexing_) {
        s.tail = chunk.tail;
        s.tail.timeOffsetMs = times_.encode(chunk.tailTime, s.firstLine + qint64(s.ends.size()));
    }
    s.scannedEnd = std::max(s.scannedEnd, chunk.scannedEnd);
    sizeOnDisk_ = compressed_ ? sizeOnDisk_ : std::max(sizeOnDisk_, chunk.total);
    const qint64 after = segmentLineCount(s);
    lineCount_ += after - before;
    if (hadTail && s.scannedEnd > scannedBefore)
        Q_EMIT lastLineChanged(s.firstLine + before - 1);
    if (after > before)
        Q_EMIT linesAppended(s.firstLine + before, after - before);
}

void LogFile::onJobFinished(quint64 generation, int segment, QString error)
{
    Q_UNUSED(segment);
    if (generation != generation_)
        return;
    jobRunning_ = false;
    if (!error.isEmpty()) {
        endedEarly_ = error == QLatin1String(kGzipCutOff);
        error_ = endedEarly_
                     ? tr("%1: the file ends early after %2 lines: %3. The lines before "
                          "are shown; the rest is lost.")
                           .arg(path_)
                           .arg(lineCount_)
                           .arg(error)
                     : tr("%1: %2. The lines read before that are shown.").arg(path_, error);
        qCDebug(lcLogs) << error_;  // said once, by whoever handles failed()
        setState(State::Failed);
        Q_EMIT failed(error_);
        Q_EMIT indexingFinished();
        return;
    }
    setState(State::Ready);
    Q_EMIT indexingFinished();
    if (following_ && !compressed_ && !cancel_->load()) {
        pollTimer_.start();
        if (checkPending_) {
            checkPending_ = false;
            poll();
        }
    }
}

void LogFile::cancelIndexing()
{
    if (cancel_)
        cancel_->store(true);
    pollTimer_.stop();
}

void LogFile::setFollowing(bool following)
{
    following_ = following;
    if (!following)
        pollTimer_.stop();
    else if (state_ == State::Ready && !compressed_)
        pollTimer_.start();
}

void LogFile::poll()
{
    if (jobRunning_ || segments_.empty() || compressed_)
        return;
    const int last = int(segments_.size()) - 1;
    Segment& s = segments_.back();
    struct stat st
    {};
    if (::fstat(s.fd, &st) != 0)
        return;
    const qint64 size = st.st_size;
    sizeOnDisk_ = size;
    if (size < s.scannedEnd) {
        const QString reason =
            tr("%1 was truncated (it shrank from %2 to %3 bytes); reading it again from the start.")
                .arg(path_)
                .arg(s.scannedEnd)
                .arg(size);
        const QString path = path_;
        const bool following = following_;
        close();
        Q_EMIT reset(reason);
        following_ = following;
        if (!open(path))
            Q_EMIT failed(error_);
        return;
    }
    if (size > s.scannedEnd) {
        // Resume at the start of the last, unfinished line so it is completed, not duplicated.
        startScan(last, s.ends.empty() ? 0 : s.ends.back());
        return;
    }
    // Everything written to the open file has been read: has the path moved on to a new file?
    if (s.temporary)
        return;  // ours: it has no path to move
    struct stat pathStat
    {};
    if (::stat(QFile::encodeName(path_).constData(), &pathStat) != 0)
        return;  // deleted: keep what we have and wait for it to come back
    if (quint64(pathStat.st_dev) == s.dev && quint64(pathStat.st_ino) == s.ino)
        return;
    const int fd = ::open(QFile::encodeName(path_).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    Segment next;
    next.fd = fd;
    next.path = path_;
    next.dev = pathStat.st_dev;
    next.ino = pathStat.st_ino;
    next.firstLine = lineCount_;
    segments_.push_back(std::move(next));
    Q_EMIT rotated(tr("%1 was rotated: the %2 lines read so far are kept, new lines come from the "
                      "new file.")
                       .arg(path_)
                       .arg(lineCount_));
    startScan(int(segments_.size()) - 1, 0);
}

qint64 LogFile::bytesIndexed() const
{
    qint64 total = 0;
    for (const Segment& s : segments_)
        total += s.scannedEnd;
    return total;
}

int LogFile::segmentOfLine(qint64 index) const
{
    int found = 0;
    for (int i = 0; i < int(segments_.size()); ++i) {
        if (segments_[size_t(i)].firstLine <= index)
            found = i;
        else
            break;
    }
    return found;
}

LineRecord LogFile::record(qint64 index) const
{
    if (index < 0 || index >= lineCount_ || segments_.empty() || !indexing_)
        return {};
    const Segment& s = segments_[size_t(segmentOfLine(index))];
    const qint64 local = index - s.firstLine;
    return local < s.records.size() ? s.records[local] : s.tail;
}

qint64 LogFile::timeMs(qint64 index) const
{
    return times_.timeMs(record(index), index);
}

LogFile::Snapshot LogFile::snapshot() const
{
    Snapshot snap;
    snap.lineCount = lineCount_;
    snap.indexed = indexing_;
    snap.lineCap = lineCap_;
    snap.pods = pods_;
    snap.times = times_;
    for (const Segment& s : segments_) {
        Snapshot::Segment v;
        v.fd = s.fd;
        v.firstLine = s.firstLine;
        v.ends = s.ends.view();
        v.records = s.records.view();
        v.tail = s.tail;
        v.scannedEnd = s.scannedEnd;
        v.lineCount = segmentLineCount(s);
        snap.segments.push_back(std::move(v));
    }
    return snap;
}

qint64 LogFile::indexBytes() const
{
    qint64 total = 0;
    for (const Segment& s : segments_)
        total += s.ends.bytesAllocated() + s.records.bytesAllocated();
    return total;
}

void LogFile::closeSegments()
{
    for (Segment& s : segments_) {
        if (s.fd >= 0)
            ::close(s.fd);
    }
    segments_.clear();
    cache_.clear();
}

void LogFile::close()
{
    if (!segments_.empty())
        Q_EMIT aboutToClose();
    pollTimer_.stop();
    if (cancel_)
        cancel_->store(true);
    // The worker checks the flag after every block, so this wait is at most one block's read.
    job_.waitForFinished();
    jobRunning_ = false;
    checkPending_ = false;
    ++generation_;  // chunks still queued from the old job are ignored
    closeSegments();
    pods_ = PodTable();
    times_.clear();
    lineCount_ = 0;
    sizeOnDisk_ = 0;
    compressed_ = false;
    endedEarly_ = false;
    error_.clear();
    setState(State::Closed);
}

}  // namespace obslab
