#include "core/cli/RehearseCommand.h"

#include "core/cli/LabCommand.h"
#include "core/lab/LabCatalog.h"
#include "core/lab/LabLoader.h"
#include "core/process/CommandRunner.h"
#include "core/rehearsal/Handout.h"
#include "core/rehearsal/LabRunRecorder.h"
#include "core/rehearsal/Recorder.h"
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

QString parseOptions(const QStringList& args, Options& o)
{
    for (int i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == u"--speed") {
            bool ok = false;
            o.speed = i + 1 < args.size() ? args[++i].toDouble(&ok) : 0;
            if (!ok || o.speed <= 0)
                return u"--speed needs a positive number"_s;
        } else if (a == u"--real-time") {
            o.speed = 1;
        } else if (a == u"--handout") {
            o.handout = true;
        } else if (a == u"--no-results") {
            o.results = false;
        } else if (a == u"--yes" || a == u"-y" || a == u"--rehearse") {
            // nothing to confirm: a rehearsal runs nothing
        } else if (a.startsWith(u'-') && a.size() > 1) {
            return u"unknown option '%1'"_s.arg(a);
        } else if (o.target.isEmpty()) {
            o.target = a;
        } else {
            return u"only one rehearsal, please"_s;
        }
    }
    if (o.target.isEmpty())
        return u"which rehearsal? Give a file or an ID"_s;
    if (!o.results && !o.handout)
        return u"--no-results goes with --handout"_s;
    return {};
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

QStringList shippedRehearsals()
{
    QStringList ids;
    const QStringList files =
        QDir(u":/rehearsals"_s).entryList({u"*.ndjson"_s}, QDir::Files, QDir::Name);
    for (const QString& f : files)
        ids << QFileInfo(f).completeBaseName();
    return ids;
}

QString resolveRehearsal(const QString& fileOrId)
{
    if (QFileInfo(fileOrId).isFile())
        return fileOrId;
    const QString shipped = u":/rehearsals/%1.ndjson"_s.arg(fileOrId);
    if (!fileOrId.contains(u'/') && QFileInfo::exists(shipped))
        return shipped;
    return {};
}

