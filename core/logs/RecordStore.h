#pragma once

#include "core/logs/ChunkedVector.h"
#include "core/logs/LineRecord.h"

#include <QHash>
#include <QList>

namespace obslab {

// How the index keeps LineRecords: 16 bytes a line instead of 24. Time and trace hash stay
// 32-bit; the rest shares 64 bits: duration (24 bits, 4.6 hours), the line's response-flag set as
// a number in a per-file table of the sets seen (8 bits: a log holds a handful), status (10
// bits), pod (15 bits), kind, level and direction. A record that does not fit — a longer duration,
// a 255th flag set, status 1023 or more, pod 32767 or more — is kept whole in a side table, so
// every record reads back exactly as it was stored.
struct PackedRecord
{
    qint32 timeOffsetMs = LineRecord::kNoTime;
    quint32 traceHash = 0;
    quint32 durationAndFlags = 0;  // duration << 8 | flag-set number
    quint32 rest = 0;  // status | kind << 10 | level << 12 | direction << 15 | pod << 17
};
static_assert(sizeof(PackedRecord) == 16);

// 128 Ki records, 2 MiB, a chunk: one huge page each (see mapLargeMemory).
inline constexpr int kRecordChunkBits = 17;

// A read-only view of the first size() records, safe to read from another thread while the owner
// appends (as ChunkedView); the tables it needs are copies (implicitly shared).
class RecordStoreView
{
public:
    RecordStoreView() = default;
    qsizetype size() const { return packed_.size(); }
    LineRecord operator[](qsizetype i) const;

private:
    friend class RecordStore;
    ChunkedView<PackedRecord, kRecordChunkBits> packed_;
    QList<quint32> flagSets_;
    QHash<qint64, LineRecord> whole_;
};

class RecordStore
{
public:
    qsizetype size() const { return packed_.size(); }
    LineRecord operator[](qsizetype i) const;
    void push_back(const LineRecord& r);
    void clear();
    RecordStoreView view() const;
    qsizetype bytesAllocated() const;

private:
    ChunkedVector<PackedRecord, kRecordChunkBits> packed_;
    QList<quint32> flagSets_{0};  // number → flag bits; 0 is "no flags"
    QHash<quint32, quint8> flagSetNumbers_;
    QHash<qint64, LineRecord> whole_;  // the records that do not pack, by index
};

}  // namespace obslab
