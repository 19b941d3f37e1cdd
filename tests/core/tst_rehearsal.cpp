// Rehearsals: the recording format, the recorder on a real CommandRunner, replay (same commands,
// outputs and check states), the handout and `obslab rehearse`.
#include "core/cli/Cli.h"
#include "core/cli/RehearseCommand.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "core/rehearsal/Handout.h"
#include "core/rehearsal/Recorder.h"
#include "core/rehearsal/RehearsalCatalog.h"
#include "core/rehearsal/RehearsalPlayer.h"

#include <QBuffer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;
using namespace obslab::rehearsal;

namespace {

QString helperPath()
{
    return QString::fromUtf8(OBSLAB_HELPERS_DIR) + u"/obslab_testhelper"_s;
}

CommandSpec helperSpec(const QStringList& arguments, const QString& title)
{
    CommandSpec spec;
    spec.program = helperPath();
    spec.arguments = arguments;
    spec.title = title;
    spec.timeout = std::chrono::seconds(30);
    return spec;
}

QByteArray fixture(const QString& name)
{
    QFile f(QString::fromUtf8(OBSLAB_FIXTURES_DIR) + u'/' + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// What a replay showed, in order, as comparable text.
struct Replayed
{
    QStringList commands;  // shell line
    QList<QByteArray> outputs;
    QList<int> exitCodes;
    QStringList checks;  // "title=state"
    int logLines = 0;
    QStringList traces;
};

Replayed replayAll(const Recording& rec, double speed, Transcript* transcript = nullptr)
{
    Replayed r;
    RehearsalPlayer player(rec);
    player.setSpeed(speed);
    player.setTranscript(transcript);
    QObject::connect(&player, &RehearsalPlayer::commandFinished, [&](const RehearsalEvent& e) {
        r.commands << e.shellLine();
        r.outputs << e.stdoutData + e.stderrData;
        r.exitCodes << e.exitCode;
    });
    QObject::connect(&player, &RehearsalPlayer::checkReported,
                     [&](const RehearsalEvent& e) { r.checks << e.title + u'=' + e.checkState; });
    QObject::connect(&player, &RehearsalPlayer::logLinesReplayed,
                     [&](const RehearsalEvent& e) { r.logLines += int(e.logLines.size()); });
    QObject::connect(&player, &RehearsalPlayer::traceOpened,
                     [&](const RehearsalEvent& e) { r.traces << e.traceId; });
    QSignalSpy finished(&player, &RehearsalPlayer::finished);
    player.playAll();
    if (!finished.wait(20000))
        qWarning("replay did not finish");
    return r;
}

}  // namespace

class TestRehearsal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void recordReplayRoundTrip();
    void stepControl();
    void speedScalesWaits();
    void secretsAreRedacted();
    void recordingIsPrivate();
    void badFiles_data();
    void badFiles();
    void binaryOutputSurvives();
    void handout();
    void cliReplaysFile();
    void cliReplayIsTerminalSafe();
    void cliUsageErrors();
    void shippedRehearsalShowsTraceIds();
    void labRunRehearse();

private:
    Recording record();
    QTemporaryDir dir_;
};

void TestRehearsal::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
    QVERIFY2(QFile::exists(helperPath()), qPrintable(helperPath()));
}

// A small lab run: real commands through a real CommandRunner, a check per step, followed log
// lines with a trace id, and an opened trace (Jaeger's JSON from the fixtures).
Recording TestRehearsal::record()
{
    Transcript transcript;
    CommandRunner runner(&transcript);
    Recorder recorder;
    recorder.setLab(u"demo"_s, u"Demo lab"_s);
    recorder.setSource({u"simulated-mesh"_s, u"test"_s, u"obslab-sim"_s});
    recorder.attach(&runner);
    const auto run = [&](const CommandSpec& spec) {
        Command* c = runner.start(spec);
        QSignalSpy done(c, &Command::finished);
        QVERIFY(done.wait(20000));
    };

    recorder.beginStep(u"deploy"_s, u"Deploy"_s, u"Deploy the **backend**."_s);
    run(helperSpec({u"print"_s, u"3"_s}, u"Print three lines"_s));
    run(helperSpec({u"stderr"_s, u"careful"_s}, u"Warn"_s));
    recorder.addCheck(u"ready"_s, u"Backend is ready"_s, u"passed"_s, u"1/1 ready"_s);

    recorder.beginStep(u"trace"_s, u"Trace a request"_s, u"Send one request."_s);
    run(helperSpec({u"exit"_s, u"3"_s}, u"Fail on purpose"_s));
    recorder.addLogLines(
        {{u"frontend-1"_s, u"istio-proxy"_s, "2026-11-27T10:00:00.000000001Z",
          R"([2026-11-27T10:00:00.000Z] "GET /?seq=1 HTTP/1.1" 200 - via_upstream - "-" 0 12 3 2 "-" "curl" "8a3f4c1e-0b6d-9f4e-8a71-2c5d9e0f1a2b" "backend" "10.0.0.2:5678" outbound|80||backend.default.svc.cluster.local 10.0.0.1:40000 10.96.0.10:80 10.0.0.1:39998 - default traceID=463ac35c9f6413ad)"}});
    recorder.addTrace(u"463ac35c9f6413ad"_s, fixture(u"jaeger-trace.json"_s));
    recorder.addCheck(u"trace"_s, u"Jaeger has the trace"_s, u"failed"_s, u"not yet"_s,
                      u"Wait for the sampler"_s);
    return recorder.recording();
}

