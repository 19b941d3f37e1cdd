// The real kubectl, run through CommandRunner with the commands Kubectl/Istioctl build, against
// the simulated mesh (tests/sim, test equipment): every builder, and the parsers on what kubectl
// really printed. kubectl gets a throw-away HOME and an explicit --kubeconfig; set
// OBSLAB_TEST_KUBECTL to run another kubectl (e.g. an unpacked 1.20) than the one on PATH.
#include "CannedHttpServer.h"
#include "core/cli/Cli.h"
#include "core/kube/AnalyzeFindings.h"
#include "core/kube/ApplyResult.h"
#include "core/kube/ClusterContext.h"
#include "core/kube/IstioInstallProgress.h"
#include "core/kube/IstioVersion.h"
#include "core/kube/Istioctl.h"
#include "core/kube/KubeContext.h"
#include "core/kube/KubeError.h"
#include "core/kube/KubeObjects.h"
#include "core/kube/Kubectl.h"
#include "core/kube/PortForwardOutput.h"
#include "core/kube/RolloutStatus.h"
#include "core/kube/ToolVersions.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"

#include <QBuffer>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;
using namespace obslab;

Q_DECLARE_METATYPE(obslab::CommandSpec)
Q_DECLARE_METATYPE(obslab::KubeErrorKind)

namespace {

const QByteArray kManifest = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: obslab-it
  labels: {app: obslab-it}
spec:
  replicas: 1
  selector:
    matchLabels: {app: obslab-it}
  template:
    metadata:
      labels: {app: obslab-it}
    spec:
      containers:
      - name: web
        image: hashicorp/http-echo:1.0
        args: ["-listen=:5678", "-text=hello from obslab-it"]
---
apiVersion: v1
kind: Service
metadata:
  name: obslab-it
  labels: {app: obslab-it}
spec:
  selector: {app: obslab-it}
  ports:
  - name: http
    port: 80
    targetPort: 5678
)";

QString sourceDir()
{
    return QString::fromUtf8(OBSLAB_SOURCE_DIR);
}

}  // namespace

class TestKubectlSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void versions();
    void kubeCheck();
    void clusterContext();
    void applyDiffRolloutDelete();
    void getAndWatch();
    void logsAndExec();
    void portForwardToAMissingServiceEnds();
    void kubectlErrors_data();
    void kubectlErrors();
    void namespaceMismatch();
    void maxLogRequests();
    void unreachable();
    void forbiddenAndUnauthorized_data();
    void forbiddenAndUnauthorized();
    void missingKubectl();
    void guardedCommands();
    void istioctl();

private:
    CommandResult run(const CommandSpec& spec, int timeoutMs = 60000);
    KubeTarget target(const QString& ns = u"default"_s) const;
    IstioTarget istioTarget() const;
    QString writeKubeconfig(const QString& name, const QString& context, const QString& server);

    QTemporaryDir dir_;
    QString kubectl_;
    int clientMinor_ = -1;
    QString kubeconfig_;
    QString apiUrl_;
    QProcess sim_;
    QByteArray simOutput_;
    Transcript transcript_;
    CommandRunner runner_{&transcript_};
};

CommandResult TestKubectlSim::run(const CommandSpec& spec, int timeoutMs)
{
    Command* command = runner_.start(spec);
    QSignalSpy finished(command, &Command::finished);
    if (!finished.wait(timeoutMs)) {
        command->cancel();
        qWarning("command did not finish: %s", qPrintable(spec.toShellLine()));
        return {};
    }
    return finished.first().at(0).value<CommandResult>();
}

KubeTarget TestKubectlSim::target(const QString& ns) const
{
    KubeTarget t;
    t.kubectl = kubectl_;
    t.kubeconfig = kubeconfig_;
    t.context = u"obslab-sim"_s;
    t.ns = ns;
    return t;
}

IstioTarget TestKubectlSim::istioTarget() const
{
    IstioTarget t;
    t.istioctl = sourceDir() + u"/tests/sim/istioctl"_s;
    t.kubeconfig = kubeconfig_;
    t.context = u"obslab-sim"_s;
    return t;
}

QString TestKubectlSim::writeKubeconfig(const QString& name, const QString& context,
                                        const QString& server)
{
    const QString path = dir_.path() + u'/' + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(u"apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: %1\n"
               "contexts:\n- name: %2\n  context:\n    cluster: c\n    user: u\n"
               "    namespace: default\ncurrent-context: %2\nusers:\n- name: u\n  user: {}\n"_s
                   .arg(server, context)
                   .toUtf8());
    return path;
}

