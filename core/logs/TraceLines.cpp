#include "core/logs/TraceLines.h"

#include "core/logs/AccessLogParser.h"
#include "core/logs/LineService.h"

#include <QHash>

#include <algorithm>

namespace obslab {

TraceLines TraceLines::build(const QList<QPair<qint64, QByteArray>>& input)
{
    TraceLines out;
    ParsedLine p;
    for (const auto& [number, bytes] : input) {
        AccessLogParser::parse(bytes, p);
        if (p.kind != LineKind::Request)
            continue;
        TraceLine t;
        t.line = number;
        t.timeMs = p.timeUs == ParsedLine::kMissing ? ParsedLine::kMissing : p.timeUs / 1000;
        t.pod = p.text(bytes, Field::Pod);
        t.direction = p.clusterDirection;
        t.method = p.text(bytes, Field::Method);
        t.path = p.text(bytes, Field::Path);
        t.authority = p.text(bytes, Field::Authority);
        t.service = QString::fromUtf8(serviceOf(p, bytes));
        t.requestId = p.text(bytes, Field::RequestId);
        t.status = p.responseCode;
        t.durationMs = p.durationMs;
        t.flags = p.responseFlags.codes().join(u',');
        out.lines.push_back(std::move(t));
    }
    // Time order; a client line sorts before the server line of the same hop at the same time.
    std::stable_sort(out.lines.begin(), out.lines.end(),
                     [](const TraceLine& a, const TraceLine& b) {
                         if (a.timeMs != b.timeMs)
                             return a.timeMs < b.timeMs;
                         return a.direction == UpstreamCluster::Direction::Outbound &&
                                b.direction != UpstreamCluster::Direction::Outbound;
                     });

    QHash<QString, int> hopOfRequest;
    for (int i = 0; i < int(out.lines.size()); ++i) {
        const TraceLine& t = out.lines[size_t(i)];
        const bool inbound = t.direction == UpstreamCluster::Direction::Inbound;
        int hopIndex = -1;
        if (!t.requestId.isEmpty()) {
            const auto it = hopOfRequest.constFind(t.requestId);
            // Join the hop of this request only if that side is still free (a retried request
            // keeps its id: a second client line starts a new hop).
            if (it != hopOfRequest.constEnd()) {
                const TraceHop& h = out.hops[size_t(it.value())];
                if ((inbound && h.server < 0) || (!inbound && h.client < 0))
                    hopIndex = it.value();
            }
        }
        if (hopIndex < 0) {
            hopIndex = int(out.hops.size());
            out.hops.push_back(TraceHop{});
            out.hops.back().requestId = t.requestId;
            if (!t.requestId.isEmpty())
                hopOfRequest.insert(t.requestId, hopIndex);
        }
        TraceHop& h = out.hops[size_t(hopIndex)];
        if (inbound) {
            h.server = i;
            h.serverMs = t.durationMs;
            h.to = t.pod.isEmpty() ? t.service : t.pod;
        } else {
            h.client = i;
            h.clientMs = t.durationMs;
            h.from = t.pod;
            if (h.to.isEmpty())
                h.to = t.service;
        }
        if (h.status < 0 || !inbound)
            h.status = t.status;  // the client's view wins: it is what the caller got
        if (h.startMs == ParsedLine::kMissing ||
            (t.timeMs != ParsedLine::kMissing && t.timeMs < h.startMs))
            h.startMs = t.timeMs;
    }
    std::stable_sort(out.hops.begin(), out.hops.end(),
                     [](const TraceHop& a, const TraceHop& b) { return a.startMs < b.startMs; });
    return out;
}

}  // namespace obslab
