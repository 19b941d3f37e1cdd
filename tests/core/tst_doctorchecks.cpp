// The doctor's pure parts: mesh-config YAML in and out, which tracer applies (FORMATS.md §9),
// access-log formats, pod ownership, the fix text, and the checks on hand-made snapshots.
#include "core/doctor/DoctorChecks.h"
#include "core/doctor/DoctorFixes.h"
#include "core/doctor/MeshConfig.h"
#include "core/manifest/Manifest.h"

#include <QFile>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

QJsonObject json(const char* text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

KubeObject telemetry(const QString& ns, const QString& name, const char* spec)
{
    KubeObject o;
    o.apiVersion = u"telemetry.istio.io/v1"_s;
    o.kind = u"Telemetry"_s;
    o.ns = ns;
    o.name = name;
    o.raw = QJsonObject{{u"spec"_s, json(spec)}};
    return o;
}

}  // namespace

class TestDoctorChecks : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseMesh_data();
    void parseMesh();
    void yamlRoundTrip();
    void tracer_data();
    void tracer();
    void traceIdInFormat_data();
    void traceIdInFormat();
    void owningDeployment();
    void describeUsesHeredoc();
    void jaegerAddonIsTheLabs();
    void unreachableSkipsTheRest();
    void kubectlMissing();
    void noIstio();
    void logLines_data();
    void logLines();
};

void TestDoctorChecks::parseMesh_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("value");  // JSON of the value at path
    QTest::newRow("tutorial") << QByteArray("enableTracing: true\ndefaultConfig:\n  tracing:\n    "
                                            "sampling: 100\n    zipkin:\n      address: "
                                            "zipkin.istio-system:9411\n")
                              << true << u"defaultConfig.tracing.sampling"_s << u"100"_s;
    QTest::newRow("quoted-number-stays-text")
        << QByteArray("defaultConfig:\n  tracing:\n    sampling: \"100\"\n") << true
        << u"defaultConfig.tracing.sampling"_s << u"\"100\""_s;
    QTest::newRow("bool") << QByteArray("enableTracing: false\n") << true << u"enableTracing"_s
                          << u"false"_s;
    QTest::newRow("json-is-yaml") << QByteArray("{\"accessLogFile\": \"/dev/stdout\"}") << true
                                  << u"accessLogFile"_s << u"\"/dev/stdout\""_s;
    QTest::newRow("empty") << QByteArray() << true << u"enableTracing"_s << QString();
    QTest::newRow("broken") << QByteArray("enableTracing: [true\n") << false << QString()
                            << QString();
    QTest::newRow("not-a-mapping") << QByteArray("- a\n- b\n") << false << QString() << QString();
    QTest::newRow("invalid-utf8") << QByteArray("a: \xff\xfe\n") << true << u"a"_s << QString();
    // kubectl's error text happens to be a one-key YAML mapping: parsed, and simply has no
    // setting the checks look for (kubectl errors go to stderr, never into the configmap).
    QTest::newRow("kubectl-error-text")
        << QByteArray("Error from server (NotFound): configmaps \"istio\" not found") << true
        << u"enableTracing"_s << QString();
    QTest::newRow("tab-indented") << QByteArray("a:\n\tb: 1\n") << false << QString() << QString();
}

void TestDoctorChecks::parseMesh()
{
    QFETCH(QByteArray, yaml);
    QFETCH(bool, ok);
    QFETCH(QString, path);
    QFETCH(QString, value);
    const Result<QJsonObject> mesh = MeshConfig::parse(yaml);
    QCOMPARE(mesh.ok(), ok);
    if (!ok) {
        QVERIFY(!mesh.error().message.isEmpty());
        return;
    }
    if (value.isEmpty())
        return;
    const QJsonValue v = MeshConfig::at(mesh.value(), path);
    QCOMPARE(QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)),
             u"["_s + value + u"]"_s);
}

void TestDoctorChecks::yamlRoundTrip()
{
    const QJsonObject mesh =
        json(R"({"accessLogFormat": "[%START_TIME%] \"%REQ(:METHOD)%\" traceID=%REQ(X-B3-TRACEID)%",
        "enableTracing": true, "defaultConfig": {"tracing": {"sampling": 1.5, "zipkin": {"address": "z:9411"}}},
        "extensionProviders": [{"name": "jaeger", "zipkin": {"service": "s", "port": 9411}}],
        "empty": {}, "list": [], "numberText": "100", "yes": "true", "multi": "a\nb\n"})");
    const QByteArray yaml = MeshConfig::toYaml(mesh);
    const Result<QJsonObject> back = MeshConfig::parse(yaml);
    QVERIFY2(back.ok(), yaml.constData());
    QCOMPARE(back.value(), mesh);
    QVERIFY(
        MeshConfig::contains(mesh, json(R"({"defaultConfig": {"tracing": {"sampling": 1.5}}})")));
    QVERIFY(
        !MeshConfig::contains(mesh, json(R"({"defaultConfig": {"tracing": {"sampling": 100}}})")));
    QCOMPARE(MeshConfig::at(MeshConfig::with({}, u"a.b.c"_s, 3), u"a.b.c"_s).toInt(), 3);
}