void TestKubectlSim::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
    // kubectl must never read or write the developer's ~/.kube (config or cache).
    QDir().mkpath(dir_.path() + u"/home"_s);
    qputenv("HOME", (dir_.path() + u"/home"_s).toUtf8());
    qunsetenv("KUBECONFIG");
    qunsetenv("OBSLAB_SIM_URL");

    kubectl_ = qEnvironmentVariable("OBSLAB_TEST_KUBECTL");
    if (kubectl_.isEmpty())
        kubectl_ = QStandardPaths::findExecutable(u"kubectl"_s);
    if (kubectl_.isEmpty())
        QSKIP("no kubectl on PATH (Debian: apt-get install kubernetes-client)");
    const QString python = QStandardPaths::findExecutable(u"python3"_s);
    if (python.isEmpty())
        QSKIP("no python3 for the simulated mesh");

    // The sim exits when its stdin closes, so a crashed test leaves no server behind.
    sim_.setProgram(python);
    sim_.setArguments({sourceDir() + u"/tests/sim/obslab-sim"_s, u"--scenario"_s,
                       u"healthy-telemetry"_s, u"--no-traffic"_s, u"--state-dir"_s,
                       dir_.path() + u"/sim"_s});
    sim_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    connect(&sim_, &QProcess::readyReadStandardOutput, this,
            [this] { simOutput_ += sim_.readAllStandardOutput(); });
    sim_.start();
    QVERIFY(sim_.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(simOutput_.contains("READY "), 30000);
    const QByteArray ready = simOutput_.mid(simOutput_.indexOf("READY "));
    apiUrl_ = QString::fromUtf8(ready.mid(ready.indexOf("api=") + 4).split(' ').value(0));
    kubeconfig_ = dir_.path() + u"/sim/kubeconfig"_s;
    QVERIFY(QFile::exists(kubeconfig_));

    const CommandResult version = run(Kubectl::version(target()));
    const auto versions = KubeContext::parseVersionJson(version.stdoutData);
    QVERIFY2(versions.ok(), version.stderrData.constData());
    clientMinor_ = versions->client.minor;
    qInfo("kubectl %s: %s against %s", qPrintable(kubectl_),
          qPrintable(versions->client.gitVersion), qPrintable(apiUrl_));
}

void TestKubectlSim::cleanupTestCase()
{
    if (sim_.state() == QProcess::NotRunning)
        return;
    QSignalSpy finished(&sim_, &QProcess::finished);
    sim_.closeWriteChannel();
    if (!finished.wait(15000))
        sim_.kill();
}

void TestKubectlSim::versions()
{
    const CommandResult result = run(Kubectl::version(target()));
    QVERIFY2(result.ok(), result.stderrData.constData());
    const auto versions = KubeContext::parseVersionJson(result.stdoutData);
    QVERIFY(versions.ok());
    QVERIFY(versions->client.isValid());
    QCOMPARE(versions->server.gitVersion, u"v1.32.4-obslab-sim"_s);

    ToolVersions tools(&runner_);
    QSignalSpy finished(&tools, &ToolVersions::finished);
    KubeTarget t = target();
    t.kubectl = kubectl_.contains(u'/') ? kubectl_ : u"kubectl"_s;
    tools.check(t, istioTarget().istioctl, true);
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.size(), 1);
    const ToolReport& report = tools.report();
    QVERIFY(report.kubectlFound());
    QVERIFY(report.serverReachable);
    QVERIFY(report.clusterOk());
    QCOMPARE(report.versions.server.minor, 32);
    // The skew warning follows the client: none within 31..33.
    QCOMPARE(report.skewWarning.isEmpty(), qAbs(report.versions.client.minor - 32) <= 1);
    QVERIFY(report.istioctlFound());
    QCOMPARE(report.istio.client, u"1.24.0"_s);
    QCOMPARE(report.istio.controlPlane, u"1.24.0"_s);
    QVERIFY(!report.istio.dataPlane.isEmpty());
}

