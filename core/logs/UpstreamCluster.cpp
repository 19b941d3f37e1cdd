#include "core/logs/UpstreamCluster.h"

#include "core/logs/ByteScan.h"

namespace obslab {

UpstreamCluster UpstreamCluster::parse(QByteArrayView text)
{
    UpstreamCluster c;
    if (text.endsWith(';'))
        text.chop(1);
    if (text.isEmpty() || text == "-")
        return c;
    c.name = text;
    if (text[0] == 'I' && text.startsWith("InboundPassthroughCluster")) {
        c.kind = Kind::InboundPassthrough;
        c.direction = Direction::Inbound;
        return c;
    }
    if (text == "PassthroughCluster") {
        c.kind = Kind::Passthrough;
        c.direction = Direction::Outbound;
        return c;
    }
    if (text == "BlackHoleCluster") {
        c.kind = Kind::BlackHole;
        c.direction = Direction::Outbound;
        return c;
    }
    c.kind = Kind::Other;
    QByteArrayView parts[4];
    int n = 0;
    qsizetype start = 0;
    for (;;) {
        const qsizetype bar = bytescan::findOrEnd(text.data(), start, text.size(), '|');
        if (n == 4)
            return c;  // more than four parts: not Istio's grammar
        parts[n++] = text.sliced(start, bar - start);
        if (bar == text.size())
            break;
        start = bar + 1;
    }
    if (n != 4)
        return c;
    if (parts[0] == "outbound")
        c.direction = Direction::Outbound;
    else if (parts[0] == "inbound")
        c.direction = Direction::Inbound;
    else
        return c;
    int port = 0;
    if (parts[1].isEmpty() || parts[1].size() > 5)
        return {c.kind, Direction::None, -1, text, {}, {}};
    for (char ch : parts[1]) {
        if (ch < '0' || ch > '9')
            return {c.kind, Direction::None, -1, text, {}, {}};
        port = port * 10 + (ch - '0');
    }
    c.kind = Kind::Service;
    c.port = port;
    c.subset = parts[2];
    c.fqdn = parts[3];
    return c;
}

const char* UpstreamCluster::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return "none";
    case Kind::Service:
        return "service";
    case Kind::Passthrough:
        return "passthrough";
    case Kind::InboundPassthrough:
        return "inbound-passthrough";
    case Kind::BlackHole:
        return "blackhole";
    case Kind::Other:
        return "other";
    }
    return "other";
}

const char* UpstreamCluster::directionName(Direction direction)
{
    switch (direction) {
    case Direction::None:
        return "";
    case Direction::Inbound:
        return "inbound";
    case Direction::Outbound:
        return "outbound";
    }
    return "";
}

}  // namespace obslab
