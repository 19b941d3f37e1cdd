// Parsers of kubectl/istioctl output, table-tested on outputs recorded from kubectl 1.32.4 and
// 1.20.2 against the simulated mesh, and on texts written from kubectl's and istioctl's sources
// (tests/data/kube/README.md says which is which).
#include "core/kube/AnalyzeFindings.h"
#include "core/kube/ApplyResult.h"
#include "core/kube/DiffResult.h"
#include "core/kube/IstioInstallProgress.h"
#include "core/kube/IstioVersion.h"
#include "core/kube/KubeContext.h"
#include "core/kube/KubeError.h"
#include "core/kube/KubeObjects.h"
#include "core/kube/PortForwardOutput.h"
#include "core/kube/RolloutStatus.h"

#include <QFile>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

Q_DECLARE_METATYPE(obslab::KubeErrorKind)
Q_DECLARE_METATYPE(obslab::CommandStatus)
Q_DECLARE_METATYPE(obslab::DiffOutcome)

namespace {

QByteArray data(const QString& name)
{
    // A row names a file of tests/data/kube, or gives inline bytes after "inline:".
    if (name.startsWith(u"inline:"))
        return name.mid(7).toUtf8();
    QFile file(QString::fromUtf8(OBSLAB_TEST_DATA_DIR) + u"/kube/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(name));
    return file.readAll();
}

QString opsOf(const QList<AppliedObject>& objects)
{
    QStringList ops;
    for (const AppliedObject& o : objects)
        ops << o.resource + u'/' + o.name + u' ' + ApplyResult::operationName(o.operation) +
                   (o.dryRun == DryRunMark::Server   ? u" (server)"_s
                    : o.dryRun == DryRunMark::Client ? u" (client)"_s
                                                     : QString());
    return ops.join(u';');
}

}  // namespace

class TestKubeParsers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void versionJson_data();
    void versionJson();
    void objects_data();
    void objects();
    void deploymentAndPodState();
    void namespaceMesh_data();
    void namespaceMesh();
    void watchEvent_data();
    void watchEvent();
    void diffOutcome_data();
    void diffOutcome();
    void applyResult_data();
    void applyResult();
    void lastLine_data();
    void lastLine();
    void kubeError_data();
    void kubeError();
    void kubeErrorFromResult();
    void rolloutStatus_data();
    void rolloutStatus();
    void istioVersion_data();
    void istioVersion();
    void istioVersionFromImage_data();
    void istioVersionFromImage();
    void istioVersionFromDeployment();
    void kubectlDiffCommand_data();
    void kubectlDiffCommand();
    void finishedCommands();
    void istioInstall_data();
    void istioInstall();
    void analyze_data();
    void analyze();
    void forwarding_data();
    void forwarding();
};

void TestKubeParsers::versionJson_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("clientMinor");
    QTest::addColumn<int>("serverMinor");
    QTest::addColumn<bool>("skew");
    // 1.32 adds kustomizeVersion and may print "minor": "32+"; 1.20 has neither.
    QTest::newRow("kubectl-1.32") << u"version-1.32.json"_s << true << 32 << 32 << false;
    QTest::newRow("kubectl-1.20-vs-1.32-server")
        << u"version-1.20.json"_s << true << 20 << 32 << true;
    QTest::newRow("client-only-1.32-unreachable")
        << u"version-client-only-1.32.json"_s << true << 32 << -1 << false;
    QTest::newRow("client-only-1.20-unreachable")
        << u"version-client-only-1.20.json"_s << true << 20 << -1 << false;
    QTest::newRow("skew-1.32-vs-1.29")
        << u"version-skew-1.32-1.29.json"_s << true << 32 << 29 << true;
    QTest::newRow("empty") << u"inline:"_s << false << -1 << -1 << false;
    QTest::newRow("kubectl-error-text")
        << u"err-unreachable-1.20.txt"_s << false << -1 << -1 << false;
    QTest::newRow("truncated-json") << u"inline:{\"clientVersion\": {\"major\": \"1\", \"minor\""_s
                                    << false << -1 << -1 << false;
    QTest::newRow("skew-warning-text-not-json")
        << u"version-skew-warning.txt"_s << false << -1 << -1 << false;
}

void TestKubeParsers::versionJson()
{
    QFETCH(QString, input);
    QFETCH(bool, ok);
    QFETCH(int, clientMinor);
    QFETCH(int, serverMinor);
    QFETCH(bool, skew);
    const auto parsed = KubeContext::parseVersionJson(data(input));
    QCOMPARE(parsed.ok(), ok);
    if (!ok)
        return;
    QCOMPARE(parsed->client.minor, clientMinor);
    QCOMPARE(parsed->server.minor, serverMinor);
    QCOMPARE(!KubeContext::versionSkewWarning(parsed.value()).isEmpty(), skew);
}

void TestKubeParsers::objects_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("ns");
    QTest::newRow("deployments-list-1.32") << u"get-deployments-1.32.json"_s << true << 1
                                           << u"Deployment"_s << u"backend"_s << u"default"_s;
    QTest::newRow("single-deployment-1.32") << u"get-deployment-1.32.json"_s << true << 1
                                            << u"Deployment"_s << u"backend"_s << u"default"_s;
    QTest::newRow("pods-1.32") << u"get-pods-1.32.json"_s << true << 2 << u"Pod"_s << u""_s
                               << u"default"_s;
    // 1.20 still prints metadata.selfLink on the List.
    QTest::newRow("empty-list-1.20")
        << u"get-empty-list-1.20.json"_s << true << 0 << u""_s << u""_s << u""_s;
    QTest::newRow("cluster-scoped")
        << u"inline:{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\",\"labels\":{\"istio-injection\":\"enabled\"}}}"_s
        << true << 1 << u"Namespace"_s << u"default"_s << u""_s;
    QTest::newRow("empty") << u"inline:"_s << false << 0 << u""_s << u""_s << u""_s;
    QTest::newRow("kubectl-error-text")
        << u"err-notfound.txt"_s << false << 0 << u""_s << u""_s << u""_s;
    QTest::newRow("truncated-json")
        << u"inline:{\"apiVersion\":\"v1\",\"items\":[{\"kind\":\"Pod\""_s << false << 0 << u""_s
        << u""_s << u""_s;
    QTest::newRow("json-array") << u"inline:[1,2]"_s << false << 0 << u""_s << u""_s << u""_s;
    QTest::newRow("object-without-metadata")
        << u"inline:{\"kind\":\"Status\"}"_s << false << 0 << u""_s << u""_s << u""_s;
}

