#pragma once

#include "core/logs/ChunkedVector.h"
#include "core/logs/LineEnds.h"
#include "core/logs/LineRecord.h"
#include "core/logs/RecordStore.h"

#include <QByteArray>
#include <QCache>
#include <QFuture>
#include <QObject>
#include <QString>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace obslab {

struct ScanChunk;  // a batch of index results from the worker (LogFile.cpp)

// A log file on disk (plain or gzip) as numbered lines, never loaded whole.
//
// open() returns at once; a worker thread finds the line ends with large pread() blocks, parses
// every line into a compact LineRecord (unless setIndexing(false)) and publishes them in chunks
// (linesAppended), so the first screen is readable long before the end.
// line() re-reads rows on demand through a bounded block cache. pread, not mmap: a mapped file
// that shrinks kills the process with SIGBUS; a read just returns less.
//
// While following (the default for plain files) the file is polled: appended lines arrive with
// linesAppended (a last line without newline is a line too, and lastLineChanged() says when it
// grew); a rotated file (the path now names another file) keeps every line read so far — the old
// file stays open — and continues with the new one; a truncated one resets the lines.
// A gzip file is inflated once, in the background, into a private temporary file.
// Lives on the thread that created it (the GUI thread); all signals are emitted there.
class LogFile : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Closed,
        Indexing,
        Ready,
        Failed
    };
    Q_ENUM(State)

    explicit LogFile(QObject* parent = nullptr);
    ~LogFile() override;  // cancels indexing and waits for the worker's current block

    // Starts indexing path. False (with errorString()) when it cannot be opened at all:
    // missing, a directory, unreadable.
    bool open(const QString& path);
    // Takes ownership of fd, an already unlinked temporary file that someone else keeps writing
    // (live logs, a merge): it is followed like a growing file, never checked for rotation, and
    // shown as displayName. False when fd is not a readable regular file.
    bool openTemporary(int fd, const QString& displayName);
    void close();
    void cancelIndexing();  // what is indexed stays available

    // Whether lines are parsed into records (default) or only counted; set before open().
    void setIndexing(bool indexing) { indexing_ = indexing; }
    bool isIndexing() const { return indexing_; }

    void setFollowing(bool following);
    bool isFollowing() const { return following_; }
    void setPollInterval(int ms) { pollTimer_.setInterval(ms); }
    // Looks for appended lines now instead of at the next poll (a writer that just flushed).
    void checkNow();

    QString path() const { return path_; }
    State state() const { return state_; }
    QString errorString() const { return error_; }
    // The file (a gzip one) ended in the middle of its data: the lines before were read.
    bool endedEarly() const { return endedEarly_; }
    bool isCompressed() const { return compressed_; }

    qint64 lineCount() const { return lineCount_; }
    qint64 bytesIndexed() const;
    qint64 sizeOnDisk() const { return sizeOnDisk_; }

    // The line's bytes without its '\n' (and a '\r' before it), at most lineCap() of them.
    // Empty when out of range or no longer readable. Reads through the block cache (GUI thread;
    // one pread per missing block).
    QByteArray line(qint64 index) const;
    // The line's whole length in bytes, without its '\n' (-1 when out of range), and whether it
    // is longer than the cap (then line() and the index see only its first lineCap() bytes).
    qint64 lineLength(qint64 index) const;
    bool isTruncated(qint64 index) const { return lineLength(index) > lineCap_; }
    // Up to size bytes of the whole line from offset (the whole-line viewer reads a long line in
    // such parts, never whole). Bypasses the cache.
    QByteArray linePart(qint64 index, qint64 offset, qint64 size) const;

    // Line-length policy: a line longer than the cap is indexed, parsed, searched and shown by
    // its first lineCap() bytes (its length is kept), so no line costs more memory than that.
    // The cap is taken from defaultLineCap() when the LogFile is created.
    qint64 lineCap() const { return lineCap_; }
    void setLineCap(qint64 bytes);  // before open()
    static void setDefaultLineCap(qint64 bytes);
    static qint64 defaultLineCap();
    static constexpr qint64 kDefaultLineCap = 1024 * 1024;

    // The line's index record (default-constructed when not indexing or out of range), its
    // time in UTC ms since the epoch (ParsedLine::kMissing when it has none), and pod names.
    LineRecord record(qint64 index) const;
    qint64 timeMs(qint64 index) const;
    const PodTable& pods() const { return pods_; }
    // What a worker needs to read lines [0, lineCount) and their records from another thread.
    // Valid until the file is closed or reset: aboutToClose() is emitted first (direct
    // connections let a worker's owner cancel and wait).
    struct Snapshot
    {
        struct Segment
        {
            int fd = -1;
            qint64 firstLine = 0;
            LineEndsView ends;
            RecordStoreView records;
            LineRecord tail;
            qint64 scannedEnd = 0;
            qint64 lineCount = 0;
        };
        std::vector<Segment> segments;
        qint64 lineCount = 0;
        bool indexed = false;
        qint64 lineCap = kDefaultLineCap;  // read at most this much of a line
        PodTable pods;
        LineTimes times;
        // [begin, end) byte range of a line in its segment.
        std::pair<qint64, qint64> range(const Segment& s, qint64 local) const
        {
            const qint64 begin = local == 0 ? 0 : s.ends[local - 1];
            const qint64 end = local < s.ends.size() ? s.ends[local] : s.scannedEnd;
            return {begin, end};
        }
        // The same range cut to the line's first lineCap bytes (with its '\n' when not cut).
        std::pair<qint64, qint64> cappedRange(const Segment& s, qint64 local) const
        {
            const auto [begin, end] = range(s, local);
            return {begin, std::min(end, begin + lineCap)};
        }
        LineRecord record(const Segment& s, qint64 local) const
        {
            return !indexed ? LineRecord() : local < s.records.size() ? s.records[local] : s.tail;
        }
    };
    Snapshot snapshot() const;

    // Bytes the index itself holds (line offsets and records), for the memory budget.
    qint64 indexBytes() const;

    // The scan unit; the scanner holds two (the next block is read while this one is parsed).
    static constexpr qint64 kBlockSize = 4 * 1024 * 1024;
    static constexpr qint64 kCacheBlockSize = 256 * 1024;  // display cache unit
    static constexpr int kCacheBlocks = 64;                // 16 MiB of cache

