#pragma once

#include "core/logs/LogFile.h"

#include <array>
#include <atomic>
#include <vector>

namespace obslab {

// Lines per time bucket, stacked by status class: [0] other lines (no status, proxy logs),
// [1] 1xx–2xx, [2] 3xx, [3] 4xx, [4] 5xx and requests without a response.
struct LogHistogram
{
    qint64 startMs = 0;
    qint64 bucketMs = 0;
    std::vector<std::array<qint64, 5>> buckets;
    qint64 maxTotal = 0;

    bool isEmpty() const { return buckets.empty(); }
    qint64 endMs() const { return startMs + bucketMs * qint64(buckets.size()); }

    // From the index alone (no line is read); any thread. About maxBuckets buckets of a round
    // size (1 s, 5 s, 1 min …) over the span of the lines' times.
    static LogHistogram compute(const LogFile::Snapshot& snap, int maxBuckets,
                                const std::atomic<bool>& cancel);
};

}  // namespace obslab
