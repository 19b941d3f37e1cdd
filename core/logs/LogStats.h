#pragma once

#include "core/logs/LogFile.h"

#include <QMap>
#include <QString>

#include <array>
#include <atomic>
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

}  // namespace obslab
