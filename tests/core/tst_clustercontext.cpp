// The mutation guard (which commands change the cluster, local contexts, read-only mode,
// confirmation) and ClusterContext's context/namespace handling against a fake kubectl that only
// answers the kubeconfig questions.
#include "core/kube/ClusterContext.h"
#include "core/kube/Kubectl.h"
#include "core/kube/MutationGuard.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"

#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

Q_DECLARE_METATYPE(obslab::CommandSpec)

namespace {

CommandSpec spec(const QString& program, const char* arguments)
{
    CommandSpec s;
    s.program = program;
    s.arguments = QString::fromUtf8(arguments).split(u' ', Qt::SkipEmptyParts);
    return s;
}

}  // namespace

class TestClusterContext : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void verbs_data();
    void verbs();
    void guard_data();
    void guard();
    void refreshCurrent();
    void switchContext();
    void switchToUnknown();
    void noCurrentContext();
    void emptyKubeconfig();
    void missingKubectl();
    void startGuarded();
    void checkStatus();
    void newerCheckSupersedes();

private:
    QString fake() const { return dir_.path() + u"/kubectl"_s; }
    QStringList calls() const;
    QTemporaryDir dir_;
};

void TestClusterContext::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
    // Copied so that it can be made executable (a checkout may lose the bit); run by python3.
    const QString source = QString::fromUtf8(OBSLAB_TEST_DATA_DIR) + u"/kube/fake-kubectl.py"_s;
    QFile in(source);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QFile file(fake());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/usr/bin/env python3\n" + in.readAll());
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("FAKE_LOG", (dir_.path() + u"/calls.log"_s).toUtf8());
    qputenv("FAKE_CURRENT", "kind-dev");
}

