#include "core/kube/IstioOperatorBuilder.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <string>

using namespace Qt::Literals::StringLiterals;

namespace obslab::IstioOperatorBuilder {

namespace {

std::string str(const QString& s)
{
    return s.toStdString();
}

// Integral percentages print as integers (100, not 100.0), like the examples in Istio's docs.
void emitPercent(YAML::Emitter& out, double percent)
{
    const double clamped = std::clamp(percent, 0.0, 100.0);
    if (std::floor(clamped) == clamped)
        out << int(clamped);
    else
        out << clamped;
}

QString textDefault(int istioMinor)
{
    // Istio's TEXT default (FORMATS.md 1.2): %UPSTREAM_CLUSTER_RAW% from 1.23.
    return u"[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
           "%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% "
           "%CONNECTION_TERMINATION_DETAILS% \"%UPSTREAM_TRANSPORT_FAILURE_REASON%\" "
           "%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "
           "\"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" \"%REQ(X-REQUEST-ID)%\" "
           "\"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\" "_s +
           (istioMinor >= 23 ? u"%UPSTREAM_CLUSTER_RAW%"_s : u"%UPSTREAM_CLUSTER%"_s) +
           u" %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% "
           "%REQUESTED_SERVER_NAME% %ROUTE_NAME%"_s;
}

QString jsonWith(int istioMinor, const QString& extraKey, const QString& extraValue)
{
    const QString cluster =
        istioMinor >= 23 ? u"%UPSTREAM_CLUSTER_RAW%"_s : u"%UPSTREAM_CLUSTER%"_s;
    QString json = u"{\"start_time\":\"%START_TIME%\",\"method\":\"%REQ(:METHOD)%\","
                   "\"path\":\"%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%\",\"protocol\":\"%PROTOCOL%\","
                   "\"response_code\":\"%RESPONSE_CODE%\",\"response_flags\":\"%RESPONSE_FLAGS%\","
                   "\"bytes_received\":\"%BYTES_RECEIVED%\",\"bytes_sent\":\"%BYTES_SENT%\","
                   "\"duration\":\"%DURATION%\",\"user_agent\":\"%REQ(USER-AGENT)%\","
                   "\"request_id\":\"%REQ(X-REQUEST-ID)%\",\"authority\":\"%REQ(:AUTHORITY)%\","
                   "\"upstream_host\":\"%UPSTREAM_HOST%\",\"upstream_cluster\":\""_s +
                   cluster + u"\",\"downstream_remote_address\":\"%DOWNSTREAM_REMOTE_ADDRESS%\""_s;
    if (!extraKey.isEmpty())
        json += u",\""_s + extraKey + u"\":\""_s + extraValue + u'"';
    json += u'}';
    return json;
}

}  // namespace

bool usesTelemetryApi(int istioMinor)
{
    return istioMinor < 0 || istioMinor >= 22;
}

QString providerName(TracingBackend backend)
{
    switch (backend) {
    case TracingBackend::Zipkin:
        return u"jaeger-zipkin"_s;
    case TracingBackend::OpenTelemetry:
        return u"jaeger-otel"_s;
    case TracingBackend::None:
        break;
    }
    return {};
}

QList<AccessLogFormatChoice> accessLogFormats(TracingBackend backend, AccessLogEncoding encoding,
                                              int istioMinor)
{
    QList<AccessLogFormatChoice> choices;
    const bool otel = backend == TracingBackend::OpenTelemetry;
    if (encoding == AccessLogEncoding::Json) {
        if (otel)
            choices.append({u"json-traceparent"_s, u"JSON with traceparent"_s,
                            jsonWith(istioMinor, u"traceparent"_s, u"%REQ(TRACEPARENT)%"_s),
                            u"Istio's main JSON keys plus the W3C traceparent the OpenTelemetry "
                            "tracer propagates (its middle part is the trace id)."_s,
                            true});
        choices.append({u"json-b3"_s, u"JSON with B3 trace id"_s,
                        jsonWith(istioMinor, u"trace_id"_s, u"%REQ(X-B3-TRACEID)%"_s),
                        u"Istio's main JSON keys plus x-b3-traceid, the id a Zipkin tracer (and "
                        "the tutorial's client) uses."_s,
                        true});
        if (istioMinor >= 23)
            choices.append({u"json-trace-id"_s, u"JSON with %TRACE_ID%"_s,
                            jsonWith(istioMinor, u"trace_id"_s, u"%TRACE_ID%"_s),
                            u"Envoy's %TRACE_ID% operator (Istio ≥ 1.23): the active span's trace "
                            "id, whatever the tracer."_s,
                            true});
        choices.append({u"json-default"_s,
                        u"Istio's default JSON (no trace id)"_s,
                        {},
                        u"Only x-request-id: you cannot look a line up in Jaeger."_s,
                        false});
        return choices;
    }
    const AccessLogFormatChoice tutorial{
        u"tutorial"_s, u"Workshop: short line with B3 trace and span id"_s,
        u"[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
        "%RESPONSE_CODE% traceID=%REQ(X-B3-TRACEID)% spanID=%REQ(X-B3-SPANID)% "
        "service=%DOWNSTREAM_LOCAL_ADDRESS%"_s,
        u"The workshop's format: time, request, status and the B3 trace and span ids (what a "
        "Zipkin tracer and the tutorial's client send)."_s,
        true};
    const AccessLogFormatChoice b3{u"default-b3"_s, u"Istio default + B3 trace id"_s,
                                   textDefault(istioMinor) + u" \"%REQ(X-B3-TRACEID)%\""_s,
                                   u"Istio's full default line with the x-b3-traceid appended."_s,
                                   true};
    const AccessLogFormatChoice traceparent{
        u"default-traceparent"_s, u"Istio default + traceparent"_s,
        textDefault(istioMinor) + u" \"%REQ(TRACEPARENT)%\""_s,
        u"Istio's full default line with the W3C traceparent appended (OpenTelemetry tracer)."_s,
        true};
    if (otel) {
        choices << traceparent;
    } else {
        choices << tutorial << b3;
    }
    if (istioMinor >= 23)
        choices.append({u"default-trace-id"_s, u"Istio default + %TRACE_ID%"_s,
                        textDefault(istioMinor) + u" %TRACE_ID%"_s,
                        u"Envoy's %TRACE_ID% operator (Istio ≥ 1.23): the active span's trace id, "
                        "whatever the tracer."_s,
                        true});
    if (otel)
        choices << b3 << tutorial;
    else
        choices << traceparent;
    choices.append({u"istio-default"_s,
                    u"Istio's default (no trace id)"_s,
                    {},
                    u"Only x-request-id: you cannot look a line up in Jaeger."_s,
                    false});
    return choices;
}

QString backendExplanation(TracingBackend backend, int istioMinor)
{
    switch (backend) {
    case TracingBackend::None:
        return u"No tracing settings: sidecars keep Istio's defaults (from 1.22 that means no "
               "tracer at all)."_s;
    case TracingBackend::Zipkin:
        return usesTelemetryApi(istioMinor)
                   ? u"Zipkin protocol, B3 headers (x-b3-traceid …). Choose it for clients that "
                     "send B3, like the tutorial's frontend: the sidecars keep the client's trace "
                     "id, so the id in the access log is the one Jaeger shows. Installed as a "
                     "zipkin extension provider plus a Telemetry resource."_s
                   : u"Zipkin protocol, B3 headers, set in meshConfig.defaultConfig.tracing (Istio "
                     "before 1.22). Sidecars read it when they start: restart the workloads "
                     "after installing."_s;
    case TracingBackend::OpenTelemetry:
        return u"OpenTelemetry (OTLP), W3C traceparent headers. Choose it for clients that send "
               "traceparent. A client that only sends B3 (the tutorial's) gets a new trace id "
               "from the sidecar, so its x-b3-traceid no longer matches any trace in Jaeger."_s;
    }
    return {};
}

QByteArray istioOperator(const IstioInstallOptions& o)
{
    const bool telemetryApi = usesTelemetryApi(o.istioMinor);
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "apiVersion" << YAML::Value << "install.istio.io/v1alpha1";
    out << YAML::Key << "kind" << YAML::Value << "IstioOperator";
    out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << "obslab";
    out << YAML::Key << "namespace" << YAML::Value << "istio-system";
    out << YAML::EndMap;
    out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "profile" << YAML::Value
        << str(o.profile.isEmpty() ? u"default"_s : o.profile);
    out << YAML::Key << "meshConfig" << YAML::Value << YAML::BeginMap;
    if (o.accessLog) {
        out << YAML::Key << "accessLogFile" << YAML::Value << str(o.accessLogFile);
        out << YAML::Key << "accessLogEncoding" << YAML::Value
            << (o.accessLogEncoding == AccessLogEncoding::Json ? "JSON" : "TEXT");
        if (!o.accessLogFormat.isEmpty()) {
            // Istio appends the newline itself when the format lacks it.
            out << YAML::Key << "accessLogFormat" << YAML::Value << YAML::SingleQuoted
                << str(o.accessLogFormat);
        }
    }
    if (o.backend != TracingBackend::None) {
        out << YAML::Key << "enableTracing" << YAML::Value << true;
        if (telemetryApi) {
            out << YAML::Key << "extensionProviders" << YAML::Value << YAML::BeginSeq;
            out << YAML::BeginMap;
            out << YAML::Key << "name" << YAML::Value << str(providerName(o.backend));
            if (o.backend == TracingBackend::Zipkin) {
                out << YAML::Key << "zipkin" << YAML::Value << YAML::BeginMap;
                out << YAML::Key << "service" << YAML::Value << str(o.collectorService);
                out << YAML::Key << "port" << YAML::Value << o.zipkinPort;
                out << YAML::EndMap;
            } else {
                out << YAML::Key << "opentelemetry" << YAML::Value << YAML::BeginMap;
                out << YAML::Key << "service" << YAML::Value << str(o.collectorService);
                out << YAML::Key << "port" << YAML::Value << o.otlpPort;
                out << YAML::EndMap;
            }
            out << YAML::EndMap;
            out << YAML::EndSeq;
        } else {
            out << YAML::Key << "defaultConfig" << YAML::Value << YAML::BeginMap;
            out << YAML::Key << "tracing" << YAML::Value << YAML::BeginMap;
            out << YAML::Key << "sampling" << YAML::Value;
            emitPercent(out, o.samplingPercent);
            out << YAML::Key << "zipkin" << YAML::Value << YAML::BeginMap;
            out << YAML::Key << "address" << YAML::Value
                << str(o.collectorService + u':' + QString::number(o.zipkinPort));
            out << YAML::EndMap;
            out << YAML::EndMap;
            out << YAML::EndMap;
        }
    }
    out << YAML::EndMap;  // meshConfig
    out << YAML::EndMap;  // spec
    out << YAML::EndMap;
    QByteArray text(out.c_str(), qsizetype(out.size()));
    text.append('\n');
    return text;
}

QByteArray telemetry(const IstioInstallOptions& o)
{
    if (o.backend == TracingBackend::None || !usesTelemetryApi(o.istioMinor))
        return {};
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "apiVersion" << YAML::Value << "telemetry.istio.io/v1";
    out << YAML::Key << "kind" << YAML::Value << "Telemetry";
    out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << "mesh-default";
    out << YAML::Key << "namespace" << YAML::Value << "istio-system";
    out << YAML::EndMap;
    out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "tracing" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out << YAML::Key << "providers" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << str(providerName(o.backend));
    out << YAML::EndMap << YAML::EndSeq;
    out << YAML::Key << "randomSamplingPercentage" << YAML::Value;
    emitPercent(out, o.samplingPercent);
    out << YAML::EndMap << YAML::EndSeq;
    out << YAML::EndMap;
    out << YAML::EndMap;
    QByteArray text(out.c_str(), qsizetype(out.size()));
    text.append('\n');
    return text;
}

}  // namespace obslab::IstioOperatorBuilder
