#pragma once

#include "core/logs/LineRecord.h"

#include <QByteArrayView>

#include <array>

namespace obslab {

// The index's first pass, without the parser, for the layout a workshop writes by the million:
// an access line whose fields after the response code are all key=value pairs (the tutorial's
// `[TIME] "METHOD PATH PROTO" CODE traceID=… spanID=… service=…`), with or without kubectl's
// `[pod/NAME/CONTAINER]` prefix and --timestamps. It reads only what LineRecord keeps (time,
// code, trace hash, and the few keys that change them), never builds field ranges or highlights.
//
// decode() returns false when the line is anything else, or holds something this cannot vouch
// for (an unknown key, a quoted value, a traceparent under a trace key, …): the caller then parses
// it fully with AccessLogParser and makeRecord. For every line it accepts, the record, time and
// pod equal what that full parse gives — tests/unit/tst_recorddecoder compares both on every
// line of the corpus and on mutations of it.
namespace recorddecoder {

// line: the bytes without '\n', at most the line cap. On success fills record (pod left kNoPod),
// timeMs (ParsedLine::kMissing when the line has no time) and pod (the kubectl prefix's pod name,
// a view into line; empty when none). Without withTrace the trace id is not read (the record's
// hash is 0), for a caller that does not need it.
bool decode(QByteArrayView line, LineRecord& record, qint64& timeMs, QByteArrayView& pod,
            bool withTrace = true);

// Whether to try the decoder on the next line: always, until it has declined 16 lines in a row
// (a file in another layout: Istio's TEXT, JSON), then one line in 64 in case the layout changes.
class Attempts
{
public:
    bool tryNext() { return declined_ < 16 || (++skipped_ & 63) == 0; }
    void tried(bool accepted) { declined_ = accepted ? 0 : declined_ + 1; }

private:
    int declined_ = 0;
    quint32 skipped_ = 0;
};

// The line's record (pod left kNoPod), time and pod name: decoded when attempts allow it and the
// decoder accepts the line, else from a full parse into parsed (the same answer either way).
LineRecord recordOf(QByteArrayView line, ParsedLine& parsed, Attempts& attempts, qint64& timeMs,
                    QByteArrayView& pod, bool withTrace = true);

}  // namespace recorddecoder

// A run-aware cache in front of PodTable::intern for the index's hot loop: lines of a few dozen
// pods interleave, and a hash of the whole name per line costs more than the rest of the line.
// Direct-mapped on the name's length and last bytes (the replica set's random suffix).
class PodCache
{
public:
    explicit PodCache(PodTable& table)
        : table_(table)
    {}
    quint16 intern(QByteArrayView pod);

private:
    struct Slot
    {
        QByteArray name;
        quint16 id = LineRecord::kNoPod;
    };
    PodTable& table_;
    std::array<Slot, 256> slots_{};
};

}  // namespace obslab
