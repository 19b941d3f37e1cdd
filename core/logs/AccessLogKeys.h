#pragma once

#include <QtGlobal>

namespace obslab::accesslog {

// What a key in a JSON object, a key=value pair or a custom field means.
enum class Key : quint8
{
    None,
    StartTime,
    Method,
    Path,
    Protocol,
    ResponseCode,
    ResponseFlags,
    Details,
    Termination,
    TransportFailure,
    BytesReceived,
    BytesSent,
    Duration,
    UpstreamServiceTime,
    ForwardedFor,
    UserAgent,
    RequestId,
    Authority,
    UpstreamHost,
    UpstreamCluster,
    UpstreamLocal,
    DownstreamLocal,
    DownstreamRemote,
    ServerName,
    RouteName,
    TraceId,
    SpanId,
    ParentSpanId,
    Sampled,
    Traceparent,
    B3,
    UberTraceId,
    Level,
    Message,
    Logger,
    Service,
};

// What the key k (as written: `trace_id`, `x-b3-traceid`, `"traceId"`) means; Key::None when
// it means nothing the parser keeps. Any spelling: case, '-', '_', '.' and '@' do not matter.
Key lookupKey(const char* k, qsizetype len);

}  // namespace obslab::accesslog