void TestKubeParsers::objects()
{
    QFETCH(QString, input);
    QFETCH(bool, ok);
    QFETCH(int, count);
    QFETCH(QString, kind);
    QFETCH(QString, name);
    QFETCH(QString, ns);
    const auto parsed = KubeObjects::parse(data(input));
    QCOMPARE(parsed.ok(), ok);
    if (!ok) {
        QVERIFY(!parsed.error().message.isEmpty());
        return;
    }
    QCOMPARE(parsed->size(), count);
    if (count == 0)
        return;
    const KubeObject& first = parsed->first();
    QCOMPARE(first.kind, kind);
    if (!name.isEmpty())
        QCOMPARE(first.name, name);
    QCOMPARE(first.ns, ns);
    QVERIFY(!first.raw.isEmpty());
}

void TestKubeParsers::deploymentAndPodState()
{
    const auto deployments = KubeObjects::parse(data(u"get-deployment-1.32.json"_s));
    QVERIFY(deployments.ok());
    const DeploymentState state = KubeObjects::deploymentState(deployments->first());
    QCOMPARE(state.desired, 1);
    QCOMPARE(state.updated, 1);
    QCOMPARE(state.available, 1);
    QCOMPARE(state.generation, 2);
    QCOMPARE(state.observedGeneration, 2);
    QVERIFY(state.rolledOut());
    QVERIFY(state.restartedAt.isEmpty());
    QCOMPARE(state.selector, (QMap<QString, QString>{{u"app"_s, u"backend"_s}}));
    QCOMPARE(KubeObjects::selectorText(state.selector), u"app=backend"_s);
    QCOMPARE(state.containers, QStringList{u"backend"_s});
    QVERIFY(state.nativeSidecars.isEmpty());

    // Status counters are omitempty: a fresh deployment without status is not rolled out.
    const auto fresh = KubeObjects::parse(
        R"({"kind":"Deployment","metadata":{"name":"x","generation":1},"spec":{"replicas":2,"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-27T07:45:20Z"}}}}})");
    QVERIFY(fresh.ok());
    const DeploymentState freshState = KubeObjects::deploymentState(fresh->first());
    QCOMPARE(freshState.desired, 2);
    QCOMPARE(freshState.available, 0);
    QVERIFY(!freshState.rolledOut());
    QCOMPARE(freshState.restartedAt, u"2026-11-27T07:45:20Z"_s);

    const auto pods = KubeObjects::parse(data(u"get-pods-1.32.json"_s));
    QVERIFY(pods.ok());
    const PodState pod = KubeObjects::podState(pods->first());
    QCOMPARE(pod.phase, u"Running"_s);
    QVERIFY(pod.hasIstioProxy);
    QVERIFY(!pod.nativeSidecar);
    QVERIFY(pod.ready);
    QCOMPARE(pod.initContainers, QStringList{u"istio-init"_s});
    QCOMPARE(pod.restarts, 0);
    QVERIFY(!pod.lastRestart.isValid());
    QCOMPARE(pod.startedAt, QDateTime(QDate(2026, 11, 27), QTime(7, 45, 20), Qt::UTC));
    QVERIFY(KubeObjects::selects(state.selector, pods->first().labels));
    QVERIFY(!KubeObjects::selects(state.selector, pods->last().labels));
    QVERIFY(!KubeObjects::selects({}, pods->first().labels));  // an empty selector picks nothing

    // A native sidecar: istio-proxy as an init container that keeps running.
    const auto native = KubeObjects::parse(
        R"({"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"app"}],"initContainers":[{"name":"istio-proxy","restartPolicy":"Always"}]}})");
    QVERIFY(native.ok());
    const PodState nativeState = KubeObjects::podState(native->first());
    QVERIFY(nativeState.hasIstioProxy);
    QVERIFY(nativeState.nativeSidecar);
    QVERIFY(!nativeState.ready);

    // Restarts count every container; the last one is the latest end of a terminated state.
    const auto restarted = KubeObjects::parse(
        R"({"kind":"Pod","metadata":{"name":"p"},"status":{"startTime":"2026-11-27T07:00:00Z",
            "containerStatuses":[{"name":"app","restartCount":2,"lastState":{"terminated":{"finishedAt":"2026-11-27T07:40:00Z"}}},
                                 {"name":"istio-proxy","restartCount":1,"lastState":{"terminated":{"finishedAt":"2026-11-27T07:50:00Z"}}}],
            "initContainerStatuses":[{"name":"istio-init","restartCount":0,"lastState":{"terminated":{"finishedAt":"not a time"}}}]}})");
    QVERIFY(restarted.ok());
    const PodState restartedState = KubeObjects::podState(restarted->first());
    QCOMPARE(restartedState.restarts, 3);
    QCOMPARE(restartedState.lastRestart, QDateTime(QDate(2026, 11, 27), QTime(7, 50), Qt::UTC));

    // A deployment whose template has a native sidecar.
    const auto withSidecar = KubeObjects::parse(
        R"({"kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"d","version":"v1"}},
            "template":{"spec":{"containers":[{"name":"app"}],"initContainers":[{"name":"setup"},{"name":"istio-proxy","restartPolicy":"Always"}]}}}})");
    QVERIFY(withSidecar.ok());
    const DeploymentState sidecarState = KubeObjects::deploymentState(withSidecar->first());
    QCOMPARE(sidecarState.containers, QStringList{u"app"_s});
    QCOMPARE(sidecarState.nativeSidecars, QStringList{u"istio-proxy"_s});
    QCOMPARE(KubeObjects::selectorText(sidecarState.selector), u"app=d,version=v1"_s);
}