void TestKubectlSim::kubeCheck()
{
    QBuffer in, out, err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    cli::Dispatcher dispatcher;
    const int code = dispatcher.run({u"kube"_s, u"check"_s, u"--kubectl"_s, kubectl_,
                                     u"--kubeconfig"_s, kubeconfig_, u"--context"_s,
                                     u"obslab-sim"_s, u"--istioctl"_s, istioTarget().istioctl},
                                    {&in, &out, &err});
    const QString text = QString::fromUtf8(out.data());
    qInfo().noquote() << "obslab kube check:\n" << text;
    QVERIFY2(code == 0, qPrintable(text + QString::fromUtf8(err.data())));
    QVERIFY(text.contains(u"[ok]   kubectl: "_s));
    QVERIFY(text.contains(u"[ok]   context: obslab-sim"_s));
    QVERIFY(text.contains(u"[ok]   namespace: default"_s));
    QVERIFY(text.contains(u"[ok]   server: %1 (looks local"_s.arg(apiUrl_)));
    QVERIFY(text.contains(u"[ok]   cluster answers: server v1.32.4-obslab-sim"_s));
    QVERIFY(text.contains(u"[ok]   istioctl: "_s));
    QVERIFY(text.contains(u"(client 1.24.0)"_s));
    QVERIFY(text.contains(u"Ready"_s));

    // A context the kubeconfig does not have: exit 1, and the known ones are named.
    QBuffer out2;
    out2.open(QIODevice::WriteOnly);
    const int missing = dispatcher.run({u"kube"_s, u"check"_s, u"--kubectl"_s, kubectl_,
                                        u"--kubeconfig"_s, kubeconfig_, u"--context"_s, u"nope"_s},
                                       {&in, &out2, &err});
    const QString text2 = QString::fromUtf8(out2.data());
    QCOMPARE(missing, 1);
    QVERIFY2(text2.contains(u"[FAIL] context: The kubeconfig has no context named nope."_s),
             qPrintable(text2));
    QVERIFY(text2.contains(u"Known contexts: obslab-sim."_s));
}

void TestKubectlSim::clusterContext()
{
    ClusterContext cluster(&runner_);
    cluster.setKubectl(kubectl_);
    cluster.setKubeconfig(kubeconfig_);
    QSignalSpy refreshed(&cluster, &ClusterContext::refreshed);
    cluster.refresh();
    QVERIFY(refreshed.wait(30000));
    QCOMPARE(cluster.contexts(), QStringList{u"obslab-sim"_s});
    QCOMPARE(cluster.context(), u"obslab-sim"_s);
    QCOMPARE(cluster.ns(), u"default"_s);
    QCOMPARE(cluster.server(), apiUrl_);
    QVERIFY(cluster.looksLocal());
    QCOMPARE(cluster.target().kubeconfig, kubeconfig_);
}

