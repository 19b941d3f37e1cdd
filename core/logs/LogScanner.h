#pragma once

#include "core/common/Allocator.h"
#include "core/logs/LineRecord.h"
#include "core/logs/ParsedLine.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace obslab {

// A share of a block's lines, as one worker found and indexed them.
struct ScanPart
{
    std::vector<qint64> ends;         // offset just past each line's '\n', ascending
    std::vector<LineRecord> records;  // (when indexing) records[i] is the line ending at ends[i]
    std::vector<qint64> times;        // its time (absolute ms), encoded by the owner
    std::vector<quint16> pods;        // a record's pod number → the owner's; empty: the same
};

// Parts that went round once, for the scanner to fill again: their vectors keep their capacity,
// so indexing a big file does not allocate (and fault in) fresh memory for every block. Holds at
// most two blocks' worth. Thread-safe.
class ScanPartPool
{
public:
    // n parts, empty, with whatever capacity they had.
    std::vector<ScanPart> take(size_t n);
    void give(std::vector<ScanPart>&& parts);

private:
    static constexpr size_t kKept = 16;
    static constexpr size_t kKeptLines = 1 << 16;  // per part (~4 MiB of vectors)
    std::mutex mutex_;
    std::vector<ScanPart> free_;
};

// One published batch of work: a block's line ends, and (when indexing) one record per complete
// line, in parts that the owner appends in order (joining them first would copy them twice).
// When it is destroyed, its parts go back to the pool they came from.
struct ScanChunk
{
    ScanChunk() = default;
    ScanChunk(ScanChunk&&) = default;
    ScanChunk& operator=(ScanChunk&&) = delete;  // would drop the target's parts
    ~ScanChunk()
    {
        if (pool)
            pool->give(std::move(parts));
    }

    std::vector<ScanPart> parts;
    std::shared_ptr<ScanPartPool> pool;
    bool hasTail = false;  // a last line without newline at end of file
    LineRecord tail;
    qint64 tailTime = ParsedLine::kMissing;
    QList<QByteArray> newPods;  // pod names first seen in this chunk, in id order
    qint64 scannedEnd = 0;
    qint64 done = 0;
    qint64 total = 0;

    // The offset past the chunk's last complete line, or -1 when it has none.
    qint64 lastEnd() const
    {
        for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
            if (!it->ends.empty())
                return it->ends.back();
        }
        return -1;
    }
};

// The worker side of LogFile's index: finds line ends and parses lines of a file descriptor,
// publishing ScanChunks; LogFile owns the results on its thread.
namespace logscan {

using Publish = std::function<void(ScanChunk&&)>;

// Worker side of the index: reads blocks that start on a line boundary, finds the complete lines
// and parses them (on two cores when there are enough), and publishes each block's results.
class Scanner
{
public:
    Scanner(bool indexing, PodTable pods, qint64 lineCap);

    // Scans [from, EOF) of fd, where EOF is what pread finds now. Returns an error or "".
    QString scan(int fd, qint64 from, const std::atomic<bool>& cancel, const Publish& publish,
                 const std::function<void(ScanChunk&)>& progress);

private:
    LineRecord parseOne(QByteArrayView line, qint64* time);

    // buffer holds the first capacity_ bytes of a line that starts at offset and has no '\n' in
    // them. Parses its first lineCap_ bytes, then reads on (reusing the buffer) to the '\n' and
    // publishes the line. longLineEnd_ is the offset past its '\n', or -1 when the file ends
    // first (the line is then published as the unfinished last line) or on cancel.
    QString skipLongLine(int fd, char* buffer, qint64 offset, const std::atomic<bool>& cancel,
                         const Publish& publish, const std::function<void(ScanChunk&)>& progress);

    void takeNewPods(ScanChunk& chunk);
    void prepareBuffers(int fd, qint64 from);

    // One block read into buffer from offset: whole, or as two halves that two threads read
    // (pieces() of them, each by read(k)); then bytes is what was read (or -1), error its errno.
    struct BlockRead
    {
        int fd = -1;
        char* buffer = nullptr;
        qint64 offset = 0;
        qint64 capacity = 0;
        bool split = false;
        std::array<qint64, 2> got{};
        std::array<int, 2> errors{};
        qint64 bytes = 0;
        int error = 0;

        int pieces() const { return split ? 2 : 1; }
        void read(int k);
        void join();  // after every piece was read
    };

    // Line ends of data[0, size) (which ends with '\n'), and their records; with ahead, the next
    // block is read meanwhile.
    void collect(const char* data, qint64 size, qint64 base, ScanChunk& chunk, BlockRead* ahead);

    static constexpr qint64 kParallelBytes = 1024 * 1024;

    // Whether reading capacity_ bytes at offset is worth two cores: a big file's block when
    // indexing (the copy from the page cache is a tenth of the work), not a follow's few lines.
    bool splitRead(int fd, qint64 offset) const;
    // Fills buffer from offset, its halves on two cores when splitRead says so.
    qint64 readBlock(int fd, char* buffer, qint64 offset);

    void parsePart(const char* data, qint64 size, qint64 base, ScanPart& part, PodTable& pods,
                   ParsedLine& parsed) const;

    // The scanner's pod numbers for a part's own (tables are not shared between threads; a part
    // holds a handful of pods). Numbered here, in file order.
    std::vector<quint16> podMap(const PodTable& pods);

    bool indexing_;
    PodTable pods_;
    qsizetype podsReported_ = 0;
    qint64 lineCap_;
    qint64 capacity_;
    // Two blocks when indexing: the next one is read while this one is parsed.
    std::array<LargeArray<char>, 2> buffers_;
    bool hugeBuffers_ = false;
    std::shared_ptr<ScanPartPool> partPool_ = std::make_shared<ScanPartPool>();
    qint64 longLineEnd_ = -1;
    ParsedLine parsed_;
};

// True when fd starts with the gzip magic bytes.
bool isGzip(int fd);

// inflateGzip's error when the gzip data ends before its last member does.
inline constexpr const char* kGzipCutOff = "the gzip data is cut off";

// Worker: inflates a gzip stream (several members allowed) from in into out, indexing the
// inflated bytes as they come.
QString inflateGzip(int in, int out, Scanner& scanner, const std::atomic<bool>& cancel,
                    const Publish& publish);

}  // namespace logscan

}  // namespace obslab