void TestKubeParsers::namespaceMesh_data()
{
    QTest::addColumn<QString>("labels");
    QTest::addColumn<bool>("ambient");
    QTest::addColumn<bool>("injection");
    QTest::newRow("none") << u"{}"_s << false << false;
    QTest::newRow("injection-enabled") << u"{\"istio-injection\":\"enabled\"}"_s << false << true;
    QTest::newRow("injection-disabled")
        << u"{\"istio-injection\":\"disabled\"}"_s << false << false;
    QTest::newRow("revision") << u"{\"istio.io/rev\":\"canary\"}"_s << false << true;
    QTest::newRow("ambient") << u"{\"istio.io/dataplane-mode\":\"ambient\"}"_s << true << false;
}

void TestKubeParsers::namespaceMesh()
{
    QFETCH(QString, labels);
    QFETCH(bool, ambient);
    QFETCH(bool, injection);
    const auto ns = KubeObjects::parse(
        (u"{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"n\",\"labels\":"_s + labels + u"}}"_s)
            .toUtf8());
    QVERIFY(ns.ok());
    const NamespaceMesh mesh = KubeObjects::namespaceMesh(ns->first());
    QCOMPARE(mesh.ambient, ambient);
    QCOMPARE(mesh.injection, injection);
}

void TestKubeParsers::watchEvent_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("name");
    QTest::newRow("added")
        << QByteArray(
               R"({"type":"ADDED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"istiod-q6hktzhbjb-fnvc4","namespace":"istio-system"}}})")
        << u"ADDED"_s << u"istiod-q6hktzhbjb-fnvc4"_s;
    QTest::newRow("deleted-crlf") << QByteArray("{\"type\":\"DELETED\",\"object\":{\"kind\":"
                                                "\"Pod\",\"metadata\":{\"name\":\"p\"}}}\r\n")
                                  << u"DELETED"_s << u"p"_s;
    QTest::newRow("empty") << QByteArray() << QString() << QString();
    QTest::newRow("kubectl-error-text")
        << QByteArray("error: the server doesn't have a resource type \"foo\"") << QString()
        << QString();
    QTest::newRow("truncated-json")
        << QByteArray(R"({"type":"ADDED","object":{"kind")") << QString() << QString();
    QTest::newRow("object-not-event")
        << QByteArray(R"({"kind":"Pod","metadata":{"name":"p"}})") << QString() << QString();
}

void TestKubeParsers::watchEvent()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, type);
    QFETCH(QString, name);
    const auto event = KubeObjects::parseWatchEvent(line);
    QCOMPARE(event.ok(), !type.isEmpty());
    if (!event)
        return;
    QCOMPARE(event->type, type);
    QCOMPARE(event->object.name, name);
}

void TestKubeParsers::diffOutcome_data()
{
    QTest::addColumn<CommandStatus>("status");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<DiffOutcome>("outcome");
    QTest::newRow("exit-0-no-differences") << CommandStatus::Succeeded << 0 << DiffOutcome::Same;
    QTest::newRow("exit-1-differences") << CommandStatus::Failed << 1 << DiffOutcome::Differs;
    QTest::newRow("exit-2-error") << CommandStatus::Failed << 2 << DiffOutcome::Failed;
    QTest::newRow("exit-255-error") << CommandStatus::Failed << 255 << DiffOutcome::Failed;
    QTest::newRow("timed-out") << CommandStatus::TimedOut << 1 << DiffOutcome::Failed;
    QTest::newRow("crashed") << CommandStatus::Crashed << 1 << DiffOutcome::Failed;
    QTest::newRow("cancelled") << CommandStatus::Cancelled << 1 << DiffOutcome::Failed;
    QTest::newRow("kubectl-missing") << CommandStatus::NotFound << -1 << DiffOutcome::Failed;
    QTest::newRow("not-started") << CommandStatus::FailedToStart << -1 << DiffOutcome::Failed;
}

void TestKubeParsers::diffOutcome()
{
    QFETCH(CommandStatus, status);
    QFETCH(int, exitCode);
    QFETCH(DiffOutcome, outcome);
    CommandResult result;
    result.status = status;
    result.exitCode = exitCode;
    QCOMPARE(DiffResult::outcome(result), outcome);
}

void TestKubeParsers::applyResult_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("created") << u"apply-created.txt"_s
                             << u"deployment.apps/backend created;service/backend created"_s;
    QTest::newRow("unchanged") << u"apply-unchanged.txt"_s
                               << u"deployment.apps/backend unchanged;service/backend unchanged"_s;
    QTest::newRow("server-dry-run")
        << u"apply-server-dry-run.txt"_s
        << u"deployment.apps/backend unchanged (server);service/backend unchanged (server)"_s;
    QTest::newRow("client-dry-run")
        << u"apply-client-dry-run.txt"_s
        << u"deployment.apps/backend configured (client);service/backend configured (client)"_s;
    QTest::newRow("server-side")
        << u"apply-server-side.txt"_s
        << u"deployment.apps/backend serverside-applied;service/backend serverside-applied"_s;
    QTest::newRow("delete-quoted-form")
        << u"delete.txt"_s << u"deployment.apps/backend deleted;service/backend deleted"_s;
    QTest::newRow("rollout-restart")
        << u"rollout-restart.txt"_s << u"deployment.apps/backend restarted"_s;
    QTest::newRow("label-not-labeled-1.20")
        << u"label-not-labeled.txt"_s << u"namespace/default not labeled"_s;
    QTest::newRow("label-unlabeled")
        << u"label-unlabeled.txt"_s << u"namespace/default unlabeled"_s;
    QTest::newRow("istio-crd-group")
        << u"inline:telemetry.telemetry.istio.io/mesh-default created\nvirtualservice.networking.istio.io/reviews configured"_s
        << u"telemetry.telemetry.istio.io/mesh-default created;virtualservice.networking.istio.io/reviews configured"_s;
    QTest::newRow("delete-with-namespace-suffix")
        << u"inline:pod \"x\" deleted from default namespace"_s << u"pod/x deleted"_s;
    QTest::newRow("empty") << u"inline:"_s << u""_s;
    QTest::newRow("kubectl-error-text") << u"err-notfound.txt"_s << u""_s;
    QTest::newRow("crlf-and-blank-lines")
        << u"inline:\r\nservice/a created\r\n\r\n"_s << u"service/a created"_s;
}

