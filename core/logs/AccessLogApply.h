#pragma once

#include "core/logs/AccessLogLineParser.h"

#include "core/logs/RequestId.h"

// What a value means once its key is known. Inline, in every layout's file: with the key known
// where it is called (the TEXT fields), the compiler keeps only that key's case.
namespace obslab::accesslog {

inline void LineParser::applyNumber(Field f, Sz off, Sz len, qint64& target)
{
    qint64 n = 0;
    if (!parseCount(v(off, len), n))
        return;
    target = n;
    out_.set(f, off, len);
}

inline void LineParser::applyCluster(Sz off, Sz len)
{
    const UpstreamCluster c = UpstreamCluster::parse(v(off, len));
    if (c.kind == UpstreamCluster::Kind::None)
        return;
    out_.set(Field::UpstreamCluster, off, c.name.size());
    out_.clusterKind = c.kind;
    out_.clusterDirection = c.direction;
    out_.clusterPort = c.port;
    if (!c.subset.isEmpty())
        out_.set(Field::ClusterSubset, c.subset.data() - d_, c.subset.size());
    if (!c.fqdn.isEmpty())
        out_.set(Field::ClusterFqdn, c.fqdn.data() - d_, c.fqdn.size());
}

inline void LineParser::applyContext(const TraceContext& ctx, Sz off, Sz len, Sz traceOff,
                                     Sz traceLen, Sz spanOff, Sz spanLen)
{
    if (!ctx.isValid() || out_.trace.isValid())
        return;
    out_.trace = ctx;
    out_.set(Field::Traceparent, off, len);
    out_.set(Field::TraceId, traceOff, traceLen);
    out_.addHighlight(HighlightKind::TraceId, out_.range(Field::TraceId));
    if (ctx.spanId != 0) {
        out_.set(Field::SpanId, spanOff, spanLen);
        out_.addHighlight(HighlightKind::SpanId, out_.range(Field::SpanId));
    }
}

inline void LineParser::apply(Key key, Sz off, Sz len)
{
    const QByteArrayView value = v(off, len);
    if (missing(value))
        return;
    switch (key) {
    case Key::None:
        return;
    case Key::StartTime:
        out_.set(Field::StartTime, off, len);
        out_.timeUs = logtime::parse(value);
        return;
    case Key::Method:
        out_.set(Field::Method, off, len);
        return;
    case Key::Path:
        out_.set(Field::Path, off, len);
        return;
    case Key::Protocol:
        out_.set(Field::Protocol, off, len);
        return;
    case Key::ResponseCode: {
        qint64 code = 0;
        if (!parseCount(value, code) || code > 999)
            return;
        out_.responseCode = int(code);
        out_.set(Field::ResponseCode, off, len);
        out_.addHighlight(HighlightKind::Status, out_.range(Field::ResponseCode));
        return;
    }
    case Key::ResponseFlags:
        out_.set(Field::ResponseFlags, off, len);
        out_.responseFlags = ResponseFlags::parse(value);
        out_.addHighlight(HighlightKind::Flags, out_.range(Field::ResponseFlags));
        return;
    case Key::Details:
        out_.set(Field::ResponseCodeDetails, off, len);
        return;
    case Key::Termination:
        out_.set(Field::ConnectionTerminationDetails, off, len);
        return;
    case Key::TransportFailure:
        out_.set(Field::UpstreamTransportFailureReason, off, len);
        return;
    case Key::BytesReceived:
        applyNumber(Field::BytesReceived, off, len, out_.bytesReceived);
        return;
    case Key::BytesSent:
        applyNumber(Field::BytesSent, off, len, out_.bytesSent);
        return;
    case Key::Duration:
        applyNumber(Field::Duration, off, len, out_.durationMs);
        return;
    case Key::UpstreamServiceTime:
        applyNumber(Field::UpstreamServiceTime, off, len, out_.upstreamServiceTimeMs);
        return;
    case Key::ForwardedFor:
        out_.set(Field::XForwardedFor, off, len);
        return;
    case Key::UserAgent:
        out_.set(Field::UserAgent, off, len);
        return;
    case Key::RequestId:
        if (out_.has(Field::RequestId))
            return;
        out_.set(Field::RequestId, off, len);
        out_.addHighlight(HighlightKind::RequestId, out_.range(Field::RequestId));
        return;
    case Key::Authority:
        out_.set(Field::Authority, off, len);
        return;
    case Key::UpstreamHost:
        out_.set(Field::UpstreamHost, off, len);
        return;
    case Key::UpstreamCluster:
        applyCluster(off, len);
        return;
    case Key::UpstreamLocal:
        out_.set(Field::UpstreamLocalAddress, off, len);
        return;
    case Key::DownstreamLocal:
        out_.set(Field::DownstreamLocalAddress, off, len);
        return;
    case Key::Service:
        out_.set(Field::Service, off, len);
        return;
    case Key::DownstreamRemote:
        out_.set(Field::DownstreamRemoteAddress, off, len);
        return;
    case Key::ServerName:
        out_.set(Field::RequestedServerName, off, len);
        return;
    case Key::RouteName:
        out_.set(Field::RouteName, off, len);
        return;
    case Key::TraceId: {
        if (out_.has(Field::TraceId))
            return;
        // Some formats log a whole header under a trace key.
        if (value.size() >= 55 && value.contains('-')) {
            const TraceContext ctx = TraceContext::fromTraceparent(value);
            if (ctx.isValid()) {
                applyContext(ctx, off, len, off + 3, 32, off + 36, 16);
                return;
            }
        }
        out_.set(Field::TraceId, off, len);
        const TraceId id = TraceId::fromHex(value);
        if (id.isValid() && !out_.trace.isValid()) {
            out_.trace.traceId = id;
            out_.addHighlight(HighlightKind::TraceId, out_.range(Field::TraceId));
        }
        return;
    }
    case Key::SpanId: {
        if (out_.has(Field::SpanId))
            return;
        out_.set(Field::SpanId, off, len);
        const quint64 span = hex::spanIdFromHex(value);
        if (span != 0) {
            out_.trace.spanId = span;
            out_.addHighlight(HighlightKind::SpanId, out_.range(Field::SpanId));
        }
        return;
    }
    case Key::ParentSpanId: {
        if (out_.has(Field::ParentSpanId))
            return;
        out_.set(Field::ParentSpanId, off, len);
        const quint64 span = hex::spanIdFromHex(value);
        if (span != 0) {
            out_.trace.parentSpanId = span;
            out_.addHighlight(HighlightKind::ParentSpanId, out_.range(Field::ParentSpanId));
        }
        return;
    }
    case Key::Sampled:
        out_.set(Field::Sampled, off, len);
        if (out_.trace.sampling == TraceContext::Sampling::Unknown)
            out_.trace.sampling = TraceContext::parseSampled(value);
        return;
    case Key::Traceparent:
        applyContext(TraceContext::fromTraceparent(value), off, len, off + 3, 32, off + 36, 16);
        return;
    case Key::B3: {
        const Sz dash = value.indexOf('-');
        const TraceContext ctx = TraceContext::fromB3Single(value);
        applyContext(ctx, off, len, off, dash, off + dash + 1, 16);
        if (!ctx.isValid() && out_.trace.sampling == TraceContext::Sampling::Unknown)
            out_.trace.sampling = TraceContext::parseSampled(value);  // deny-only `b3: 0`
        return;
    }
    case Key::UberTraceId: {
        const Sz c1 = value.indexOf(':');
        const Sz c2 = c1 < 0 ? -1 : value.indexOf(':', c1 + 1);
        if (c2 < 0)
            return;
        applyContext(TraceContext::fromUberTraceId(value), off, len, off, c1, off + c1 + 1,
                     c2 - c1 - 1);
        return;
    }
    case Key::Level: {
        const LogLevel level = parseLevel(value);
        if (level == LogLevel::None)
            return;
        out_.level = level;
        out_.set(Field::Level, off, len);
        out_.addHighlight(HighlightKind::Level, out_.range(Field::Level));
        return;
    }
    case Key::Message:
        out_.set(Field::Message, off, len);
        return;
    case Key::Logger:
        out_.set(Field::Logger, off, len);
        return;
    }
}

}  // namespace obslab::accesslog