void TestDoctorChecks::tracer_data()
{
    QTest::addColumn<QByteArray>("mesh");
    QTest::addColumn<QList<KubeObject>>("telemetries");
    QTest::addColumn<int>("minor");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("service");
    QTest::addColumn<double>("sampling");
    QTest::addColumn<bool>("telemetryProblem");

    const QByteArray providers =
        R"({"extensionProviders": [{"name": "jaeger-zipkin", "zipkin": {"service": "jaeger-collector.istio-system.svc.cluster.local", "port": 9411}},
            {"name": "otel", "opentelemetry": {"service": "jaeger-collector.istio-system.svc.cluster.local", "port": 4317}}]})";
    QTest::newRow("legacy-zipkin-address")
        << QByteArray(
               R"({"defaultConfig": {"tracing": {"sampling": 100, "zipkin": {"address": "jaeger-collector.istio-system.svc.cluster.local:9411"}}}})")
        << QList<KubeObject>{} << 21 << u"zipkin"_s
        << u"jaeger-collector.istio-system.svc.cluster.local"_s << 100.0 << false;
    QTest::newRow("pre-1.22-default") << QByteArray("{}") << QList<KubeObject>{} << 21
                                      << u"zipkin"_s << u"zipkin.istio-system"_s << 1.0 << false;
    QTest::newRow("1.22-nothing") << QByteArray("{}") << QList<KubeObject>{} << 22 << QString()
                                  << QString() << 1.0 << false;
    QTest::newRow("1.24-provider-no-telemetry")
        << providers << QList<KubeObject>{} << 24 << QString() << QString() << 1.0 << false;
    QTest::newRow("root-telemetry")
        << providers
        << QList<KubeObject>{telemetry(
               u"istio-system"_s, u"mesh-default"_s,
               R"({"tracing": [{"providers": [{"name": "jaeger-zipkin"}], "randomSamplingPercentage": 100}]})")}
        << 24 << u"zipkin"_s << u"jaeger-collector.istio-system.svc.cluster.local"_s << 100.0
        << false;
    QTest::newRow("namespace-telemetry-wins")
        << providers
        << QList<
               KubeObject>{telemetry(
                               u"istio-system"_s, u"mesh-default"_s,
                               R"({"tracing": [{"providers": [{"name": "jaeger-zipkin"}], "randomSamplingPercentage": 100}]})"),
                           telemetry(
                               u"default"_s, u"ns"_s,
                               R"({"tracing": [{"providers": [{"name": "otel"}], "randomSamplingPercentage": 5}]})")}
        << 24 << u"opentelemetry"_s << u"jaeger-collector.istio-system.svc.cluster.local"_s << 5.0
        << false;
    QTest::newRow("selector-telemetry-ignored")
        << providers
        << QList<KubeObject>{telemetry(
               u"default"_s, u"one"_s,
               R"({"selector": {"matchLabels": {"app": "x"}}, "tracing": [{"providers": [{"name": "otel"}]}]})")}
        << 24 << QString() << QString() << 1.0 << false;
    QTest::newRow("missing-provider")
        << providers
        << QList<KubeObject>{telemetry(u"istio-system"_s, u"t"_s,
                                       R"({"tracing": [{"providers": [{"name": "nope"}]}]})")}
        << 24 << QString() << QString() << 1.0 << true;
    QTest::newRow("no-provider-no-default")
        << providers
        << QList<KubeObject>{telemetry(u"istio-system"_s, u"t"_s,
                                       R"({"tracing": [{"randomSamplingPercentage": 50}]})")}
        << 24 << QString() << QString() << 50.0 << true;
    QTest::newRow("default-providers")
        << QByteArray(
               R"({"defaultProviders": {"tracing": ["jaeger-zipkin"]}, "extensionProviders": [{"name": "jaeger-zipkin", "zipkin": {"service": "z.obs.svc", "port": 9411}}]})")
        << QList<KubeObject>{} << 24 << u"zipkin"_s << u"z.obs.svc"_s << 1.0 << false;
    QTest::newRow("span-reporting-disabled")
        << providers
        << QList<KubeObject>{telemetry(
               u"istio-system"_s, u"t"_s,
               R"({"tracing": [{"providers": [{"name": "jaeger-zipkin"}], "disableSpanReporting": true}]})")}
        << 24 << QString() << QString() << 1.0 << true;
}

