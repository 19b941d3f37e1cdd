#pragma once

#include "core/logs/LineRecord.h"
#include "core/logs/ParsedLine.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

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

    // The buffer holds the first capacity_ bytes of a line that starts at offset and has no
    // '\n' in them. Parses its first lineCap_ bytes, then reads on (reusing the buffer) to the
    // '\n' and publishes the line. longLineEnd_ is the offset past its '\n', or -1 when the
    // file ends first (the line is then published as the unfinished last line) or on cancel.
    QString skipLongLine(int fd, qint64 offset, const std::atomic<bool>& cancel,
                         const Publish& publish, const std::function<void(ScanChunk&)>& progress);

    void takeNewPods(ScanChunk& chunk);

    // Line ends of data[0, size) (which ends with '\n'), and their records.
    void collect(const char* data, qint64 size, qint64 base, ScanChunk& chunk);

    static constexpr qint64 kParallelBytes = 1024 * 1024;

    // Fills the buffer from offset; when indexing, the two halves are read on two cores (the
    // copy from the page cache is a tenth of the work, and would otherwise leave a core idle).
    qint64 readBlock(int fd, qint64 offset);

    // The lines of one part of a block, and what the index keeps of each.
    struct Part
    {
        std::vector<qint64> ends;
        std::vector<LineRecord> records;  // pods numbered in this part's own table
        std::vector<qint64> times;
        PodTable pods;
    };

    void parsePart(const char* data, qint64 size, qint64 base, Part& part,
                   ParsedLine& parsed) const;

    std::vector<quint16> podMap(const Part& part);
    void adoptPart(Part& part, ScanChunk& chunk);

    bool indexing_;
    PodTable pods_;
    qsizetype podsReported_ = 0;
    qint64 lineCap_;
    std::unique_ptr<char[]> buffer_;
    qint64 capacity_;
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