QStringList TestClusterContext::calls() const
{
    QFile file(dir_.path() + u"/calls.log"_s);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

void TestClusterContext::verbs_data()
{
    QTest::addColumn<QString>("arguments");
    QTest::addColumn<QString>("verbs");
    QTest::newRow("flags-first") << u"--context c -n ns rollout restart deployment/x"_s
                                 << u"rollout restart deployment/x"_s;
    QTest::newRow("equals-flags") << u"--context=c --namespace=ns get pods"_s << u"get pods"_s;
    QTest::newRow("exec-argv-ignored") << u"exec p -c app -- kubectl delete ns x"_s << u"exec p"_s;
    QTest::newRow("empty") << u""_s << u""_s;
}

void TestClusterContext::verbs()
{
    QFETCH(QString, arguments);
    QFETCH(QString, verbs);
    QCOMPARE(MutationGuard::verbs(arguments.split(u' ', Qt::SkipEmptyParts)).join(u' '), verbs);
}

void TestClusterContext::guard_data()
{
    QTest::addColumn<CommandSpec>("command");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("server");
    QTest::addColumn<bool>("readOnly");
    QTest::addColumn<int>("verdict");
    const int allowed = MutationDecision::Allowed;
    const int confirm = MutationDecision::NeedsConfirmation;
    const int refused = MutationDecision::Refused;
    const QString k = u"/usr/bin/kubectl"_s;
    const QString i = u"/opt/istio/bin/istioctl"_s;
    const QString remote = u"https://ABCD.eks.amazonaws.com"_s;
    const QString local = u"https://127.0.0.1:6443"_s;
    QTest::newRow("get-remote") << spec(k, "get pods -n x -o json") << u"prod"_s << remote << false
                                << allowed;
    QTest::newRow("get-read-only") << spec(k, "get pods") << u"prod"_s << remote << true << allowed;
    QTest::newRow("diff-remote") << spec(k, "diff -f -") << u"prod"_s << remote << false << allowed;
    QTest::newRow("logs-remote") << spec(k, "logs -f -l app=x") << u"prod"_s << remote << false
                                 << allowed;
    QTest::newRow("port-forward-remote")
        << spec(k, "port-forward svc/tracing 0:80") << u"prod"_s << remote << false << allowed;
    QTest::newRow("rollout-status-remote")
        << spec(k, "rollout status deployment/x") << u"prod"_s << remote << false << allowed;
    QTest::newRow("apply-remote") << spec(k, "apply -f -") << u"prod"_s << remote << false
                                  << confirm;
    QTest::newRow("apply-flags-first-remote")
        << spec(k, "--context prod -n x apply -f -") << u"prod"_s << remote << false << confirm;
    QTest::newRow("apply-dry-run-server-remote")
        << spec(k, "apply -f - --dry-run=server") << u"prod"_s << remote << false << allowed;
    QTest::newRow("apply-dry-run-split-remote")
        << spec(k, "apply -f - --dry-run client") << u"prod"_s << remote << false << allowed;
    QTest::newRow("apply-local-server")
        << spec(k, "apply -f -") << u"dev"_s << local << false << allowed;
    QTest::newRow("apply-kind-name")
        << spec(k, "apply -f -") << u"kind-workshop"_s << remote << false << allowed;
    QTest::newRow("apply-k3d") << spec(k, "apply -f -") << u"k3d-lab"_s << QString() << false
                               << allowed;
    QTest::newRow("apply-minikube") << spec(k, "apply -f -") << u"minikube"_s
                                    << u"https://192.168.49.2:8443"_s << false << allowed;
    QTest::newRow("apply-docker-desktop")
        << spec(k, "apply -f -") << u"docker-desktop"_s << QString() << false << allowed;
    QTest::newRow("apply-rancher-desktop")
        << spec(k, "apply -f -") << u"rancher-desktop"_s << QString() << false << allowed;
    QTest::newRow("apply-localhost")
        << spec(k, "apply -f -") << u"lab"_s << u"https://localhost:6443"_s << false << allowed;
    QTest::newRow("apply-read-only-local")
        << spec(k, "apply -f -") << u"kind-x"_s << local << true << refused;
    QTest::newRow("delete-remote")
        << spec(k, "delete -f -") << u"prod"_s << remote << false << confirm;
    QTest::newRow("create-remote")
        << spec(k, "create ns x") << u"prod"_s << remote << false << confirm;
    QTest::newRow("patch-remote") << spec(k, "patch deploy x -p {}") << u"prod"_s << remote << false
                                  << confirm;
    QTest::newRow("label-remote") << spec(k, "label ns default istio-injection=enabled")
                                  << u"prod"_s << remote << false << confirm;
    QTest::newRow("annotate-remote")
        << spec(k, "annotate deploy x a=b") << u"prod"_s << remote << false << confirm;
    QTest::newRow("rollout-restart-remote")
        << spec(k, "rollout restart deployment/x") << u"prod"_s << remote << false << confirm;
    QTest::newRow("scale-remote") << spec(k, "scale deploy x --replicas 2") << u"prod"_s << remote
                                  << false << confirm;
    QTest::newRow("edit-remote") << spec(k, "edit deploy x") << u"prod"_s << remote << false
                                 << confirm;
    QTest::newRow("replace-remote")
        << spec(k, "replace -f -") << u"prod"_s << remote << false << confirm;
    QTest::newRow("set-remote") << spec(k, "set image deploy/x a=b") << u"prod"_s << remote << false
                                << confirm;
    QTest::newRow("exec-remote") << spec(k, "exec p -- ls") << u"prod"_s << remote << false
                                 << confirm;
    QTest::newRow("unknown-plugin-remote")
        << spec(k, "foo bar") << u"prod"_s << remote << false << confirm;
    QTest::newRow("config-use-context")
        << spec(k, "config use-context prod") << u"kind-x"_s << local << true << refused;
    QTest::newRow("config-view") << spec(k, "config view --minify") << u"prod"_s << remote << true
                                 << allowed;
    QTest::newRow("exec-read-only")
        << spec(k, "exec p -- ls") << u"kind-x"_s << local << true << refused;
    // The command's own --context wins: our context is local, the command's is not.
    QTest::newRow("apply-other-context")
        << spec(k, "apply --context prod -f -") << u"kind-x"_s << local << false << confirm;
    QTest::newRow("istioctl-install-remote")
        << spec(i, "install -f - -y") << u"prod"_s << remote << false << confirm;
    QTest::newRow("istioctl-uninstall-remote")
        << spec(i, "uninstall --purge -y") << u"prod"_s << remote << false << confirm;
    QTest::newRow("istioctl-upgrade-read-only")
        << spec(i, "upgrade -y") << u"kind-x"_s << local << true << refused;
    QTest::newRow("istioctl-version-remote")
        << spec(i, "version") << u"prod"_s << remote << false << allowed;
    QTest::newRow("istioctl-analyze-read-only")
        << spec(i, "analyze -n default") << u"prod"_s << remote << true << allowed;
    QTest::newRow("istioctl-dashboard")
        << spec(i, "dashboard jaeger --browser=false") << u"prod"_s << remote << true << allowed;
    QTest::newRow("istioctl-proxy-config")
        << spec(i, "proxy-config bootstrap p.ns -o json") << u"prod"_s << remote << true << allowed;
    QTest::newRow("istioctl-install-dry-run-still-istioctl")
        << spec(i, "--context prod install -y") << u"prod"_s << remote << false << confirm;
}

void TestClusterContext::guard()
{
    QFETCH(CommandSpec, command);
    QFETCH(QString, context);
    QFETCH(QString, server);
    QFETCH(bool, readOnly);
    QFETCH(int, verdict);
    const MutationDecision decision = MutationGuard::check(command, {context, server, readOnly});
    QCOMPARE(int(decision.verdict), verdict);
    if (verdict == MutationDecision::Allowed) {
        QVERIFY(decision.message.isEmpty());
    } else {
        QVERIFY(!decision.message.isEmpty());
        // The question or refusal names the context it is about.
        const QString own = MutationGuard::contextOf(command.arguments);
        QVERIFY2(decision.message.contains(own.isEmpty() ? context : own),
                 qPrintable(decision.message));
    }
}

void TestClusterContext::refreshCurrent()
{
    CommandRunner runner;
    ClusterContext cluster(&runner);
    cluster.setKubectl(fake());
    QSignalSpy refreshed(&cluster, &ClusterContext::refreshed);
    QSignalSpy changed(&cluster, &ClusterContext::contextChanged);
    QSignalSpy nsChanged(&cluster, &ClusterContext::namespaceChanged);
    cluster.refresh();
    QVERIFY(refreshed.wait(20000));
    QCOMPARE(cluster.contexts(), (QStringList{u"kind-dev"_s, u"prod-eks"_s, u"minikube"_s}));
    QCOMPARE(cluster.context(), u"kind-dev"_s);
    QCOMPARE(cluster.ns(), u"workshop"_s);
    QCOMPARE(cluster.server(), u"https://127.0.0.1:6443"_s);
    QVERIFY(cluster.looksLocal());
    QVERIFY(cluster.isReady());
    QCOMPARE(changed.size(), 1);
    QCOMPARE(nsChanged.size(), 1);

    const KubeTarget target = cluster.target();
    QCOMPARE(target.context, u"kind-dev"_s);
    QCOMPARE(target.ns, u"workshop"_s);
    const CommandSpec get = Kubectl::get(target, u"pods"_s);
    QVERIFY(get.arguments.contains(u"--context"_s));
    QVERIFY(get.arguments.contains(u"workshop"_s));

    cluster.setNamespace(u"shop"_s);
    QCOMPARE(nsChanged.size(), 2);
    QCOMPARE(cluster.target().ns, u"shop"_s);
    // A refresh keeps the namespace picked in the app.
    cluster.refresh();
    QVERIFY(refreshed.wait(20000));
    QCOMPARE(cluster.ns(), u"shop"_s);
}

void TestClusterContext::switchContext()
{
    QFile::remove(dir_.path() + u"/calls.log"_s);
    CommandRunner runner;
    ClusterContext cluster(&runner);
    cluster.setKubectl(fake());
    QSignalSpy refreshed(&cluster, &ClusterContext::refreshed);
    QSignalSpy changed(&cluster, &ClusterContext::contextChanged);
    cluster.refresh();
    QVERIFY(refreshed.wait(20000));
    cluster.setNamespace(u"shop"_s);

    cluster.switchContext(u"prod-eks"_s);
    QVERIFY(refreshed.wait(20000));
    QCOMPARE(cluster.context(), u"prod-eks"_s);
    QCOMPARE(changed.last().at(0).toString(), u"prod-eks"_s);
    // The context's own namespace (none set → default) replaces the one picked before.
    QCOMPARE(cluster.ns(), u"default"_s);
    QCOMPARE(cluster.server(), u"https://ABCD.gr7.eu-west-1.eks.amazonaws.com"_s);
    QVERIFY(!cluster.looksLocal());
    // A remote context: changes need confirmation; reads do not.
    const KubeTarget target = cluster.target();
    QCOMPARE(cluster.checkMutation(Kubectl::apply(target, "x")).verdict,
             MutationDecision::NeedsConfirmation);
    QCOMPARE(cluster.checkMutation(Kubectl::get(target, u"pods"_s)).verdict,
             MutationDecision::Allowed);
    cluster.setReadOnly(true);
    QCOMPARE(cluster.checkMutation(Kubectl::apply(target, "x")).verdict, MutationDecision::Refused);

    // Switching never writes the kubeconfig: no use-context, no set-context.
    for (const QString& call : calls()) {
        QVERIFY2(!call.contains(u"use-context"_s) && !call.contains(u"set-context"_s),
                 qPrintable(call));
    }
    QVERIFY(calls().contains(
        u"config view --minify -o jsonpath={.clusters[0].cluster.server} --context prod-eks"_s));
}

void TestClusterContext::switchToUnknown()
{
    CommandRunner runner;
    ClusterContext cluster(&runner);
    cluster.setKubectl(fake());
    QSignalSpy refreshed(&cluster, &ClusterContext::refreshed);
    QSignalSpy failed(&cluster, &ClusterContext::refreshFailed);
    cluster.switchContext(u"nope"_s);
    QVERIFY(failed.wait(20000));
    QVERIFY(failed.first().at(0).toString().contains(u"nope"_s));
    QVERIFY(failed.first().at(1).toString().contains(u"kind-dev"_s));
    QVERIFY(!cluster.isReady());
    // The bad choice is forgotten: the next refresh uses the kubeconfig's current context.
    cluster.refresh();
    QVERIFY(refreshed.wait(20000));
    QCOMPARE(cluster.context(), u"kind-dev"_s);
}

void TestClusterContext::noCurrentContext()
{
    qputenv("FAKE_CURRENT", "");
    CommandRunner runner;
    ClusterContext cluster(&runner);
    cluster.setKubectl(fake());
    QSignalSpy failed(&cluster, &ClusterContext::refreshFailed);
    cluster.refresh();
    QVERIFY(failed.wait(20000));
    QCOMPARE(failed.first().at(0).toString(), u"kubectl has no current context."_s);
    QVERIFY(failed.first().at(1).toString().contains(u"minikube"_s));
    QCOMPARE(cluster.contexts().size(), 3);
    // Picking one works without a current context.
    QSignalSpy refreshed(&cluster, &ClusterContext::refreshed);
    cluster.switchContext(u"minikube"_s);
    QVERIFY(refreshed.wait(20000));
    QCOMPARE(cluster.server(), u"https://192.168.49.2:8443"_s);
    QVERIFY(cluster.looksLocal());
    qputenv("FAKE_CURRENT", "kind-dev");
}

void TestClusterContext::emptyKubeconfig()
{
    qputenv("FAKE_EMPTY", "1");
    qputenv("FAKE_CURRENT", "");
    CommandRunner runner;
    ClusterContext cluster(&runner);
    cluster.setKubectl(fake());
    QSignalSpy failed(&cluster, &ClusterContext::refreshFailed);
    cluster.refresh();
    QVERIFY(failed.wait(20000));
    QCOMPARE(failed.first().at(0).toString(), u"The kubeconfig has no contexts."_s);
    QVERIFY(failed.first().at(1).toString().contains(u"kind create cluster"_s));
    QVERIFY(cluster.contexts().isEmpty());
    qunsetenv("FAKE_EMPTY");
    qputenv("FAKE_CURRENT", "kind-dev");
}

void TestClusterContext::missingKubectl()
{
    CommandRunner runner;
    ClusterContext cluster(&runner);
    cluster.setKubectl(dir_.path() + u"/no/such/kubectl"_s);
    QSignalSpy failed(&cluster, &ClusterContext::refreshFailed);
    cluster.refresh();
    QCOMPARE(failed.size(), 0);  // reported asynchronously, though nothing runs
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.size(), 1);
    QVERIFY(failed.first().at(0).toString().contains(u"not an executable"_s));
    QVERIFY(failed.first().at(1).toString().contains(u"Settings"_s));
}

