#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace obslab {

enum class TracingBackend
{
    None,           // no tracing settings (Istio's defaults)
    Zipkin,         // Zipkin protocol: B3 headers, keeps a B3 client's trace id (the tutorial)
    OpenTelemetry,  // OTLP: W3C traceparent; a B3-only client gets a new trace id
};

enum class AccessLogEncoding
{
    Text,
    Json
};

// What the install form asks for. istioMinor decides the tracing form: ≥ 22 uses
// meshConfig.extensionProviders plus a Telemetry resource, older Istio the legacy
// meshConfig.defaultConfig.tracing (Zipkin only; read by each sidecar when it starts).
struct IstioInstallOptions
{
    int istioMinor = 24;
    QString profile = QStringLiteral("demo");
    double samplingPercent = 100.0;
    TracingBackend backend = TracingBackend::Zipkin;
    QString collectorService = QStringLiteral("jaeger-collector.istio-system.svc.cluster.local");
    int zipkinPort = 9411;
    int otlpPort = 4317;
    bool accessLog = true;
    QString accessLogFile = QStringLiteral("/dev/stdout");
    AccessLogEncoding accessLogEncoding = AccessLogEncoding::Text;
    QString accessLogFormat;  // empty: Istio's default for the encoding (no trace id)
};

// One access-log format the form offers.
struct AccessLogFormatChoice
{
    QString id;      // "tutorial", "istio-default", …
    QString title;   // for the combo box
    QString format;  // the accessLogFormat value (empty: Istio's default)
    QString explanation;
    bool carriesTraceId = false;
};

// Builds the IstioOperator (and the Telemetry) the install form shows. Pure, any thread.
namespace IstioOperatorBuilder {

bool usesTelemetryApi(int istioMinor);         // Istio ≥ 1.22
QString providerName(TracingBackend backend);  // "jaeger-zipkin", "jaeger-otel"
// Formats for the encoding, first the recommended one for the backend; those that carry the trace
// id say which header they read (the one the backend propagates).
QList<AccessLogFormatChoice> accessLogFormats(TracingBackend backend, AccessLogEncoding encoding,
                                              int istioMinor);
// Why the backend matters for a client sending B3 (the tutorial's) or traceparent headers.
QString backendExplanation(TracingBackend backend, int istioMinor);

QByteArray istioOperator(const IstioInstallOptions& options);
// The mesh-wide Telemetry (namespace istio-system) naming the provider with the sampling;
// empty when the options use the legacy form or no tracing.
QByteArray telemetry(const IstioInstallOptions& options);

}  // namespace IstioOperatorBuilder

}  // namespace obslab