void TestKubectlSim::applyDiffRolloutDelete()
{
    const KubeTarget t = target();
    CommandResult r = run(Kubectl::apply(t, kManifest));
    QVERIFY2(r.ok(), r.stderrData.constData());
    QList<AppliedObject> objects = ApplyResult::parse(r.stdoutData);
    QCOMPARE(objects.size(), 2);
    QCOMPARE(objects.at(0).resource, u"deployment.apps"_s);
    QCOMPARE(objects.at(0).name, u"obslab-it"_s);
    QCOMPARE(objects.at(0).operation, ObjectOperation::Created);
    QCOMPARE(objects.at(1).resource, u"service"_s);
    QCOMPARE(objects.at(1).operation, ObjectOperation::Created);

    r = run(Kubectl::apply(t, kManifest));
    QVERIFY(r.ok());
    objects = ApplyResult::parse(r.stdoutData);
    QCOMPARE(objects.size(), 2);
    QCOMPARE(objects.at(0).operation, ObjectOperation::Unchanged);

    QByteArray scaled = kManifest;
    scaled.replace("replicas: 1", "replicas: 2");
    // kubectl before 1.27 decides dry-run support from /openapi/v2 definitions, which the
    // simulated server does not serve (tests/sim/README.md): "… doesn't support dry-run".
    if (clientMinor_ >= 27) {
        r = run(Kubectl::apply(t, scaled, {DryRun::Server, false}));
        QVERIFY2(r.ok(), r.stderrData.constData());
        objects = ApplyResult::parse(r.stdoutData);
        QCOMPARE(objects.size(), 2);
        QCOMPARE(objects.at(0).operation, ObjectOperation::Configured);
        QCOMPARE(objects.at(0).dryRun, DryRunMark::Server);
    } else {
        qInfo("kubectl 1.%d: server dry-run and diff not checked against the sim", clientMinor_);
    }

    // diff: exit 1 and a unified diff when something would change, exit 0 otherwise.
    if (clientMinor_ >= 27) {
        r = run(Kubectl::diff(t, scaled));
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.stdoutData.contains("+  replicas: 2"));
        r = run(Kubectl::diff(t, kManifest));
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.stdoutData.isEmpty());
    }

    r = run(Kubectl::rolloutStatus(t, u"obslab-it"_s, 60s), 90000);
    QVERIFY2(r.ok(), r.stderrData.constData());
    QList<RolloutStatusLine> status = RolloutStatus::parse(r.stdoutData);
    QVERIFY(!status.isEmpty());
    QCOMPARE(status.last().phase, RolloutPhase::RolledOut);
    QCOMPARE(status.last().deployment, u"obslab-it"_s);

    r = run(Kubectl::rolloutRestart(t, {u"obslab-it"_s}));
    QVERIFY2(r.ok(), r.stderrData.constData());
    objects = ApplyResult::parse(r.stdoutData);
    QCOMPARE(objects.size(), 1);
    QCOMPARE(objects.at(0).operation, ObjectOperation::Restarted);
    r = run(Kubectl::rolloutStatus(t, u"obslab-it"_s, 60s), 90000);
    QVERIFY2(r.ok(), r.stderrData.constData());
    QCOMPARE(RolloutStatus::parse(r.stdoutData).last().phase, RolloutPhase::RolledOut);

    r = run(Kubectl::get(t, u"deployment"_s, {u"obslab-it"_s, {}, false}));
    QVERIFY(r.ok());
    const auto deployments = KubeObjects::parse(r.stdoutData);
    QVERIFY(deployments.ok());
    const DeploymentState state = KubeObjects::deploymentState(deployments->first());
    QVERIFY(!state.restartedAt.isEmpty());
    QVERIFY(state.rolledOut());

    // Restarting twice within a second is refused by kubectl itself.
    r = run(Kubectl::rolloutRestart(t, {u"obslab-it"_s, u"nope"_s}));
    QVERIFY(!r.ok());
    const QList<KubeError> errors = KubeErrors::classifyAll(r.stderrData);
    QVERIFY(!errors.isEmpty());
    QCOMPARE(KubeErrors::classify(r).kind, errors.first().kind);

    // Labels: set, set again (no change), remove (kubectl says "unlabeled" only without
    // --overwrite; with it, a removal is "labeled").
    const QMap<QString, QString> on{{u"obslab-it"_s, u"yes"_s}};
    r = run(Kubectl::label(t, u"namespace"_s, u"default"_s, on));
    QVERIFY2(r.ok(), r.stderrData.constData());
    QCOMPARE(ApplyResult::parse(r.stdoutData).value(0).operation, ObjectOperation::Labeled);
    r = run(Kubectl::label(t, u"namespace"_s, u"default"_s, on));
    QCOMPARE(ApplyResult::parse(r.stdoutData).value(0).operation, ObjectOperation::NotLabeled);
    r = run(Kubectl::label(t, u"namespace"_s, u"default"_s, {{u"obslab-it"_s, QString()}}, false));
    // kubectl 1.20 still said "labeled" for a removal.
    const ObjectOperation removed = ApplyResult::parse(r.stdoutData).value(0).operation;
    QVERIFY(removed == ObjectOperation::Unlabeled ||
            (clientMinor_ < 27 && removed == ObjectOperation::Labeled));

    r = run(Kubectl::deleteManifest(t, kManifest, false));
    QVERIFY2(r.ok(), r.stderrData.constData());
    objects = ApplyResult::parse(r.stdoutData);
    QCOMPARE(objects.size(), 2);
    QCOMPARE(objects.at(0).operation, ObjectOperation::Deleted);
    // A second strict delete: NotFound for each object; with --ignore-not-found: fine.
    r = run(Kubectl::deleteManifest(t, kManifest, false));
    QVERIFY(!r.ok());
    const QList<KubeError> gone = KubeErrors::classifyAll(r.stderrData);
    QCOMPARE(gone.size(), 2);
    QCOMPARE(gone.at(0).kind, KubeErrorKind::NotFound);
    QCOMPARE(gone.at(0).object, u"deployments.apps/obslab-it"_s);
    QCOMPARE(gone.at(1).object, u"services/obslab-it"_s);
    r = run(Kubectl::deleteManifest(t, kManifest, true));
    QVERIFY(r.ok());
}