void TestClusterContext::startGuarded()
{
    Transcript transcript;
    CommandRunner runner(&transcript);
    ClusterContext cluster(&runner);
    cluster.setKubectl(fake());
    QSignalSpy refreshed(&cluster, &ClusterContext::refreshed);
    cluster.switchContext(u"prod-eks"_s);
    QVERIFY(refreshed.wait(20000));
    QSignalSpy started(&runner, &CommandRunner::commandStarted);
    const CommandSpec apply = Kubectl::apply(cluster.target(), "kind: Namespace\n");

    QString asked;
    const auto refusedByUser = cluster.start(apply, [&](const QString& question) {
        asked = question;
        return false;
    });
    QVERIFY(!refusedByUser.ok());
    QVERIFY(asked.contains(u"prod-eks"_s));
    QVERIFY(refusedByUser.error().message.contains(u"did not confirm"_s));
    QVERIFY(!cluster.start(apply).ok());  // no way to ask: not run
    QCOMPARE(started.size(), 0);

    cluster.setReadOnly(true);
    bool called = false;
    const auto readOnly = cluster.start(apply, [&](const QString&) { return called = true; });
    QVERIFY(!readOnly.ok());
    QVERIFY(!called);
    QVERIFY(readOnly.error().message.contains(u"Read-only"_s));
    QCOMPARE(started.size(), 0);

    // Reads run in read-only mode, and confirmed changes run.
    const auto read = cluster.start(Kubectl::contexts(cluster.target()));
    QVERIFY(read.ok());
    QCOMPARE(started.size(), 1);
    cluster.setReadOnly(false);
    const auto confirmed = cluster.start(apply, [](const QString&) { return true; });
    QVERIFY(confirmed.ok());
    QCOMPARE(started.size(), 2);
    QSignalSpy done(confirmed.value(), &Command::finished);
    QVERIFY(done.wait(20000));
}

