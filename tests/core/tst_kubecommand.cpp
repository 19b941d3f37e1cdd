// `obslab kube check`: usage errors and the checklist without a cluster (missing kubectl,
// unreachable server). The runs against the simulated mesh are in tests/integration.
#include "core/cli/Cli.h"

#include <QBuffer>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {
struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run runCli(const QStringList& args)
{
    QBuffer in, out, err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    cli::Dispatcher dispatcher;
    Run run;
    run.code = dispatcher.run(args, {&in, &out, &err});
    run.out = QString::fromUtf8(out.data());
    run.err = QString::fromUtf8(err.data());
    return run;
}
}  // namespace

class TestKubeCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void usage_data();
    void usage();
    void missingKubectl();
    void unreachable();

private:
    QTemporaryDir dir_;
};

void TestKubeCommand::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
    // kubectl must never read the developer's ~/.kube.
    qputenv("HOME", dir_.path().toUtf8());
    qunsetenv("KUBECONFIG");
}

void TestKubeCommand::usage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("expect");
    QTest::newRow("no-action") << QStringList{u"kube"_s} << 2 << u"missing action"_s;
    QTest::newRow("unknown-action") << QStringList{u"kube"_s, u"fix"_s} << 2 << u"unknown action"_s;
    QTest::newRow("unknown-option")
        << QStringList{u"kube"_s, u"check"_s, u"--bogus"_s} << 2 << u"unknown option"_s;
    QTest::newRow("missing-value")
        << QStringList{u"kube"_s, u"check"_s, u"--context"_s} << 2 << u"needs a value"_s;
    QTest::newRow("empty-value") << QStringList{u"kube"_s, u"check"_s, u"--kubectl="_s} << 2
                                 << u"needs a value"_s;
    QTest::newRow("help") << QStringList{u"kube"_s, u"--help"_s} << 0
                          << u"Usage: obslab kube check"_s;
}

void TestKubeCommand::usage()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, expect);
    const Run run = runCli(args);
    QCOMPARE(run.code, code);
    const QString all = run.out + run.err;
    QVERIFY2(all.contains(expect), qPrintable(all));
}

void TestKubeCommand::missingKubectl()
{
    const Run run =
        runCli({u"kube"_s, u"check"_s, u"--kubectl"_s, dir_.path() + u"/nowhere/kubectl"_s,
                u"--istioctl"_s, dir_.path() + u"/nowhere/istioctl"_s});
    QCOMPARE(run.code, 1);
    QVERIFY2(run.out.contains(u"[FAIL] kubectl: The configured kubectl"_s), qPrintable(run.out));
    QVERIFY(run.out.contains(u"Fix the path in Settings"_s));
    // istioctl is optional: reported, but not a failure by itself.
    QVERIFY(run.out.contains(u"[info] istioctl"_s));
    QVERIFY(run.out.contains(u"optional"_s));
    QVERIFY(run.out.contains(u"Not ready"_s));
}

void TestKubeCommand::unreachable()
{
    const QString kubectl = QStandardPaths::findExecutable(u"kubectl"_s);
    if (kubectl.isEmpty())
        QSKIP("no kubectl on PATH");
    // A kubeconfig whose server refuses connections at once (port 1).
    const QString kubeconfig = dir_.path() + u"/unreachable.yaml"_s;
    QFile file(kubeconfig);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: "
               "http://127.0.0.1:1\ncontexts:\n- name: kind-gone\n  context:\n    cluster: gone\n"
               "    user: u\ncurrent-context: kind-gone\nusers:\n- name: u\n  user: {}\n");
    file.close();
    const Run run = runCli({u"kube"_s, u"check"_s, u"--kubeconfig"_s, kubeconfig});
    qInfo().noquote() << "obslab kube check:\n" << run.out;
    QCOMPARE(run.code, 1);
    QVERIFY2(run.out.contains(u"[ok]   kubectl: "_s), qPrintable(run.out));
    QVERIFY(run.out.contains(u"[ok]   context: kind-gone"_s));
    QVERIFY(run.out.contains(u"looks local"_s));
    QVERIFY2(run.out.contains(
                 u"[FAIL] cluster does not answer: The cluster's API server (127.0.0.1:1)"_s),
             qPrintable(run.out));
}

QTEST_GUILESS_MAIN(TestKubeCommand)
#include "tst_kubecommand.moc"
