#include "core/cli/LabCommand.h"

#include "core/cli/TerminalText.h"

#include "core/cli/CommonOptions.h"
#include "core/cli/OptionParser.h"
#include "core/cli/RehearseCommand.h"

#include "core/kube/ClusterContext.h"
#include "core/lab/LabCatalog.h"
#include "core/lab/LabHost.h"
#include "core/lab/LabLoader.h"
#include "core/lab/LabRunner.h"
#include "core/lab/LabTrust.h"
#include "core/process/CommandRunner.h"

#include <QEventLoop>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli {

namespace {

const QString kUsage =
    u"Usage: obslab lab list\n"
    "       obslab lab lint FILE…\n"
    "       obslab lab plan FILE|ID [--set NAME=VALUE]…\n"
    "       obslab lab run FILE|ID [--step ID] [--yes] [--teardown | --teardown-only]\n"
    "                  [--context NAME] [--kubeconfig FILE] [--kubectl PATH]\n"
    "                  [--istioctl PATH] [--jaeger-url URL] [--set NAME=VALUE]…\n"
    "                  [--check-timeout SECONDS] [--record FILE]\n"
    "       obslab lab run FILE|ID --rehearse [--speed N | --real-time] [--yes]\n"
    "\n"
    "Guided labs (YAML files; the built-in ones are listed by 'lab list').\n"
    "  list   the built-in labs: id, estimated time, title, file\n"
    "  lint   check lab files; every problem is printed as FILE:LINE:COL: message\n"
    "  plan   what a lab will create, change and delete on the cluster\n"
    "  run    run a lab's steps without the app: each command, its output, each check.\n"
    "         Without --yes it only prints the plan (nothing runs). --step runs one step.\n"
    "         --jaeger-url points the Jaeger checks at a Jaeger you already reach;\n"
    "         otherwise the lab's port-forward provides one. --check-timeout caps how\n"
    "         long each check keeps trying (fail fast in CI). --record FILE also writes\n"
    "         the run as a rehearsal; --rehearse replays one (nothing runs): see\n"
    "         'obslab rehearse --help'.\n"
    "\n"
    "Exit status: 0 success (every check passed), 1 a lint error or a failed step, 2 usage,\n"
    "3 stopped short: the run ended before its last step without a failed step (refused\n"
    "to start, e.g. Istio's version unknown, or interrupted); it says why.\n"_s;

class HeadlessHost : public LabHost
{
public:
    HeadlessHost(const CliContext& ctx, bool yes)
        : ctx_(ctx)
        , yes_(yes)
    {}
    bool confirm(const QString& question, const QString& details) override
    {
        ctx_.print(terminalText(u"? %1\n"_s.arg(question)));
        if (!details.isEmpty())
            ctx_.print(terminalText(u"%1\n"_s.arg(details)));
        ctx_.print(yes_ ? u"  yes (--yes)\n"_s : u"  no (run again with --yes to accept)\n"_s);
        return yes_;
    }