void TestClusterContext::checkStatus()
{
    CommandRunner runner;
    ClusterContext cluster(&runner);
    QSignalSpy published(&cluster, &ClusterContext::statusChanged);
    cluster.checkStatus(dir_.path() + u"/nowhere/kubectl"_s);
    QCOMPARE(cluster.status().state, ClusterStatus::State::Checking);
    QTRY_COMPARE_WITH_TIMEOUT(cluster.status().state, ClusterStatus::State::KubectlMissing, 10000);
    QVERIFY(cluster.status().kubectlMessage.contains(u"not an executable"_s));
    QVERIFY(cluster.status().kubectlHint.contains(u"Settings"_s));
    QCOMPARE(published.size(), 2);

    // The fake kubectl reads the kubeconfig but has no cluster behind it.
    cluster.checkStatus(fake());
    QTRY_COMPARE_WITH_TIMEOUT(cluster.status().state, ClusterStatus::State::Unreachable, 20000);
    const ClusterStatus& status = cluster.status();
    QCOMPARE(status.kubectlPath, QFileInfo(fake()).absoluteFilePath());
    QCOMPARE(status.context, u"kind-dev"_s);
    QCOMPARE(status.kubeNamespace, u"workshop"_s);
    QCOMPARE(status.server, u"https://127.0.0.1:6443"_s);
    QVERIFY(status.local);
    QVERIFY2(status.error.startsWith(u"error: unexpected version"_s), qPrintable(status.error));
    QCOMPARE(cluster.kubectl(), status.kubectlPath);  // the commands use the kubectl it found
}

void TestClusterContext::newerCheckSupersedes()
{
    qRegisterMetaType<obslab::ClusterStatus>();
    CommandRunner runner;
    ClusterContext cluster(&runner);
    QSignalSpy published(&cluster, &ClusterContext::statusChanged);
    cluster.checkStatus(dir_.path() + u"/nowhere/kubectl"_s);
    cluster.checkStatus(fake());
    QTRY_COMPARE_WITH_TIMEOUT(cluster.status().state, ClusterStatus::State::Unreachable, 20000);
    for (const QList<QVariant>& args : std::as_const(published))
        QVERIFY(args.at(0).value<ClusterStatus>().state != ClusterStatus::State::KubectlMissing);
}

QTEST_GUILESS_MAIN(TestClusterContext)
#include "tst_clustercontext.moc"