void TestRehearsal::recordReplayRoundTrip()
{
    const Recording recorded = record();
    QCOMPARE(recorded.stepCount(), 2);
    const QString path = dir_.filePath(u"run.ndjson"_s);
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(recorded.toNdjson());
    out.close();

    auto loaded = Recording::load(path);
    QVERIFY2(loaded.ok(), loaded ? "" : qPrintable(loaded.error().message));
    QCOMPARE(loaded->version, Recording::kVersion);
    QCOMPARE(loaded->labId, u"demo"_s);
    QVERIFY(loaded->source.isSimulated());
    QCOMPARE(loaded->events.size(), recorded.events.size());
    QCOMPARE(loaded->toNdjson(), recorded.toNdjson());

    // Replay: the same commands, outputs, exit codes and check states, in the same order.
    Transcript transcript;
    const Replayed r = replayAll(*loaded, 0, &transcript);
    const QString helper = shellQuote(helperPath());
    QCOMPARE(r.commands, QStringList({helper + u" print 3"_s, helper + u" stderr careful"_s,
                                      helper + u" exit 3"_s}));
    QCOMPARE(r.outputs.at(0), QByteArray("line 1\nline 2\nline 3\n"));
    QVERIFY(r.outputs.at(1).contains("careful"));
    QCOMPARE(r.exitCodes, QList<int>({0, 0, 3}));
    QCOMPARE(r.checks,
             QStringList({u"Backend is ready=passed"_s, u"Jaeger has the trace=failed"_s}));
    QCOMPARE(r.logLines, 1);
    QCOMPARE(r.traces, QStringList{u"463ac35c9f6413ad"_s});
    // Replayed commands show in the Console's transcript, marked, with their output.
    QCOMPARE(transcript.entries().size(), 3);
    QVERIFY(transcript.entries().at(0).title.startsWith(u"Rehearsal: "_s));
    QVERIFY(transcript.entries().at(0).output.contains(u"line 3"_s));
    QCOMPARE(transcript.entries().at(2).exitCode, 3);
    QVERIFY(!transcript.entries().at(2).running);

    QCOMPARE(loaded->traceIdsSeen(), QStringList{u"463ac35c9f6413ad"_s});
}

void TestRehearsal::stepControl()
{
    const Recording rec = record();
    RehearsalPlayer player(rec);
    player.setSpeed(0);
    QSignalSpy steps(&player, &RehearsalPlayer::currentStepChanged);
    QSignalSpy commands(&player, &RehearsalPlayer::commandFinished);
    QSignalSpy checks(&player, &RehearsalPlayer::checkReported);
    QSignalSpy ran(&player, &RehearsalPlayer::runFinished);
    QSignalSpy checked(&player, &RehearsalPlayer::checkFinished);
    QCOMPARE(player.currentStep(), -1);
    player.nextStep();
    QCOMPARE(player.currentStep(), 0);
    player.nextStep();
    QCOMPARE(player.currentStep(), 1);
    player.nextStep();  // no third step
    QCOMPARE(player.currentStep(), 1);
    player.previousStep();
    QCOMPARE(player.currentStep(), 0);
    QCOMPARE(steps.size(), 3);

    player.runStep();
    QVERIFY(ran.wait(5000));
    QCOMPARE(ran.first().at(0).toInt(), 0);
    QCOMPARE(commands.size(), 2);
    QCOMPARE(checks.size(), 0);  // Run does not check
    player.checkStep();
    QVERIFY(checked.wait(5000));
    QCOMPARE(checks.size(), 1);
    QCOMPARE(checked.first().at(1).toBool(), true);

    player.nextStep();
    player.checkStep();
    QVERIFY(checked.wait(5000));
    QCOMPARE(checked.last().at(1).toBool(), false);  // the recorded failure replays as one
    QCOMPARE(commands.size(), 2);
}

