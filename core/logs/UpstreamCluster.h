#pragma once

#include <QByteArrayView>

namespace obslab {

// An Istio upstream cluster name, split: `outbound|<port>|<subset>|<fqdn>`, `inbound|<port>||`
// (≤1.5: `inbound|<port>|<portname>|<fqdn>`), the special PassthroughCluster, BlackHoleCluster,
// InboundPassthroughCluster… names, or anything else (a gateway's or plain Envoy's cluster).
// A trailing `;` (from %UPSTREAM_CLUSTER%'s alt_stat_name) is stripped. The views point into the
// parsed text; parsing never allocates.
struct UpstreamCluster
{
    enum class Direction : quint8
    {
        None,
        Inbound,
        Outbound
    };
    enum class Kind : quint8
    {
        None,  // `-` or empty: no route / no cluster
        Service,
        Passthrough,
        InboundPassthrough,
        BlackHole,
        Other
    };

    Kind kind = Kind::None;
    Direction direction = Direction::None;
    int port = -1;
    QByteArrayView name;    // whole name without the trailing ';'
    QByteArrayView subset;  // empty when none (for ≤1.5 inbound: the port name)
    QByteArrayView fqdn;    // service host; empty for modern inbound clusters

    static UpstreamCluster parse(QByteArrayView text);
    static const char* kindName(Kind kind);
    static const char* directionName(Direction direction);
};

}  // namespace obslab
