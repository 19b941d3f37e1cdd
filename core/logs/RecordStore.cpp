#include "core/logs/RecordStore.h"

namespace obslab {

namespace {

constexpr quint32 kDurationBits = 24;
constexpr quint32 kNoDuration = (1u << kDurationBits) - 1;
constexpr quint32 kWhole = 0xff;  // flag-set number of a record kept whole
constexpr quint32 kStatusBits = 10;
constexpr quint32 kNoStatus = (1u << kStatusBits) - 1;
constexpr quint32 kPodShift = 17;
constexpr quint32 kNoPod = (1u << (32 - kPodShift)) - 1;

LineRecord unpack(const PackedRecord& p, const QList<quint32>& flagSets)
{
    LineRecord r;
    r.timeOffsetMs = p.timeOffsetMs;
    r.traceHash = p.traceHash;
    const quint32 duration = p.durationAndFlags >> 8;
    r.durationMs = duration == kNoDuration ? LineRecord::kNoDuration : duration;
    r.flags = flagSets.at(p.durationAndFlags & 0xff);
    const quint32 status = p.rest & kNoStatus;
    r.status = status == kNoStatus ? LineRecord::kNoStatus : quint16(status);
    r.kind = LineKind((p.rest >> 10) & 0x3);
    r.level = LogLevel((p.rest >> 12) & 0x7);
    r.direction = UpstreamCluster::Direction((p.rest >> 15) & 0x3);
    const quint32 pod = p.rest >> kPodShift;
    r.pod = pod == kNoPod ? LineRecord::kNoPod : quint16(pod);
    return r;
}

// Record i, whose packed form is p.
LineRecord read(const PackedRecord& p, qsizetype i, const QList<quint32>& flagSets,
                const QHash<qint64, LineRecord>& whole)
{
    if ((p.durationAndFlags & 0xff) == kWhole)
        return whole.value(i);
    return unpack(p, flagSets);
}

}  // namespace

LineRecord RecordStoreView::operator[](qsizetype i) const
{
    return read(packed_[i], i, flagSets_, whole_);
}

LineRecord RecordStore::operator[](qsizetype i) const
{
    return read(packed_[i], i, flagSets_, whole_);
}

void RecordStore::push_back(const LineRecord& r)
{
    PackedRecord p;
    p.timeOffsetMs = r.timeOffsetMs;
    p.traceHash = r.traceHash;
    quint32 number = 0;
    if (r.flags != 0) {
        const auto it = flagSetNumbers_.constFind(r.flags);
        if (it != flagSetNumbers_.constEnd()) {
            number = it.value();
        } else if (flagSets_.size() < qsizetype(kWhole)) {
            number = quint32(flagSets_.size());
            flagSets_.append(r.flags);
            flagSetNumbers_.insert(r.flags, quint8(number));
        } else {
            number = kWhole;
        }
    }
    const quint32 duration = r.durationMs == LineRecord::kNoDuration ? kNoDuration : r.durationMs;
    const quint32 status = r.status == LineRecord::kNoStatus ? kNoStatus : r.status;
    const quint32 pod = r.pod == LineRecord::kNoPod ? kNoPod : r.pod;
    const bool fits = number != kWhole &&
                      (duration < kNoDuration || r.durationMs == LineRecord::kNoDuration) &&
                      (status < kNoStatus || r.status == LineRecord::kNoStatus) &&
                      (pod < kNoPod || r.pod == LineRecord::kNoPod) && quint8(r.kind) < 4 &&
                      quint8(r.level) < 8 && quint8(r.direction) < 4;
    if (!fits) {
        whole_.insert(packed_.size(), r);
        number = kWhole;
    }
    p.durationAndFlags = (duration & kNoDuration) << 8 | number;
    p.rest = (status & kNoStatus) | quint32(quint8(r.kind) & 0x3) << 10 |
             quint32(quint8(r.level) & 0x7) << 12 | quint32(quint8(r.direction) & 0x3) << 15 |
             (pod & kNoPod) << kPodShift;
    packed_.push_back(p);
}

void RecordStore::clear()
{
    packed_.clear();
    flagSets_ = {0};
    flagSetNumbers_.clear();
    whole_.clear();
}

RecordStoreView RecordStore::view() const
{
    RecordStoreView v;
    v.packed_ = packed_.view();
    v.flagSets_ = flagSets_;
    v.whole_ = whole_;
    return v;
}

qsizetype RecordStore::bytesAllocated() const
{
    return packed_.bytesAllocated() + flagSets_.size() * qsizetype(sizeof(quint32)) +
           whole_.size() * qsizetype(sizeof(LineRecord) + sizeof(qint64));
}

}  // namespace obslab