void TestRehearsal::speedScalesWaits()
{
    Recording rec;
    RehearsalEvent step;
    step.kind = RehearsalEvent::Kind::Step;
    step.title = u"Wait"_s;
    step.step = 0;
    RehearsalEvent cmd;
    cmd.kind = RehearsalEvent::Kind::Command;
    cmd.step = 0;
    cmd.program = u"kubectl"_s;
    cmd.arguments = {u"rollout"_s, u"status"_s};
    cmd.durationMs = 2000;
    cmd.exitCode = 0;
    rec.events = {step, cmd};

    for (const double speed : {20.0, 0.0}) {
        RehearsalPlayer player(rec);
        player.setSpeed(speed);
        QSignalSpy finished(&player, &RehearsalPlayer::commandFinished);
        QElapsedTimer clock;
        clock.start();
        player.runStep();
        QVERIFY(finished.wait(5000));
        if (speed > 0)
            QVERIFY2(clock.elapsed() >= 2000 / 20 - 5,
                     qPrintable(QString::number(clock.elapsed())));
        else
            QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    }
}

void TestRehearsal::secretsAreRedacted()
{
    Recorder recorder;
    recorder.beginStep(u"s"_s, u"Secret"_s, {});
    CommandSpec spec;
    spec.program = u"kubectl"_s;
    spec.arguments = {u"apply"_s, u"-f"_s, u"-"_s, u"--token=abc123"_s};
    spec.stdinData =
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: aHVudGVyMg==\n";
    CommandResult result;
    result.status = CommandStatus::Succeeded;
    result.exitCode = 0;
    result.stdoutData = "token: eyJhbGciOi\n";
    recorder.addCommand(spec, result);
    const QByteArray file = recorder.recording().toNdjson();
    QVERIFY(!file.contains("aHVudGVyMg=="));
    QVERIFY(!file.contains("abc123"));
    QVERIFY(!file.contains("eyJhbGciOi"));
    QVERIFY(file.contains("<redacted>"));
}

// A recording is written with mode 0600 from its creation: even with umask 0 (which would leave
// a plain create at 0666) and over an existing world-readable file; no temporary file is left.
void TestRehearsal::recordingIsPrivate()
{
    Recorder recorder;
    recorder.setLab(u"demo"_s, u"Demo lab"_s);
    recorder.beginStep(u"deploy"_s, u"Deploy"_s, u"Deploy."_s);
    recorder.addCheck(u"ready"_s, u"Backend is ready"_s, u"passed"_s, u"1/1 ready"_s);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto mode = [](const QString& path) {
        struct stat st = {};
        return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
    };
    const mode_t old = ::umask(0);
    const QString fresh = dir.filePath(u"fresh.ndjson"_s);
    QString error;
    const bool wroteFresh = recorder.saveAs(fresh, &error);
    const QString existing = dir.filePath(u"existing.ndjson"_s);
    QFile before(existing);
    const bool created = before.open(QIODevice::WriteOnly) && before.write("old\n") == 4;
    before.close();
    const int beforeMode = mode(existing);
    const bool wroteExisting = recorder.saveAs(existing, &error);
    ::umask(old);
    QVERIFY2(wroteFresh && wroteExisting, qPrintable(error));
    QVERIFY(created);
    QCOMPARE(beforeMode, 0666);  // umask 0: what a plain create gives
    QCOMPARE(mode(fresh), 0600);
    QCOMPARE(mode(existing), 0600);
    QCOMPARE(Recording::load(existing)->labId, u"demo"_s);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
             QStringList({u"existing.ndjson"_s, u"fresh.ndjson"_s}));
    // A folder that cannot be written: a message naming the file, nothing crashes.
    QVERIFY(!recorder.saveAs(dir.filePath(u"missing/run.ndjson"_s), &error));
    QVERIFY2(error.contains(u"missing/run.ndjson"_s), qPrintable(error));
}

