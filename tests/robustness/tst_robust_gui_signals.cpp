// The window asked to stop by a signal (SIGTERM from a session manager, Ctrl+C in the terminal,
// SIGHUP when the terminal closes) ends like a normal quit and leaves no temporary folder; the
// folders a killed or crashed ObsLab left behind are removed at the next start (issue #18).
#include "LimitedProcess.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

class TestRobustGuiSignals : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stopsCleanlyOnSignal_data();
    void stopsCleanlyOnSignal();
};

namespace {

QStringList folders(const QString& dir, const QString& prefix)
{
    return QDir(dir).entryList({prefix + u"*"_s}, QDir::Dirs | QDir::NoDotAndDotDot);
}

// A pid no process has now (the kernel hands pids out upwards; this one is checked).
qint64 unusedPid()
{
    for (qint64 pid = 4000000; pid > 1000; --pid) {
        if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
            return pid;
    }
    return -1;
}

}  // namespace

void TestRobustGuiSignals::stopsCleanlyOnSignal_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << SIGTERM;
    QTest::newRow("SIGINT") << SIGINT;
    QTest::newRow("SIGHUP") << SIGHUP;
}

void TestRobustGuiSignals::stopsCleanlyOnSignal()
{
    QFETCH(int, signalNumber);
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QString tmp = home.filePath(u"tmp"_s);
    QVERIFY(QDir().mkpath(tmp));
    // Left by a crashed ObsLab (its pid runs no more), and one of a process that still runs.
    const qint64 deadPid = unusedPid();
    QVERIFY(deadPid > 0);
    const QString stale = u"obslab-%1-AbC123"_s.arg(deadPid);
    const QString alive = u"obslab-%1-XyZ789"_s.arg(QCoreApplication::applicationPid());
    QVERIFY(QDir(tmp).mkpath(stale + u"/inner"_s));
    QVERIFY(QDir(tmp).mkpath(alive));

    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, home.path());
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
    env.insert(u"XDG_DATA_HOME"_s, home.filePath(u"data"_s));
    env.insert(u"TMPDIR"_s, tmp);
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"PATH"_s, u"/nonexistent"_s);  // no kubectl: nothing reaches a cluster
    app.setProcessEnvironment(env);
    app.setProgram(QStringLiteral(OBSLAB_BINARY));
    app.setStandardInputFile(QProcess::nullDevice());
    app.start();
    QVERIFY(app.waitForStarted(10000));
    const QString own = u"obslab-%1-"_s.arg(app.processId());
    QTRY_VERIFY_WITH_TIMEOUT(!folders(tmp, own).isEmpty(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!QDir(tmp).exists(stale), 30000);
    QVERIFY(QDir(tmp).exists(alive));

    ::kill(pid_t(app.processId()), signalNumber);
    QTRY_COMPARE_WITH_TIMEOUT(app.state(), QProcess::NotRunning, 60000);
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
    QVERIFY2(folders(tmp, own).isEmpty(), qPrintable(folders(tmp, own).join(u' ')));
}

}  // namespace obslab

QTEST_GUILESS_MAIN(obslab::TestRobustGuiSignals)
#include "tst_robust_gui_signals.moc"
