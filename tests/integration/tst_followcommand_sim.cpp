// `obslab follow` against the simulated mesh (tests/sim, test equipment) with the real kubectl:
// stern-like text and ndjson output, exit on SIGTERM, and no kubectl left behind — neither after
// SIGTERM nor after the CLI itself is killed with SIGKILL (PR_SET_PDEATHSIG).
#include "SimMesh.h"
#include "core/cli/Cli.h"

#include <QBuffer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <csignal>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

// Direct children of pid, from /proc/*/stat (field 4 is the parent pid).
QList<qint64> childrenOf(qint64 pid)
{
    QList<qint64> out;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        bool ok = false;
        const qint64 candidate = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile stat(u"/proc/%1/stat"_s.arg(candidate));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const qsizetype close = text.lastIndexOf(')');
        const QList<QByteArray> fields = text.mid(close + 2).split(' ');
        if (fields.size() > 1 && fields.at(0) != "Z" && fields.at(1).toLongLong() == pid)
            out << candidate;
    }
    return out;
}

bool alive(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2, 1) != "Z";
}

}  // namespace

class TestFollowCommandSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void usage();
    void textAndNdjson_data();
    void textAndNdjson();
    void sigtermEndsEveryKubectl();
    void sigkillTakesKubectlAlong();
    void givesUpWhenTheApiServerStops();

private:
    QStringList followArgs() const;
    qint64 startRunner(QProcess& process);

    SimMesh sim_;
};