void TestRehearsal::badFiles_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("message");
    const QByteArray header = R"({"type":"rehearsal","version":1,"labId":"x"})"
                              "\n";
    QTest::newRow("empty") << QByteArray() << false << u"empty"_s;
    QTest::newRow("garbage") << QByteArray("\x89PNG\r\n\x1a\n") << false << u"line 1"_s;
    QTest::newRow("not-a-rehearsal")
        << QByteArray(R"({"type":"lab"})") << false << u"not a rehearsal header"_s;
    QTest::newRow("future-version")
        << QByteArray(R"({"type":"rehearsal","version":99})") << false << u"version 99"_s;
    QTest::newRow("broken-middle-line")
        << header + "{\"type\":\"step\"}\n{oops\n{\"type\":\"step\"}\n"
        << false << u"line 3"_s;
    QTest::newRow("truncated-last-line")
        << header + "{\"type\":\"step\",\"title\":\"a\"}\n{\"type\":\"comm" << true << QString();
    QTest::newRow("unknown-event-skipped")
        << header + "{\"type\":\"hologram\"}\n{\"type\":\"step\"}\n"
        << true << QString();
    QTest::newRow("command-without-program") << header + "{\"type\":\"command\"}\n"
                                             << false << u"without a program"_s;
    // QJsonDocument refuses invalid UTF-8: a damaged file, said so with its line.
    QTest::newRow("invalid-utf8") << header + "{\"type\":\"step\",\"title\":\"\xff\xfe\"}\n{}\n"
                                  << false << u"line 2"_s;
}

void TestRehearsal::badFiles()
{
    QFETCH(QByteArray, data);
    QFETCH(bool, ok);
    QFETCH(QString, message);
    const auto rec = Recording::fromNdjson(data);
    QCOMPARE(rec.ok(), ok);
    if (!ok)
        QVERIFY2(rec.error().message.contains(message), qPrintable(rec.error().message));
    else
        QVERIFY(rec->stepCount() >= 1);
}

void TestRehearsal::binaryOutputSurvives()
{
    Recording rec;
    RehearsalEvent cmd;
    cmd.kind = RehearsalEvent::Kind::Command;
    cmd.program = u"kubectl"_s;
    cmd.stdoutData = QByteArray("ok\xff\x00\x01", 5);
    cmd.stderrData = "plain\n";
    rec.events << cmd;
    const auto back = Recording::fromNdjson(rec.toNdjson());
    QVERIFY(back.ok());
    QCOMPARE(back->events.first().stdoutData, cmd.stdoutData);
    QCOMPARE(back->events.first().stderrData, cmd.stderrData);
    QVERIFY(rec.toNdjson().contains("stdoutBase64"));
}

void TestRehearsal::handout()
{
    const Recording rec = record();
    const QString md = Handout::toMarkdown(rec);
    QVERIFY(md.startsWith(u"# Demo lab\n"_s));
    QVERIFY(md.contains(u"simulated mesh"_s));
    QVERIFY(md.contains(u"## 1. Deploy"_s));
    QVERIFY(md.contains(u"Deploy the **backend**."_s));
    QVERIFY(md.contains(u"```sh\n"_s + shellQuote(helperPath()) + u" print 3\n```"_s));
    QVERIFY(md.contains(u"line 2"_s));
    QVERIFY(md.contains(u"✅ Backend is ready"_s));
    QVERIFY(md.contains(u"❌ Jaeger has the trace — not yet"_s));
    QVERIFY(md.contains(u"Hint: Wait for the sampler"_s));
    QVERIFY(md.contains(u"_Exit code 3"_s));
    QVERIFY(md.contains(u"## Trace ids seen\n\n- `463ac35c9f6413ad`"_s));

    Handout::Options plain;
    plain.includeResults = false;
    const QString steps = Handout::toMarkdown(rec, plain);
    QVERIFY(steps.contains(u"## 2. Trace a request"_s));
    QVERIFY(steps.contains(u" exit 3\n```"_s));
    QVERIFY(!steps.contains(u"line 2"_s));
    QVERIFY(!steps.contains(u"Trace ids seen"_s));
    QVERIFY(steps.contains(u"- Jaeger has the trace"_s));

    // Output holding a code fence cannot close the block early.
    Recording fence;
    RehearsalEvent s;
    s.kind = RehearsalEvent::Kind::Step;
    s.step = 0;
    s.title = u"F"_s;
    RehearsalEvent c;
    c.kind = RehearsalEvent::Kind::Command;
    c.step = 0;
    c.program = u"echo"_s;
    c.stdoutData = "```\nnot markdown\n";
    fence.events = {s, c};
    QVERIFY(Handout::toMarkdown(fence).contains(u"````text\n```\nnot markdown\n````"_s));
}

