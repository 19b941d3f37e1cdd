#pragma once

#include "core/logs/ParsedLine.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>

#include <limits>

namespace obslab {

// What the index keeps of one line: 24 bytes (32 with the line's offset, the budget), enough to
// filter by status, flags, duration, time, pod, direction, kind and level without reading the
// line again, and to find a trace's lines by hash (candidates are confirmed by re-parsing them,
// so a collision costs a re-read, never a wrong answer). Request ids are found by text search. The
// time is stored relative to a base the owner keeps (LineTimes), so that it fits 32 bits.
struct LineRecord
{
    static constexpr quint32 kNoDuration = 0xffffffffu;
    static constexpr quint16 kNoStatus = 0xffffu;
    static constexpr quint16 kNoPod = 0xffffu;
    static constexpr qint32 kNoTime = std::numeric_limits<qint32>::min();
    static constexpr qint32 kTimeOverflow = std::numeric_limits<qint32>::min() + 1;

    qint32 timeOffsetMs = kNoTime;  // ms after LineTimes' base; see LineTimes::timeMs
    quint32 traceHash = 0;          // 0 = the line carries no trace id
    quint32 durationMs = kNoDuration;
    quint32 flags = 0;           // ResponseFlags bits
    quint16 status = kNoStatus;  // response code; 0 for TCP / no response
    quint16 pod = kNoPod;        // index into the store's pod table
    LineKind kind = LineKind::Unknown;
    LogLevel level = LogLevel::None;
    UpstreamCluster::Direction direction = UpstreamCluster::Direction::None;
    quint8 reserved = 0;
};
static_assert(sizeof(LineRecord) == 24, "the index budget is 32 bytes a line with its offset");

// Turns absolute line times into LineRecord's 32-bit offsets: the first time seen becomes the
// base; the rare line more than ±24 days from it keeps its exact time in a side table.
class LineTimes
{
public:
    qint32 encode(qint64 timeMs, qint64 line);
    qint64 timeMs(const LineRecord& record, qint64 line) const;  // ParsedLine::kMissing if none
    void clear()
    {
        base_ = ParsedLine::kMissing;
        overflow_.clear();
    }

private:
    qint64 base_ = ParsedLine::kMissing;
    QHash<qint64, qint64> overflow_;
};

// The index's trace hash: never 0 (0 means "no trace id").
quint32 traceHash(const TraceId& id);

// Pod names seen while indexing, interned to small numbers. Each worker keeps its own and the
// owner merges the new names it reports.
class PodTable
{
public:
    quint16 intern(QByteArrayView pod);  // kNoPod for empty or past 65 534 pods
    QByteArray name(quint16 id) const { return id < names_.size() ? names_.at(id) : QByteArray(); }
    qsizetype size() const { return names_.size(); }
    const QList<QByteArray>& names() const { return names_; }

private:
    QHash<QByteArray, quint16> ids_;
    QList<QByteArray> names_;
};

// Fills a record from a parsed line (line is the bytes the ranges point into); the time is left
// for the owner to encode with LineTimes (returned in timeMs). Without a pod table the record's
// pod is left kNoPod (the caller interns it).
LineRecord makeRecord(const ParsedLine& parsed, QByteArrayView line, PodTable* pods,
                      qint64* timeMs);

}  // namespace obslab