void TestKubeParsers::applyResult()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(opsOf(ApplyResult::parse(data(input))), expected);
}

void TestKubeParsers::lastLine_data()
{
    QTest::addColumn<QByteArray>("stderrData");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("expected");
    QTest::newRow("klog-noise-then-the-sentence")
        << QByteArray("E1127 07:44:46.288 memcache.go:265] couldn't get current server API group "
                      "list\nThe connection to the server 127.0.0.1:1 was refused - did you "
                      "specify the right host or port?\n")
        << u"exit code 1"_s
        << u"The connection to the server 127.0.0.1:1 was refused - did you specify the right "
           "host or port?"_s;
    QTest::newRow("trailing-blank-and-space-lines")
        << QByteArray("error: first\n  error: last  \n\n   \n") << QString() << u"error: last"_s;
    QTest::newRow("empty-stderr-uses-the-message")
        << QByteArray() << u"kubectl was not found"_s << u"kubectl was not found"_s;
    QTest::newRow("crlf") << QByteArray("error: x\r\n") << QString() << u"error: x"_s;
}

void TestKubeParsers::lastLine()
{
    QFETCH(QByteArray, stderrData);
    QFETCH(QString, message);
    QFETCH(QString, expected);
    CommandResult result;
    result.status = CommandStatus::Failed;
    result.stderrData = stderrData;
    result.message = message;
    QCOMPARE(KubeErrors::lastLine(result), expected);
}

void TestKubeParsers::kubeError_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<KubeErrorKind>("kind");
    QTest::addColumn<QString>("object");
    QTest::addColumn<int>("count");  // how many errors classifyAll finds
    QTest::newRow("notfound") << u"err-notfound.txt"_s << KubeErrorKind::NotFound
                              << u"deployments.apps/nope"_s << 1;
    QTest::newRow("delete-notfound-two") << u"err-delete-notfound.txt"_s << KubeErrorKind::NotFound
                                         << u"deployments.apps/backend"_s << 2;
    QTest::newRow("restart-missing-and-too-soon")
        << u"err-restart-missing.txt"_s << KubeErrorKind::NotFound << u"deployments.apps/nope"_s
        << 2;
    QTest::newRow("bad-container") << u"err-bad-container.txt"_s << KubeErrorKind::NotFound
                                   << u"pods/backend-n56wws46t2-4vb57/nope"_s << 1;
    QTest::newRow("unknown-type") << u"err-unknown-type.txt"_s << KubeErrorKind::UnknownResourceType
                                  << u"foo"_s << 1;
    QTest::newRow("namespace-mismatch") << u"err-namespace-mismatch.txt"_s << KubeErrorKind::Invalid
                                        << u"namespaces/istio-system"_s << 1;
    QTest::newRow("unable-to-recognize-1.20")
        << u"err-unable-to-recognize-1.20.txt"_s << KubeErrorKind::UnknownResourceType
        << u"Telemetry"_s << 1;
    QTest::newRow("no-matches-for-kind")
        << u"err-no-matches-kind.txt"_s << KubeErrorKind::UnknownResourceType << u"Telemetry"_s
        << 1;
    // 1.32 prints klog lines first ("Unhandled Error" err=…), 1.27 plain klog lines, 1.20 none.
    QTest::newRow("unreachable-1.32")
        << u"err-unreachable-1.32.txt"_s << KubeErrorKind::Unreachable << u"127.0.0.1:1"_s << 1;
    QTest::newRow("unreachable-1.27") << u"err-localhost-8080-1.27.txt"_s
                                      << KubeErrorKind::Unreachable << u"localhost:8080"_s << 1;
    QTest::newRow("unreachable-1.20")
        << u"err-unreachable-1.20.txt"_s << KubeErrorKind::Unreachable << u"127.0.0.1:1"_s << 1;
    QTest::newRow("unreachable-klog-only")
        << u"err-unreachable-klog-only.txt"_s << KubeErrorKind::Unreachable << u""_s << 1;
    QTest::newRow("apply-openapi-refused-1.32")
        << u"err-apply-openapi-refused-1.32.txt"_s << KubeErrorKind::Unreachable
        << u"127.0.0.1:40737"_s << 1;
    QTest::newRow("unable-to-connect")
        << u"err-unable-to-connect.txt"_s << KubeErrorKind::Unreachable << u""_s << 1;
    QTest::newRow("forbidden-rbac")
        << u"err-forbidden-rbac.txt"_s << KubeErrorKind::Forbidden << u"pods"_s << 1;
    QTest::newRow("forbidden-discovery")
        << u"err-forbidden-discovery.txt"_s << KubeErrorKind::Forbidden << u""_s << 1;
    QTest::newRow("unauthorized") << u"err-unauthorized.txt"_s << KubeErrorKind::Unauthorized
                                  << u""_s << 1;
    QTest::newRow("unauthorized-version")
        << u"err-unauthorized-version.txt"_s << KubeErrorKind::Unauthorized << u""_s << 1;
    QTest::newRow("max-log-requests")
        << u"err-max-log-requests.txt"_s << KubeErrorKind::MaxLogRequests << u""_s << 1;
    QTest::newRow("already-exists") << u"err-already-exists.txt"_s << KubeErrorKind::AlreadyExists
                                    << u"namespaces/workshop"_s << 1;
    QTest::newRow("invalid") << u"err-invalid.txt"_s << KubeErrorKind::Invalid
                             << u"deployment/frontend"_s << 1;
    QTest::newRow("conflict") << u"err-conflict.txt"_s << KubeErrorKind::Conflict
                              << u"deployments.apps/frontend"_s << 1;
    QTest::newRow("rollout-timeout")
        << u"err-rollout-timeout.txt"_s << KubeErrorKind::Timeout << u""_s << 1;
    QTest::newRow("openapi-missing-1.20")
        << u"err-openapi-1.20.txt"_s << KubeErrorKind::NotFound << u""_s << 1;
    QTest::newRow("apply-without-name")
        << u"err-apply-no-name.txt"_s << KubeErrorKind::Other << u""_s << 1;
    QTest::newRow("warning-only") << u"err-warning-only.txt"_s << KubeErrorKind::None << u""_s << 0;
    QTest::newRow("skew-warning") << u"version-skew-warning.txt"_s << KubeErrorKind::None << u""_s
                                  << 0;
    QTest::newRow("no-resources-found")
        << u"no-resources.txt"_s << KubeErrorKind::None << u""_s << 0;
    QTest::newRow("empty") << u"inline:"_s << KubeErrorKind::None << u""_s << 0;
    QTest::newRow("invalid-utf8") << u"inline:"_s << KubeErrorKind::None << u""_s << 0;
}

