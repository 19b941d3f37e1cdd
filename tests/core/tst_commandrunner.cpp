#include "core/process/CommandRunner.h"
#include "core/process/ToolLocator.h"
#include "core/process/Transcript.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;
using obslab::Command;
using obslab::CommandResult;
using obslab::CommandRunner;
using obslab::CommandSpec;
using obslab::CommandStatus;

Q_DECLARE_METATYPE(obslab::CommandStatus)

namespace {

QString helperPath()
{
    return QString::fromUtf8(OBSLAB_HELPERS_DIR) + u"/obslab_testhelper"_s;
}

CommandSpec helperSpec(const QStringList& arguments)
{
    CommandSpec spec;
    spec.program = helperPath();
    spec.arguments = arguments;
    spec.timeout = 60s;
    return spec;
}

// Everything a command reported, collected until it has deleted itself (so that a second
// finished() would have been seen).
struct Run
{
    QByteArrayList out;
    QByteArrayList err;
    QList<CommandResult> results;
    bool finishedSynchronously = false;

    CommandResult result() const { return results.value(0); }
};

void watch(Command* command, Run& run)
{
    QObject::connect(command, &Command::stdoutLine, command,
                     [&run](const QByteArray& line) { run.out.append(line); });
    QObject::connect(command, &Command::stderrLine, command,
                     [&run](const QByteArray& line) { run.err.append(line); });
    QObject::connect(command, &Command::finished, command,
                     [&run](const CommandResult& result) { run.results.append(result); });
}

bool runToEnd(CommandRunner& runner, const CommandSpec& spec, Run& run, int timeoutMs = 60000)
{
    Command* command = runner.start(spec);
    QSignalSpy destroyed(command, &QObject::destroyed);
    watch(command, run);
    run.finishedSynchronously = !run.results.isEmpty();
    return destroyed.wait(timeoutMs);
}

}  // namespace

class TestCommandRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void run_data();
    void run();
    void largeStdin();
    void workingDirectory();
    void timeout_data();
    void timeout();
    void cancelRunning();
    void cancelBeforeLaunch();
    void missingProgram_data();
    void missingProgram();
    void cannotStart_data();
    void cannotStart();
    void finishedExactlyOnce_data();
    void finishedExactlyOnce();
    void captureLimit();
    void flood();
    void runningList();
    void transcriptRecordsRun();
    void locateConfiguredPath();
};

void TestCommandRunner::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qRegisterMetaType<CommandResult>();
    QVERIFY2(QFile::exists(helperPath()), qPrintable(helperPath()));
}

