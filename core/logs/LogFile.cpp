#include "LogFile.h"

#include "common/Logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

constexpr int kDefaultPollMs = 1000;
constexpr qint64 kGzipInputBlock = 1024 * 1024;

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// pread until `size` bytes or EOF; retries on EINTR. Returns bytes read or -1.
qint64 preadFully(int fd, char* buffer, qint64 size, qint64 offset)
{
    qint64 done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, buffer + done, size_t(size - done), off_t(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return done > 0 ? done : -1;
        }
        if (n == 0)
            break;
        done += n;
    }
    return done;
}

bool pwriteFully(int fd, const char* buffer, qint64 size, qint64 offset)
{
    qint64 done = 0;
    while (done < size) {
        const ssize_t n = ::pwrite(fd, buffer + done, size_t(size - done), off_t(offset + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        done += n;
    }
    return true;
}

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

// An unlinked temporary file: gone from the disk as soon as it is closed, even after a crash.
int anonymousTempFile(QString* error)
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    if (dir.isEmpty() || !QDir().mkpath(dir))
        dir = QDir::tempPath();
    QByteArray pattern = QFile::encodeName(dir + u"/obslab-inflated-XXXXXX"_s);
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
        *error = u"cannot create a temporary file in %1: %2"_s.arg(dir, errnoText(errno));
        return -1;
    }
    ::unlink(pattern.constData());
    return fd;
}

using Publish =
    std::function<void(std::vector<qint64>&& ends, qint64 scannedEnd, qint64 done, qint64 total)>;

// Worker: finds line ends in [from, EOF) of fd. Returns an error message or an empty string.
QString scanPlain(int fd, qint64 from, const std::atomic<bool>& cancel, const Publish& publish)
{
    struct stat st
    {};
    const qint64 total = ::fstat(fd, &st) == 0 ? qint64(st.st_size) : 0;
    std::unique_ptr<char[]> buffer(new char[size_t(LogFile::kBlockSize)]);
    qint64 offset = from;
    std::vector<qint64> ends;
    while (!cancel.load(std::memory_order_relaxed)) {
        const qint64 n = preadFully(fd, buffer.get(), LogFile::kBlockSize, offset);
        if (n < 0)
            return u"read error at byte %1: %2"_s.arg(offset).arg(errnoText(errno));
        if (n == 0)
            break;
        scanLineEnds(buffer.get(), n, offset, ends);
        offset += n;
        publish(std::move(ends), offset, offset, std::max(total, offset));
        ends.clear();
        if (n < LogFile::kBlockSize)
            break;
    }
    return {};
}

