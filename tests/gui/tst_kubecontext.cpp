#include "core/kube/KubeContext.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestKubeContext : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void currentContext_data();
    void currentContext();
    void minifiedNamespace_data();
    void minifiedNamespace();
    void versionJson_data();
    void versionJson();
    void skew();
    void looksLocal_data();
    void looksLocal();
    void commandsPassContextExplicitly();
};

void TestKubeContext::currentContext_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("context");
    QTest::newRow("kind") << QByteArray("kind-obslab\n") << true << u"kind-obslab"_s;
    QTest::newRow("crlf") << QByteArray("gke_proj_europe-west1_c1\r\n") << true
                          << u"gke_proj_europe-west1_c1"_s;
    QTest::newRow("empty") << QByteArray() << false << QString();
    QTest::newRow("whitespace") << QByteArray(" \n\n") << false << QString();
    QTest::newRow("extra-lines") << QByteArray("minikube\nnoise\n") << true << u"minikube"_s;
    QTest::newRow("invalid-utf8") << QByteArray("ctx-\xff\xfe\n") << true << u"ctx-\uFFFD\uFFFD"_s;
}

void TestKubeContext::currentContext()
{
    QFETCH(QByteArray, output);
    QFETCH(bool, ok);
    QFETCH(QString, context);
    const auto result = KubeContext::parseCurrentContext(output);
    QCOMPARE(result.ok(), ok);
    if (ok)
        QCOMPARE(result.value(), context);
    else
        QVERIFY(!result.error().message.isEmpty());
}

void TestKubeContext::minifiedNamespace_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QString>("ns");
    QTest::newRow("set") << QByteArray("bookinfo") << u"bookinfo"_s;
    QTest::newRow("empty") << QByteArray() << u"default"_s;
    QTest::newRow("newline") << QByteArray("\n") << u"default"_s;
    QTest::newRow("several") << QByteArray("istio-system other") << u"istio-system"_s;
}

void TestKubeContext::minifiedNamespace()
{
    QFETCH(QByteArray, output);
    QFETCH(QString, ns);
    QCOMPARE(KubeContext::parseMinifiedNamespace(output), ns);
}

void TestKubeContext::versionJson_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("clientMinor");
    QTest::addColumn<int>("serverMinor");
    QTest::newRow("both")
        << QByteArray(
               R"({"clientVersion":{"major":"1","minor":"32","gitVersion":"v1.32.4"},"kustomizeVersion":"v5.5.0","serverVersion":{"major":"1","minor":"31","gitVersion":"v1.31.2"}})")
        << true << 32 << 31;
    QTest::newRow("client-only")
        << QByteArray(R"({"clientVersion":{"major":"1","minor":"20","gitVersion":"v1.20.15"}})")
        << true << 20 << -1;
    QTest::newRow("gke-plus-minor")
        << QByteArray(
               R"({"clientVersion":{"major":"1","minor":"30+","gitVersion":"weird"},"serverVersion":{"major":"1","minor":"29+","gitVersion":"v1.29.6-gke.1"}})")
        << true << 30 << 29;
    QTest::newRow("empty") << QByteArray() << false << -1 << -1;
    QTest::newRow("truncated-json")
        << QByteArray(R"({"clientVersion":{"major":"1")") << false << -1 << -1;
    QTest::newRow("kubectl-error-text")
        << QByteArray("The connection to the server localhost:8080 was refused") << false << -1
        << -1;
}

void TestKubeContext::versionJson()
{
    QFETCH(QByteArray, output);
    QFETCH(bool, ok);
    QFETCH(int, clientMinor);
    QFETCH(int, serverMinor);
    const auto result = KubeContext::parseVersionJson(output);
    QCOMPARE(result.ok(), ok);
    if (!ok)
        return;
    QCOMPARE(result->client.minor, clientMinor);
    QCOMPARE(result->server.minor, serverMinor);
}

void TestKubeContext::skew()
{
    KubeContext::Versions v;
    v.client = KubeContext::parseGitVersion(u"v1.32.4"_s);
    v.server = KubeContext::parseGitVersion(u"v1.31.0"_s);
    QVERIFY(KubeContext::versionSkewWarning(v).isEmpty());
    v.client = KubeContext::parseGitVersion(u"v1.20.15"_s);
    QVERIFY(KubeContext::versionSkewWarning(v).contains(u"kubernetes.io/docs/tasks/tools"_s));
    v.server = {};
    QVERIFY(KubeContext::versionSkewWarning(v).isEmpty());
}

void TestKubeContext::looksLocal_data()
{
    QTest::addColumn<QString>("context");
    QTest::addColumn<QString>("server");
    QTest::addColumn<bool>("local");
    QTest::newRow("kind") << u"kind-obslab"_s << QString() << true;
    QTest::newRow("k3d") << u"k3d-dev"_s << u"https://0.0.0.0:6550"_s << true;
    QTest::newRow("minikube") << u"minikube"_s << QString() << true;
    QTest::newRow("docker-desktop") << u"docker-desktop"_s << QString() << true;
    QTest::newRow("rancher-desktop") << u"rancher-desktop"_s << QString() << true;
    QTest::newRow("localhost-server") << u"dev"_s << u"https://localhost:6443"_s << true;
    QTest::newRow("loopback-server") << u"dev"_s << u"https://127.0.0.1:40443"_s << true;
    QTest::newRow("ipv6-loopback") << u"dev"_s << u"https://[::1]:6443"_s << true;
    QTest::newRow("gke") << u"gke_p_z_c"_s << u"https://34.1.2.3"_s << false;
    QTest::newRow("kind-lookalike") << u"production-kind-a"_s << u"https://10.0.0.1"_s << false;
    QTest::newRow("no-server") << u"prod"_s << QString() << false;
}

void TestKubeContext::looksLocal()
{
    QFETCH(QString, context);
    QFETCH(QString, server);
    QFETCH(bool, local);
    QCOMPARE(KubeContext::looksLocal(context, server), local);
}

void TestKubeContext::commandsPassContextExplicitly()
{
    const CommandSpec ns = KubeContext::namespaceCommand(u"/usr/bin/kubectl"_s, u"kind-a"_s);
    QCOMPARE(ns.program, u"/usr/bin/kubectl"_s);
    QVERIFY(ns.arguments.contains(u"jsonpath={..namespace}"_s));
    const qsizetype at = ns.arguments.indexOf(u"--context"_s);
    QVERIFY(at >= 0);
    QCOMPARE(ns.arguments.value(at + 1), u"kind-a"_s);
    QVERIFY(ns.timeout.count() > 0);
    QCOMPARE(KubeContext::currentContextCommand(u"kubectl"_s).arguments,
             QStringList({u"config"_s, u"current-context"_s}));
}

QTEST_GUILESS_MAIN(TestKubeContext)
#include "tst_kubecontext.moc"