void TestDoctorChecks::tracer()
{
    QFETCH(QByteArray, mesh);
    QFETCH(QList<KubeObject>, telemetries);
    QFETCH(int, minor);
    QFETCH(QString, kind);
    QFETCH(QString, service);
    QFETCH(double, sampling);
    QFETCH(bool, telemetryProblem);
    const TracerInfo t = DoctorChecks::tracerFor(QJsonDocument::fromJson(mesh).object(),
                                                 telemetries, u"default"_s, minor);
    QCOMPARE(t.kind, kind);
    QCOMPARE(t.service, service);
    QCOMPARE(t.sampling, sampling);
    QCOMPARE(t.telemetryProblem, telemetryProblem);
    if (kind.isEmpty())
        QVERIFY(!t.reason.isEmpty());
}

void TestDoctorChecks::traceIdInFormat_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<bool>("carries");
    QTest::newRow("tutorial") << u"%RESPONSE_CODE% traceID=%REQ(X-B3-TRACEID)%"_s << true;
    QTest::newRow("lowercase-header") << u"%REQ(x-b3-traceid)%"_s << true;
    QTest::newRow("trace-id-operator") << u"%TRACE_ID%"_s << true;
    QTest::newRow("traceparent") << u"%REQ(TRACEPARENT)%"_s << true;
    QTest::newRow("istio-default") << DoctorChecks::accessLogFormat({}) << false;
    QTest::newRow("istio-default-json")
        << DoctorChecks::accessLogFormat(json(R"({"accessLogEncoding": "JSON"})")) << false;
    QTest::newRow("request-id-only") << u"\"%REQ(X-REQUEST-ID)%\""_s << false;
}

void TestDoctorChecks::traceIdInFormat()
{
    QFETCH(QString, format);
    QFETCH(bool, carries);
    QCOMPARE(DoctorChecks::formatCarriesTraceId(format), carries);
}

void TestDoctorChecks::owningDeployment()
{
    KubeObject pod;
    pod.labels.insert(u"pod-template-hash"_s, u"7d9c5b"_s);
    pod.raw = json(
        R"({"metadata": {"ownerReferences": [{"kind": "ReplicaSet", "name": "my-app-v2-7d9c5b"}]}})");
    QCOMPARE(DoctorChecks::owningDeployment(pod), u"my-app-v2"_s);
    KubeObject bare;
    bare.raw = json(R"({"metadata": {}})");
    QCOMPARE(DoctorChecks::owningDeployment(bare), QString());
}

void TestDoctorChecks::describeUsesHeredoc()
{
    KubeTarget target;
    target.context = u"kind-lab"_s;
    const CommandSpec apply =
        DoctorFixes::applyManifest(target, u"istio-system"_s, "kind: X\n", u"t"_s);
    const QString text = DoctorFixes::describe({apply});
    QVERIFY2(text.startsWith(u"kubectl apply"_s), qPrintable(text));
    QVERIFY(text.contains(u"--context kind-lab"_s));
    QVERIFY(text.contains(u"-f - <<'EOF'\nkind: X\nEOF"_s));
    const QList<CommandSpec> restart = DoctorFixes::restartDeployments(target, {u"a"_s, u"b"_s});
    QCOMPARE(restart.size(), 3);  // one restart, then a status per deployment
}

void TestDoctorChecks::jaegerAddonIsTheLabs()
{
    // One Jaeger add-on: the doctor's fix deploys the built-in lab's own manifest.
    QFile lab(QStringLiteral(OBSLAB_SOURCE_DIR) +
              u"/resources/labs/tracing-jaeger/manifests/jaeger.yaml"_s);
    QVERIFY(lab.open(QIODevice::ReadOnly));
    const QByteArray manifest = DoctorFixes::jaegerAddonManifest();
    QCOMPARE(manifest, lab.readAll());
    QStringList objects;
    for (const ManifestResource& r : Manifest::parse(manifest).resources)
        objects << u"%1 %2/%3"_s.arg(r.kind, r.ns, r.name);
    QCOMPARE(objects,
             (QStringList{u"Deployment istio-system/jaeger"_s, u"Service istio-system/tracing"_s,
                          u"Service istio-system/zipkin"_s,
                          u"Service istio-system/jaeger-collector"_s}));
}

