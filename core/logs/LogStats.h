#pragma once

#include "core/logs/LogFile.h"

#include <QMap>
#include <QString>

#include <array>
#include <atomic>
#include <map>
#include <vector>

namespace obslab {

// Figures over an indexed file, from the index alone (no line is read again): line kinds,
// status classes, response flags, requests per workload, latency percentiles and the time span.
// compute() and histogram() are pure and may run on any thread.
struct LogStats
{
    qint64 lines = 0;
    qint64 requests = 0;
    qint64 proxyLogs = 0;
    qint64 unknown = 0;
    std::array<qint64, 6> statusClasses{};  // [0] no response (0) or none, [1..5] 1xx..5xx
    QMap<QString, qint64> flags;            // "UF" → requests with that flag
    QMap<QString, qint64> workloads;        // "productpage-v1" → requests its sidecar logged
    qint64 p50Ms = -1;                      // of request durations; -1 when there are none
    qint64 p90Ms = -1;
    qint64 p99Ms = -1;
    qint64 firstMs = ParsedLine::kMissing;
    qint64 lastMs = ParsedLine::kMissing;

    static LogStats compute(const LogFile::Snapshot& snap, const std::atomic<bool>& cancel);

    // Requests per time bucket from startMs (the first line's time rounded down to the bucket)
    // to the last line's time.
    static std::vector<qint64> histogram(const LogFile::Snapshot& snap, qint64 bucketMs,
                                         qint64* startMs);

    // A Deployment's pod `reviews-v2-7f9b8c5d4-9xk2w` → `reviews-v2`; a StatefulSet's `db-0` and
    // anything else stay as they are.
    static QString workloadOfPod(const QString& pod);
};

// Counts lines one at a time into the figures of LogStats: compute() runs one per core over an
// index; `obslab logs --stats` runs one per worker over the lines it decodes as it reads them,
// keeping no index. A record's pod is a number in the caller's PodTable, named in result().
class StatsTally
{
public:
    void add(const LineRecord& r, qint64 timeMs);
    // Adds other's counts; podMap[i] is this tally's number of other's pod i (empty: the same).
    void merge(const StatsTally& other, const std::vector<quint16>& podMap = {});
    LogStats result(const PodTable& pods) const;

private:
    // Percentiles by counting, not by copying every duration: exact, and memory stays flat.
    static constexpr quint32 kDense = 1u << 16;  // durations under 65.5 s, nearly all of them

    qint64 lines_ = 0;
    qint64 requests_ = 0;
    qint64 proxyLogs_ = 0;
    qint64 unknown_ = 0;
    std::array<qint64, 6> statusClasses_{};
    quint32 flagBitsSeen_ = 0;
    std::array<qint64, 32> perFlagBit_{};
    std::vector<qint64> perPod_;
    std::vector<qint64> denseCounts_ = std::vector<qint64>(kDense, 0);
    std::map<quint32, qint64> sparseCounts_;
    qint64 durationCount_ = 0;
    qint64 firstMs_ = ParsedLine::kMissing;
    qint64 lastMs_ = ParsedLine::kMissing;
};

}  // namespace obslab
