#include "core/logs/LogStats.h"

#include "core/logs/ResponseFlags.h"

#include <QStringList>

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

LogStats LogStats::compute(const LogFile::Snapshot& snap, const std::atomic<bool>& cancel)
{
    LogStats s;
    // Percentiles by counting, not by copying every duration: exact, and memory stays flat.
    constexpr quint32 kDense = 1u << 16;  // durations under 65.5 s, nearly all of them
    std::vector<qint64> denseCounts(kDense, 0);
    std::map<quint32, qint64> sparseCounts;
    qint64 durationCount = 0;
    std::vector<qint64> perPod(size_t(snap.pods.size()), 0);
    quint32 flagBitsSeen = 0;
    std::array<qint64, 32> perFlagBit{};
    forEachLine(snap, cancel, [&](const LineRecord& r, qint64 line) {
        ++s.lines;
        switch (r.kind) {
        case LineKind::Request:
            ++s.requests;
            break;
        case LineKind::ProxyLog:
            ++s.proxyLogs;
            return;
        case LineKind::Unknown:
            ++s.unknown;
            return;
        }
        const int cls = r.status == LineRecord::kNoStatus ? 0 : r.status / 100;
        ++s.statusClasses[size_t(cls >= 1 && cls <= 5 ? cls : 0)];
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
            if (s.firstMs == ParsedLine::kMissing || t < s.firstMs)
                s.firstMs = t;
            if (s.lastMs == ParsedLine::kMissing || t > s.lastMs)
                s.lastMs = t;
        }
    });
    for (int b = 0; b < 32; ++b) {
        if (!(flagBitsSeen & (1u << b)))
            continue;
        const auto* info = ResponseFlags::info(ResponseFlags::Flag(1u << b));
        s.flags.insert(info ? QString::fromLatin1(info->code) : QStringLiteral("?"),
                       perFlagBit[size_t(b)]);
    }
    for (size_t i = 0; i < perPod.size(); ++i) {
        if (perPod[i])
            s.workloads[workloadOfPod(QString::fromUtf8(snap.pods.name(quint16(i))))] += perPod[i];
    }
    if (durationCount > 0) {
        // The k-th smallest duration (0-based), k = q × count, as nth_element would pick it.
        auto pick = [&](double q) {
            const qint64 k = std::min(durationCount - 1, qint64(q * double(durationCount)));
            qint64 seen = 0;
            for (quint32 v = 0; v < kDense; ++v) {
                seen += denseCounts[v];
                if (seen > k)
                    return qint64(v);
            }
            for (const auto& [v, n] : sparseCounts) {
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