void TestKubeParsers::kubeError()
{
    QFETCH(QString, input);
    QFETCH(KubeErrorKind, kind);
    QFETCH(QString, object);
    QFETCH(int, count);
    QByteArray bytes = data(input);
    if (QByteArrayView(QTest::currentDataTag()) == "invalid-utf8")
        bytes = QByteArray("\xff\xfe\x80 not kubectl\n");
    const KubeError error = KubeErrors::classify(bytes);
    QCOMPARE(kubeErrorKindName(error.kind), kubeErrorKindName(kind));
    QCOMPARE(error.object, object);
    QCOMPARE(KubeErrors::classifyAll(bytes).size(), count);
    if (kind != KubeErrorKind::None) {
        QVERIFY(!error.message.isEmpty());
        QVERIFY(!error.line.isEmpty());
    }
    if (kind == KubeErrorKind::MaxLogRequests) {
        QCOMPARE(error.streams, 6);
        QCOMPARE(error.limit, 5);
    }
}

void TestKubeParsers::kubeErrorFromResult()
{
    CommandResult notFound;
    notFound.status = CommandStatus::NotFound;
    notFound.message = u"kubectl was not found on PATH. Install …"_s;
    QCOMPARE(KubeErrors::classify(notFound).message, notFound.message);

    CommandResult timedOut;
    timedOut.status = CommandStatus::TimedOut;
    QCOMPARE(KubeErrors::classify(timedOut).kind, KubeErrorKind::Timeout);

    CommandResult ok;
    ok.status = CommandStatus::Succeeded;
    ok.stderrData = data(u"err-warning-only.txt"_s);
    QVERIFY(!KubeErrors::classify(ok).isError());

    CommandResult silent;
    silent.status = CommandStatus::Failed;
    silent.exitCode = 3;
    QCOMPARE(KubeErrors::classify(silent).kind, KubeErrorKind::Other);
    QVERIFY(KubeErrors::classify(silent).message.contains(u"exit code 3"_s));

    CommandResult odd;
    odd.status = CommandStatus::Failed;
    odd.stderrData = "something odd happened\n";
    QCOMPARE(KubeErrors::classify(odd).line, u"something odd happened"_s);

    QVERIFY(KubeErrors::isNoResourcesFound(data(u"no-resources.txt"_s)));
}

void TestKubeParsers::rolloutStatus_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QList<int>>("phases");
    QTest::addColumn<QString>("deployment");
    QTest::addColumn<bool>("final");
    const int spec = int(RolloutPhase::WaitingForSpec);
    const int upd = int(RolloutPhase::UpdatingReplicas);
    const int old = int(RolloutPhase::TerminatingOld);
    const int avail = int(RolloutPhase::WaitingAvailable);
    const int done = int(RolloutPhase::RolledOut);
    QTest::newRow("recorded-1.32")
        << u"rollout-status-1.32.txt"_s << QList<int>{old, done} << u"backend"_s << true;
    QTest::newRow("progress") << u"rollout-status-progress.txt"_s
                              << QList<int>{spec, upd, upd, old, avail, done} << u"frontend"_s
                              << true;
    QTest::newRow("deadline") << u"rollout-status-deadline.txt"_s
                              << QList<int>{avail, int(RolloutPhase::DeadlineExceeded)}
                              << u"frontend"_s << true;
    QTest::newRow("timeout") << u"rollout-status-timeout.txt"_s
                             << QList<int>{avail, int(RolloutPhase::TimedOut)} << u""_s << true;
    QTest::newRow("old-format-no-name")
        << u"inline:Waiting for rollout to finish: 9 of 10 updated replicas are available..."_s
        << QList<int>{avail} << u""_s << false;
    QTest::newRow("empty") << u"inline:"_s << QList<int>{} << u""_s << false;
    QTest::newRow("kubectl-error-text") << u"err-notfound.txt"_s << QList<int>{} << u""_s << false;
}

void TestKubeParsers::rolloutStatus()
{
    QFETCH(QString, input);
    QFETCH(QList<int>, phases);
    QFETCH(QString, deployment);
    QFETCH(bool, final);
    const QList<RolloutStatusLine> lines = RolloutStatus::parse(data(input));
    QList<int> got;
    for (const RolloutStatusLine& line : lines)
        got << int(line.phase);
    QCOMPARE(got, phases);
    if (lines.isEmpty())
        return;
    QCOMPARE(lines.last().deployment, deployment);
    QCOMPARE(lines.last().isFinal(), final);
    if (QByteArrayView(QTest::currentDataTag()) == "progress") {
        QCOMPARE(lines.at(2).current, 1);
        QCOMPARE(lines.at(2).total, 2);
        QCOMPARE(lines.at(3).current, 1);
        QCOMPARE(lines.at(4).current, 1);
        QCOMPARE(lines.at(4).total, 2);
    }
}

