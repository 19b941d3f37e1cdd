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

void StatsTally::add(const LineRecord& r, qint64 timeMs)
{
    ++lines_;
    switch (r.kind) {
    case LineKind::Request:
        ++requests_;
        break;
    case LineKind::ProxyLog:
        ++proxyLogs_;
        return;
    case LineKind::Unknown:
        ++unknown_;
        return;
    }
    const int cls = r.status == LineRecord::kNoStatus ? 0 : r.status / 100;
    ++statusClasses_[size_t(cls >= 1 && cls <= 5 ? cls : 0)];
    if (r.flags) {
        flagBitsSeen_ |= r.flags;
        for (int b = 0; b < 32; ++b) {
            if (r.flags & (1u << b))
                ++perFlagBit_[size_t(b)];
        }
    }
    if (r.pod != LineRecord::kNoPod) {
        if (r.pod >= perPod_.size())
            perPod_.resize(size_t(r.pod) + 1, 0);
        ++perPod_[r.pod];
    }
    if (r.durationMs != LineRecord::kNoDuration) {
        ++durationCount_;
        if (r.durationMs < kDense)
            ++denseCounts_[r.durationMs];
        else
            ++sparseCounts_[r.durationMs];
    }
    if (timeMs != ParsedLine::kMissing) {
        if (firstMs_ == ParsedLine::kMissing || timeMs < firstMs_)
            firstMs_ = timeMs;
        if (lastMs_ == ParsedLine::kMissing || timeMs > lastMs_)
            lastMs_ = timeMs;
    }
}

void StatsTally::merge(const StatsTally& o, const std::vector<quint16>& podMap)
{
    lines_ += o.lines_;
    requests_ += o.requests_;
    proxyLogs_ += o.proxyLogs_;
    unknown_ += o.unknown_;
    for (size_t i = 0; i < statusClasses_.size(); ++i)
        statusClasses_[i] += o.statusClasses_[i];
    flagBitsSeen_ |= o.flagBitsSeen_;
    for (size_t i = 0; i < perFlagBit_.size(); ++i)
        perFlagBit_[i] += o.perFlagBit_[i];
    for (size_t i = 0; i < o.perPod_.size(); ++i) {
        const size_t to = podMap.empty() ? i : podMap[i];
        if (to == LineRecord::kNoPod)
            continue;
        if (to >= perPod_.size())
            perPod_.resize(to + 1, 0);
        perPod_[to] += o.perPod_[i];
    }
    for (size_t i = 0; i < denseCounts_.size(); ++i)
        denseCounts_[i] += o.denseCounts_[i];
    for (const auto& [v, n] : o.sparseCounts_)
        sparseCounts_[v] += n;
    durationCount_ += o.durationCount_;
    if (o.firstMs_ != ParsedLine::kMissing &&
        (firstMs_ == ParsedLine::kMissing || o.firstMs_ < firstMs_))
        firstMs_ = o.firstMs_;
    if (o.lastMs_ != ParsedLine::kMissing &&
        (lastMs_ == ParsedLine::kMissing || o.lastMs_ > lastMs_))
        lastMs_ = o.lastMs_;
}

namespace {

// Lines [from, to) of the snapshot (file-wide numbers) into tally.
void tallyRange(const LogFile::Snapshot& snap, qint64 from, qint64 to,
                const std::atomic<bool>& cancel, StatsTally& tally)
{
    for (const auto& seg : snap.segments) {
        const qint64 begin = std::max<qint64>(from - seg.firstLine, 0);
        const qint64 end = std::min<qint64>(to - seg.firstLine, seg.lineCount);
        for (qint64 local = begin; local < end; ++local) {
            if ((local & 0xffff) == 0 && cancel.load(std::memory_order_relaxed))
                return;
            const LineRecord r = snap.record(seg, local);
            tally.add(r, snap.times.timeMs(r, seg.firstLine + local));
        }
    }
}

}  // namespace

LogStats LogStats::compute(const LogFile::Snapshot& snap, const std::atomic<bool>& cancel)
{
    // Two halves on two cores (the records of 5 million lines take a tenth of a second alone).
    std::array<StatsTally, 2> tallies;
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
    return tallies[0].result(snap.pods);
}

LogStats StatsTally::result(const PodTable& pods) const
{
    LogStats s;
    s.lines = lines_;
    s.requests = requests_;
    s.proxyLogs = proxyLogs_;
    s.unknown = unknown_;
    s.statusClasses = statusClasses_;
    s.firstMs = firstMs_;
    s.lastMs = lastMs_;
    for (int b = 0; b < 32; ++b) {
        if (!(flagBitsSeen_ & (1u << b)))
            continue;
        const auto* info = ResponseFlags::info(ResponseFlags::Flag(1u << b));
        s.flags.insert(info ? QString::fromLatin1(info->code) : QStringLiteral("?"),
                       perFlagBit_[size_t(b)]);
    }
    for (size_t i = 0; i < perPod_.size(); ++i) {
        if (perPod_[i])
            s.workloads[LogStats::workloadOfPod(QString::fromUtf8(pods.name(quint16(i))))] +=
                perPod_[i];
    }
    if (durationCount_ > 0) {
        // The k-th smallest duration (0-based), k = q × count, as nth_element would pick it.
        auto pick = [&](double q) {
            const qint64 k = std::min(durationCount_ - 1, qint64(q * double(durationCount_)));
            qint64 seen = 0;
            for (quint32 v = 0; v < kDense; ++v) {
                seen += denseCounts_[v];
                if (seen > k)
                    return qint64(v);
            }
            for (const auto& [v, n] : sparseCounts_) {
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
