#include "core/cli/RehearseCommand.h"

#include "core/cli/TerminalText.h"

#include "core/cli/LabCommand.h"
#include "core/cli/OptionParser.h"
#include "core/lab/LabCatalog.h"
#include "core/lab/LabLoader.h"
#include "core/process/CommandRunner.h"
#include "core/rehearsal/Handout.h"
#include "core/rehearsal/LabRunRecorder.h"
#include "core/rehearsal/Recorder.h"
#include "core/rehearsal/RehearsalCatalog.h"
#include "core/rehearsal/RehearsalPlayer.h"
#include "core/tracing/JaegerJson.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli {

namespace {

using rehearsal::Recording;
using rehearsal::RehearsalEvent;
using rehearsal::RehearsalPlayer;
using rehearsal::resolveRehearsal;
using rehearsal::shippedRehearsals;

const QString kUsage =
    u"Usage: obslab rehearse FILE|ID [--speed N | --real-time] [--yes]\n"
    "       obslab rehearse FILE|ID --handout [--no-results]\n"
    "       obslab lab run FILE|ID --rehearse [--speed N | --real-time] [--yes]\n\n"
    "Replays a recorded lab run (an ObsLab rehearsal, .ndjson) and prints what the run printed:\n"
    "the steps, each command and its output, the access-log lines followed, the traces opened and\n"
    "the check results. Nothing runs and no cluster is touched.\n\n"
    "  FILE|ID        a rehearsal file, or the ID of one shipped with ObsLab (%1)\n"
    "  --speed N      replay N times faster than recorded (default: no waiting)\n"
    "  --real-time    replay at the recorded pace (--speed 1)\n"
    "  --handout      print a Markdown handout instead: steps, commands, outputs, trace ids\n"
    "  --no-results   with --handout: steps and commands only\n"
    "  --yes          accepted for symmetry with a real run; a rehearsal never changes anything\n\n"
    "Exit codes: 0 every recorded check passed, 1 a check failed or the file is unreadable,\n"
    "2 usage error.\n"_s;

QString usage()
{
    const QStringList ids = shippedRehearsals();
    return kUsage.arg(ids.isEmpty() ? u"none"_s : ids.join(u", "_s));
}

struct Options
{
    QString target;
    double speed = 0;
    bool handout = false;
    bool results = true;
};

// The options a replay takes, in `obslab rehearse` and in `obslab lab run --rehearse`.
QList<QCommandLineOption> replayOptions()
{
    return {QCommandLineOption(u"speed"_s, u"times faster than recorded"_s, u"N"_s),
            QCommandLineOption(u"real-time"_s, u"at the recorded pace"_s),
            QCommandLineOption(u"handout"_s, u"a Markdown handout instead"_s),
            QCommandLineOption(u"no-results"_s, u"steps and commands only"_s)};
}

// The rehearsal is the first word; later ones are a mistake.
QString readOptions(const OptionParser& parser, const QStringList& words, Options& o)
{
    // --speed and --real-time: the later one wins.
    const QStringList given = parser.givenNames();
    const qsizetype speed = given.lastIndexOf(u"speed"_s);
    const qsizetype realTime = given.lastIndexOf(u"real-time"_s);
    if (speed >= 0) {
        bool ok = false;
        o.speed = parser.value(u"speed"_s).toDouble(&ok);
        if (!ok || o.speed <= 0)
            return u"--speed needs a positive number"_s;
    }
    if (realTime > speed)
        o.speed = 1;
    o.handout = parser.isSet(u"handout"_s);
    o.results = !parser.isSet(u"no-results"_s);
    if (words.size() > 1)
        return u"only one rehearsal, please"_s;
    o.target = words.value(0);
    if (o.target.isEmpty())
        return u"which rehearsal? Give a file or an ID"_s;
    if (!o.results && !o.handout)
        return u"--no-results goes with --handout"_s;
    return {};
}

QString problemText(const OptionParser::Problem& problem)
{
    if (problem.kind == OptionParser::Problem::Kind::MissingValue)
        return u"--speed needs a positive number"_s;
    return u"unknown option '%1'"_s.arg(problem.argument);
}

QString parseOptions(const QStringList& args, Options& o)
{
    // --yes (and --rehearse, from `lab run`) are accepted: a rehearsal runs nothing to confirm.
    OptionParser parser(
        replayOptions() +
        QList<QCommandLineOption>{QCommandLineOption({u"y"_s, u"yes"_s}, u"accepted, no effect"_s),
                                  QCommandLineOption(u"rehearse"_s, u"accepted, no effect"_s)});
    if (!parser.parse(args))
        return problemText(parser.problem());
    const QStringList words = parser.words();
    for (const QString& word : words)
        if (word.startsWith(u'-') && word.size() > 1)
            return u"unknown option '%1'"_s.arg(word);
    return readOptions(parser, words, o);
}

QString indent(const QByteArray& text, const QString& prefix)
{
    QStringList lines = QString::fromUtf8(text).split(u'\n');
    while (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    QString out;
    for (const QString& l : std::as_const(lines))
        out += prefix + l + u'\n';
    return out;
}

QString traceSummary(const RehearsalEvent& e)
{
    const auto traces = jaegerjson::parseTraceDocument(e.traceJson);
    if (!traces || traces->isEmpty())
        return u"trace %1 opened (its JSON could not be read)\n"_s.arg(e.traceId);
    const Trace& t = traces->constFirst();
    return u"trace %1 opened: %2 spans across %3\n"_s.arg(e.traceId)
        .arg(t.spans.size())
        .arg(t.services().join(u", "_s));
}

}  // namespace

namespace {

int replay(const Options& o, const CliContext& ctx)
{
    // Everything replayed came from a cluster (or a file someone sent): control characters made
    // visible before they reach the terminal, as `obslab logs` prints log lines.
    const auto say = [&ctx](const QString& text) { ctx.print(terminalText(text)); };
    const auto sayError = [&ctx](const QString& text) { ctx.printError(terminalText(text)); };
    const QString path = resolveRehearsal(o.target);
    if (path.isEmpty()) {
        const QStringList ids = shippedRehearsals();
        sayError(
            u"obslab rehearse: no rehearsal file or shipped rehearsal named '%1'.\n"_s.arg(
                o.target) +
            (ids.isEmpty() ? QString() : u"Shipped rehearsals: %1\n"_s.arg(ids.join(u", "_s))));
        return ExitFailure;
    }
    auto loaded = Recording::load(path);
    if (!loaded) {
        sayError(u"obslab rehearse: "_s + loaded.error().message + u'\n');
        if (!loaded.error().hint.isEmpty())
            sayError(loaded.error().hint + u'\n');
        return ExitFailure;
    }
    const Recording& rec = *loaded;
    if (o.handout) {
        rehearsal::Handout::Options options;
        options.includeResults = o.results;
        say(rehearsal::Handout::toMarkdown(rec, options));
        return ExitOk;
    }

    say(u"Rehearsal — no cluster is touched.\n"_s);
    if (rec.source.isSimulated())
        say(u"Recorded against the simulated mesh of ObsLab's tests (test equipment, not a "
            "cluster)%1.\n"_s.arg(
                rec.recordedAt.isValid()
                    ? u" on "_s + rec.recordedAt.toUTC().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s)
                    : QString()));
    else if (!rec.source.label.isEmpty())
        say(rec.source.label + u'\n');
    say(u"Lab: %1%2, %3 steps\n"_s.arg(rec.labTitle.isEmpty() ? rec.labId : rec.labTitle)
            .arg(rec.labId.isEmpty() || rec.labTitle.isEmpty() ? QString()
                                                               : u" ("_s + rec.labId + u')')
            .arg(rec.stepCount()));