void TestRehearsal::cliReplaysFile()
{
    const Recording rec = record();
    const QString path = dir_.filePath(u"cli.ndjson"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(rec.toNdjson());
    f.close();

    QBuffer out;
    QBuffer err;
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    cli::Dispatcher dispatcher;
    const int code = dispatcher.run({u"rehearse"_s, path, u"--yes"_s}, {nullptr, &out, &err});
    const QString text = QString::fromUtf8(out.data());
    QCOMPARE(code, int(cli::ExitFailure));  // one recorded check failed
    QVERIFY2(text.startsWith(u"Rehearsal — no cluster is touched.\n"_s), qPrintable(text));
    QVERIFY(text.contains(u"simulated mesh"_s));
    QVERIFY(text.contains(u"Step 1/2: Deploy"_s));
    QVERIFY(text.contains(u" print 3\n  line 1\n  line 2\n  line 3\n"_s));
    QVERIFY(text.contains(u"[failed, exit code 3]"_s));
    QVERIFY(text.contains(u"✓ Backend is ready — 1/1 ready"_s));
    QVERIFY(text.contains(u"✗ Jaeger has the trace — not yet\n    hint: Wait for the sampler"_s));
    QVERIFY(text.contains(u"trace 463ac35c9f6413ad opened: "_s));
    QVERIFY(text.contains(u"1 of 2 checks passed"_s));
    QVERIFY(text.contains(u"Trace ids seen: 463ac35c9f6413ad"_s));

    QBuffer md;
    md.open(QIODevice::WriteOnly);
    QCOMPARE(dispatcher.run({u"rehearse"_s, path, u"--handout"_s}, {nullptr, &md, &err}), 0);
    QVERIFY(md.data().startsWith("# Demo lab"));
}

// A rehearsal is a file from someone else holding what a cluster printed: replayed to a terminal,
// a window-title OSC, clear screen, colours and C1 controls are shown, never obeyed.
void TestRehearsal::cliReplayIsTerminalSafe()
{
    const QString hostile = u"x\x1b]0;pwned\x07 \x1b[2J \x1b[31mred\x1b[0m \u009b31m \u0085 end"_s;
    Transcript transcript;
    CommandRunner runner(&transcript);
    Recorder recorder;
    recorder.setLab(u"demo"_s, u"Demo\x1b[2J lab"_s);
    recorder.attach(&runner);
    recorder.beginStep(u"s"_s, u"Step \x1b]0;t\x07"_s, u"Text."_s);
    Command* c = runner.start(helperSpec({u"stderr"_s, hostile}, u"Print"_s));
    QSignalSpy done(c, &Command::finished);
    QVERIFY(done.wait(20000));
    recorder.addLogLines(
        {{u"pod-1"_s, u"istio-proxy"_s, "2026-11-27T10:00:00Z", hostile.toUtf8()}});
    recorder.addCheck(u"c"_s, u"Check \x1b[31m"_s, u"failed"_s, hostile, hostile);
    const QString path = dir_.filePath(u"hostile.ndjson"_s);
    QVERIFY(recorder.saveAs(path));

    for (const QStringList& extra : {QStringList{}, QStringList{u"--handout"_s}}) {
        QBuffer out, err;
        out.open(QIODevice::WriteOnly);
        err.open(QIODevice::WriteOnly);
        cli::Dispatcher dispatcher;
        dispatcher.run(QStringList{u"rehearse"_s, path} + extra, {nullptr, &out, &err});
        const QByteArray all = out.data() + err.data();
        QVERIFY2(all.count("end") >= 2, all.constData());  // the output, the log line, the check
        for (const char ch : all) {
            const auto u = static_cast<unsigned char>(ch);
            QVERIFY2(u >= 0x20 || u == '\n' || u == '\t', all.constData());
            QVERIFY(u != 0x7f);
        }
        for (int b = 0x80; b <= 0x9f; ++b)
            QVERIFY2(!all.contains(QByteArray(QByteArray("\xc2") + char(b))), all.constData());
        QVERIFY2(all.contains("\xef\xbf\xbd]0;pwned\xef\xbf\xbd \xef\xbf\xbd[2J"), all.constData());
    }
}

void TestRehearsal::cliUsageErrors()
{
    cli::Dispatcher dispatcher;
    const auto run = [&](const QStringList& args, QString* errText) {
        QBuffer out;
        QBuffer err;
        out.open(QIODevice::WriteOnly);
        err.open(QIODevice::WriteOnly);
        const int code = dispatcher.run(args, {nullptr, &out, &err});
        *errText = QString::fromUtf8(err.data());
        return code;
    };
    QString err;
    QCOMPARE(run({u"rehearse"_s}, &err), int(cli::ExitUsage));
    QVERIFY(err.contains(u"which rehearsal"_s));
    QCOMPARE(run({u"rehearse"_s, u"x"_s, u"--speed"_s, u"-1"_s}, &err), int(cli::ExitUsage));
    QCOMPARE(run({u"rehearse"_s, u"/nonexistent/nothing.ndjson"_s}, &err), int(cli::ExitFailure));
    QVERIFY(err.contains(u"no rehearsal file"_s));
    const QString broken = dir_.filePath(u"broken.ndjson"_s);
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not json at all\n");
    f.close();
    QCOMPARE(run({u"rehearse"_s, broken}, &err), int(cli::ExitFailure));
    QVERIFY2(err.contains(u"line 1"_s), qPrintable(err));
}

void TestRehearsal::shippedRehearsalShowsTraceIds()
{
    const QStringList ids = rehearsal::shippedRehearsals();
    QVERIFY2(!ids.isEmpty(), "resources/rehearsals holds no rehearsal");
    for (const QString& id : ids) {
        QBuffer out;
        QBuffer err;
        out.open(QIODevice::WriteOnly);
        err.open(QIODevice::WriteOnly);
        cli::Dispatcher dispatcher;
        const int code = dispatcher.run({u"rehearse"_s, id}, {nullptr, &out, &err});
        const QString text = QString::fromUtf8(out.data());
        QVERIFY2(code == 0 || code == 1, qPrintable(QString::fromUtf8(err.data())));
        QVERIFY(text.contains(u"Rehearsal — no cluster is touched."_s));
        // Recorded against the simulated mesh, and it says so.
        QVERIFY(text.contains(u"simulated mesh"_s));
        QVERIFY2(text.contains(u"Trace ids seen: "_s), qPrintable(text.right(400)));
        QVERIFY(text.contains(u" opened: "_s));
        const auto rec = Recording::load(rehearsal::resolveRehearsal(id));
        QVERIFY(rec.ok());
        QVERIFY(!rec->traceIdsSeen().isEmpty());
        QVERIFY(rec->stepCount() >= 3);
    }
}

// `obslab lab run FILE|ID --rehearse`: by the lab's id or its YAML file, the shipped rehearsal
// of that lab plays; nothing runs (no kubectl is even looked for).
void TestRehearsal::labRunRehearse()
{
    const auto run = [](const QStringList& args, QString* outText, QString* errText) {
        QBuffer out;
        QBuffer err;
        out.open(QIODevice::WriteOnly);
        err.open(QIODevice::WriteOnly);
        cli::Dispatcher dispatcher;
        const int code = dispatcher.run(args, {nullptr, &out, &err});
        *outText = QString::fromUtf8(out.data());
        *errText = QString::fromUtf8(err.data());
        return code;
    };
    QString out;
    QString err;
    const QString labFile =
        QString::fromUtf8(OBSLAB_SOURCE_DIR) + u"/resources/labs/tracing-jaeger/lab.yaml"_s;
    for (const QString& lab : {u"tracing-jaeger"_s, labFile}) {
        const int code =
            run({u"lab"_s, u"run"_s, lab, u"--rehearse"_s, u"--yes"_s, u"--context"_s, u"prod"_s},
                &out, &err);
        QVERIFY2(code == 0, qPrintable(err));
        QVERIFY(out.startsWith(u"Rehearsal — no cluster is touched.\n"_s));
        QVERIFY(out.contains(u"Step 1/"_s));
        QVERIFY(out.contains(u"Trace ids seen: "_s));
    }
    QCOMPARE(run({u"lab"_s, u"run"_s, u"tracing-jaeger"_s, u"--rehearse"_s, u"--record"_s,
                  u"x.ndjson"_s},
                 &out, &err),
             int(cli::ExitUsage));
    QVERIFY(err.contains(u"one or the other"_s));
    QCOMPARE(run({u"lab"_s, u"run"_s, u"tracing-jaeger"_s, u"--record"_s}, &out, &err),
             int(cli::ExitUsage));
}

QTEST_GUILESS_MAIN(TestRehearsal)
#include "tst_rehearsal.moc"