void TestKubectlSim::getAndWatch()
{
    CommandResult r = run(Kubectl::get(target(), u"pods"_s, {{}, u"app=backend"_s, false}));
    QVERIFY2(r.ok(), r.stderrData.constData());
    const auto pods = KubeObjects::parse(r.stdoutData);
    QVERIFY(pods.ok());
    QVERIFY(!pods->isEmpty());
    const PodState pod = KubeObjects::podState(pods->first());
    QVERIFY(pod.hasIstioProxy);
    QCOMPARE(pod.phase, u"Running"_s);

    r = run(Kubectl::get(target(), u"pods"_s, {{}, {}, true}));
    QVERIFY(r.ok());
    const auto all = KubeObjects::parse(r.stdoutData);
    QVERIFY(all.ok());
    bool istioSystem = false;
    for (const KubeObject& o : all.value())
        istioSystem = istioSystem || o.ns == u"istio-system";
    QVERIFY(istioSystem);

    // A watch is a background job: events arrive line by line until it is stopped.
    const CommandSpec watch = Kubectl::watch(target(u"istio-system"_s), u"pods"_s);
    QCOMPARE(watch.timeout.count(), 0);
    Command* command = runner_.start(watch);
    QList<WatchEvent> events;
    connect(command, &Command::stdoutLine, this, [&events](const QByteArray& line) {
        if (const auto event = KubeObjects::parseWatchEvent(line))
            events.append(event.value());
    });
    QSignalSpy finished(command, &Command::finished);
    QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty(), 30000);
    QCOMPARE(events.first().type, u"ADDED"_s);
    QCOMPARE(events.first().object.kind, u"Pod"_s);
    command->cancel();
    QVERIFY(finished.wait(15000));
    QCOMPARE(finished.first().at(0).value<CommandResult>().status, CommandStatus::Cancelled);
}

void TestKubectlSim::logsAndExec()
{
    Kubectl::LogsOptions options;
    options.selector = u"app=backend"_s;
    options.container = u"istio-proxy"_s;
    options.prefix = true;
    options.timestamps = true;
    options.tail = 20;
    CommandResult r = run(Kubectl::logs(target(), options));
    QVERIFY2(r.ok(), r.stderrData.constData());
    const QList<QByteArray> lines = r.stdoutData.split('\n');
    QVERIFY(!lines.first().isEmpty());
    QVERIFY2(lines.first().startsWith("[pod/backend-") && lines.first().contains("/istio-proxy] "),
             lines.first().constData());

    // Following is a background job: the first lines come, then it is stopped.
    options.follow = true;
    const CommandSpec follow = Kubectl::logs(target(), options);
    QCOMPARE(follow.timeout.count(), 0);
    Command* command = runner_.start(follow);
    int seen = 0;
    connect(command, &Command::stdoutLine, this, [&seen](const QByteArray&) { ++seen; });
    QSignalSpy finished(command, &Command::finished);
    QTRY_VERIFY_WITH_TIMEOUT(seen > 0, 30000);
    command->cancel();
    QVERIFY(finished.wait(15000));

    const auto pods = KubeObjects::parse(
        run(Kubectl::get(target(), u"pods"_s, {{}, u"app=backend"_s, false})).stdoutData);
    QVERIFY(pods.ok() && !pods->isEmpty());
    const QString pod = pods->first().name;
    r = run(Kubectl::exec(target(), pod, u"backend"_s, {u"echo"_s, u"hello"_s, u"sim"_s}));
    if (clientMinor_ >= 30) {
        QVERIFY2(r.ok(), r.stderrData.constData());
        QCOMPARE(r.stdoutData.trimmed(), QByteArray("hello sim"));
    } else {
        // Older kubectl speaks SPDY for exec, which the sim does not serve: a clean error.
        QVERIFY(!r.ok());
        QVERIFY(KubeErrors::classify(r).isError());
    }

    Kubectl::LogsOptions wrong;
    wrong.pod = pod;
    wrong.container = u"nope"_s;
    r = run(Kubectl::logs(target(), wrong));
    QVERIFY(!r.ok());
    const KubeError error = KubeErrors::classify(r);
    QCOMPARE(error.kind, KubeErrorKind::NotFound);
    QCOMPARE(error.object, u"pods/%1/nope"_s.arg(pod));
}

void TestKubectlSim::portForwardToAMissingServiceEnds()
{
    // The sim serves port-forward (tst_portforward_sim); to a service that does not exist
    // kubectl must fail with a message we can show, and the background job end by itself.
    const CommandSpec spec = Kubectl::portForward(target(u"istio-system"_s), u"svc/nope"_s, 0, 80);
    QCOMPARE(spec.timeout.count(), 0);
    const CommandResult r = run(spec, 30000);
    QCOMPARE(r.status, CommandStatus::Failed);
    const KubeError error = KubeErrors::classify(r);
    QCOMPARE(error.kind, KubeErrorKind::NotFound);
    QVERIFY2(error.line.contains(u"services \"nope\" not found"_s), qPrintable(error.line));
}