    RehearsalPlayer player(rec);
    player.setSpeed(o.speed);
    int checks = 0;
    int passed = 0;
    QObject::connect(&player, &RehearsalPlayer::currentStepChanged, &player, [&](int step) {
        const RehearsalEvent* e = rec.stepEvent(step);
        say(u"\nStep %1/%2: %3\n"_s.arg(step + 1)
                .arg(rec.stepCount())
                .arg(e ? e->title : QString()));
    });
    // What `lab run` printed: each action's command and output; a check's own commands are not
    // shown (their results are), and a log snapshot's lines are its command's output already.
    QObject::connect(&player, &RehearsalPlayer::commandStarted, &player,
                     [&](const RehearsalEvent& e) {
                         if (!e.forCheck)
                             say(u"$ "_s + e.shellLine() +
                                 (e.background ? u"   (background)"_s : QString()) + u'\n');
                     });
    QObject::connect(
        &player, &RehearsalPlayer::commandFinished, &player, [&](const RehearsalEvent& e) {
            if (e.forCheck)
                return;
            say(indent(e.stdoutData, u"  "_s) + indent(e.stderrData, u"  "_s));
            if (e.status != CommandStatus::Succeeded)
                say(u"  [%1, exit code %2]\n"_s.arg(commandStatusName(e.status)).arg(e.exitCode));
        });
    QObject::connect(
        &player, &RehearsalPlayer::logLinesReplayed, &player, [&](const RehearsalEvent& e) {
            if (e.fromSnapshot)
                return;
            for (const auto& l : e.logLines) {
                say(u"  [pod/%1/%2] "_s.arg(l.pod, l.container) +
                    (l.timestamp.isEmpty() ? QString() : QString::fromLatin1(l.timestamp) + u' ') +
                    QString::fromUtf8(l.text) + u'\n');
            }
        });
    QObject::connect(&player, &RehearsalPlayer::traceOpened, &player,
                     [&](const RehearsalEvent& e) { say(u"  "_s + traceSummary(e)); });
    QObject::connect(
        &player, &RehearsalPlayer::checkReported, &player, [&](const RehearsalEvent& e) {
            ++checks;
            passed += e.checkPassed() ? 1 : 0;
            say(u"  %1 %2%3\n"_s.arg(e.checkPassed() ? u"✓"_s : u"✗"_s, e.title,
                                     e.message.isEmpty() ? QString() : u" — "_s + e.message));
            if (!e.checkPassed() && !e.hint.isEmpty())
                say(u"    hint: "_s + e.hint + u'\n');
        });
    QEventLoop loop;
    QObject::connect(&player, &RehearsalPlayer::finished, &loop, &QEventLoop::quit);
    player.playAll();
    loop.exec();

