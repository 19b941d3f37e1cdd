#include "core/logs/ParsedLine.h"

#include "core/logs/JsonFlatScanner.h"

namespace obslab {

QByteArrayView ParsedLine::view(QByteArrayView line, Field f) const
{
    const ByteRange r = range(f);
    if (r.isEmpty() || qsizetype(r.offset) + qsizetype(r.length) > line.size())
        return {};
    return line.sliced(r.offset, r.length);
}

QByteArray ParsedLine::bytes(QByteArrayView line, Field f) const
{
    const QByteArrayView v = view(line, f);
    if (escapesJson() && v.contains('\\'))
        return JsonFlatScanner::unescape(v);
    return v.toByteArray();
}

QString ParsedLine::text(QByteArrayView line, Field f) const
{
    return QString::fromUtf8(bytes(line, f));
}

const char* ParsedLine::fieldName(Field f)
{
    switch (f) {
    case Field::Pod:
        return "pod";
    case Field::Container:
        return "container";
    case Field::KubeTimestamp:
        return "kube_timestamp";
    case Field::StartTime:
        return "start_time";
    case Field::Method:
        return "method";
    case Field::Path:
        return "path";
    case Field::Protocol:
        return "protocol";
    case Field::ResponseCode:
        return "response_code";
    case Field::ResponseFlags:
        return "response_flags";
    case Field::ResponseCodeDetails:
        return "response_code_details";
    case Field::ConnectionTerminationDetails:
        return "connection_termination_details";
    case Field::UpstreamTransportFailureReason:
        return "upstream_transport_failure_reason";
    case Field::BytesReceived:
        return "bytes_received";
    case Field::BytesSent:
        return "bytes_sent";
    case Field::Duration:
        return "duration";
    case Field::UpstreamServiceTime:
        return "upstream_service_time";
    case Field::XForwardedFor:
        return "x_forwarded_for";
    case Field::UserAgent:
        return "user_agent";
    case Field::RequestId:
        return "request_id";
    case Field::Authority:
        return "authority";
    case Field::UpstreamHost:
        return "upstream_host";
    case Field::UpstreamCluster:
        return "upstream_cluster";
    case Field::ClusterSubset:
        return "upstream_cluster_subset";
    case Field::ClusterFqdn:
        return "upstream_cluster_service";
    case Field::UpstreamLocalAddress:
        return "upstream_local_address";
    case Field::DownstreamLocalAddress:
        return "downstream_local_address";
    case Field::DownstreamRemoteAddress:
        return "downstream_remote_address";
    case Field::RequestedServerName:
        return "requested_server_name";
    case Field::RouteName:
        return "route_name";
    case Field::TraceId:
        return "trace_id_raw";
    case Field::SpanId:
        return "span_id_raw";
    case Field::ParentSpanId:
        return "parent_span_id_raw";
    case Field::Sampled:
        return "sampled_raw";
    case Field::Traceparent:
        return "trace_header";
    case Field::Level:
        return "level_raw";
    case Field::Logger:
        return "logger";
    case Field::Message:
        return "message";
    case Field::Service:
        return "service";
    case Field::Count:
        break;
    }
    return "";
}

const char* ParsedLine::kindName(LineKind k)
{
    switch (k) {
    case LineKind::Unknown:
        return "unknown";
    case LineKind::Request:
        return "request";
    case LineKind::ProxyLog:
        return "proxy_log";
    }
    return "unknown";
}

const char* ParsedLine::formatName(LineFormat f)
{
    switch (f) {
    case LineFormat::Unknown:
        return "unknown";
    case LineFormat::IstioText:
        return "istio_text";
    case LineFormat::IstioTextLegacy:
        return "istio_text_legacy";
    case LineFormat::EnvoyDefault:
        return "envoy_default";
    case LineFormat::TextCustom:
        return "text_custom";
    case LineFormat::IstioJson:
        return "istio_json";
    case LineFormat::IstioJsonLegacy:
        return "istio_json_legacy";
    case LineFormat::Json:
        return "json";
    case LineFormat::KeyValue:
        return "key_value";
    case LineFormat::EnvoyLog:
        return "envoy_log";
    case LineFormat::IstioLog:
        return "istio_log";
    }
    return "unknown";
}

const char* ParsedLine::levelName(LogLevel l)
{
    switch (l) {
    case LogLevel::None:
        return "";
    case LogLevel::Trace:
        return "trace";
    case LogLevel::Debug:
        return "debug";
    case LogLevel::Info:
        return "info";
    case LogLevel::Warning:
        return "warning";
    case LogLevel::Error:
        return "error";
    case LogLevel::Critical:
        return "critical";
    }
    return "";
}

const char* ParsedLine::highlightName(HighlightKind k)
{
    switch (k) {
    case HighlightKind::TraceId:
        return "trace_id";
    case HighlightKind::SpanId:
        return "span_id";
    case HighlightKind::ParentSpanId:
        return "parent_span_id";
    case HighlightKind::RequestId:
        return "request_id";
    case HighlightKind::Status:
        return "status";
    case HighlightKind::Flags:
        return "flags";
    case HighlightKind::Level:
        return "level";
    }
    return "";
}

const char* ParsedLine::samplingName(TraceContext::Sampling s)
{
    switch (s) {
    case TraceContext::Sampling::Unknown:
        return "";
    case TraceContext::Sampling::Sampled:
        return "sampled";
    case TraceContext::Sampling::NotSampled:
        return "not_sampled";
    case TraceContext::Sampling::Debug:
        return "debug";
    }
    return "";
}

}  // namespace obslab
