// Exact argument lists of every kubectl/istioctl command ObsLab runs: the GUI shows these
// before they run, and labs are reviewed against them.
#include "core/kube/Istioctl.h"
#include "core/kube/Kubectl.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;
using namespace obslab;

Q_DECLARE_METATYPE(obslab::CommandSpec)

namespace {

KubeTarget target()
{
    KubeTarget t;
    t.kubectl = u"/opt/k/kubectl"_s;
    t.context = u"kind-workshop"_s;
    t.ns = u"shop"_s;
    return t;
}

IstioTarget istio()
{
    IstioTarget t;
    t.istioctl = u"/opt/i/istioctl"_s;
    t.context = u"kind-workshop"_s;
    return t;
}

QStringList words(const char* text)
{
    return QString::fromUtf8(text).split(u' ', Qt::SkipEmptyParts);
}

}  // namespace

class TestKubectlBuilders : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void kubectl_data();
    void kubectl();
    void istioctl_data();
    void istioctl();
    void stdinAndKubeconfig();
    void labelValues();
};

void TestKubectlBuilders::kubectl_data()
{
    QTest::addColumn<CommandSpec>("spec");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<qint64>("timeoutMs");
    const KubeTarget t = target();
    const QByteArray yaml = "kind: Service\n";
    QTest::newRow("apply") << Kubectl::apply(t, yaml)
                           << words("apply --context kind-workshop -n shop -f -") << qint64(120000);
    QTest::newRow("apply-server-dry-run")
        << Kubectl::apply(t, yaml, {DryRun::Server, false})
        << words("apply --context kind-workshop -n shop -f - --dry-run=server") << qint64(120000);
    QTest::newRow("apply-client-dry-run")
        << Kubectl::apply(t, yaml, {DryRun::Client, false})
        << words("apply --context kind-workshop -n shop -f - --dry-run=client") << qint64(120000);
    QTest::newRow("apply-server-side")
        << Kubectl::apply(t, yaml, {DryRun::None, true})
        << words("apply --context kind-workshop -n shop -f - --server-side") << qint64(120000);
    QTest::newRow("diff") << Kubectl::diff(t, yaml)
                          << words("diff --context kind-workshop -n shop -f -") << qint64(120000);
    QTest::newRow("delete") << Kubectl::deleteManifest(t, yaml)
                            << words(
                                   "delete --context kind-workshop -n shop -f - --ignore-not-found")
                            << qint64(180000);
    QTest::newRow("delete-strict")
        << Kubectl::deleteManifest(t, yaml, false)
        << words("delete --context kind-workshop -n shop -f -") << qint64(180000);
    QTest::newRow("get-list") << Kubectl::get(t, u"deployments"_s)
                              << words("get deployments --context kind-workshop -n shop -o json")
                              << qint64(30000);
    QTest::newRow("get-one")
        << Kubectl::get(t, u"deployment"_s, {u"frontend"_s, {}, false})
        << words("get deployment frontend --context kind-workshop -n shop -o json")
        << qint64(30000);
    QTest::newRow("get-selector")
        << Kubectl::get(t, u"pods"_s, {{}, u"app=frontend"_s, false})
        << words("get pods --context kind-workshop -n shop -l app=frontend -o json")
        << qint64(30000);
    QTest::newRow("get-all-namespaces")
        << Kubectl::get(t, u"pods"_s, {{}, {}, true})
        << words("get pods --context kind-workshop -A -o json") << qint64(30000);
    QTest::newRow("watch") << Kubectl::watch(t, u"pods"_s, u"app=frontend"_s)
                           << words("get pods --context kind-workshop -n shop -l app=frontend -w "
                                    "-o json --output-watch-events")
                           << qint64(0);
    QTest::newRow("rollout-restart")
        << Kubectl::rolloutRestart(t, {u"frontend"_s, u"deployment/backend"_s})
        << words("rollout restart deployment/frontend deployment/backend --context kind-workshop "
                 "-n shop")
        << qint64(60000);
    QTest::newRow("rollout-status")
        << Kubectl::rolloutStatus(t, u"frontend"_s, 90s)
        << words("rollout status deployment/frontend --context kind-workshop -n shop --timeout=90s")
        << qint64(105000);
    Kubectl::LogsOptions follow;
    follow.selector = u"app=frontend"_s;
    follow.container = u"istio-proxy"_s;
    follow.follow = true;
    follow.timestamps = true;
    follow.prefix = true;
    follow.tail = 100;
    follow.maxLogRequests = 20;
    QTest::newRow("logs-follow-selector")
        << Kubectl::logs(t, follow)
        << words("logs --context kind-workshop -n shop -l app=frontend -c istio-proxy -f "
                 "--timestamps --prefix --tail=100 --max-log-requests=20")
        << qint64(0);
    Kubectl::LogsOptions once;
    once.pod = u"frontend-abc"_s;
    once.allContainers = true;
    once.sinceTime = u"2026-11-27T07:45:20Z"_s;
    QTest::newRow("logs-pod") << Kubectl::logs(t, once)
                              << words("logs frontend-abc --context kind-workshop -n shop "
                                       "--all-containers --since-time=2026-11-27T07:45:20Z")
                              << qint64(60000);
    QTest::newRow("port-forward")
        << Kubectl::portForward(t, u"svc/tracing"_s, 0, 80)
        << words(
               "port-forward svc/tracing --context kind-workshop -n shop 0:80 --address 127.0.0.1")
        << qint64(0);
    QTest::newRow("exec") << Kubectl::exec(t, u"frontend-abc"_s, u"frontend"_s,
                                           {u"curl"_s, u"-s"_s, u"http://backend"_s})
                          << words("exec frontend-abc --context kind-workshop -n shop -c frontend "
                                   "-- curl -s http://backend")
                          << qint64(60000);
    QTest::newRow("label-namespace")
        << Kubectl::label(t, u"namespace"_s, u"shop"_s, {{u"istio-injection"_s, u"enabled"_s}})
        << words("label namespace shop --context kind-workshop istio-injection=enabled --overwrite")
        << qint64(30000);
    QTest::newRow("version") << Kubectl::version(t)
                             << words(
                                    "version -o json --request-timeout=5s --context kind-workshop")
                             << qint64(20000);
    QTest::newRow("contexts") << Kubectl::contexts(t) << words("config get-contexts -o name")
                              << qint64(15000);
    KubeTarget noContext = t;
    noContext.context.clear();
    QTest::newRow("no-context-given")
        << Kubectl::get(noContext, u"pods"_s) << words("get pods -n shop -o json") << qint64(30000);
}

