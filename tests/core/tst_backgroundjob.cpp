#include "core/process/BackgroundJob.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/Transcript.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;
using obslab::BackgroundJob;
using obslab::BackgroundJobs;
using obslab::CommandResult;
using obslab::CommandSpec;
using obslab::CommandStatus;
using State = obslab::BackgroundJob::State;

Q_DECLARE_METATYPE(obslab::CommandStatus)

namespace {
CommandSpec helperSpec(const QStringList& arguments, const QString& title = {})
{
    CommandSpec spec;
    spec.program = QString::fromUtf8(OBSLAB_HELPERS_DIR) + u"/obslab_testhelper"_s;
    spec.arguments = arguments;
    spec.title = title;
    return spec;
}

// Waits for the job's "ready" line (the helper is then known to run).
bool waitReady(BackgroundJob& job)
{
    QSignalSpy lines(&job, &BackgroundJob::stdoutLine);
    return lines.wait(20000) && lines.first().first().toByteArray() == "ready";
}
}  // namespace

class TestBackgroundJob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void ends_data();
    void ends();
    void startStopRestart();
    void stopKillsProcessIgnoringSigterm();
    void noTimeout();
    void startWhileRunningIsIgnored();
    void destroyWhileRunning();
    void model();
    void modelRemoval();
};

void TestBackgroundJob::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qRegisterMetaType<CommandResult>();
}

void TestBackgroundJob::ends_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("stopWhenReady");
    QTest::addColumn<CommandStatus>("status");
    QTest::addColumn<QByteArrayList>("out");

    QTest::newRow("exits-0") << QStringList{u"print"_s, u"2"_s} << false << CommandStatus::Succeeded
                             << QByteArrayList{"line 1", "line 2"};
    QTest::newRow("exits-3") << QStringList{u"exit"_s, u"3"_s} << false << CommandStatus::Failed
                             << QByteArrayList{"exiting"};
    QTest::newRow("crashes") << QStringList{u"crash"_s} << false << CommandStatus::Crashed
                             << QByteArrayList{};
    QTest::newRow("stopped") << QStringList{u"hang"_s} << true << CommandStatus::Cancelled
                             << QByteArrayList{"ready"};
}

void TestBackgroundJob::ends()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, stopWhenReady);
    QFETCH(CommandStatus, status);
    QFETCH(QByteArrayList, out);

    BackgroundJob job(helperSpec(arguments), nullptr);
    QByteArrayList lines;
    connect(&job, &BackgroundJob::stdoutLine, &job, [&](const QByteArray& line) {
        lines.append(line);
        if (stopWhenReady && line == "ready")
            job.stop();
    });
    QSignalSpy finished(&job, &BackgroundJob::finished);
    QCOMPARE(job.state(), State::Idle);
    job.start();
    QCOMPARE(job.state(), State::Running);
    QVERIFY(job.startedAt().isValid());
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(job.state(), State::Finished);
    QCOMPARE(job.lastResult().status, status);
    QCOMPARE(lines, out);
}

void TestBackgroundJob::startStopRestart()
{
    obslab::Transcript transcript;
    BackgroundJob job(helperSpec({u"hang"_s}, u"Traffic loop"_s), &transcript);
    QCOMPARE(job.title(), u"Traffic loop"_s);
    QSignalSpy states(&job, &BackgroundJob::stateChanged);
    QSignalSpy finished(&job, &BackgroundJob::finished);

    for (int run = 1; run <= 2; ++run) {
        job.start();
        QVERIFY(waitReady(job));
        job.stop();
        QCOMPARE(job.state(), State::Stopping);
        job.stop();  // a second stop changes nothing
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.size(), run);
        QCOMPARE(job.state(), State::Finished);
        QCOMPARE(job.lastResult().status, CommandStatus::Cancelled);
    }
    const QList<State> expected{State::Running, State::Stopping, State::Finished,
                                State::Running, State::Stopping, State::Finished};
    QList<State> seen;
    for (const QList<QVariant>& args : states)
        seen.append(args.first().value<State>());
    QCOMPARE(seen, expected);

    // Each run is its own transcript entry, marked as a background job.
    QCOMPARE(transcript.entries().size(), 2);
    for (const obslab::TranscriptEntry& entry : transcript.entries()) {
        QVERIFY(entry.background);
        QVERIFY(!entry.running);
        QCOMPARE(entry.status, CommandStatus::Cancelled);
        QCOMPARE(entry.output, u"ready\n"_s);
    }
}

void TestBackgroundJob::stopKillsProcessIgnoringSigterm()
{
    BackgroundJob job(helperSpec({u"ignore-term"_s}), nullptr);  // default grace: 2 s
    QSignalSpy finished(&job, &BackgroundJob::finished);
    job.start();
    QVERIFY(waitReady(job));
    QElapsedTimer clock;
    clock.start();
    job.stop();
    QVERIFY(finished.wait(20000));
    QVERIFY2(clock.elapsed() >= 1900, QByteArray::number(clock.elapsed()));
    QCOMPARE(job.lastResult().status, CommandStatus::Cancelled);
    QCOMPARE(job.state(), State::Finished);
}

