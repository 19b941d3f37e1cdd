#include "core/logs/LineRecord.h"

namespace obslab {

quint32 traceHash(const TraceId& id)
{
    if (!id.isValid())
        return 0;
    quint64 x = id.high() * 0x9e3779b97f4a7c15ULL ^ id.low();
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    const quint32 h = quint32(x);
    return h ? h : 1;
}

quint16 PodTable::intern(QByteArrayView pod)
{
    if (pod.isEmpty())
        return LineRecord::kNoPod;
    // Looked up without a copy: this runs for every line that has a pod.
    const auto it = ids_.constFind(QByteArray::fromRawData(pod.data(), pod.size()));
    if (it != ids_.constEnd())
        return it.value();
    if (names_.size() >= LineRecord::kNoPod)
        return LineRecord::kNoPod;
    const QByteArray key = pod.toByteArray();
    const quint16 id = quint16(names_.size());
    ids_.insert(key, id);
    names_.append(key);
    return id;
}

qint32 LineTimes::encode(qint64 timeMs, qint64 line)
{
    if (timeMs == ParsedLine::kMissing)
        return LineRecord::kNoTime;
    if (base_ == ParsedLine::kMissing)
        base_ = timeMs;
    const qint64 offset = timeMs - base_;
    if (offset <= LineRecord::kTimeOverflow || offset > std::numeric_limits<qint32>::max()) {
        overflow_.insert(line, timeMs);
        return LineRecord::kTimeOverflow;
    }
    return qint32(offset);
}

qint64 LineTimes::timeMs(const LineRecord& record, qint64 line) const
{
    if (record.timeOffsetMs == LineRecord::kNoTime)
        return ParsedLine::kMissing;
    if (record.timeOffsetMs == LineRecord::kTimeOverflow)
        return overflow_.value(line, ParsedLine::kMissing);
    return base_ + record.timeOffsetMs;
}

LineRecord makeRecord(const ParsedLine& parsed, QByteArrayView line, PodTable* pods, qint64* timeMs)
{
    LineRecord r;
    *timeMs = parsed.timeUs == ParsedLine::kMissing ? ParsedLine::kMissing : parsed.timeUs / 1000;
    r.traceHash = traceHash(parsed.trace.traceId);
    if (parsed.durationMs != ParsedLine::kMissing && parsed.durationMs >= 0 &&
        parsed.durationMs < LineRecord::kNoDuration)
        r.durationMs = quint32(parsed.durationMs);
    r.flags = parsed.responseFlags.bits();
    if (parsed.responseCode >= 0 && parsed.responseCode < LineRecord::kNoStatus)
        r.status = quint16(parsed.responseCode);
    if (pods && parsed.has(Field::Pod))
        r.pod = pods->intern(parsed.view(line, Field::Pod));
    r.kind = parsed.kind;
    r.level = parsed.level;
    r.direction = parsed.clusterDirection;
    return r;
}

}  // namespace obslab