void TestKubectlBuilders::kubectl()
{
    QFETCH(CommandSpec, spec);
    QFETCH(QStringList, arguments);
    QFETCH(qint64, timeoutMs);
    QCOMPARE(spec.program, u"/opt/k/kubectl"_s);
    QCOMPARE(spec.arguments, arguments);
    QCOMPARE(qint64(spec.timeout.count()), timeoutMs);
    QVERIFY2(!spec.title.isEmpty(), "every command says what it does");
}

void TestKubectlBuilders::istioctl_data()
{
    QTest::addColumn<CommandSpec>("spec");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<qint64>("timeoutMs");
    const IstioTarget t = istio();
    QTest::newRow("install-stdin")
        << Istioctl::install(t, "kind: IstioOperator\n")
        << words("install -f - -y --context kind-workshop") << qint64(600000);
    QTest::newRow("install-file") << Istioctl::installFile(t, u"/tmp/iop.yaml"_s)
                                  << words("install -f /tmp/iop.yaml -y --context kind-workshop")
                                  << qint64(600000);
    QTest::newRow("version-remote")
        << Istioctl::version(t) << words("version -i istio-system --context kind-workshop")
        << qint64(30000);
    QTest::newRow("version-client")
        << Istioctl::version(t, false) << words("version --remote=false --context kind-workshop")
        << qint64(60000);
    QTest::newRow("analyze") << Istioctl::analyze(t, u"shop"_s)
                             << words("analyze -n shop --context kind-workshop") << qint64(120000);
    QTest::newRow("analyze-all") << Istioctl::analyze(t, {}, true)
                                 << words("analyze -A --context kind-workshop") << qint64(120000);
    QTest::newRow("dashboard")
        << Istioctl::dashboardJaeger(t)
        << words("dashboard jaeger --browser=false -n istio-system --context kind-workshop")
        << qint64(0);
    QTest::newRow("dashboard-port") << Istioctl::dashboardJaeger(t, 16686)
                                    << words("dashboard jaeger --browser=false -n istio-system "
                                             "--port 16686 --context kind-workshop")
                                    << qint64(0);
    QTest::newRow("bootstrap")
        << Istioctl::proxyConfigBootstrap(t, u"frontend-abc"_s, u"shop"_s)
        << words("proxy-config bootstrap frontend-abc.shop -o json --context kind-workshop")
        << qint64(60000);
}