void TestKubeParsers::istioVersion_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("client");
    QTest::addColumn<QString>("controlPlane");
    QTest::addColumn<QString>("dataPlane");
    QTest::addColumn<bool>("missing");
    QTest::newRow("sim-remote") << u"istio-version.txt"_s << u"1.24.0"_s << u"1.24.0"_s
                                << u"1.24.0x6"_s << false;
    QTest::newRow("sim-client-only")
        << u"istio-version-client.txt"_s << u"1.24.0"_s << u""_s << u""_s << false;
    QTest::newRow("mixed-proxies") << u"istio-version-mixed.txt"_s << u"1.22.0"_s << u"1.22.0"_s
                                   << u"1.22.0x3,1.21.2x1"_s << false;
    QTest::newRow("no-istio") << u"istio-version-no-istio.txt"_s << u"1.22.0"_s << u""_s << u""_s
                              << true;
    QTest::newRow("no-proxies") << u"istio-version-no-proxies.txt"_s << u"1.20.3"_s << u"1.20.3"_s
                                << u""_s << false;
    QTest::newRow("bare-old") << u"istio-version-bare.txt"_s << u"1.8.2"_s << u""_s << u""_s
                              << false;
    QTest::newRow("empty") << u"inline:"_s << u""_s << u""_s << u""_s << false;
    QTest::newRow("kubectl-error-text")
        << u"err-unreachable-1.32.txt"_s << u""_s << u""_s << u""_s << false;
}

void TestKubeParsers::istioVersion()
{
    QFETCH(QString, input);
    QFETCH(QString, client);
    QFETCH(QString, controlPlane);
    QFETCH(QString, dataPlane);
    QFETCH(bool, missing);
    const IstioVersionInfo info = IstioVersion::parse(data(input));
    QCOMPARE(info.client, client);
    QCOMPARE(info.controlPlane, controlPlane);
    QStringList planes;
    for (const auto& p : info.dataPlane)
        planes << p.version + u'x' + QString::number(p.proxies);
    QCOMPARE(planes.join(u','), dataPlane);
    QCOMPARE(info.controlPlaneMissing, missing);
    if (!client.isEmpty())
        QVERIFY(IstioVersionInfo::minorOf(client) > 0);
}

void TestKubeParsers::istioVersionFromImage_data()
{
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("version");
    QTest::newRow("docker-hub") << u"docker.io/istio/pilot:1.24.0"_s << u"1.24.0"_s;
    QTest::newRow("distroless") << u"docker.io/istio/pilot:1.22.3-distroless"_s << u"1.22.3"_s;
    QTest::newRow("v-prefix") << u"gcr.io/istio-release/pilot:v1.20.1"_s << u"1.20.1"_s;
    QTest::newRow("registry-port") << u"registry.local:5000/istio/pilot:1.23.2"_s << u"1.23.2"_s;
    QTest::newRow("registry-port-no-tag") << u"registry.local:5000/istio/pilot"_s << u""_s;
    QTest::newRow("tag-and-digest")
        << u"docker.io/istio/pilot:1.21.0@sha256:0123456789abcdef"_s << u"1.21.0"_s;
    QTest::newRow("digest-only") << u"docker.io/istio/pilot@sha256:0123456789abcdef"_s << u""_s;
    QTest::newRow("latest") << u"docker.io/istio/pilot:latest"_s << u""_s;
    QTest::newRow("no-tag") << u"istio/pilot"_s << u""_s;
    QTest::newRow("two-parts") << u"istio/pilot:1.24"_s << u""_s;
    QTest::newRow("garbage-after") << u"istio/pilot:1.24.0garbage"_s << u""_s;
    QTest::newRow("empty") << u""_s << u""_s;
}

void TestKubeParsers::istioVersionFromImage()
{
    QFETCH(QString, image);
    QFETCH(QString, version);
    QCOMPARE(IstioVersion::fromImage(image), version);
}

void TestKubeParsers::istioVersionFromDeployment()
{
    const QByteArray deployment = R"({"kind":"Deployment","spec":{"template":{"spec":{"containers":[
        {"name":"discovery","image":"docker.io/istio/pilot:1.22.3-distroless"}]}}}})";
    QCOMPARE(IstioVersion::fromIstiodDeployment(deployment), u"1.22.3"_s);
    // `kubectl get deployment -l app=istiod -o json` answers a List; a first container with no
    // version tag does not hide the next one.
    const QByteArray list = R"({"kind":"List","items":[{"spec":{"template":{"spec":{"containers":[
        {"image":"example.com/sidecar:latest"},{"image":"docker.io/istio/pilot:1.24.0"}]}}}}]})";
    QCOMPARE(IstioVersion::fromIstiodDeployment(list), u"1.24.0"_s);
    QCOMPARE(IstioVersion::fromIstiodDeployment(R"({"kind":"List","items":[]})"), QString());
    QCOMPARE(IstioVersion::fromIstiodDeployment("not json"), QString());
    QCOMPARE(
        IstioVersion::fromIstiodDeployment(R"({"spec":{"template":{"spec":{"containers":"x"}}}})"),
        QString());
}

