#pragma once

#include "core/logs/ParsedLine.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <vector>

namespace obslab {

// One access-log line of a trace (or of a request id), as the trace lane shows it.
struct TraceLine
{
    qint64 line = -1;  // line number in its source
    qint64 timeMs = ParsedLine::kMissing;
    QString pod;
    UpstreamCluster::Direction direction = UpstreamCluster::Direction::None;
    QString method;
    QString path;
    QString authority;
    QString service;  // the upstream cluster's service, or the authority's host
    QString requestId;
    int status = -1;
    qint64 durationMs = ParsedLine::kMissing;
    QString flags;  // "UF,URX" or empty
};

// One hop of a request between two sidecars: the client's outbound line and the server's
// inbound line, paired by x-request-id (either may be missing when only one pod was followed).
struct TraceHop
{
    QString requestId;
    int client = -1;  // index into TraceLines::lines, or -1
    int server = -1;
    qint64 startMs = ParsedLine::kMissing;
    QString from;  // the client pod
    QString to;    // the server pod, else the service called
    int status = -1;
    qint64 clientMs = ParsedLine::kMissing;  // duration seen by the client sidecar
    qint64 serverMs = ParsedLine::kMissing;  // … and by the server sidecar
    // Time spent between the two sidecars (network and queues): client minus server duration.
    qint64 networkMs() const
    {
        return clientMs == ParsedLine::kMissing || serverMs == ParsedLine::kMissing
                   ? ParsedLine::kMissing
                   : clientMs - serverMs;
    }
};

// The lines of one trace across pods, in time order, and the hops they pair into.
struct TraceLines
{
    std::vector<TraceLine> lines;
    std::vector<TraceHop> hops;

    // From (line number, bytes) pairs in any order; lines that are not requests are skipped.
    static TraceLines build(const QList<QPair<qint64, QByteArray>>& input);
};

}  // namespace obslab