void TestKubectlBuilders::istioctl()
{
    QFETCH(CommandSpec, spec);
    QFETCH(QStringList, arguments);
    QFETCH(qint64, timeoutMs);
    QCOMPARE(spec.program, u"/opt/i/istioctl"_s);
    QCOMPARE(spec.arguments, arguments);
    QCOMPARE(qint64(spec.timeout.count()), timeoutMs);
    QVERIFY(!spec.title.isEmpty());
}

void TestKubectlBuilders::stdinAndKubeconfig()
{
    KubeTarget t = target();
    t.kubeconfig = u"/tmp/k config"_s;
    const QByteArray yaml = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";
    const CommandSpec apply = Kubectl::apply(t, yaml);
    QCOMPARE(apply.stdinData, yaml);
    QCOMPARE(apply.arguments.mid(0, 5),
             (QStringList{u"apply"_s, u"--kubeconfig"_s, u"/tmp/k config"_s, u"--context"_s,
                          u"kind-workshop"_s}));
    QCOMPARE(Kubectl::diff(t, yaml).stdinData, yaml);
    QCOMPARE(Kubectl::deleteManifest(t, yaml).stdinData, yaml);
    QVERIFY(Kubectl::exec(t, u"p"_s, {}, {u"cat"_s}, "in").arguments.contains(u"-i"_s));
    QVERIFY(Kubectl::get(t, u"pods"_s).stdinData.isEmpty());
    // KubeContext's commands get the kubeconfig too, once.
    const CommandSpec version = Kubectl::version(t);
    QCOMPARE(version.arguments.count(u"--kubeconfig"_s), 1);
    QCOMPARE(Kubectl::withKubeconfig(version, t).arguments.count(u"--kubeconfig"_s), 1);
    QCOMPARE(Kubectl::contexts(t).arguments,
             (QStringList{u"config"_s, u"get-contexts"_s, u"--kubeconfig"_s, u"/tmp/k config"_s,
                          u"-o"_s, u"name"_s}));
    // The shell line shown to people quotes what needs quoting.
    QVERIFY(apply.toShellLine().contains(u"'/tmp/k config'"_s));

    IstioTarget i = istio();
    i.kubeconfig = u"/tmp/kc"_s;
    QCOMPARE(Istioctl::install(i, "x").stdinData, QByteArray("x"));
    QVERIFY(Istioctl::analyze(i, u"shop"_s).arguments.contains(u"/tmp/kc"_s));
    QVERIFY(Istioctl::version(i, false).arguments.contains(u"/tmp/kc"_s));
}

void TestKubectlBuilders::labelValues()
{
    QMap<QString, QString> labels;
    labels.insert(u"istio-injection"_s, QString());  // null: remove
    labels.insert(u"istio.io/rev"_s, u"canary"_s);
    const CommandSpec spec =
        Kubectl::label(target(), u"deployment"_s, u"frontend"_s, labels, false);
    QCOMPARE(spec.arguments, words("label deployment frontend --context kind-workshop -n shop "
                                   "istio-injection- istio.io/rev=canary"));
}

QTEST_GUILESS_MAIN(TestKubectlBuilders)
#include "tst_kubectlbuilders.moc"
