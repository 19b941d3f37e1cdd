// core/kube/IstioOperatorBuilder: the install form's IstioOperator and Telemetry for old and new
// Istio, checked structurally (parsed back with yaml-cpp).
#include "core/kube/IstioOperatorBuilder.h"
#include "core/manifest/Manifest.h"

#include <yaml-cpp/yaml.h>

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {
YAML::Node load(const QByteArray& text)
{
    return YAML::Load(text.toStdString());
}
std::string s(const YAML::Node& n)
{
    return n && n.IsScalar() ? n.Scalar() : std::string("<missing>");
}
}  // namespace

class TestIstioOperatorBuilder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void istio121Legacy()
    {
        IstioInstallOptions o;
        o.istioMinor = 21;
        o.samplingPercent = 100;
        o.backend = TracingBackend::Zipkin;
        o.accessLogFormat =
            IstioOperatorBuilder::accessLogFormats(o.backend, o.accessLogEncoding, 21)
                .first()
                .format;
        const QByteArray text = IstioOperatorBuilder::istioOperator(o);
        QVERIFY(Manifest::parse(text).issues.isEmpty());
        const YAML::Node root = load(text);
        QCOMPARE(s(root["kind"]), "IstioOperator");
        QCOMPARE(s(root["apiVersion"]), "install.istio.io/v1alpha1");
        QCOMPARE(s(root["spec"]["profile"]), "demo");
        const YAML::Node mesh = root["spec"]["meshConfig"];
        QCOMPARE(s(mesh["enableTracing"]), "true");
        QCOMPARE(s(mesh["defaultConfig"]["tracing"]["sampling"]), "100");
        QCOMPARE(s(mesh["defaultConfig"]["tracing"]["zipkin"]["address"]),
                 "jaeger-collector.istio-system.svc.cluster.local:9411");
        QVERIFY(!mesh["extensionProviders"]);
        QCOMPARE(s(mesh["accessLogFile"]), "/dev/stdout");
        QCOMPARE(s(mesh["accessLogEncoding"]), "TEXT");
        QVERIFY(
            QByteArray::fromStdString(s(mesh["accessLogFormat"])).contains("%REQ(X-B3-TRACEID)%"));
        QVERIFY(IstioOperatorBuilder::telemetry(o).isEmpty());
    }

    void istio124Telemetry_data()
    {
        QTest::addColumn<TracingBackend>("backend");
        QTest::addColumn<QString>("providerKey");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("header");
        QTest::newRow("zipkin") << TracingBackend::Zipkin << u"zipkin"_s << 9411
                                << u"%REQ(X-B3-TRACEID)%"_s;
        QTest::newRow("otel") << TracingBackend::OpenTelemetry << u"opentelemetry"_s << 4317
                              << u"%REQ(TRACEPARENT)%"_s;
    }
    void istio124Telemetry()
    {
        QFETCH(TracingBackend, backend);
        QFETCH(QString, providerKey);
        QFETCH(int, port);
        QFETCH(QString, header);
        IstioInstallOptions o;
        o.istioMinor = 24;
        o.samplingPercent = 12.5;
        o.backend = backend;
        const auto formats =
            IstioOperatorBuilder::accessLogFormats(backend, AccessLogEncoding::Text, 24);
        QVERIFY(formats.first().carriesTraceId);
        QVERIFY(formats.first().format.contains(header));  // the header this tracer propagates
        QVERIFY(!formats.last().carriesTraceId);
        o.accessLogFormat = formats.first().format;
        const YAML::Node root = load(IstioOperatorBuilder::istioOperator(o));
        const YAML::Node mesh = root["spec"]["meshConfig"];
        QVERIFY(!mesh["defaultConfig"]);
        const YAML::Node providers = mesh["extensionProviders"];
        QVERIFY(providers.IsSequence());
        QCOMPARE(providers.size(), size_t(1));
        const std::string name = s(providers[0]["name"]);
        QCOMPARE(QString::fromStdString(name), IstioOperatorBuilder::providerName(backend));
        const YAML::Node p = providers[0][providerKey.toStdString()];
        QCOMPARE(s(p["service"]), "jaeger-collector.istio-system.svc.cluster.local");
        QCOMPARE(p["port"].as<int>(), port);
        QCOMPARE(QString::fromStdString(s(mesh["accessLogFormat"])), o.accessLogFormat);

        const QByteArray telemetryText = IstioOperatorBuilder::telemetry(o);
        QVERIFY(Manifest::parse(telemetryText).issues.isEmpty());
        const YAML::Node t = load(telemetryText);
        QCOMPARE(s(t["apiVersion"]), "telemetry.istio.io/v1");
        QCOMPARE(s(t["kind"]), "Telemetry");
        QCOMPARE(s(t["metadata"]["namespace"]), "istio-system");
        QCOMPARE(s(t["spec"]["tracing"][0]["providers"][0]["name"]), name);
        QCOMPARE(t["spec"]["tracing"][0]["randomSamplingPercentage"].as<double>(), 12.5);
    }

    void jsonAndNoTracing()
    {
        IstioInstallOptions o;
        o.backend = TracingBackend::None;
        o.accessLogEncoding = AccessLogEncoding::Json;
        const auto formats =
            IstioOperatorBuilder::accessLogFormats(o.backend, o.accessLogEncoding, 24);
        QVERIFY(formats.first().format.startsWith(u'{'));
        o.accessLogFormat = formats.first().format;
        const YAML::Node mesh = load(IstioOperatorBuilder::istioOperator(o))["spec"]["meshConfig"];
        QVERIFY(!mesh["enableTracing"]);
        QVERIFY(!mesh["extensionProviders"]);
        QCOMPARE(s(mesh["accessLogEncoding"]), "JSON");
        QCOMPARE(QString::fromStdString(s(mesh["accessLogFormat"])), o.accessLogFormat);
        QVERIFY(IstioOperatorBuilder::telemetry(o).isEmpty());
        o.accessLog = false;
        QVERIFY(
            !load(IstioOperatorBuilder::istioOperator(o))["spec"]["meshConfig"]["accessLogFile"]);
    }

    void traceIdOperatorOnlyFrom123()
    {
        auto has = [](int minor) {
            for (const auto& f : IstioOperatorBuilder::accessLogFormats(
                     TracingBackend::Zipkin, AccessLogEncoding::Text, minor))
                if (f.format.contains(u"%TRACE_ID%"_s))
                    return true;
            return false;
        };
        QVERIFY(!has(22));
        QVERIFY(has(23));
        QVERIFY(IstioOperatorBuilder::backendExplanation(TracingBackend::OpenTelemetry, 24)
                    .contains(u"new trace id"_s));
    }
};

QTEST_GUILESS_MAIN(TestIstioOperatorBuilder)
#include "tst_istiooperatorbuilder.moc"