void TestDoctorChecks::unreachableSkipsTheRest()
{
    DoctorSnapshot s;
    s.reachable = false;
    s.unreachableReason = u"The connection to the server 127.0.0.1:1 was refused"_s;
    const QList<DoctorFinding> findings = DoctorChecks::evaluate(s);
    QCOMPARE(findings.size(), DoctorChecks::all().size());
    QCOMPARE(findings.first().severity, DoctorFinding::Severity::Fail);
    QVERIFY(findings.first().summary.contains(u"refused"_s));
    for (qsizetype i = 1; i < findings.size(); ++i)
        QCOMPARE(findings.at(i).severity, DoctorFinding::Severity::Skipped);
}

void TestDoctorChecks::kubectlMissing()
{
    DoctorSnapshot s;
    s.kubectlFound = false;
    s.kubectlError = u"kubectl was not found on PATH."_s;
    const QList<DoctorFinding> findings = DoctorChecks::evaluate(s);
    QCOMPARE(findings.first().severity, DoctorFinding::Severity::Fail);
    QVERIFY(findings.first().summary.contains(u"kubectl was not found"_s));
    QCOMPARE(DoctorFindings::worst(findings), DoctorFinding::Severity::Fail);
}

void TestDoctorChecks::noIstio()
{
    // A reachable cluster without istio-system: Istio is missing, everything that needs it is
    // skipped with that reason, and the fix is istioctl install.
    DoctorSnapshot s;
    s.reachable = true;
    s.target.ns = u"default"_s;
    s.versions.client = KubeContext::parseGitVersion(u"v1.32.0"_s);
    s.versions.server = KubeContext::parseGitVersion(u"v1.32.4"_s);
    KubeObject ns;
    ns.kind = u"Namespace"_s;
    ns.name = u"default"_s;
    s.namespaces.value = QList<KubeObject>{ns};
    s.istioSystem.value = QList<KubeObject>{};
    const QList<DoctorFinding> findings = DoctorChecks::evaluate(s);
    const DoctorFinding* istio = DoctorFindings::find(findings, u"istio.installed"_s);
    QVERIFY(istio);
    QCOMPARE(istio->severity, DoctorFinding::Severity::Fail);
    QVERIFY(istio->fixCommand.contains(u"istioctl install --set profile=demo -y"_s));
    QCOMPARE(DoctorFindings::find(findings, u"mesh.tracer"_s)->severity,
             DoctorFinding::Severity::Skipped);
    QCOMPARE(DoctorFindings::find(findings, u"cluster.version-skew"_s)->severity,
             DoctorFinding::Severity::Pass);
}

namespace {

// A healthy Istio 1.24 mesh with the legacy Zipkin address, one injected pod and its log lines.
DoctorSnapshot meshSnapshot(const QList<QByteArray>& lines)
{
    DoctorSnapshot s;
    s.reachable = true;
    s.target.ns = u"default"_s;
    s.context = u"kind-lab"_s;
    s.versions.client = KubeContext::parseGitVersion(u"v1.32.0"_s);
    s.versions.server = KubeContext::parseGitVersion(u"v1.32.4"_s);
    auto obj = [](const char* text) { return KubeObjects::fromJson(json(text)); };
    s.namespaces.value = QList<KubeObject>{obj(
        R"({"kind": "Namespace", "metadata": {"name": "default", "labels": {"istio-injection": "enabled"}}})")};
    s.istioSystem.value = QList<KubeObject>{
        obj(R"({"kind": "Deployment", "metadata": {"name": "istiod", "namespace": "istio-system", "labels": {"app": "istiod"}},
               "spec": {"template": {"spec": {"containers": [{"name": "discovery", "image": "docker.io/istio/pilot:1.24.0"}]}}},
               "status": {"readyReplicas": 1, "replicas": 1}})"),
        obj(R"({"kind": "Deployment", "metadata": {"name": "jaeger", "namespace": "istio-system", "labels": {"app": "jaeger"}},
               "spec": {"template": {"spec": {"containers": [{"name": "jaeger", "image": "jaegertracing/all-in-one:1.70.0"}]}}},
               "status": {"readyReplicas": 1, "replicas": 1}})"),
        obj(R"({"kind": "Service", "metadata": {"name": "tracing", "namespace": "istio-system"}})"),
        obj(R"({"kind": "Service", "metadata": {"name": "zipkin", "namespace": "istio-system"}})"),
        obj(R"({"kind": "Service", "metadata": {"name": "jaeger-collector", "namespace": "istio-system"}})")};
    s.services.value = QList<KubeObject>{obj(
        R"({"kind": "Service", "metadata": {"name": "jaeger-collector", "namespace": "istio-system"}, "spec": {"ports": [{"port": 9411}]}})")};
    s.deployments.value = QList<KubeObject>{};
    s.telemetries.value = QList<KubeObject>{};
    s.meshConfigMap.value =
        obj(R"({"kind": "ConfigMap", "metadata": {"name": "istio", "namespace": "istio-system"},
        "data": {"mesh": "accessLogFile: /dev/stdout\naccessLogFormat: \u0027[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" %RESPONSE_CODE% traceID=%REQ(X-B3-TRACEID)% spanID=%REQ(X-B3-SPANID)% sampled=%REQ(X-B3-SAMPLED)%\u0027\ndefaultConfig:\n  tracing:\n    sampling: 100\n    zipkin:\n      address: jaeger-collector.istio-system.svc.cluster.local:9411\n"}})");
    s.pods.value = QList<KubeObject>{
        obj(R"({"kind": "Pod", "metadata": {"name": "web-5d8f-abcde", "namespace": "default",
        "labels": {"app": "web", "pod-template-hash": "5d8f"}, "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d8f"}]},
        "spec": {"containers": [{"name": "web"}, {"name": "istio-proxy", "env": [{"name": "PROXY_CONFIG",
            "value": "{\"tracing\": {\"sampling\": 100, \"zipkin\": {\"address\": \"jaeger-collector.istio-system.svc.cluster.local:9411\"}}}"}]}]},
        "status": {"phase": "Running"}})")};
    s.proxyLogs.value = QMap<QString, QList<QByteArray>>{{u"web-5d8f-abcde"_s, lines}};
    s.logTail = 200;
    return s;
}

}  // namespace