    // --yes accepts the plan shown, nothing else.
    bool acceptsUnplanned() const override { return !yes_; }

private:
    const CliContext& ctx_;
    bool yes_;
};

QString indent(const QString& text, const QString& prefix)
{
    QStringList lines = text.split(u'\n');
    while (!lines.isEmpty() && lines.last().trimmed().isEmpty())
        lines.removeLast();
    for (QString& l : lines)
        l = prefix + l;
    return lines.join(u'\n');
}

LabLoadResult loadLab(const QString& idOrPath, const CliContext& ctx, QString* path)
{
    *path = LabCatalog::resolve(idOrPath);
    if (path->isEmpty()) {
        LabLoadResult r;
        ctx.printError(
            u"obslab lab: '%1' is neither a lab file nor a built-in lab (see 'obslab lab "
            "list')\n"_s.arg(idOrPath));
        return r;
    }
    LabLoadResult r = LabLoader::loadFile(*path);
    for (const LabIssue& e : r.errors)
        ctx.printError(e.toString() + u'\n');
    return r;
}

int list(const CliContext& ctx)
{
    const QList<LabCatalog::Entry> labs = LabCatalog::list();
    if (labs.isEmpty()) {
        ctx.printError(u"obslab lab list: no built-in labs found (looked in: %1)\n"_s.arg(
            LabCatalog::searchDirs().isEmpty() ? u"<prefix>/share/obslab/labs"_s
                                               : LabCatalog::searchDirs().join(u", ")));
        return ExitFailure;
    }
    for (const LabCatalog::Entry& e : labs) {
        if (!e.error.isEmpty())
            ctx.print(u"%1  (broken: %2)\n"_s.arg(e.id, e.error));
        else
            ctx.print(u"%1  %2 min  %3\n    %4\n"_s.arg(e.id)
                          .arg(e.estimatedMinutes)
                          .arg(e.title, e.path));
    }
    return ExitOk;
}

int lint(const QStringList& files, const CliContext& ctx)
{
    if (files.isEmpty()) {
        ctx.printError(u"obslab lab lint: give one or more lab files\n"_s);
        return ExitUsage;
    }
    int bad = 0;
    for (const QString& f : files) {
        const LabLoadResult r = LabLoader::loadFile(f);
        for (const LabIssue& e : r.errors)
            ctx.print(terminalText(e.toString()) + u'\n');
        if (r.ok())
            ctx.print(u"%1: ok (%2, %3 steps)\n"_s.arg(f, r.lab->id).arg(r.lab->steps.size()));
        else
            ++bad;
    }
    return bad ? ExitFailure : ExitOk;
}

}  // namespace

QList<QCommandLineOption> labRunOptions()
{
    return {QCommandLineOption({u"y"_s, u"yes"_s}, u"accept the plan"_s),
            QCommandLineOption(u"teardown"_s, u"run the teardown after the steps"_s),
            QCommandLineOption(u"teardown-only"_s, u"run only the teardown"_s),
            QCommandLineOption(u"step"_s, u"run one step"_s, u"ID"_s),
            CommonOptions::context(),
            CommonOptions::kubeconfig(),
            CommonOptions::kubectl(),
            CommonOptions::istioctl(),
            QCommandLineOption(u"jaeger-url"_s, u"a Jaeger already reached"_s, u"URL"_s),
            QCommandLineOption(u"set"_s, u"a lab variable"_s, u"NAME=VALUE"_s),
            QCommandLineOption(u"check-timeout"_s, u"cap on each check"_s, u"SECONDS"_s)};
}

QString readLabRunOptions(const OptionParser& parser, QStringList words, LabRunOptions& o)
{
    const QString empty =
        parser.givenEmpty({u"step"_s, u"context"_s, u"kubeconfig"_s, u"kubectl"_s, u"istioctl"_s,
                           u"jaeger-url"_s, u"set"_s, u"check-timeout"_s});
    if (!empty.isEmpty())
        return u"%1 needs a value"_s.arg(empty);
    o.yes = parser.isSet(u"yes"_s);
    o.teardownOnly = parser.isSet(u"teardown-only"_s);
    o.teardown = o.teardownOnly || parser.isSet(u"teardown"_s);
    o.step = parser.value(u"step"_s);
    const CommonOptions::Cluster cluster = CommonOptions::cluster(parser);
    o.context = cluster.target.context;
    o.kubeconfig = cluster.target.kubeconfig;
    o.kubectl = cluster.target.kubectl;
    o.istioctl = cluster.istioctl;
    if (!parser.positiveNumber(u"check-timeout"_s, &o.checkTimeoutSeconds))
        return u"--check-timeout needs a number of seconds"_s;
    if (parser.isSet(u"jaeger-url"_s)) {
        const QString value = parser.value(u"jaeger-url"_s);
        o.jaegerUrl = QUrl(value);
        if (!o.jaegerUrl.isValid() || o.jaegerUrl.scheme().isEmpty())
            return u"--jaeger-url: '%1' is not a URL such as http://127.0.0.1:16686"_s.arg(value);
    }
    for (const QString& value : parser.values(u"set"_s)) {
        const qsizetype eq = value.indexOf(u'=');
        if (eq <= 0)
            return u"--set needs NAME=VALUE, not '%1'"_s.arg(value);
        const QString v = value.mid(eq + 1);
        if (!LabTrust::isSafeVariableValue(v))
            return u"--set %1: the value may contain only letters, digits and . _ - / : = ,"_s.arg(
                value.left(eq));
        o.variables.insert(value.left(eq), v);
    }
    if (!words.isEmpty() && !words.constFirst().startsWith(u'-'))
        o.lab = words.takeFirst();
    if (!words.isEmpty())
        return u"unknown option '%1'"_s.arg(words.constFirst());
    if (o.lab.isEmpty())
        return u"give a lab file or the id of a built-in lab"_s;
    return {};
}