void TestKubectlSim::kubectlErrors_data()
{
    QTest::addColumn<CommandSpec>("spec");
    QTest::addColumn<KubeErrorKind>("kind");
    QTest::addColumn<QString>("object");
    const KubeTarget t = target();
    QTest::newRow("notfound") << Kubectl::get(t, u"deployment"_s, {u"nope"_s, {}, false})
                              << KubeErrorKind::NotFound << u"deployments.apps/nope"_s;
    QTest::newRow("unknown-type") << Kubectl::get(t, u"foo"_s) << KubeErrorKind::UnknownResourceType
                                  << u"foo"_s;
    QTest::newRow("rollout-missing") << Kubectl::rolloutRestart(t, {u"nope"_s})
                                     << KubeErrorKind::NotFound << u"deployments.apps/nope"_s;
    QTest::newRow("status-missing") << Kubectl::rolloutStatus(t, u"nope"_s, 10s)
                                    << KubeErrorKind::NotFound << u"deployments.apps/nope"_s;
    QTest::newRow("namespace-missing-label")
        << Kubectl::label(t, u"namespace"_s, u"nope"_s, {{u"a"_s, u"b"_s}})
        << KubeErrorKind::NotFound << u"namespaces/nope"_s;
}

void TestKubectlSim::kubectlErrors()
{
    QFETCH(CommandSpec, spec);
    QFETCH(KubeErrorKind, kind);
    QFETCH(QString, object);
    const CommandResult r = run(spec);
    QCOMPARE(r.status, CommandStatus::Failed);
    const KubeError error = KubeErrors::classify(r);
    QCOMPARE(kubeErrorKindName(error.kind), kubeErrorKindName(kind));
    QCOMPARE(error.object, object);
    QVERIFY(!error.message.isEmpty());
}

void TestKubectlSim::namespaceMismatch()
{
    // Every command carries -n: a manifest naming another namespace is refused by kubectl.
    QFile telemetry(sourceDir() + u"/tests/sim/manifests/telemetry-tracing.yaml"_s);
    QVERIFY(telemetry.open(QIODevice::ReadOnly));
    const QByteArray manifest = telemetry.readAll();
    CommandResult r = run(Kubectl::apply(target(u"default"_s), manifest));
    QCOMPARE(r.status, CommandStatus::Failed);
    const KubeError error = KubeErrors::classify(r);
    QCOMPARE(error.kind, KubeErrorKind::Invalid);
    QCOMPARE(error.object, u"namespaces/istio-system"_s);
    // In its own namespace it applies (dry run: the scenario's own Telemetry stays).
    r = run(Kubectl::apply(target(u"istio-system"_s), manifest, {DryRun::Client, false}));
    QVERIFY2(r.ok(), r.stderrData.constData());
    QCOMPARE(ApplyResult::parse(r.stdoutData).value(0).resource, u"telemetry.telemetry.istio.io"_s);
}

void TestKubectlSim::maxLogRequests()
{
    Kubectl::LogsOptions options;
    options.selector = u"app"_s;  // every pod of istio-system that has an app label
    options.follow = true;
    options.maxLogRequests = 1;
    const CommandResult r = run(Kubectl::logs(target(u"istio-system"_s), options), 30000);
    QCOMPARE(r.status, CommandStatus::Failed);
    const KubeError error = KubeErrors::classify(r);
    QCOMPARE(error.kind, KubeErrorKind::MaxLogRequests);
    QCOMPARE(error.limit, 1);
    QVERIFY(error.streams > 1);
}

void TestKubectlSim::unreachable()
{
    KubeTarget t = target();
    t.kubeconfig = writeKubeconfig(u"unreachable.yaml"_s, u"kind-gone"_s, u"http://127.0.0.1:1"_s);
    t.context = u"kind-gone"_s;
    const CommandResult r = run(Kubectl::get(t, u"pods"_s));
    QCOMPARE(r.status, CommandStatus::Failed);
    const KubeError error = KubeErrors::classify(r);
    QCOMPARE(error.kind, KubeErrorKind::Unreachable);
    QCOMPARE(error.object, u"127.0.0.1:1"_s);

    ToolVersions tools(&runner_);
    QSignalSpy finished(&tools, &ToolVersions::finished);
    tools.check(t, dir_.path() + u"/no/istioctl"_s);
    QVERIFY(finished.wait(60000));
    QVERIFY(tools.report().kubectlFound());
    QVERIFY(tools.report().versions.client.isValid());  // printed even without a server
    QVERIFY(!tools.report().serverReachable);
    QCOMPARE(tools.report().serverError.kind, KubeErrorKind::Unreachable);
    QVERIFY(!tools.report().istioctlFound());
}

