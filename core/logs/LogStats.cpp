#include "core/logs/LogStats.h"

#include "core/logs/ResponseFlags.h"

#include <QStringList>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <map>

namespace obslab {

namespace {

// Kubernetes' generated names (a ReplicaSet's pod-template-hash, a pod's random suffix) use
// only the alphabet "bcdfghjklmnpqrstvwxz2456789": no vowels, no 0, 1 or 3 (so no words). A hash
// may have no digit at all ("backend-ntspmjfpdw-bpfr7"), about one in thirty.
bool looksGenerated(QStringView part, int minLength, int maxLength)
{
    if (part.size() < minLength || part.size() > maxLength)
        return false;
    constexpr QStringView kAlphabet = u"bcdfghjklmnpqrstvwxz2456789";
    for (QChar c : part) {
        if (!kAlphabet.contains(c))
            return false;
    }
    return true;
}

template <typename F>
void forEachLine(const LogFile::Snapshot& snap, const std::atomic<bool>& cancel, F&& f)
{
    for (const auto& seg : snap.segments) {
        for (qint64 local = 0; local < seg.lineCount; ++local) {
            if ((local & 0xffff) == 0 && cancel.load(std::memory_order_relaxed))
                return;
            f(snap.record(seg, local), seg.firstLine + local);
        }
    }
}

}  // namespace

QString LogStats::workloadOfPod(const QString& pod)
{
    const QStringList parts = pod.split(u'-');
    if (parts.size() >= 3 && looksGenerated(parts.at(parts.size() - 1), 5, 5) &&
        looksGenerated(parts.at(parts.size() - 2), 5, 10))
        return parts.mid(0, parts.size() - 2).join(u'-');
    return pod;
}

namespace {

// What one core counts over its share of the lines; two shares add up to the whole.
struct Tally
{
    // Percentiles by counting, not by copying every duration: exact, and memory stays flat.
    static constexpr quint32 kDense = 1u << 16;  // durations under 65.5 s, nearly all of them

    qint64 lines = 0;
    qint64 requests = 0;
    qint64 proxyLogs = 0;
    qint64 unknown = 0;
    std::array<qint64, 6> statusClasses{};
    quint32 flagBitsSeen = 0;
    std::array<qint64, 32> perFlagBit{};
    std::vector<qint64> perPod;
    std::vector<qint64> denseCounts = std::vector<qint64>(kDense, 0);
    std::map<quint32, qint64> sparseCounts;
    qint64 durationCount = 0;
    qint64 firstMs = ParsedLine::kMissing;
    qint64 lastMs = ParsedLine::kMissing;

    void add(const LogFile::Snapshot& snap, const LineRecord& r, qint64 line)
    {
        ++lines;
        switch (r.kind) {
        case LineKind::Request:
            ++requests;
            break;
        case LineKind::ProxyLog:
            ++proxyLogs;
            return;
        case LineKind::Unknown:
            ++unknown;
            return;
        }
        const int cls = r.status == LineRecord::kNoStatus ? 0 : r.status / 100;
        ++statusClasses[size_t(cls >= 1 && cls <= 5 ? cls : 0)];
        if (r.flags) {
            flagBitsSeen |= r.flags;
            for (int b = 0; b < 32; ++b) {
                if (r.flags & (1u << b))
                    ++perFlagBit[size_t(b)];
            }
        }
        if (r.pod != LineRecord::kNoPod && r.pod < perPod.size())
            ++perPod[r.pod];
        if (r.durationMs != LineRecord::kNoDuration) {
            ++durationCount;
            if (r.durationMs < kDense)
                ++denseCounts[r.durationMs];
            else
                ++sparseCounts[r.durationMs];
        }
        const qint64 t = snap.times.timeMs(r, line);
        if (t != ParsedLine::kMissing) {
            if (firstMs == ParsedLine::kMissing || t < firstMs)
                firstMs = t;
            if (lastMs == ParsedLine::kMissing || t > lastMs)
                lastMs = t;
        }
    }