QString parseLabRunOptions(const QStringList& args, LabRunOptions& o)
{
    OptionParser parser(labRunOptions());
    if (!parser.parse(args)) {
        const OptionParser::Problem& problem = parser.problem();
        if (problem.kind == OptionParser::Problem::Kind::MissingValue)
            return u"%1 needs a value"_s.arg(problem.option);
        return u"unknown option '%1'"_s.arg(problem.argument);
    }
    return readLabRunOptions(parser, parser.words(), o);
}

int runLab(const LabRunOptions& o, const CliContext& ctx, CommandRunner* runner,
           const std::function<void(LabRunner*)>& observe)
{
    QString path;
    LabLoadResult loaded = loadLab(o.lab, ctx, &path);
    if (!loaded.ok())
        return ExitFailure;
    Lab& lab = *loaded.lab;
    if (o.checkTimeoutSeconds > 0) {
        for (LabStep& s : lab.steps)
            for (LabCheck& c : s.checks)
                c.timeout = std::min(c.timeout, std::chrono::seconds(o.checkTimeoutSeconds));
    }
    if (!o.step.isEmpty() && !lab.step(o.step)) {
        QStringList ids;
        for (const LabStep& s : lab.steps)
            ids << s.id;
        ctx.printError(u"obslab lab run: the lab has no step '%1' (steps: %2)\n"_s.arg(
            o.step, ids.join(u", ")));
        return ExitUsage;
    }
    for (auto it = o.variables.cbegin(); it != o.variables.cend(); ++it) {
        bool known = false;
        for (const auto& v : lab.variables)
            known = known || v.first == it.key();
        if (!known) {
            ctx.printError(u"obslab lab run: the lab has no variable '%1'\n"_s.arg(it.key()));
            return ExitUsage;
        }
    }

    // Nothing this run starts — the lab's commands or ours around them — gets EDITOR, PAGER or
    // KUBECTL_* hooks.
    runner->setScrubEnvironment(true);
    // The context: the one asked for, else kubectl's current one — passed explicitly on every
    // command, and its server decides whether changes need a confirmation.
    ClusterContext cluster(runner);
    cluster.setKubectl(o.kubectl);
    cluster.setKubeconfig(o.kubeconfig);
    {
        QEventLoop loop;
        QString error;
        QObject::connect(&cluster, &ClusterContext::refreshed, &loop, &QEventLoop::quit);
        QObject::connect(&cluster, &ClusterContext::refreshFailed, &loop,
                         [&](const QString& message, const QString& hint) {
                             error = message + (hint.isEmpty() ? QString() : u" "_s + hint);
                             loop.quit();
                         });
        if (o.context.isEmpty())
            cluster.refresh();
        else
            cluster.switchContext(o.context);
        loop.exec();
        if (!error.isEmpty()) {
            ctx.printError(u"obslab lab run: %1\n"_s.arg(error));
            return ExitFailure;
        }
    }

    LabRunnerOptions ro;
    ro.kube = cluster.target();
    ro.istio = cluster.istioTarget(o.istioctl);
    ro.policy = cluster.policy();
    ro.jaegerUrl = o.jaegerUrl;
    ro.variables = o.variables;
    HeadlessHost host(ctx, o.yes);
    LabRunner lr(lab, runner, &host, ro);

    ctx.print(u"Lab: %1 (%2)\nContext: %3, namespace %4\n"_s.arg(
        lab.title, path, cluster.context(), lr.variables().value(u"namespace"_s)));
    const LabPlan plan = lr.plan();
    if (!plan.problems.isEmpty()) {
        // With the values in effect (--set), the lab breaks the trust model: it never runs.
        ctx.print(u"\n"_s + terminalText(plan.toText(lab)));
        for (const QString& p : plan.problems)
            ctx.printError(terminalText(p) + u'\n');
        ctx.printError(u"obslab lab run: refused: the lab breaks the trust model (see above); "
                       "nothing was run\n"_s);
        return ExitFailure;
    }
    if (!o.yes) {
        ctx.print(u"\n"_s + terminalText(plan.toText(lab)));
        ctx.print(
            u"\nNothing was run. Review the plan above, then run again with --yes to accept it.\n"_s);
        return ExitFailure;
    }
    lr.acceptPlan();
    for (const QString& need : plan.needs)
        ctx.printError(u"obslab lab run: note: %1\n"_s.arg(need));
    if (observe)
        observe(&lr);

    auto stepLabel = [&](const QString& stepId) {
        if (stepId == LabRunner::kTeardownStep)
            return u"teardown"_s;
        return stepId;
    };
    QObject::connect(
        &lr, &LabRunner::stepStateChanged, &lr, [&](const QString& stepId, LabStepState state) {
            const LabStep* s = lab.step(stepId);
            if (!s)
                return;
            if (state == LabStepState::Running)
                ctx.print(
                    terminalText(u"\n== Step %1/%2 [%3]: %4\n"_s.arg(lab.stepIndex(stepId) + 1)
                                     .arg(lab.steps.size())
                                     .arg(stepId, s->title)));
            else if (state != LabStepState::Pending)
                ctx.print(u"-- step %1: %2\n"_s.arg(stepId, labStepStateName(state)));
        });
    QObject::connect(&lr, &LabRunner::actionStarted, &lr,
                     [&](const QString& stepId, int, const QString& line) {
                         Q_UNUSED(stepId);
                         ctx.print(terminalText(u"$ %1\n"_s.arg(line)));
                     });
    QObject::connect(&lr, &LabRunner::actionOutput, &lr,
                     [&](const QString&, int, const QString& line, bool isError) {
                         ctx.print((isError ? u"  ! "_s : u"  "_s) + terminalText(line) + u'\n');
                     });
    QObject::connect(
        &lr, &LabRunner::actionFinished, &lr,
        [&](const QString& stepId, int, bool ok, const QString& message) {
            Q_UNUSED(stepId);
            ctx.print(terminalText(u"  [%1] %2\n"_s.arg(ok ? u"ok"_s : u"FAILED"_s, message)));
        });
    QObject::connect(
        &lr, &LabRunner::checkFinished, &lr,
        [&](const QString& stepId, int index, bool passed, const QString& message) {
            const LabStep* s = lab.step(stepId);
            if (!s || index < 0 || index >= s->checks.size())
                return;
            const LabCheck& c = s->checks.at(index);
            ctx.print(terminalText(u"check: %1 ... %2\n    %3\n"_s.arg(
                substituteVariables(labCheckSummary(c), lr.variables()),
                passed ? u"pass"_s : u"FAIL"_s, message)));
            if (!passed) {
                ctx.print(terminalText(u"    hint:\n%1\n"_s.arg(
                    indent(substituteVariables(c.hint, lr.variables()), u"      "_s))));
                if (!c.focus.isEmpty())
                    ctx.print(u"    doctor: obslab doctor (check %1)\n"_s.arg(c.focus));
            }
        });
    QString refusal;
    QObject::connect(&lr, &LabRunner::refused, &lr, [&](const QString& why) {
        refusal = why;
        ctx.printError(terminalText(u"obslab lab run: %1\n"_s.arg(why)));
    });

    auto runAndWait = [&](const std::function<void()>& start) {
        QEventLoop loop;
        bool ok = false;
        bool started = false;
        const auto c1 = QObject::connect(&lr, &LabRunner::finished, &loop, [&](bool r) {
            ok = r;
            loop.quit();
        });
        const auto c2 = QObject::connect(&lr, &LabRunner::busyChanged, &loop,
                                         [&](bool busy) { started = started || busy; });
        start();
        if (started || lr.isBusy())
            loop.exec();
        QObject::disconnect(c1);
        QObject::disconnect(c2);
        return ok;
    };
    bool ok = true;
    bool stepFailed = false;
    if (!o.teardownOnly) {
        ok = runAndWait([&] {
            if (o.step.isEmpty())
                lr.runAll();
            else
                lr.runStep(o.step);
        });
        const int done = lr.doneCount();
        QString failedStep;
        for (const LabStep& s : lab.steps)
            if (failedStep.isEmpty() && lr.stepState(s.id) == LabStepState::Failed)
                failedStep = s.id;
        stepFailed = !failedStep.isEmpty();
        const int wanted = o.step.isEmpty() ? int(lab.steps.size()) : 1;
        if (ok && (!o.step.isEmpty() || done >= wanted)) {
            ctx.print(u"\nPassed: %1 of %2 steps done\n"_s.arg(done).arg(lab.steps.size()));
        } else if (stepFailed) {
            ok = false;
            ctx.print(u"\nFailed at step %1: %2 of %3 steps done\n"_s.arg(failedStep)
                          .arg(done)
                          .arg(lab.steps.size()));
        } else {
            // Nothing failed, yet the run did not get to the end: say why, and exit 3.
            ok = false;
            ctx.print(
                u"\nStopped short: %1 of %2 steps done (%3)\n"_s.arg(done)
                    .arg(lab.steps.size())
                    .arg(refusal.isEmpty() ? u"the run ended before its last step"_s : refusal));
        }
    }
    if (o.teardown) {
        ctx.print(u"\n== Teardown\n"_s);
        const bool torn = runAndWait([&] { lr.teardown(); });
        ctx.print(torn ? u"Teardown done.\n"_s : u"Teardown failed: see above.\n"_s);
        stepFailed = stepFailed || !torn;
        ok = ok && torn;
    }
    Q_UNUSED(stepLabel);
    if (ok)
        return ExitOk;
    return stepFailed ? ExitFailure : ExitIncomplete;
}

