#include "core/logs/LineService.h"

#include "core/logs/ParsedLine.h"

namespace obslab {

namespace {

QByteArrayView hostOf(QByteArrayView authority)
{
    if (authority.startsWith('[')) {  // [v6]:port or [v6]
        const qsizetype close = authority.indexOf(']');
        return close > 0 ? authority.first(close + 1) : authority;
    }
    const qsizetype colon = authority.lastIndexOf(':');
    if (colon <= 0 || authority.indexOf(':') != colon)  // no port, or a bare IPv6 address
        return authority;
    return authority.first(colon);
}

bool isKubernetesServiceName(QByteArrayView name)
{
    return name.endsWith(".svc") || name.contains(".svc.");
}

}  // namespace

QByteArrayView serviceOf(const ParsedLine& p, QByteArrayView line)
{
    const QByteArrayView fqdn = p.view(line, Field::ClusterFqdn);
    if (!fqdn.isEmpty())
        return fqdn;
    const QByteArrayView host = hostOf(p.view(line, Field::Authority));
    if (!host.isEmpty())
        return host;
    // A custom format's own `service=` (the tutorial logs the service's address:port there).
    const QByteArrayView service = p.view(line, Field::Service);
    return service == "-" ? QByteArrayView() : service;
}

QByteArrayView shortServiceName(QByteArrayView service)
{
    if (!isKubernetesServiceName(service))
        return service;
    const qsizetype dot = service.indexOf('.');
    return dot > 0 ? service.first(dot) : service;
}

}  // namespace obslab