void TestKubectlSim::forbiddenAndUnauthorized_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("reason");
    QTest::addColumn<KubeErrorKind>("kind");
    QTest::newRow("forbidden") << 403 << QByteArray("Forbidden") << KubeErrorKind::Forbidden;
    QTest::newRow("unauthorized") << 401 << QByteArray("Unauthorized")
                                  << KubeErrorKind::Unauthorized;
}

void TestKubectlSim::forbiddenAndUnauthorized()
{
    QFETCH(int, status);
    QFETCH(QByteArray, reason);
    QFETCH(KubeErrorKind, kind);
    // A stand-in API server worded like kube-apiserver. Forbidden: discovery is served (RBAC's
    // system:discovery allows it to everyone) and the list is refused. Unauthorized: everything.
    test::CannedHttpServer server;
    const QByteArray body =
        R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"","reason":")" +
        reason + R"(","details":{"kind":"pods"},"code":)" + QByteArray::number(status) + "}";
    if (status == 403) {
        server.on(
            u"/api"_s,
            test::CannedHttpServer::json(
                R"({"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]})"));
        server.on(u"/apis"_s, test::CannedHttpServer::json(
                                  R"({"kind":"APIGroupList","apiVersion":"v1","groups":[]})"));
        server.on(
            u"/api/v1"_s,
            test::CannedHttpServer::json(
                R"({"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list","watch"],"shortNames":["po"]}]})"));
    }
    server.setFallback([&](const test::CannedHttpServer::Request&) {
        return test::CannedHttpServer::json(body, status);
    });
    QVERIFY(server.listen());
    KubeTarget t = target();
    t.context = u"kind-locked"_s;
    t.kubeconfig =
        writeKubeconfig(u"locked-%1.yaml"_s.arg(status), t.context, server.url().toString());
    const CommandResult r = run(Kubectl::get(t, u"pods"_s));
    QCOMPARE(r.status, CommandStatus::Failed);
    const KubeError error = KubeErrors::classify(r);
    QVERIFY2(error.kind == kind, qPrintable(error.line));
    QVERIFY(!error.message.isEmpty());
    if (kind == KubeErrorKind::Forbidden) {
        QCOMPARE(error.object, u"pods"_s);
        QVERIFY(error.message.contains(u"jane may not list pods"_s));
    }
}

void TestKubectlSim::missingKubectl()
{
    KubeTarget t = target();
    t.kubectl = dir_.path() + u"/nowhere/kubectl"_s;
    ToolVersions tools(&runner_);
    QSignalSpy finished(&tools, &ToolVersions::finished);
    tools.check(t, istioTarget().istioctl);
    QVERIFY(finished.wait(30000));
    QVERIFY(!tools.report().kubectlFound());
    QVERIFY(tools.report().kubectlError->hint.contains(u"Settings"_s));
    // istioctl is still looked at: it is independent.
    QVERIFY(tools.report().istioctlFound());

    // Run anyway (a stale setting): the runner reports NotFound with the install hint.
    const CommandResult r = run(Kubectl::get(t, u"pods"_s));
    QCOMPARE(r.status, CommandStatus::NotFound);
    QVERIFY2(r.message.contains(u"kubernetes.io/docs/tasks/tools"_s), qPrintable(r.message));
    QCOMPARE(KubeErrors::classify(r).message, r.message);
}

void TestKubectlSim::guardedCommands()
{
    // Same sim, reached through an address that does not look local: changes need a yes.
    QVERIFY(run(Kubectl::deleteManifest(target(), kManifest)).ok());
    const QString remoteUrl = QString(apiUrl_).replace(u"127.0.0.1"_s, u"[::ffff:127.0.0.1]"_s);
    const QString remoteConfig = writeKubeconfig(u"remote.yaml"_s, u"staging"_s, remoteUrl);
    ClusterContext cluster(&runner_);
    cluster.setKubectl(kubectl_);
    cluster.setKubeconfig(remoteConfig);
    QSignalSpy refreshed(&cluster, &ClusterContext::refreshed);
    cluster.refresh();
    QVERIFY(refreshed.wait(30000));
    QCOMPARE(cluster.context(), u"staging"_s);
    QVERIFY(!cluster.looksLocal());

    const CommandSpec apply = Kubectl::apply(cluster.target(), kManifest);
    const CommandSpec get =
        Kubectl::get(cluster.target(), u"deployment"_s, {u"obslab-it"_s, {}, false});
    QSignalSpy started(&runner_, &CommandRunner::commandStarted);

    // Confirmation refused: nothing runs, nothing is created.
    QString question;
    const auto refused = cluster.start(apply, [&](const QString& q) {
        question = q;
        return false;
    });
    QVERIFY(!refused.ok());
    QVERIFY(question.contains(u"staging"_s));
    QCOMPARE(started.size(), 0);
    CommandResult r = run(get);
    QCOMPARE(KubeErrors::classify(r).kind, KubeErrorKind::NotFound);

    // Read-only: refused without asking; reads still run.
    cluster.setReadOnly(true);
    bool asked = false;
    QVERIFY(!cluster.start(apply, [&](const QString&) { return asked = true; }).ok());
    QVERIFY(!asked);
    const auto read = cluster.start(get);
    QVERIFY(read.ok());
    QSignalSpy readDone(read.value(), &Command::finished);
    QVERIFY(readDone.wait(30000));

    // Confirmed: it runs, through the non-local address, and the sim has the objects.
    cluster.setReadOnly(false);
    const auto confirmed = cluster.start(apply, [](const QString&) { return true; });
    QVERIFY(confirmed.ok());
    QSignalSpy applied(confirmed.value(), &Command::finished);
    QVERIFY(applied.wait(60000));
    QVERIFY(applied.first().at(0).value<CommandResult>().ok());
    r = run(get);
    QVERIFY(r.ok());
    QVERIFY(run(Kubectl::deleteManifest(target(), kManifest)).ok());
}