void TestCommandRunner::run_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("stdinData");
    QTest::addColumn<QString>("envName");
    QTest::addColumn<QString>("envValue");
    QTest::addColumn<CommandStatus>("status");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArrayList>("out");
    QTest::addColumn<QByteArrayList>("err");

    const QByteArrayList none;
    QTest::newRow("print-3") << QStringList{u"print"_s, u"3"_s} << QByteArray() << QString()
                             << QString() << CommandStatus::Succeeded << 0
                             << QByteArrayList{"line 1", "line 2", "line 3"} << none;
    QTest::newRow("print-nothing") << QStringList{u"print"_s, u"0"_s} << QByteArray() << QString()
                                   << QString() << CommandStatus::Succeeded << 0 << none << none;
    QTest::newRow("exit-1") << QStringList{u"exit"_s, u"1"_s} << QByteArray() << QString()
                            << QString() << CommandStatus::Failed << 1 << QByteArrayList{"exiting"}
                            << none;
    QTest::newRow("exit-42") << QStringList{u"exit"_s, u"42"_s} << QByteArray() << QString()
                             << QString() << CommandStatus::Failed << 42
                             << QByteArrayList{"exiting"} << none;
    QTest::newRow("stderr-and-stdout")
        << QStringList{u"stderr"_s, u"something broke"_s} << QByteArray() << QString() << QString()
        << CommandStatus::Succeeded << 0 << QByteArrayList{"out"}
        << QByteArrayList{"something broke"};
    QTest::newRow("argument-with-spaces-and-quotes-is-one-word")
        << QStringList{u"stderr"_s, u"it's \"quoted\" $HOME; rm -rf /"_s} << QByteArray()
        << QString() << QString() << CommandStatus::Succeeded << 0 << QByteArrayList{"out"}
        << QByteArrayList{"it's \"quoted\" $HOME; rm -rf /"};
    QTest::newRow("partial-lines")
        << QStringList{u"partial"_s} << QByteArray() << QString() << QString()
        << CommandStatus::Succeeded << 0 << QByteArrayList{"alpha", "beta", "gamma"} << none;
    QTest::newRow("crlf") << QStringList{u"crlf"_s} << QByteArray() << QString() << QString()
                          << CommandStatus::Succeeded << 0 << QByteArrayList{"one", "two"} << none;
    QTest::newRow("stdin-echoed") << QStringList{u"echo-stdin"_s}
                                  << QByteArray("apiVersion: v1\nkind: List\n") << QString()
                                  << QString() << CommandStatus::Succeeded << 0
                                  << QByteArrayList{"apiVersion: v1", "kind: List"} << none;
    QTest::newRow("stdin-without-final-newline")
        << QStringList{u"echo-stdin"_s} << QByteArray("x\r\ny") << QString() << QString()
        << CommandStatus::Succeeded << 0 << QByteArrayList{"x", "y"} << none;
    QTest::newRow("stdin-empty-is-closed")
        << QStringList{u"echo-stdin"_s} << QByteArray() << QString() << QString()
        << CommandStatus::Succeeded << 0 << none << none;
    QTest::newRow("stdin-empty-lines")
        << QStringList{u"echo-stdin"_s} << QByteArray("\n\n\r\n") << QString() << QString()
        << CommandStatus::Succeeded << 0 << QByteArrayList{"", "", ""} << none;
    QTest::newRow("env-added") << QStringList{u"env"_s, u"OBSLAB_TEST_VALUE"_s} << QByteArray()
                               << u"OBSLAB_TEST_VALUE"_s << u"hello world"_s
                               << CommandStatus::Succeeded << 0 << QByteArrayList{"hello world"}
                               << none;
    QTest::newRow("env-not-added")
        << QStringList{u"env"_s, u"OBSLAB_TEST_VALUE"_s} << QByteArray() << QString() << QString()
        << CommandStatus::Succeeded << 0 << QByteArrayList{"<unset>"} << none;
    QTest::newRow("env-inherited-still-there")
        << QStringList{u"env"_s, u"OBSLAB_INHERITED"_s} << QByteArray() << u"OTHER"_s << u"1"_s
        << CommandStatus::Succeeded << 0 << QByteArrayList{"inherited"} << none;
    QTest::newRow("crash") << QStringList{u"crash"_s} << QByteArray() << QString() << QString()
                           << CommandStatus::Crashed << -1 << none << none;
    QTest::newRow("unknown-mode-usage-on-stderr")
        << QStringList{u"frobnicate"_s} << QByteArray() << QString() << QString()
        << CommandStatus::Failed << 2 << none
        << QByteArrayList{"usage: obslab_testhelper MODE [ARG]"};
}

void TestCommandRunner::run()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, stdinData);
    QFETCH(QString, envName);
    QFETCH(QString, envValue);
    QFETCH(CommandStatus, status);
    QFETCH(int, exitCode);
    QFETCH(QByteArrayList, out);
    QFETCH(QByteArrayList, err);

    qputenv("OBSLAB_INHERITED", "inherited");
    CommandSpec spec = helperSpec(arguments);
    spec.stdinData = stdinData;
    if (!envName.isEmpty())
        spec.environment.insert(envName, envValue);

    CommandRunner runner;
    Run run;
    QVERIFY(runToEnd(runner, spec, run));
    QVERIFY(!run.finishedSynchronously);
    QCOMPARE(run.results.size(), 1);
    const CommandResult result = run.result();
    QCOMPARE(result.status, status);
    QCOMPARE(result.exitCode, exitCode);
    QCOMPARE(run.out, out);
    QCOMPARE(run.err, err);
    QVERIFY(!result.stdoutTruncated);
    QVERIFY(result.startedAt.isValid());
    QCOMPARE(result.startedAt.timeSpec(), Qt::UTC);
    QVERIFY(result.durationMs >= 0);
    if (status == CommandStatus::Crashed)
        QVERIFY2(result.message.contains(u"SIGABRT"_s), qPrintable(result.message));
    if (status == CommandStatus::Failed)
        QVERIFY2(result.message.contains(QString::number(exitCode)), qPrintable(result.message));
}