Subcommand labSubcommand()
{
    Subcommand sub;
    sub.name = u"lab"_s;
    sub.summary = u"List, lint, plan and run guided labs headless"_s;
    sub.usage = kUsage;
    sub.run = [](const QStringList& args, const CliContext& ctx) {
        if (args.isEmpty() || args.contains(u"--help") || args.contains(u"-h")) {
            ctx.print(kUsage);
            return int(args.isEmpty() ? ExitUsage : ExitOk);
        }
        const QString action = args.first();
        const QStringList rest = args.mid(1);
        if (action == u"list")
            return list(ctx);
        if (action == u"lint")
            return lint(rest, ctx);
        if (action == u"plan") {
            LabRunOptions o;
            const QString error = parseLabRunOptions(rest, o);
            if (!error.isEmpty()) {
                ctx.printError(u"obslab lab plan: %1\n"_s.arg(error));
                return int(ExitUsage);
            }
            QString path;
            const LabLoadResult r = loadLab(o.lab, ctx, &path);
            if (!r.ok())
                return int(ExitFailure);
            const LabPlan plan = LabPlan::build(*r.lab, o.variables);
            ctx.print(terminalText(plan.toText(*r.lab)));
            for (const QString& p : plan.problems)
                ctx.printError(terminalText(p) + u'\n');
            return int(plan.problems.isEmpty() ? ExitOk : ExitFailure);
        }
        if (action == u"run") {
            if (rest.contains(u"--rehearse"_s) || rest.contains(u"--record"_s))
                return labRunWithRehearsal(rest, ctx);  // RehearseCommand (rehearsals)
            LabRunOptions o;
            const QString error = parseLabRunOptions(rest, o);
            if (!error.isEmpty()) {
                ctx.printError(u"obslab lab run: %1\n"_s.arg(error));
                return int(ExitUsage);
            }
            CommandRunner runner;
            return runLab(o, ctx, &runner);
        }
        ctx.printError(u"obslab lab: unknown action '%1' (list, lint, plan, run)\n"_s.arg(action));
        return int(ExitUsage);
    };
    return sub;
}

}  // namespace obslab::cli