void TestBackgroundJob::noTimeout()
{
    CommandSpec spec = helperSpec({u"hang"_s});
    spec.timeout = 50ms;  // ignored: background jobs only stop on request
    BackgroundJob job(spec, nullptr);
    QCOMPARE(job.spec().timeout, 0ms);
    QSignalSpy finished(&job, &BackgroundJob::finished);
    job.start();
    QVERIFY(waitReady(job));
    QVERIFY(!finished.wait(500));
    QCOMPARE(job.state(), State::Running);
    job.stop();
    QVERIFY(finished.wait(20000));
    QCOMPARE(job.lastResult().status, CommandStatus::Cancelled);
}

void TestBackgroundJob::startWhileRunningIsIgnored()
{
    obslab::Transcript transcript;
    BackgroundJob job(helperSpec({u"hang"_s}), &transcript);
    QSignalSpy finished(&job, &BackgroundJob::finished);
    job.start();
    job.start();
    QVERIFY(waitReady(job));
    job.start();
    QCOMPARE(transcript.entries().size(), 1);
    job.stop();
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.size(), 1);
}

void TestBackgroundJob::destroyWhileRunning()
{
    obslab::Transcript transcript;
    auto* job = new BackgroundJob(helperSpec({u"hang"_s}), &transcript);
    QSignalSpy finished(job, &BackgroundJob::finished);
    job->start();
    QVERIFY(waitReady(*job));
    delete job;  // kills the program without waiting for it, and without signals
    QCOMPARE(finished.size(), 0);
}

void TestBackgroundJob::model()
{
    obslab::Transcript transcript;
    BackgroundJobs jobs(&transcript);
    QAbstractItemModelTester tester(&jobs, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy counts(&jobs, &BackgroundJobs::runningCountChanged);

    BackgroundJob* follow = jobs.start(helperSpec({u"hang"_s, u"--token=abc"_s}, u"Follow logs"_s));
    BackgroundJob* traffic = jobs.start(helperSpec({u"ignore-term"_s}));
    QCOMPARE(jobs.rowCount(), 2);
    QCOMPARE(jobs.runningCount(), 2);
    QCOMPARE(jobs.job(0), follow);
    QCOMPARE(jobs.job(1), traffic);
    QCOMPARE(jobs.job(2), nullptr);

    const QModelIndex first = jobs.index(0);
    QCOMPARE(first.data().toString(), u"Follow logs"_s);
    QVERIFY(jobs.index(1).data().toString().endsWith(u"obslab_testhelper"_s));  // no title
    QCOMPARE(first.data(BackgroundJobs::StateRole).value<State>(), State::Running);
    QCOMPARE(first.data(BackgroundJobs::CommandLineRole).toString(),
             helperSpec({}).program + u" hang '--token=<redacted>'"_s);
    QVERIFY(first.data(BackgroundJobs::StartedAtRole).toDateTime().isValid());
    QCOMPARE(first.data(BackgroundJobs::JobRole).value<BackgroundJob*>(), follow);
    QVERIFY(jobs.roleNames().contains(BackgroundJobs::CommandLineRole));

    QVERIFY(waitReady(*traffic));
    QSignalSpy dataChanged(&jobs, &QAbstractItemModel::dataChanged);
    jobs.stop(0);
    QCOMPARE(first.data(BackgroundJobs::StateRole).value<State>(), State::Stopping);
    QVERIFY(!dataChanged.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(jobs.runningCount(), 1, 20000);
    QCOMPARE(first.data(BackgroundJobs::StateRole).value<State>(), State::Finished);

    jobs.stopAll();
    QTRY_COMPARE_WITH_TIMEOUT(jobs.runningCount(), 0, 20000);
    QList<int> seen;
    for (const QList<QVariant>& args : counts)
        seen.append(args.first().toInt());
    QCOMPARE(seen, (QList<int>{1, 2, 1, 0}));
}

void TestBackgroundJob::modelRemoval()
{
    BackgroundJobs jobs(nullptr);
    QAbstractItemModelTester tester(&jobs, QAbstractItemModelTester::FailureReportingMode::QtTest);
    jobs.start(helperSpec({u"print"_s, u"1"_s}));
    BackgroundJob* running = jobs.start(helperSpec({u"hang"_s}));
    jobs.start(helperSpec({u"exit"_s, u"1"_s}));
    QTRY_COMPARE_WITH_TIMEOUT(jobs.runningCount(), 1, 20000);
    QVERIFY(!jobs.remove(1));  // still running
    QVERIFY(!jobs.remove(7));
    jobs.removeFinished();
    QCOMPARE(jobs.rowCount(), 1);
    QCOMPARE(jobs.job(0), running);
    jobs.stop(0);
    QTRY_COMPARE_WITH_TIMEOUT(jobs.runningCount(), 0, 20000);
    QVERIFY(jobs.remove(0));
    QCOMPARE(jobs.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestBackgroundJob)
#include "tst_backgroundjob.moc"