void TestCommandRunner::largeStdin()
{
    // More than a pipe holds: QProcess must keep writing while the child reads.
    QByteArray input;
    for (int i = 0; i < 100000; ++i)
        input += "input line " + QByteArray::number(i) + '\n';
    CommandSpec spec = helperSpec({u"echo-stdin"_s});
    spec.stdinData = input;
    CommandRunner runner;
    Run run;
    QVERIFY(runToEnd(runner, spec, run));
    QCOMPARE(run.result().status, CommandStatus::Succeeded);
    QCOMPARE(run.out.size(), 100000);
    QCOMPARE(run.out.last(), QByteArray("input line 99999"));
    QCOMPARE(run.result().stdoutData, input);
}

void TestCommandRunner::workingDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    CommandSpec spec = helperSpec({u"pwd"_s});
    spec.workingDirectory = dir.path();
    CommandRunner runner;
    Run run;
    QVERIFY(runToEnd(runner, spec, run));
    QCOMPARE(run.result().status, CommandStatus::Succeeded);
    QCOMPARE(run.out.size(), 1);
    QCOMPARE(QFileInfo(QString::fromUtf8(run.out.first())).canonicalFilePath(),
             QFileInfo(dir.path()).canonicalFilePath());

    spec.workingDirectory = dir.filePath(u"missing"_s);
    Run missing;
    QVERIFY(runToEnd(runner, spec, missing));
    QCOMPARE(missing.result().status, CommandStatus::FailedToStart);
    QVERIFY(missing.result().message.contains(u"working directory"_s));
}

void TestCommandRunner::timeout_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("ends-on-sigterm") << u"hang"_s;
    QTest::newRow("ignores-sigterm-killed-after-grace") << u"ignore-term"_s;
}

void TestCommandRunner::timeout()
{
    QFETCH(QString, mode);
    CommandSpec spec = helperSpec({mode});
    spec.timeout = 300ms;
    spec.killGrace = 200ms;
    CommandRunner runner;
    Run run;
    QElapsedTimer clock;
    clock.start();
    QVERIFY(runToEnd(runner, spec, run, 20000));
    QCOMPARE(run.results.size(), 1);
    QCOMPARE(run.result().status, CommandStatus::TimedOut);
    QCOMPARE(run.out, QByteArrayList{"ready"});
    QVERIFY(run.result().message.contains(u"timeout"_s));
    QVERIFY(clock.elapsed() >= 250);  // coarse timers may fire up to 5 % early
    QVERIFY2(clock.elapsed() < 10000, QByteArray::number(clock.elapsed()));
}

void TestCommandRunner::cancelRunning()
{
    CommandRunner runner;
    Command* command = runner.start(helperSpec({u"hang"_s}));
    QSignalSpy destroyed(command, &QObject::destroyed);
    Run run;
    watch(command, run);
    QObject::connect(command, &Command::stdoutLine, command, [command](const QByteArray& line) {
        if (line == "ready")
            command->cancel();
    });
    QVERIFY(destroyed.wait(20000));
    QCOMPARE(run.results.size(), 1);
    QCOMPARE(run.result().status, CommandStatus::Cancelled);
    QCOMPARE(run.out, QByteArrayList{"ready"});
}