void TestFollowCommandSim::initTestCase()
{
    const QString error = sim_.start(u"healthy-telemetry"_s, {u"--no-traffic"_s});
    if (error.startsWith(u"skip: "))
        QSKIP(qPrintable(error.mid(6)));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

QStringList TestFollowCommandSim::followArgs() const
{
    return {u"follow"_s,    u"app=backend"_s, u"-n"_s,           u"default"_s,
            u"--context"_s, u"obslab-sim"_s,  u"--kubeconfig"_s, sim_.target().kubeconfig,
            u"--kubectl"_s, sim_.kubectl()};
}

void TestFollowCommandSim::usage()
{
    QBuffer in, out, err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    cli::Dispatcher dispatcher;
    QCOMPARE(dispatcher.run({u"follow"_s}, {&in, &out, &err}), int(cli::ExitUsage));
    QVERIFY(err.data().contains("missing SELECTOR"));
    QCOMPARE(dispatcher.run({u"follow"_s, u"app=x"_s, u"--output"_s, u"xml"_s}, {&in, &out, &err}),
             int(cli::ExitUsage));
    QCOMPARE(dispatcher.run({u"follow"_s, u"--help"_s}, {&in, &out, &err}), int(cli::ExitOk));
    QVERIFY(out.data().contains("Usage: obslab follow SELECTOR"));
    QVERIFY(dispatcher.find(u"follow"_s));
    // No kubectl: a clear message and exit 1, at once.
    err.buffer().clear();
    QCOMPARE(dispatcher.run({u"follow"_s, u"app=x"_s, u"--kubectl"_s, u"/nonexistent/kubectl"_s},
                            {&in, &out, &err}),
             int(cli::ExitFailure));
    QVERIFY2(err.data().contains("kubectl"), err.data().constData());
}

void TestFollowCommandSim::textAndNdjson_data()
{
    QTest::addColumn<QString>("output");
    QTest::newRow("text") << u"text"_s;
    QTest::newRow("ndjson") << u"ndjson"_s;
}

void TestFollowCommandSim::textAndNdjson()
{
    QFETCH(QString, output);
    const QString marker = u"obslab-follow-cli-"_s + output;
    // The backend pod's name, for writing a marker line into its sidecar's log.
    const QJsonObject state = sim_.control(u"state"_s, {}, true);
    QString pod;
    for (const QJsonValue& p : state.value(u"pods"_s).toArray()) {
        const QString name = p.toObject().value(u"name"_s).toString();
        if (name.startsWith(u"backend-"_s) &&
            p.toObject().value(u"namespace"_s).toString() == u"default"_s)
            pod = name;
    }
    QVERIFY(!pod.isEmpty());
    // The line also carries what a hostile workload could log to drive a terminal: a window title
    // (OSC), clear screen, colours and a C1 CSI.
    const QString hostile = u" \x1b]0;title\x07 \x1b[2J \x1b[31mred\x1b[0m \u009b31m"_s;
    QCOMPARE(sim_.control(u"logs/write"_s,
                          {{u"pod"_s, pod}, {u"lines"_s, QJsonArray{QString(marker + hostile)}}})
                 .value(u"written"_s)
                 .toInt(),
             1);

    QBuffer in, out, err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    // Interrupt (SIGTERM to ourselves: the command's handler turns it into a clean stop) once
    // the marker line is out.
    QTimer poll;
    connect(&poll, &QTimer::timeout, this, [&] {
        if (out.data().contains(marker.toUtf8())) {
            poll.stop();
            ::raise(SIGTERM);
        }
    });
    poll.start(20);
    cli::Dispatcher dispatcher;
    const int code = dispatcher.run(followArgs() << u"--output"_s << output, {&in, &out, &err});
    QCOMPARE(code, int(cli::ExitOk));
    QVERIFY2(err.data().contains(QByteArray("+ " + pod.toUtf8() + " istio-proxy")),
             err.data().constData());

    const QList<QByteArray> lines = out.data().split('\n');
    QByteArray markerLine;
    for (const QByteArray& line : lines)
        if (line.contains(marker.toUtf8()))
            markerLine = line;
    if (output == u"text") {
        // stern's shape: POD CONTAINER LINE (no colour: not a terminal), with every control
        // character shown as U+FFFD, as `obslab logs` prints them; none reaches stdout raw.
        QCOMPARE(markerLine, (pod + u" istio-proxy "_s + marker +
                              u" \ufffd]0;title\ufffd \ufffd[2J \ufffd[31mred\ufffd[0m \ufffd31m"_s)
                                 .toUtf8());
        QVERIFY(!out.data().contains('\x1b') && !out.data().contains('\x07') &&
                !out.data().contains("\xc2\x9b"));
    } else {
        const QJsonObject o = QJsonDocument::fromJson(markerLine).object();
        QCOMPARE(o.value(u"pod"_s).toString(), pod);
        QCOMPARE(o.value(u"container"_s).toString(), u"istio-proxy"_s);
        QCOMPARE(o.value(u"text"_s).toString(), marker + hostile);  // data kept, JSON-escaped
        QVERIFY(o.value(u"timestamp"_s).toString().endsWith(u'Z'));
        for (const QByteArray& line : lines)
            QVERIFY(line.isEmpty() || QJsonDocument::fromJson(line).isObject());
    }
}

qint64 TestFollowCommandSim::startRunner(QProcess& process)
{
    process.setProgram(QStringLiteral(OBSLAB_CLI_RUNNER));
    process.setArguments(followArgs());
    process.start();
    if (!process.waitForStarted(10000))
        return 0;
    // The first line (a sidecar's start-up line) means the kubectl children run.
    QByteArray out;
    if (!QTest::qWaitFor(
            [&] { return (out += process.readAllStandardOutput()).contains(" istio-proxy "); },
            30000))
        return 0;
    return process.processId();
}

void TestFollowCommandSim::sigtermEndsEveryKubectl()
{
    QProcess process;
    const qint64 pid = startRunner(process);
    QVERIFY(pid > 0);
    const QList<qint64> kids = childrenOf(pid);
    QVERIFY2(kids.size() >= 2, "the pod watch and one log stream");  // watch + logs
    QSignalSpy finished(&process, &QProcess::finished);
    QCOMPARE(::kill(pid_t(pid), SIGTERM), 0);
    QVERIFY(finished.wait(20000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    for (qint64 kid : kids)
        QTRY_VERIFY_WITH_TIMEOUT(!alive(kid), 10000);
}

void TestFollowCommandSim::sigkillTakesKubectlAlong()
{
    QProcess process;
    const qint64 pid = startRunner(process);
    QVERIFY(pid > 0);
    const QList<qint64> kids = childrenOf(pid);
    QVERIFY(kids.size() >= 2);
    QSignalSpy finished(&process, &QProcess::finished);
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);  // no handler, no destructor runs
    QVERIFY(finished.wait(20000));
    // Orphans would be re-parented and live on; PR_SET_PDEATHSIG ends them.
    for (qint64 kid : kids)
        QTRY_VERIFY_WITH_TIMEOUT(!alive(kid), 10000);
}

// The API server goes away for good (its own sim, stopped): follow keeps trying for --give-up,
// then says so and exits 3, leaving no kubectl behind.
void TestFollowCommandSim::givesUpWhenTheApiServerStops()
{
    SimMesh sim;
    const QString error = sim.start(u"healthy-telemetry"_s, {u"--no-traffic"_s});
    if (error.startsWith(u"skip: "))
        QSKIP(qPrintable(error.mid(6)));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QProcess process;
    process.setProgram(QStringLiteral(OBSLAB_CLI_RUNNER));
    process.setArguments({u"follow"_s, u"app=backend"_s, u"-n"_s, u"default"_s, u"--context"_s,
                          u"obslab-sim"_s, u"--kubeconfig"_s, sim.target().kubeconfig,
                          u"--kubectl"_s, sim.kubectl(), u"--give-up"_s, u"4s"_s});
    process.start();
    QVERIFY(process.waitForStarted(10000));
    QByteArray out;
    QVERIFY(QTest::qWaitFor(
        [&] { return (out += process.readAllStandardOutput()).contains(" istio-proxy "); }, 30000));
    const QList<qint64> kids = childrenOf(process.processId());
    QVERIFY(!kids.isEmpty());
    QElapsedTimer gone;
    gone.start();
    sim.stop();
    QSignalSpy finished(&process, &QProcess::finished);
    QVERIFY(finished.wait(90000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    const QByteArray err = process.readAllStandardError();
    QVERIFY2(process.exitCode() == 3, err.constData());
    QVERIFY2(err.contains("gave up after"), err.constData());
    // Not before --give-up.
    QVERIFY2(gone.elapsed() >= 4000, QByteArray::number(gone.elapsed()).constData());
    for (qint64 kid : kids)
        QTRY_VERIFY_WITH_TIMEOUT(!alive(kid), 10000);
}

QTEST_GUILESS_MAIN(TestFollowCommandSim)
#include "tst_followcommand_sim.moc"
