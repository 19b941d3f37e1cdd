#include "core/logs/LogFile.h"

#include "core/logs/LogScanner.h"

#include "core/common/Logging.h"
#include "core/logs/FileRead.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

using logscan::Publish;
using logscan::Scanner;

namespace {

constexpr int kDefaultPollMs = 1000;

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
    compressed_ = logscan::isGzip(fd);
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
            QString message = logscan::inflateGzip(fd, tmp, *scanner, *cancel, publish);
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
    if (chunk.scannedEnd > s.scannedEnd || chunk.lastEnd() >= 0) {
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
    for (const ScanPart& part : chunk.parts) {
        const qint64 firstNew = s.firstLine + qint64(s.ends.size());
        s.ends.append(part.ends.begin(), part.ends.end());
        for (size_t i = 0; i < part.records.size(); ++i) {
            LineRecord r = part.records[i];
            if (r.pod != LineRecord::kNoPod && !part.pods.empty())
                r.pod = part.pods[r.pod];
            r.timeOffsetMs = times_.encode(part.times[i], firstNew + qint64(i));
            s.records.push_back(r);
        }
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
        endedEarly_ = error == QLatin1String(logscan::kGzipCutOff);
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