void TestCommandRunner::cancelBeforeLaunch()
{
    CommandRunner runner;
    Command* command = runner.start(helperSpec({u"hang"_s}));
    Run run;
    watch(command, run);
    QSignalSpy destroyed(command, &QObject::destroyed);
    command->cancel();
    QCOMPARE(run.results.size(), 0);  // not synchronously, even now
    QVERIFY(destroyed.wait(10000));
    QCOMPARE(run.results.size(), 1);
    QCOMPARE(run.result().status, CommandStatus::Cancelled);
}

void TestCommandRunner::missingProgram_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<bool>("emptyPath");
    QTest::addColumn<QStringList>("messageParts");

    QTest::newRow("unknown-bare-name")
        << u"obslab-no-such-program"_s << false
        << QStringList{u"obslab-no-such-program"_s, u"not found on PATH"_s};
    QTest::newRow("kubectl-not-on-path")
        << u"kubectl"_s << true
        << QStringList{u"kubectl was not found"_s, u"https://kubernetes.io/docs/tasks/tools/"_s,
                       u"kubernetes-client"_s, u"1.20"_s};
    QTest::newRow("istioctl-not-on-path")
        << u"istioctl"_s << true
        << QStringList{u"istioctl was not found"_s,
                       u"https://istio.io/latest/docs/setup/getting-started/#download"_s};
    QTest::newRow("absolute-path-missing")
        << u"/nonexistent/obslab/kubectl"_s << false
        << QStringList{u"/nonexistent/obslab/kubectl does not exist"_s, u"kubernetes.io"_s};
    QTest::newRow("empty-program") << QString() << false << QStringList{u"No program"_s};
}

void TestCommandRunner::missingProgram()
{
    QFETCH(QString, program);
    QFETCH(bool, emptyPath);
    QFETCH(QStringList, messageParts);

    QTemporaryDir emptyDir;
    CommandSpec spec;
    spec.program = program;
    spec.arguments = {u"version"_s};
    if (emptyPath)
        spec.environment.insert(u"PATH"_s, emptyDir.path());
    CommandRunner runner;
    Run run;
    QVERIFY(runToEnd(runner, spec, run));
    QVERIFY(!run.finishedSynchronously);
    QCOMPARE(run.results.size(), 1);
    QCOMPARE(run.result().status, CommandStatus::NotFound);
    QCOMPARE(run.result().exitCode, -1);
    for (const QString& part : messageParts)
        QVERIFY2(run.result().message.contains(part), qPrintable(run.result().message));
}

void TestCommandRunner::cannotStart_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("executable");
    QTest::addColumn<bool>("directory");
    QTest::newRow("not-executable") << QByteArray("#!/bin/sh\necho hi\n") << false << false;
    QTest::newRow("executable-bit-garbage-content")
        << QByteArray("\x7f\x45\x4c\x46garbage") << true << false;
    QTest::newRow("directory") << QByteArray() << true << true;
}

void TestCommandRunner::cannotStart()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, executable);
    QFETCH(bool, directory);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString path = dir.filePath(u"tool"_s);
    if (directory) {
        QVERIFY(QDir(dir.path()).mkdir(u"tool"_s));
    } else {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        QFile::Permissions permissions = QFile::ReadOwner | QFile::WriteOwner;
        if (executable)
            permissions |= QFile::ExeOwner;
        QVERIFY(file.setPermissions(permissions));
    }
    CommandRunner runner;
    Run run;
    QVERIFY(runToEnd(runner, helperSpec({}), run));  // warm-up: a normal run still works
    Run failed;
    CommandSpec spec;
    spec.program = path;
    QVERIFY(runToEnd(runner, spec, failed));
    QVERIFY(!failed.finishedSynchronously);
    QCOMPARE(failed.results.size(), 1);
    QCOMPARE(failed.result().status, CommandStatus::FailedToStart);
    QVERIFY2(failed.result().message.contains(path), qPrintable(failed.result().message));
}

