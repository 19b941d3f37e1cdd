#include "core/logs/TraceLines.h"

#include "core/logs/AccessLogParser.h"

#include <QHash>

#include <algorithm>

namespace obslab {

namespace {

// The value of a `service=` key in a custom format (the tutorial's `service=%DOWNSTREAM_LOCAL_
// ADDRESS%`: the IP:port the client called), when it is a plain host[:port]; else empty.
QString serviceKeyOf(QByteArrayView line)
{
    constexpr QByteArrayView key("service=");
    qsizetype at = -1;
    for (qsizetype from = 0; (at = line.indexOf(key, from)) >= 0; from = at + 1) {
        if (at == 0 || line.at(at - 1) == ' ' || line.at(at - 1) == '\t')
            break;
    }
    if (at < 0)
        return {};
    at += key.size();
    qsizetype end = at;
    while (end < line.size() && end - at <= 255) {
        const char c = line.at(end);
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '-' || c == '_' ||
                        c == '[' || c == ']';
        if (!ok)
            break;
        ++end;
    }
    const bool whole =
        end == line.size() || line.at(end) == ' ' || line.at(end) == '\t' || line.at(end) == '\r';
    if (!whole || end == at || end - at > 255 || line.sliced(at, end - at) == "-")
        return {};
    return QString::fromLatin1(line.sliced(at, end - at));
}

QString serviceOf(const ParsedLine& p, QByteArrayView line)
{
    if (p.has(Field::ClusterFqdn))
        return p.text(line, Field::ClusterFqdn);
    const QString authority = p.text(line, Field::Authority);
    if (!authority.isEmpty()) {
        const qsizetype colon = authority.lastIndexOf(u':');
        return colon > 0 ? authority.left(colon) : authority;
    }
    // No authority (short custom formats): the address called, as the line gives it.
    if (p.has(Field::UpstreamHost))
        return p.text(line, Field::UpstreamHost);
    return serviceKeyOf(line);
}

}  // namespace

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
        t.service = serviceOf(p, bytes);
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