void TestKubeParsers::kubectlDiffCommand_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("diff");
    QTest::newRow("plain") << u"kubectl"_s << QStringList{u"diff"_s, u"-f"_s, u"x.yaml"_s} << true;
    QTest::newRow("full-path") << u"/usr/bin/kubectl"_s << QStringList{u"diff"_s, u"-f"_s, u"-"_s}
                               << true;
    QTest::newRow("context-first")
        << u"kubectl"_s << QStringList{u"--context"_s, u"kind-lab"_s, u"diff"_s, u"-f"_s, u"a"_s}
        << true;
    QTest::newRow("namespace-first")
        << u"kubectl"_s << QStringList{u"-n"_s, u"diff"_s, u"diff"_s, u"-f"_s, u"a"_s} << true;
    QTest::newRow("equals-form") << u"kubectl"_s
                                 << QStringList{u"--context=diff"_s, u"get"_s, u"pods"_s} << false;
    QTest::newRow("timeout-first")
        << u"kubectl"_s << QStringList{u"--request-timeout"_s, u"5s"_s, u"diff"_s, u"-f"_s, u"a"_s}
        << true;
    QTest::newRow("namespace-named-diff")
        << u"kubectl"_s << QStringList{u"-n"_s, u"diff"_s, u"get"_s, u"pods"_s} << false;
    QTest::newRow("get") << u"kubectl"_s << QStringList{u"get"_s, u"diff"_s} << false;
    QTest::newRow("istioctl") << u"istioctl"_s << QStringList{u"diff"_s} << false;
    QTest::newRow("look-alike-program") << u"kubectl-diff"_s << QStringList{u"diff"_s} << false;
    QTest::newRow("no-verb") << u"kubectl"_s << QStringList{u"--context"_s, u"x"_s} << false;
}

void TestKubeParsers::kubectlDiffCommand()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    QFETCH(bool, diff);
    QCOMPARE(DiffResult::isKubectlDiff(program, arguments), diff);
}

void TestKubeParsers::finishedCommands()
{
    // Tools print progress and answers on both streams: the overloads for a finished command
    // read stdout, then stderr, and decide with its exit status.
    CommandResult rolledOut;
    rolledOut.status = CommandStatus::Succeeded;
    rolledOut.exitCode = 0;
    rolledOut.stdoutData = data(u"rollout-status-1.32.txt"_s);
    const RolloutEnd ok = RolloutStatus::ended(rolledOut);
    QVERIFY(ok.ok);
    QCOMPARE(ok.line, u"deployment \"backend\" successfully rolled out"_s);

    CommandResult deadline;
    deadline.status = CommandStatus::Failed;
    deadline.exitCode = 1;
    const QByteArray deadlineText = data(u"rollout-status-deadline.txt"_s);
    deadline.stdoutData = deadlineText.left(deadlineText.indexOf('\n'));
    deadline.stderrData = deadlineText.mid(deadlineText.indexOf('\n') + 1);
    QCOMPARE(RolloutStatus::parse(deadline).size(), 2);
    const RolloutEnd exceeded = RolloutStatus::ended(deadline);
    QVERIFY(!exceeded.ok);
    QCOMPARE(exceeded.line, u"error: deployment \"frontend\" exceeded its progress deadline"_s);

    CommandResult notFound;
    notFound.status = CommandStatus::Failed;
    notFound.exitCode = 1;
    notFound.stderrData = data(u"err-notfound.txt"_s);
    const RolloutEnd missing = RolloutStatus::ended(notFound);
    QVERIFY(!missing.ok);
    QCOMPARE(missing.line, KubeErrors::classify(notFound).message);
    QVERIFY(!missing.line.isEmpty());

    // A rolled-out line but a failed command (killed at its timeout) is not a success.
    CommandResult late = rolledOut;
    late.status = CommandStatus::TimedOut;
    QVERIFY(!RolloutStatus::ended(late).ok);

    CommandResult installed;
    installed.status = CommandStatus::Succeeded;
    installed.exitCode = 0;
    installed.stderrData = data(u"istio-install-sim.txt"_s);
    QVERIFY(IstioInstallProgress::succeeded(installed));
    CommandResult installFailed = installed;
    installFailed.status = CommandStatus::Failed;
    installFailed.exitCode = 1;
    QVERIFY(!IstioInstallProgress::succeeded(installFailed));

    CommandResult version;
    version.status = CommandStatus::Failed;
    version.exitCode = 1;
    version.stdoutData = data(u"istio-version-client.txt"_s);
    version.stderrData = data(u"err-unreachable-1.32.txt"_s);
    const Result<IstioVersionInfo> client = IstioVersion::read(version);
    QVERIFY(client.ok());  // the client version is worth showing although the cluster is gone
    QCOMPARE(client->client, u"1.24.0"_s);
    CommandResult noVersion = version;
    noVersion.stdoutData.clear();
    const Result<IstioVersionInfo> none = IstioVersion::read(noVersion);
    QVERIFY(!none.ok());
    QCOMPARE(none.error().message, KubeErrors::classify(noVersion).message);
}

void TestKubeParsers::istioInstall_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QStringList>("components");  // installed, in order
    QTest::addColumn<QString>("failed");
    QTest::addColumn<bool>("succeeded");
    QTest::addColumn<QString>("profile");
    QTest::newRow("sim") << u"istio-install-sim.txt"_s
                         << QStringList{u"Istio core"_s, u"Istiod"_s, u"Ingress gateways"_s,
                                        u"Egress gateways"_s}
                         << u""_s << true << u""_s;
    QTest::newRow("icons-1.22") << u"istio-install-1.22.txt"_s
                                << QStringList{u"Istio core"_s, u"Istiod"_s, u"Ingress gateways"_s,
                                               u"Egress gateways"_s}
                                << u""_s << true << u""_s;
    QTest::newRow("old-no-icons-prompt")
        << u"istio-install-old.txt"_s
        << QStringList{u"Istio core"_s, u"Istiod"_s, u"Ingress gateways"_s} << u""_s << true
        << u"default"_s;
    QTest::newRow("failed") << u"istio-install-failed.txt"_s << QStringList{u"Istio core"_s}
                            << u"Istiod"_s << false << u""_s;
    QTest::newRow("ambient") << u"istio-install-ambient.txt"_s
                             << QStringList{u"Istio core"_s, u"CNI"_s, u"Istiod"_s, u"Ztunnel"_s}
                             << u""_s << true << u""_s;
    QTest::newRow("cancelled-sim")
        << u"istio-install-cancelled-sim.txt"_s << QStringList{} << u""_s << false << u"demo"_s;
    QTest::newRow("empty") << u"inline:"_s << QStringList{} << u""_s << false << u""_s;
    QTest::newRow("kubectl-error-text")
        << u"err-unreachable-1.20.txt"_s << QStringList{} << u""_s << false << u""_s;
}