void TestKubectlSim::istioctl()
{
    const IstioTarget t = istioTarget();
    CommandResult r = run(Istioctl::version(t, false));
    QVERIFY2(r.ok(), r.stderrData.constData());
    QCOMPARE(IstioVersion::parse(r.stdoutData).client, u"1.24.0"_s);

    r = run(Istioctl::version(t));
    QVERIFY2(r.ok(), r.stderrData.constData());
    const IstioVersionInfo version = IstioVersion::parse(r.stdoutData);
    QCOMPARE(version.controlPlane, u"1.24.0"_s);
    QVERIFY(!version.controlPlaneMissing);

    r = run(Istioctl::analyze(t, u"default"_s));
    QVERIFY2(r.ok(), r.stderrData.constData());
    const QByteArray analyzed = r.stdoutData + r.stderrData;
    const AnalyzeReport report = AnalyzeFindings::parse(analyzed);
    QVERIFY2(report.noIssues, analyzed.constData());
    QCOMPARE(report.scope, u"namespace: default"_s);

    // Install from a file (and from stdin, which the real istioctl reads for `-f -`).
    const QByteArray iop = "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n"
                           "spec:\n  profile: demo\n";
    const QString file = dir_.path() + u"/iop.yaml"_s;
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(iop);
    out.close();
    r = run(Istioctl::installFile(t, file), 120000);
    QVERIFY2(r.ok(), r.stderrData.constData());
    QList<InstallProgressLine> progress = IstioInstallProgress::parse(r.stdoutData);
    QVERIFY(IstioInstallProgress::succeeded(progress));
    QVERIFY(progress.size() >= 3);
    r = run(Istioctl::install(t, iop), 120000);
    if (!r.ok() && r.stderrData.contains("could not read -")) {
        qWarning("the stand-in istioctl does not read `install -f -` from stdin yet");
    } else {
        QVERIFY2(r.ok(), r.stderrData.constData());
        QVERIFY(IstioInstallProgress::succeeded(IstioInstallProgress::parse(r.stdoutData)));
    }

    const auto pods = KubeObjects::parse(
        run(Kubectl::get(target(), u"pods"_s, {{}, u"app=backend"_s, false})).stdoutData);
    QVERIFY(pods.ok() && !pods->isEmpty());
    r = run(Istioctl::proxyConfigBootstrap(t, pods->first().name, u"default"_s));
    QVERIFY2(r.ok(), r.stderrData.constData());
    QVERIFY(QJsonDocument::fromJson(r.stdoutData).isObject());

    // The dashboard tunnel is a background job that prints its URL.
    const CommandSpec dashboard = Istioctl::dashboardJaeger(t);
    QCOMPARE(dashboard.timeout.count(), 0);
    Command* command = runner_.start(dashboard);
    ForwardingLine forwarding;
    connect(command, &Command::stdoutLine, this, [&forwarding](const QByteArray& line) {
        const ForwardingLine parsed = PortForwardOutput::parseLine(QString::fromUtf8(line));
        if (parsed.ready)
            forwarding = parsed;
    });
    QSignalSpy finished(command, &Command::finished);
    QTRY_VERIFY_WITH_TIMEOUT(forwarding.ready, 30000);
    QVERIFY(forwarding.localPort > 0);
    command->cancel();
    QVERIFY(finished.wait(15000));
}

QTEST_GUILESS_MAIN(TestKubectlSim)
#include "tst_kubectl_sim.moc"