    void merge(const Tally& o)
    {
        lines += o.lines;
        requests += o.requests;
        proxyLogs += o.proxyLogs;
        unknown += o.unknown;
        for (size_t i = 0; i < statusClasses.size(); ++i)
            statusClasses[i] += o.statusClasses[i];
        flagBitsSeen |= o.flagBitsSeen;
        for (size_t i = 0; i < perFlagBit.size(); ++i)
            perFlagBit[i] += o.perFlagBit[i];
        for (size_t i = 0; i < perPod.size(); ++i)
            perPod[i] += o.perPod[i];
        for (size_t i = 0; i < denseCounts.size(); ++i)
            denseCounts[i] += o.denseCounts[i];
        for (const auto& [v, n] : o.sparseCounts)
            sparseCounts[v] += n;
        durationCount += o.durationCount;
        if (o.firstMs != ParsedLine::kMissing &&
            (firstMs == ParsedLine::kMissing || o.firstMs < firstMs))
            firstMs = o.firstMs;
        if (o.lastMs != ParsedLine::kMissing &&
            (lastMs == ParsedLine::kMissing || o.lastMs > lastMs))
            lastMs = o.lastMs;
    }
};

// Lines [from, to) of the snapshot (file-wide numbers) into tally.
void tallyRange(const LogFile::Snapshot& snap, qint64 from, qint64 to,
                const std::atomic<bool>& cancel, Tally& tally)
{
    for (const auto& seg : snap.segments) {
        const qint64 begin = std::max<qint64>(from - seg.firstLine, 0);
        const qint64 end = std::min<qint64>(to - seg.firstLine, seg.lineCount);
        for (qint64 local = begin; local < end; ++local) {
            if ((local & 0xffff) == 0 && cancel.load(std::memory_order_relaxed))
                return;
            tally.add(snap, snap.record(seg, local), seg.firstLine + local);
        }
    }
}

}  // namespace

LogStats LogStats::compute(const LogFile::Snapshot& snap, const std::atomic<bool>& cancel)
{
    // Two halves on two cores (the records of 5 million lines take a tenth of a second alone).
    std::array<Tally, 2> tallies;
    for (Tally& t : tallies)
        t.perPod.assign(size_t(snap.pods.size()), 0);
    const qint64 total = snap.lineCount;
    const qint64 half = total / 2;
    if (total >= (1 << 16) && QThreadPool::globalInstance()->maxThreadCount() >= 2) {
        QFuture<void> other =
            QtConcurrent::run([&] { tallyRange(snap, half, total, cancel, tallies[1]); });
        tallyRange(snap, 0, half, cancel, tallies[0]);
        other.waitForFinished();
        tallies[0].merge(tallies[1]);
    } else {
        tallyRange(snap, 0, total, cancel, tallies[0]);
    }
    const Tally& t = tallies[0];
    LogStats s;
    s.lines = t.lines;
    s.requests = t.requests;
    s.proxyLogs = t.proxyLogs;
    s.unknown = t.unknown;
    s.statusClasses = t.statusClasses;
    s.firstMs = t.firstMs;
    s.lastMs = t.lastMs;
    for (int b = 0; b < 32; ++b) {
        if (!(t.flagBitsSeen & (1u << b)))
            continue;
        const auto* info = ResponseFlags::info(ResponseFlags::Flag(1u << b));
        s.flags.insert(info ? QString::fromLatin1(info->code) : QStringLiteral("?"),
                       t.perFlagBit[size_t(b)]);
    }
    for (size_t i = 0; i < t.perPod.size(); ++i) {
        if (t.perPod[i])
            s.workloads[workloadOfPod(QString::fromUtf8(snap.pods.name(quint16(i))))] +=
                t.perPod[i];
    }
    if (t.durationCount > 0) {
        // The k-th smallest duration (0-based), k = q × count, as nth_element would pick it.
        auto pick = [&](double q) {
            const qint64 k = std::min(t.durationCount - 1, qint64(q * double(t.durationCount)));
            qint64 seen = 0;
            for (quint32 v = 0; v < Tally::kDense; ++v) {
                seen += t.denseCounts[v];
                if (seen > k)
                    return qint64(v);
            }
            for (const auto& [v, n] : t.sparseCounts) {
                seen += n;
                if (seen > k)
                    return qint64(v);
            }
            return qint64(0);
        };
        s.p50Ms = pick(0.50);
        s.p90Ms = pick(0.90);
        s.p99Ms = pick(0.99);
    }
    return s;
}

std::vector<qint64> LogStats::histogram(const LogFile::Snapshot& snap, qint64 bucketMs,
                                        qint64* startMs)
{
    std::vector<qint64> buckets;
    *startMs = ParsedLine::kMissing;
    if (bucketMs <= 0)
        return buckets;
    const std::atomic<bool> never{false};
    qint64 first = ParsedLine::kMissing;
    qint64 last = ParsedLine::kMissing;
    forEachLine(snap, never, [&](const LineRecord& r, qint64 line) {
        const qint64 t = snap.times.timeMs(r, line);
        if (t == ParsedLine::kMissing || r.kind != LineKind::Request)
            return;
        first = first == ParsedLine::kMissing ? t : std::min(first, t);
        last = last == ParsedLine::kMissing ? t : std::max(last, t);
    });
    if (first == ParsedLine::kMissing)
        return buckets;
    const qint64 start = first - (((first % bucketMs) + bucketMs) % bucketMs);
    const qint64 count = (last - start) / bucketMs + 1;
    if (count > 10'000'000)
        return buckets;  // a bucket far too small for the span: refuse rather than exhaust memory
    buckets.assign(size_t(count), 0);
    forEachLine(snap, never, [&](const LineRecord& r, qint64 line) {
        const qint64 t = snap.times.timeMs(r, line);
        if (t != ParsedLine::kMissing && r.kind == LineKind::Request)
            ++buckets[size_t((t - start) / bucketMs)];
    });
    *startMs = start;
    return buckets;
}

}  // namespace obslab