void TestDoctorChecks::logLines_data()
{
    QTest::addColumn<QList<QByteArray>>("lines");
    QTest::addColumn<int>("severity");
    QTest::addColumn<QString>("summaryPart");
    const QByteArray traced = "[2026-11-27T10:00:00.000Z] \"GET /?seq=1 HTTP/1.1\" 200 "
                              "traceID=463ac35c9f6413ad spanID=a2fb4a1d1a96d312 sampled=1";
    const QByteArray untraced = "[2026-11-27T10:00:00.000Z] \"GET /?seq=2 HTTP/1.1\" 200 "
                                "traceID=- spanID=- sampled=-";
    const QByteArray unsampled = "[2026-11-27T10:00:00.000Z] \"GET /?seq=3 HTTP/1.1\" 200 "
                                 "traceID=463ac35c9f6413ae spanID=a2fb4a1d1a96d313 sampled=0";
    QTest::newRow("all-traced") << QList<QByteArray>{traced, traced, traced}
                                << int(DoctorFinding::Severity::Pass) << u"3 of 3"_s;
    QTest::newRow("no-trace-headers") << QList<QByteArray>{traced, untraced, untraced, untraced}
                                      << int(DoctorFinding::Severity::Warn) << u"75 %"_s;
    QTest::newRow("sampled-0") << QList<QByteArray>{traced, unsampled}
                               << int(DoctorFinding::Severity::Warn) << u"x-b3-sampled: 0"_s;
    QTest::newRow("proxy-log-lines-only")
        << QList<QByteArray>{"2026-11-27T10:00:00.000000Z\tinfo\tEnvoy proxy is ready", ""}
        << int(DoctorFinding::Severity::Skipped) << u"send some traffic"_s;
    QTest::newRow("garbage") << QList<QByteArray>{QByteArray("\xff\xfe\x00garbage", 10)}
                             << int(DoctorFinding::Severity::Skipped) << u"send some traffic"_s;
}

void TestDoctorChecks::logLines()
{
    QFETCH(QList<QByteArray>, lines);
    QFETCH(int, severity);
    QFETCH(QString, summaryPart);
    const QList<DoctorFinding> findings = DoctorChecks::evaluate(meshSnapshot(lines));
    const DoctorFinding* f = DoctorFindings::find(findings, u"logs.trace-headers"_s);
    QVERIFY(f);
    QVERIFY2(int(f->severity) == severity, qPrintable(f->summary));
    QVERIFY2(f->summary.contains(summaryPart), qPrintable(f->summary));
    // The rest of this hand-made mesh is healthy (no Jaeger URL, no istioctl: those skip).
    for (const DoctorFinding& other : findings)
        if (other.id != f->id)
            QVERIFY2(!other.isProblem(), qPrintable(other.id + u": "_s + other.summary));
}

QTEST_GUILESS_MAIN(TestDoctorChecks)
#include "tst_doctorchecks.moc"