Q_SIGNALS:
    void linesAppended(qint64 first, qint64 count);
    void lastLineChanged(qint64 index);
    void progressChanged(qint64 bytesDone, qint64 bytesTotal);
    void indexingFinished();
    void reset(const QString& reason);
    void aboutToClose();  // snapshots become invalid right after this; stop readers now  // every
                          // line is gone (truncated file); indexing restarts
    void rotated(const QString& message);
    void failed(const QString& message);

private:
    struct Segment
    {
        int fd = -1;
        QString path;
        quint64 dev = 0;
        quint64 ino = 0;
        qint64 firstLine = 0;
        LineEnds ends;           // offset just past each complete line's '\n'
        RecordStore records;     // one per complete line, when indexing
        LineRecord tail;         // the last line without newline, if any
        qint64 scannedEnd = 0;   // bytes scanned (the file's size when the scan ended)
        bool temporary = false;  // inflated gzip, deleted on close
    };
    void startScan(int segment, qint64 from);
    std::function<void(ScanChunk&&)> publisher(quint64 generation, int segment);
    void onChunk(quint64 generation, int segment, ScanChunk& chunk);
    void onJobFinished(quint64 generation, int segment, QString error);
    void poll();
    void closeSegments();
    qint64 segmentLineCount(const Segment& s) const;
    int segmentOfLine(qint64 index) const;
    QByteArray readRange(const Segment& s, int segment, qint64 begin, qint64 end) const;
    void setState(State state);

    QString path_;
    QString error_;
    State state_ = State::Closed;
    bool compressed_ = false;
    bool endedEarly_ = false;
    bool following_ = true;
    bool indexing_ = true;
    qint64 lineCap_ = defaultLineCap();
    PodTable pods_;
    LineTimes times_;
    qint64 lineCount_ = 0;
    qint64 sizeOnDisk_ = 0;
    std::vector<Segment> segments_;
    QTimer pollTimer_;
    quint64 generation_ = 0;
    std::shared_ptr<std::atomic<bool>> cancel_;
    QFuture<void> job_;
    bool jobRunning_ = false;
    bool checkPending_ = false;  // checkNow() while a scan ran: look again when it ends
    mutable QCache<quint64, QByteArray> cache_;
};

}  // namespace obslab