void TestCommandRunner::finishedExactlyOnce_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("cancelOnFirstLine");
    QTest::addColumn<int>("timeoutMs");
    QTest::addColumn<CommandStatus>("status");

    const QString helper = helperPath();
    QTest::newRow("succeeded") << helper << QStringList{u"print"_s, u"2"_s} << false << 60000
                               << CommandStatus::Succeeded;
    QTest::newRow("failed") << helper << QStringList{u"exit"_s, u"3"_s} << false << 60000
                            << CommandStatus::Failed;
    QTest::newRow("crashed") << helper << QStringList{u"crash"_s} << false << 60000
                             << CommandStatus::Crashed;
    QTest::newRow("not-found") << u"obslab-no-such-program"_s << QStringList{} << false << 60000
                               << CommandStatus::NotFound;
    QTest::newRow("cancelled") << helper << QStringList{u"hang"_s} << true << 60000
                               << CommandStatus::Cancelled;
    QTest::newRow("timed-out") << helper << QStringList{u"hang"_s} << false << 100
                               << CommandStatus::TimedOut;
    QTest::newRow("cancel-after-exit-output")
        << helper << QStringList{u"exit"_s, u"0"_s} << true << 60000 << CommandStatus::Cancelled;
}

void TestCommandRunner::finishedExactlyOnce()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    QFETCH(bool, cancelOnFirstLine);
    QFETCH(int, timeoutMs);
    QFETCH(CommandStatus, status);

    obslab::Transcript transcript;
    CommandRunner runner(&transcript);
    QSignalSpy runnerFinished(&runner, &CommandRunner::commandFinished);
    CommandSpec spec;
    spec.program = program;
    spec.arguments = arguments;
    spec.timeout = std::chrono::milliseconds(timeoutMs);
    Command* command = runner.start(spec);
    QSignalSpy finished(command, &Command::finished);
    QSignalSpy destroyed(command, &QObject::destroyed);
    if (cancelOnFirstLine) {
        QObject::connect(command, &Command::stdoutLine, command, [command] {
            command->cancel();
            command->cancel();  // twice: still one finished()
        });
    }
    QCOMPARE(finished.size(), 0);
    QVERIFY(destroyed.wait(20000));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(runnerFinished.size(), 1);
    QCOMPARE(finished.at(0).at(0).value<CommandResult>().status, status);
    QCOMPARE(transcript.entries().size(), 1);
    QCOMPARE(transcript.entries().first().status, status);
    QVERIFY(!transcript.entries().first().running);
}

void TestCommandRunner::captureLimit()
{
    CommandSpec spec = helperSpec({u"print"_s, u"1000"_s});
    spec.captureLimit = 100;
    CommandRunner runner;
    Run run;
    QVERIFY(runToEnd(runner, spec, run));
    QCOMPARE(run.out.size(), 1000);  // every line streamed
    QCOMPARE(run.result().stdoutData.size(), 100);
    QVERIFY(run.result().stdoutTruncated);
    QVERIFY(run.result().stdoutData.startsWith("line 1\nline 2\n"));
}

void TestCommandRunner::flood()
{
    constexpr int megabytes = 100;
    obslab::Transcript transcript;
    CommandRunner runner(&transcript);
    Command* command = runner.start(helperSpec({u"flood"_s, QString::number(megabytes)}));
    QSignalSpy destroyed(command, &QObject::destroyed);
    qint64 lines = 0;
    qint64 bytes = 0;
    bool allSame = true;
    CommandResult result;
    QObject::connect(command, &Command::stdoutLine, command, [&](const QByteArray& line) {
        ++lines;
        bytes += line.size() + 1;
        allSame = allSame && line.size() == 63;
    });
    QObject::connect(command, &Command::finished, command,
                     [&](const CommandResult& r) { result = r; });
    QElapsedTimer clock;
    clock.start();
    QVERIFY(destroyed.wait(240000));
    const qint64 ms = std::max<qint64>(1, clock.elapsed());
    QCOMPARE(result.status, CommandStatus::Succeeded);
    QCOMPARE(lines, qint64(megabytes) * 16384);
    QCOMPARE(bytes, qint64(megabytes) * 1024 * 1024);
    QVERIFY(allSame);
    QVERIFY(result.stdoutTruncated);
    QCOMPARE(result.stdoutData.size(), CommandSpec().captureLimit);
    const obslab::TranscriptEntry& entry = transcript.entries().first();
    QVERIFY(entry.outputTruncated);
    QVERIFY(entry.output.size() <= obslab::Transcript::kOutputCap);
    qInfo("flood: %d MiB, %lld lines in %lld ms = %.1f MiB/s", megabytes, lines, ms,
          megabytes * 1000.0 / double(ms));
}