// Worker: inflates a gzip stream (several members allowed) from in into out, finding line ends
// in the inflated bytes as they come.
QString inflateGzip(int in, int out, const std::atomic<bool>& cancel, const Publish& publish)
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
    bool streamEnded = false;
    QString error;
    std::vector<qint64> ends;
    while (!cancel.load(std::memory_order_relaxed)) {
        if (zs.avail_in == 0) {
            const qint64 n = preadFully(in, input.get(), kGzipInputBlock, inOffset);
            if (n < 0) {
                error = u"read error: %1"_s.arg(errnoText(errno));
                break;
            }
            if (n == 0) {
                if (!streamEnded)
                    error = u"the gzip data ends early (the file is truncated)"_s;
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
            scanLineEnds(output.get(), produced, outOffset, ends);
            outOffset += produced;
            publish(std::move(ends), outOffset, inOffset - zs.avail_in, total);
            ends.clear();
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
    return error;
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
        const int tmp = anonymousTempFile(&error);
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
        const Publish publish = [this, generation](std::vector<qint64>&& ends, qint64 scannedEnd,
                                                   qint64 done, qint64 total) {
            QMetaObject::invokeMethod(
                this,
                [this, generation, ends = std::move(ends), scannedEnd, done, total]() mutable {
                    onChunk(generation, 0, std::move(ends), scannedEnd, total);
                    if (generation == generation_)
                        Q_EMIT progressChanged(done, total);
                },
                Qt::QueuedConnection);
        };
        job_ = QtConcurrent::run([this, fd, tmp, cancel, publish, generation] {
            QString message = inflateGzip(fd, tmp, *cancel, publish);
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

void LogFile::startScan(int segment, qint64 from)
{
    Segment& s = segments_[size_t(segment)];
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    setState(State::Indexing);
    jobRunning_ = true;
    const quint64 generation = generation_;
    const int fd = s.fd;
    auto cancel = cancel_;
    const Publish publish = [this, generation, segment](std::vector<qint64>&& ends,
                                                        qint64 scannedEnd, qint64 done,
                                                        qint64 total) {
        QMetaObject::invokeMethod(
            this,
            [this, generation, segment, ends = std::move(ends), scannedEnd, done, total]() mutable {
                onChunk(generation, segment, std::move(ends), scannedEnd, total);
                if (generation == generation_)
                    Q_EMIT progressChanged(done, total);
            },
            Qt::QueuedConnection);
    };
    job_ = QtConcurrent::run([this, fd, from, cancel, publish, generation, segment] {
        QString error = scanPlain(fd, from, *cancel, publish);
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

void LogFile::onChunk(quint64 generation, int segment, std::vector<qint64> ends, qint64 scannedEnd,
                      qint64 total)
{
    if (generation != generation_ || segment >= int(segments_.size()))
        return;
    Segment& s = segments_[size_t(segment)];
    const qint64 before = segmentLineCount(s);
    const qint64 lastEndBefore = s.ends.empty() ? 0 : s.ends.back();
    const qint64 scannedBefore = s.scannedEnd;
    const bool hadTail = scannedBefore > lastEndBefore;
    if (scannedEnd > s.scannedEnd || !ends.empty()) {
        // Blocks read at the old end of file were short: drop them so the new bytes show.
        const quint64 firstStale = quint64(lastEndBefore / kCacheBlockSize);
        const QList<quint64> keys = cache_.keys();
        for (quint64 key : keys) {
            if ((key >> 40) == quint64(segment) && (key & ((1ULL << 40) - 1)) >= firstStale)
                cache_.remove(key);
        }
    }
    s.ends.insert(s.ends.end(), ends.begin(), ends.end());
    s.scannedEnd = std::max(s.scannedEnd, scannedEnd);
    sizeOnDisk_ = compressed_ ? sizeOnDisk_ : std::max(sizeOnDisk_, total);
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
        error_ = tr("%1: %2. The lines read before that are shown.").arg(path_, error);
        qCWarning(lcLogs) << error_;
        setState(State::Failed);
        Q_EMIT failed(error_);
        Q_EMIT indexingFinished();
        return;
    }
    setState(State::Ready);
    Q_EMIT indexingFinished();
    if (following_ && !compressed_ && !cancel_->load())
        pollTimer_.start();
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
    const qint64 begin = local == 0 ? 0 : s.ends[size_t(local - 1)];
    const qint64 end = local < qint64(s.ends.size()) ? s.ends[size_t(local)] : s.scannedEnd;
    QByteArray bytes = readRange(s, segment, begin, end);
    if (bytes.endsWith('\n'))
        bytes.chop(1);
    if (bytes.endsWith('\r'))
        bytes.chop(1);
    return bytes;
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
    pollTimer_.stop();
    if (cancel_)
        cancel_->store(true);
    // The worker checks the flag after every block, so this wait is at most one block's read.
    job_.waitForFinished();
    jobRunning_ = false;
    ++generation_;  // chunks still queued from the old job are ignored
    closeSegments();
    lineCount_ = 0;
    sizeOnDisk_ = 0;
    compressed_ = false;
    error_.clear();
    setState(State::Closed);
}

}  // namespace obslab