    const QStringList ids = rec.traceIdsSeen();
    say(u"\nDone: %1 steps, %2 of %3 checks passed.\n"_s.arg(rec.stepCount())
            .arg(passed)
            .arg(checks));
    if (!ids.isEmpty())
        say(u"Trace ids seen: %1\n"_s.arg(ids.join(u", "_s)));
    return passed == checks ? ExitOk : ExitFailure;
}

}  // namespace

int runRehearsal(const QStringList& args, const CliContext& ctx)
{
    Options o;
    if (const QString problem = parseOptions(args, o); !problem.isEmpty()) {
        ctx.printError(u"obslab rehearse: %1.\n\n"_s.arg(problem) + usage());
        return ExitUsage;
    }
    return replay(o, ctx);
}

Subcommand rehearseSubcommand()
{
    return Subcommand{u"rehearse"_s,
                      u"Replay a recorded lab run (no cluster touched), or print its handout"_s,
                      usage(), &runRehearsal};
}

int labRunWithRehearsal(const QStringList& args, const CliContext& ctx)
{
    // One parser for the words after `run`: the lab run's options, --record FILE, --rehearse and
    // a replay's options. What a replay rejects is said the way `obslab rehearse` says it.
    OptionParser parser(
        labRunOptions() + replayOptions() +
        QList<QCommandLineOption>{QCommandLineOption(u"record"_s, u"record the run"_s, u"FILE"_s),
                                  QCommandLineOption(u"rehearse"_s, u"replay instead"_s)});
    const bool parsed = parser.parse(args);
    const OptionParser::Problem& problem = parser.problem();
    const bool missing = problem.kind == OptionParser::Problem::Kind::MissingValue;
    auto replayError = [&ctx](const QString& why) {
        ctx.printError(u"obslab rehearse: %1.\n\n"_s.arg(why) + usage());
        return int(ExitUsage);
    };
    if (missing && problem.option == u"--record") {
        ctx.printError(u"obslab lab run: --record needs a file to write\n"_s);
        return ExitUsage;
    }
    const bool rehearse = parser.isSet(u"rehearse"_s);
    const QString recordPath = parser.value(u"record"_s);
    if (rehearse && parser.isSet(u"record"_s)) {
        ctx.printError(u"obslab lab run: --rehearse replays and --record records: one or the "
                       "other\n"_s);
        return ExitUsage;
    }
    if (!parsed && rehearse && (!missing || problem.option == u"--speed"))
        return replayError(problemText(problem));
    if (!parsed) {
        ctx.printError(u"obslab lab run: %1\n"_s.arg(
            missing ? u"%1 needs a value"_s.arg(problem.option)
                    : u"unknown option '%1'"_s.arg(problem.argument)));
        return ExitUsage;
    }
    // The lab is the first word; a replay judges the others, a run refuses them.
    const QStringList words = parser.words();
    LabRunOptions o;
    if (const QString error = readLabRunOptions(parser, rehearse ? words.mid(0, 1) : words, o);
        !error.isEmpty()) {
        ctx.printError(u"obslab lab run: %1\n"_s.arg(error));
        return ExitUsage;
    }
    if (rehearse) {
        // A lab (its file or id) names its shipped rehearsal; anything else is a rehearsal.
        QString target = o.lab;
        const QString labPath = LabCatalog::resolve(o.lab);
        const LabLoadResult lab =
            labPath.isEmpty() ? LabLoadResult() : LabLoader::loadFile(labPath);
        if (lab.ok())
            target = lab.lab->id;
        Options replayed;
        if (const QString why = readOptions(parser, QStringList{target} + words.mid(1), replayed);
            !why.isEmpty())
            return replayError(why);
        return replay(replayed, ctx);
    }
    for (const QString& name : {u"speed"_s, u"real-time"_s, u"handout"_s, u"no-results"_s}) {
        if (parser.isSet(name)) {
            ctx.printError(u"obslab lab run: unknown option '%1'\n"_s.arg(parser.spelling(name)));
            return ExitUsage;
        }
    }

    rehearsal::Recorder recorder;
    CommandRunner runner;
    recorder.attach(&runner);
    std::unique_ptr<rehearsal::LabRunRecorder> labRecorder;
    const int code = runLab(o, ctx, &runner, [&](LabRunner* lab) {
        labRecorder = std::make_unique<rehearsal::LabRunRecorder>(lab, &recorder);
    });
    if (!labRecorder)
        return code;  // nothing ran (no --yes, or the lab did not load)
    if (!labRecorder->isIdle()) {
        QEventLoop loop;
        QObject::connect(labRecorder.get(), &rehearsal::LabRunRecorder::idle, &loop,
                         &QEventLoop::quit);
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    // The simulated mesh names itself in every answer (tests/sim): a rehearsal made against it
    // must say so wherever it is shown.
    bool simulated = o.context == u"obslab-sim";
    for (const RehearsalEvent& e : recorder.recording().events)
        simulated = simulated || e.stdoutData.contains("obslab-sim");
    recorder.setSource(
        simulated
            ? rehearsal::RecordingSource{u"simulated-mesh"_s,
                                         u"Recorded against the simulated mesh of ObsLab's "
                                         "tests (tests/sim): test equipment, not a cluster"_s,
                                         o.context}
            : rehearsal::RecordingSource{u"cluster"_s,
                                         u"Recorded on the cluster of context %1"_s.arg(
                                             o.context.isEmpty() ? u"(current)"_s : o.context),
                                         o.context});
    QString error;
    if (!recorder.saveAs(recordPath, &error)) {
        ctx.printError(u"obslab lab run: %1\n"_s.arg(error));
        return ExitFailure;
    }
    ctx.print(
        u"\nRecorded %1 events in %2 steps to %3%4\n"_s.arg(recorder.recording().events.size())
            .arg(recorder.recording().stepCount())
            .arg(recordPath, simulated ? u" (simulated mesh)"_s : QString()));
    return code;
}

}  // namespace obslab::cli
