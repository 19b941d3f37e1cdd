#include "core/logs/LogHistogram.h"

#include <algorithm>
#include <limits>

namespace obslab {

namespace {

int classSlot(const LineRecord& r)
{
    if (r.kind != LineKind::Request)
        return 0;
    if (r.status == LineRecord::kNoStatus)
        return 0;
    if (r.status == 0 || r.status >= 500)
        return 4;
    if (r.status >= 400)
        return 3;
    if (r.status >= 300)
        return 2;
    return 1;
}

qint64 roundBucket(qint64 rawMs)
{
    static const qint64 steps[] = {1,       2,       5,        10,       20,       50,      100,
                                   200,     500,     1000,     2000,     5000,     10000,   15000,
                                   30000,   60000,   120000,   300000,   600000,   900000,  1800000,
                                   3600000, 7200000, 10800000, 21600000, 43200000, 86400000};
    for (qint64 s : steps) {
        if (s >= rawMs)
            return s;
    }
    return ((rawMs + 86399999) / 86400000) * 86400000;
}

template <typename F>
void forEachTimedRecord(const LogFile::Snapshot& snap, const std::atomic<bool>& cancel, F&& f)
{
    if (!snap.indexed)
        return;
    for (const auto& s : snap.segments) {
        const qint64 n = s.records.size();
        for (qint64 i = 0; i < n; ++i) {
            if ((i & 0xffff) == 0 && cancel.load())
                return;
            const LineRecord& r = s.records[i];
            if (r.timeOffsetMs == LineRecord::kNoTime)
                continue;
            f(r, snap.times.timeMs(r, s.firstLine + i));
        }
    }
}

}  // namespace

LogHistogram LogHistogram::compute(const LogFile::Snapshot& snap, int maxBuckets,
                                   const std::atomic<bool>& cancel)
{
    LogHistogram h;
    qint64 first = std::numeric_limits<qint64>::max();
    qint64 last = std::numeric_limits<qint64>::min();
    forEachTimedRecord(snap, cancel, [&](const LineRecord&, qint64 t) {
        if (t == ParsedLine::kMissing)
            return;
        first = std::min(first, t);
        last = std::max(last, t);
    });
    if (first > last || cancel.load())
        return h;
    h.bucketMs = roundBucket(std::max<qint64>(1, (last - first + 1) / std::max(1, maxBuckets)));
    h.startMs = first - first % h.bucketMs;
    const qint64 count = (last - h.startMs) / h.bucketMs + 1;
    h.buckets.assign(size_t(count), std::array<qint64, 5>{});
    forEachTimedRecord(snap, cancel, [&](const LineRecord& r, qint64 t) {
        if (t == ParsedLine::kMissing)
            return;
        ++h.buckets[size_t((t - h.startMs) / h.bucketMs)][size_t(classSlot(r))];
    });
    for (const auto& b : h.buckets) {
        qint64 total = 0;
        for (qint64 c : b)
            total += c;
        h.maxTotal = std::max(h.maxTotal, total);
    }
    return h;
}

}  // namespace obslab