int runRehearsal(const QStringList& args, const CliContext& ctx)
{
    Options o;
    if (const QString problem = parseOptions(args, o); !problem.isEmpty()) {
        ctx.printError(u"obslab rehearse: %1.\n\n"_s.arg(problem) + usage());
        return ExitUsage;
    }
    const QString path = resolveRehearsal(o.target);
    if (path.isEmpty()) {
        const QStringList ids = shippedRehearsals();
        ctx.printError(
            u"obslab rehearse: no rehearsal file or shipped rehearsal named '%1'.\n"_s.arg(
                o.target) +
            (ids.isEmpty() ? QString() : u"Shipped rehearsals: %1\n"_s.arg(ids.join(u", "_s))));
        return ExitFailure;
    }
    auto loaded = Recording::load(path);
    if (!loaded) {
        ctx.printError(u"obslab rehearse: "_s + loaded.error().message + u'\n');
        if (!loaded.error().hint.isEmpty())
            ctx.printError(loaded.error().hint + u'\n');
        return ExitFailure;
    }
    const Recording& rec = *loaded;
    if (o.handout) {
        rehearsal::Handout::Options options;
        options.includeResults = o.results;
        ctx.print(rehearsal::Handout::toMarkdown(rec, options));
        return ExitOk;
    }

    ctx.print(u"Rehearsal — no cluster is touched.\n"_s);
    if (rec.source.isSimulated())
        ctx.print(u"Recorded against the simulated mesh of ObsLab's tests (test equipment, not a "
                  "cluster)%1.\n"_s.arg(
                      rec.recordedAt.isValid()
                          ? u" on "_s + rec.recordedAt.toUTC().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s)
                          : QString()));
    else if (!rec.source.label.isEmpty())
        ctx.print(rec.source.label + u'\n');
    ctx.print(u"Lab: %1%2, %3 steps\n"_s.arg(rec.labTitle.isEmpty() ? rec.labId : rec.labTitle)
                  .arg(rec.labId.isEmpty() || rec.labTitle.isEmpty() ? QString()
                                                                     : u" ("_s + rec.labId + u')')
                  .arg(rec.stepCount()));

    RehearsalPlayer player(rec);
    player.setSpeed(o.speed);
    int checks = 0;
    int passed = 0;
    QObject::connect(&player, &RehearsalPlayer::currentStepChanged, &player, [&](int step) {
        const RehearsalEvent* e = rec.stepEvent(step);
        ctx.print(u"\nStep %1/%2: %3\n"_s.arg(step + 1)
                      .arg(rec.stepCount())
                      .arg(e ? e->title : QString()));
    });
    // What `lab run` printed: each action's command and output; a check's own commands are not
    // shown (their results are), and a log snapshot's lines are its command's output already.
    QObject::connect(&player, &RehearsalPlayer::commandStarted, &player,
                     [&](const RehearsalEvent& e) {
                         if (!e.forCheck)
                             ctx.print(u"$ "_s + e.shellLine() +
                                       (e.background ? u"   (background)"_s : QString()) + u'\n');
                     });
    QObject::connect(
        &player, &RehearsalPlayer::commandFinished, &player, [&](const RehearsalEvent& e) {
            if (e.forCheck)
                return;
            ctx.print(indent(e.stdoutData, u"  "_s) + indent(e.stderrData, u"  "_s));
            if (e.status != CommandStatus::Succeeded)
                ctx.print(
                    u"  [%1, exit code %2]\n"_s.arg(commandStatusName(e.status)).arg(e.exitCode));
        });
    QObject::connect(
        &player, &RehearsalPlayer::logLinesReplayed, &player, [&](const RehearsalEvent& e) {
            if (e.fromSnapshot)
                return;
            for (const auto& l : e.logLines) {
                ctx.print(
                    u"  [pod/%1/%2] "_s.arg(l.pod, l.container) +
                    (l.timestamp.isEmpty() ? QString() : QString::fromLatin1(l.timestamp) + u' ') +
                    QString::fromUtf8(l.text) + u'\n');
            }
        });
    QObject::connect(&player, &RehearsalPlayer::traceOpened, &player,
                     [&](const RehearsalEvent& e) { ctx.print(u"  "_s + traceSummary(e)); });
    QObject::connect(
        &player, &RehearsalPlayer::checkReported, &player, [&](const RehearsalEvent& e) {
            ++checks;
            passed += e.checkPassed() ? 1 : 0;
            ctx.print(u"  %1 %2%3\n"_s.arg(e.checkPassed() ? u"✓"_s : u"✗"_s, e.title,
                                           e.message.isEmpty() ? QString() : u" — "_s + e.message));
            if (!e.checkPassed() && !e.hint.isEmpty())
                ctx.print(u"    hint: "_s + e.hint + u'\n');
        });
    QEventLoop loop;
    QObject::connect(&player, &RehearsalPlayer::finished, &loop, &QEventLoop::quit);
    player.playAll();
    loop.exec();

    const QStringList ids = rec.traceIdsSeen();
    ctx.print(u"\nDone: %1 steps, %2 of %3 checks passed.\n"_s.arg(rec.stepCount())
                  .arg(passed)
                  .arg(checks));
    if (!ids.isEmpty())
        ctx.print(u"Trace ids seen: %1\n"_s.arg(ids.join(u", "_s)));
    return passed == checks ? ExitOk : ExitFailure;
}

Subcommand rehearseSubcommand()
{
    return Subcommand{u"rehearse"_s,
                      u"replay a recorded lab run (no cluster is touched); or print its handout"_s,
                      usage(), &runRehearsal};
}

int labRunWithRehearsal(const QStringList& args, const CliContext& ctx)
{
    QStringList words = args;
    QString recordPath;
    if (const qsizetype at = words.indexOf(u"--record"_s); at >= 0) {
        if (at + 1 >= words.size()) {
            ctx.printError(u"obslab lab run: --record needs a file to write\n"_s);
            return ExitUsage;
        }
        recordPath = words.at(at + 1);
        words.remove(at, 2);
    }
    const bool rehearse = words.removeAll(u"--rehearse"_s) > 0;
    if (rehearse && !recordPath.isEmpty()) {
        ctx.printError(u"obslab lab run: --rehearse replays and --record records: one or the "
                       "other\n"_s);
        return ExitUsage;
    }
    LabRunOptions o;
    QStringList rest;
    if (const QString error = parseLabRunOptions(words, o, &rest); !error.isEmpty()) {
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
        return runRehearsal(QStringList{target} + rest, ctx);
    }
    if (!rest.isEmpty()) {
        ctx.printError(u"obslab lab run: unknown option '%1'\n"_s.arg(rest.constFirst()));
        return ExitUsage;
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
