#include "core/logs/ResponseFlags.h"

#include <iterator>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

// Codes and meanings from Envoy's access-log docs (%RESPONSE_FLAGS%); long names are the
// spellings %RESPONSE_FLAGS_LONG% prints.
constexpr ResponseFlags::Info kFlags[] = {
    {ResponseFlags::NoHealthyUpstream, "UH", "NoHealthyUpstream",
     "no healthy upstream hosts in the upstream cluster (503)"},
    {ResponseFlags::UpstreamConnectionFailure, "UF", "UpstreamConnectionFailure",
     "upstream connection failure (503)"},
    {ResponseFlags::UpstreamOverflow, "UO", "UpstreamOverflow",
     "upstream overflow: circuit breaking (503)"},
    {ResponseFlags::NoRouteFound, "NR", "NoRouteFound",
     "no route configured for the request (404), or no matching filter chain for a connection"},
    {ResponseFlags::UpstreamRetryLimitExceeded, "URX", "UpstreamRetryLimitExceeded",
     "upstream retry limit (HTTP) or maximum connect attempts (TCP) reached"},
    {ResponseFlags::NoClusterFound, "NC", "NoClusterFound", "upstream cluster not found"},
    {ResponseFlags::DurationTimeout, "DT", "DurationTimeout",
     "request or connection exceeded its max duration"},
    {ResponseFlags::DownstreamConnectionTermination, "DC", "DownstreamConnectionTermination",
     "downstream connection terminated"},
    {ResponseFlags::FailedLocalHealthCheck, "LH", "FailedLocalHealthCheck",
     "local service failed its health check (503)"},
    {ResponseFlags::UpstreamRequestTimeout, "UT", "UpstreamRequestTimeout",
     "upstream request timeout (504)"},
    {ResponseFlags::LocalReset, "LR", "LocalReset", "connection local reset (503)"},
    {ResponseFlags::UpstreamRemoteReset, "UR", "UpstreamRemoteReset",
     "upstream remote reset (503)"},
    {ResponseFlags::UpstreamConnectionTermination, "UC", "UpstreamConnectionTermination",
     "upstream connection termination (503)"},
    {ResponseFlags::DelayInjected, "DI", "DelayInjected", "request delayed by fault injection"},
    {ResponseFlags::FaultInjected, "FI", "FaultInjected", "request aborted by fault injection"},
    {ResponseFlags::RateLimited, "RL", "RateLimited", "rate-limited locally (429)"},
    {ResponseFlags::UnauthorizedExternalService, "UAEX", "UnauthorizedExternalService",
     "denied by the external authorization service"},
    {ResponseFlags::RateLimitServiceError, "RLSE", "RateLimitServiceError",
     "rejected because the rate-limit service failed"},
    {ResponseFlags::InvalidEnvoyRequestHeaders, "IH", "InvalidEnvoyRequestHeaders",
     "invalid value in a strictly checked x-envoy-* header (400)"},
    {ResponseFlags::StreamIdleTimeout, "SI", "StreamIdleTimeout",
     "stream idle timeout (408 or 504)"},
    {ResponseFlags::DownstreamProtocolError, "DPE", "DownstreamProtocolError",
     "HTTP protocol error in the downstream request"},
    {ResponseFlags::UpstreamProtocolError, "UPE", "UpstreamProtocolError",
     "HTTP protocol error in the upstream response"},
    {ResponseFlags::UpstreamMaxStreamDurationReached, "UMSDR", "UpstreamMaxStreamDurationReached",
     "upstream request reached its max stream duration"},
    {ResponseFlags::OverloadManager, "OM", "OverloadManagerTerminated",
     "overload manager terminated the request"},
    {ResponseFlags::DnsResolutionFailed, "DF", "DnsResolutionFailed",
     "DNS resolution of the upstream host failed"},
};

}  // namespace

const ResponseFlags::Info* ResponseFlags::table(int* count)
{
    *count = int(std::size(kFlags));
    return kFlags;
}

const ResponseFlags::Info* ResponseFlags::info(Flag flag)
{
    for (const Info& i : kFlags) {
        if (i.flag == flag)
            return &i;
    }
    return nullptr;
}

const ResponseFlags::Info* ResponseFlags::infoByCode(QByteArrayView code)
{
    for (const Info& i : kFlags) {
        if (code == i.code || code == i.longName)
            return &i;
    }
    return nullptr;
}

ResponseFlags ResponseFlags::parse(QByteArrayView text)
{
    if (text.isEmpty() || text == "-")
        return {};
    quint32 bits = 0;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] != ',')
            continue;
        const QByteArrayView code = text.sliced(start, i - start);
        start = i + 1;
        if (code.isEmpty())
            continue;
        const Info* found = infoByCode(code);
        bits |= found ? quint32(found->flag) : quint32(UnknownFlag);
    }
    return ResponseFlags(bits);
}

QStringList ResponseFlags::codes() const
{
    QStringList out;
    for (const Info& i : kFlags) {
        if (has(i.flag))
            out.append(QString::fromLatin1(i.code));
    }
    return out;
}

QStringList ResponseFlags::explanations() const
{
    QStringList out;
    for (const Info& i : kFlags) {
        if (has(i.flag))
            out.append(QString::fromLatin1(i.code) + u": "_s + QString::fromLatin1(i.meaning));
    }
    if (has(UnknownFlag))
        out.append(u"unknown flag"_s);
    return out;
}

}  // namespace obslab