void TestCommandRunner::runningList()
{
    CommandRunner runner;
    QSignalSpy started(&runner, &CommandRunner::commandStarted);
    QSignalSpy finished(&runner, &CommandRunner::commandFinished);
    Command* a = runner.start(helperSpec({u"hang"_s}));
    Command* b = runner.start(helperSpec({u"hang"_s}));
    QCOMPARE(started.size(), 2);
    QCOMPARE(runner.running(), (QList<Command*>{a, b}));
    QCOMPARE(a->isRunning(), true);
    runner.cancelAll();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
    QVERIFY(runner.running().isEmpty());
    for (const QList<QVariant>& args : finished)
        QCOMPARE(args.at(1).value<CommandResult>().status, CommandStatus::Cancelled);
}

void TestCommandRunner::transcriptRecordsRun()
{
    obslab::Transcript transcript;
    CommandRunner runner(&transcript);
    QCOMPARE(runner.transcript(), &transcript);
    CommandSpec spec = helperSpec({u"stderr"_s, u"--token=abc123"_s});
    spec.title = u"Say something"_s;
    Command* command = runner.start(spec);
    QVERIFY(command->transcriptId() != 0);
    QCOMPARE(transcript.entries().size(), 1);  // recorded before start() returned
    QVERIFY(transcript.entries().first().running);
    QSignalSpy destroyed(command, &QObject::destroyed);
    QVERIFY(destroyed.wait(20000));
    const obslab::TranscriptEntry& entry = transcript.entries().first();
    QCOMPARE(entry.title, u"Say something"_s);
    QCOMPARE(entry.arguments, (QStringList{u"stderr"_s, u"--token=<redacted>"_s}));
    // Interleaved as read: stdout and stderr are separate pipes, so their order may vary.
    QStringList lines = entry.output.split(u'\n', Qt::SkipEmptyParts);
    lines.sort();
    QCOMPARE(lines, (QStringList{u"--token=<redacted>"_s, u"out"_s}));
    QCOMPARE(entry.status, CommandStatus::Succeeded);
    QCOMPARE(entry.exitCode, 0);
    QVERIFY(entry.durationMs >= 0);
}

void TestCommandRunner::locateConfiguredPath()
{
    using obslab::Tool;
    namespace ToolLocator = obslab::ToolLocator;
    QCOMPARE(ToolLocator::toolName(Tool::Kubectl), u"kubectl"_s);
    QCOMPARE(ToolLocator::toolName(Tool::Istioctl), u"istioctl"_s);
    const auto configured = ToolLocator::locate(Tool::Kubectl, helperPath());
    QVERIFY(configured.ok());
    QCOMPARE(configured.value(), helperPath());
    const auto onPath = ToolLocator::locate(Tool::Kubectl, u"sh"_s);  // a bare name: on PATH
    QVERIFY(onPath.ok());
    QVERIFY(onPath.value().endsWith(u"/sh"_s));
    const auto broken = ToolLocator::locate(Tool::Istioctl, u"/nonexistent/istioctl"_s);
    QVERIFY(!broken.ok());
    QVERIFY(broken.error().message.contains(u"/nonexistent/istioctl"_s));
    QVERIFY(broken.error().hint.contains(u"Settings"_s));
}

QTEST_GUILESS_MAIN(TestCommandRunner)
#include "tst_commandrunner.moc"