void TestKubeParsers::istioInstall()
{
    QFETCH(QString, input);
    QFETCH(QStringList, components);
    QFETCH(QString, failed);
    QFETCH(bool, succeeded);
    QFETCH(QString, profile);
    const QList<InstallProgressLine> lines = IstioInstallProgress::parse(data(input));
    QStringList installed;
    QString failure;
    QString promptProfile;
    for (const InstallProgressLine& line : lines) {
        if (line.event == InstallEvent::ComponentInstalled)
            installed << line.component;
        if (line.event == InstallEvent::ComponentFailed) {
            failure = line.component;
            QVERIFY(line.detail.contains(u"context deadline exceeded"_s));
        }
        if (line.event == InstallEvent::Prompt)
            promptProfile = line.profile;
    }
    QCOMPARE(installed, components);
    QCOMPARE(failure, failed);
    QCOMPARE(IstioInstallProgress::succeeded(lines), succeeded);
    QCOMPARE(promptProfile, profile);
    if (QByteArrayView(QTest::currentDataTag()) == "failed") {
        QCOMPARE(lines.first().event, InstallEvent::Processing);
        QCOMPARE(lines.first().component, u"Istio core"_s);
        QCOMPARE(lines.at(2).detail, u"Waiting for Deployment/istio-system/istiod"_s);
    }
    if (QByteArrayView(QTest::currentDataTag()) == "cancelled-sim")
        QCOMPARE(lines.last().event, InstallEvent::Cancelled);
    if (QByteArrayView(QTest::currentDataTag()) == "ambient")
        QCOMPARE(lines.last().event, InstallEvent::AmbientReady);
}

void TestKubeParsers::analyze_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QStringList>("findings");  // level code kind name ns file:line
    QTest::addColumn<bool>("noIssues");
    QTest::addColumn<QString>("scope");
    QTest::addColumn<bool>("failed");
    QTest::newRow("sim-ist0102") << u"istio-analyze-ist0102.txt"_s
                                 << QStringList{u"Info IST0102 Namespace default  :0"_s} << false
                                 << u""_s << false;
    QTest::newRow("sim-clean-all") << u"istio-analyze-clean-all.txt"_s << QStringList{} << true
                                   << u"all namespaces"_s << false;
    QTest::newRow("clean-namespace")
        << u"inline:\u2714 No validation issues found when analyzing namespace: default."_s
        << QStringList{} << true << u"namespace: default"_s << false;
    QTest::newRow("mixed")
        << u"istio-analyze-mixed.txt"_s
        << QStringList{u"Error IST0101 VirtualService reviews default bookinfo.yaml:12"_s,
                       u"Warning IST0103 Pod frontend-6d8f7c9b4-x2x9z default :0"_s,
                       u"Info IST0102 Namespace default  :0"_s}
        << false << u"namespace: default"_s << true;
    QTest::newRow("empty") << u"inline:"_s << QStringList{} << false << u""_s << false;
    QTest::newRow("kubectl-error-text")
        << u"err-unreachable-1.20.txt"_s << QStringList{} << false << u""_s << false;
}

void TestKubeParsers::analyze()
{
    QFETCH(QString, input);
    QFETCH(QStringList, findings);
    QFETCH(bool, noIssues);
    QFETCH(QString, scope);
    QFETCH(bool, failed);
    const AnalyzeReport report = AnalyzeFindings::parse(data(input));
    QStringList got;
    for (const AnalyzeFinding& f : report.findings) {
        got << u"%1 %2 %3 %4 %5 %6:%7"_s
                   .arg(AnalyzeFindings::levelName(f.level), f.code, f.kind, f.name, f.ns, f.file)
                   .arg(f.fileLine);
        QVERIFY(!f.message.isEmpty());
    }
    QCOMPARE(got, findings);
    QCOMPARE(report.noIssues, noIssues);
    QCOMPARE(report.scope, scope);
    QCOMPARE(!report.failure.isEmpty(), failed);
}

void TestKubeParsers::forwarding_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<bool>("ready");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("local");
    QTest::addColumn<int>("remote");
    QTest::newRow("kubectl-ipv4") << u"Forwarding from 127.0.0.1:40123 -> 16686"_s << true
                                  << u"127.0.0.1"_s << 40123 << 16686;
    QTest::newRow("kubectl-ipv6") << u"Forwarding from [::1]:40123 -> 16686"_s << true << u"::1"_s
                                  << 40123 << 16686;
    QTest::newRow("istioctl-dashboard")
        << u"http://localhost:16686"_s << true << u"localhost"_s << 16686 << 0;
    QTest::newRow("handling") << u"Handling connection for 40123"_s << false << u""_s << 0 << 0;
    QTest::newRow("skipping-browser")
        << u"skipping opening a browser"_s << false << u""_s << 0 << 0;
    QTest::newRow("url-without-port") << u"http://localhost/"_s << false << u""_s << 0 << 0;
    QTest::newRow("empty") << u""_s << false << u""_s << 0 << 0;
    QTest::newRow("kubectl-error-text")
        << u"error: error upgrading connection: unable to upgrade connection"_s << false << u""_s
        << 0 << 0;
}

void TestKubeParsers::forwarding()
{
    QFETCH(QString, line);
    QFETCH(bool, ready);
    QFETCH(QString, host);
    QFETCH(int, local);
    QFETCH(int, remote);
    const ForwardingLine parsed = PortForwardOutput::parseLine(line);
    QCOMPARE(parsed.ready, ready);
    QCOMPARE(parsed.host, host);
    QCOMPARE(parsed.localPort, local);
    QCOMPARE(parsed.remotePort, remote);
}

QTEST_GUILESS_MAIN(TestKubeParsers)
#include "tst_kubeparsers.moc"
