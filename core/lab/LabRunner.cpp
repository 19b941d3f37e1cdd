#include "core/lab/LabRunner.h"

#include "core/lab/LabTools.h"

#include "core/kube/ToolVersions.h"

#include "core/lab/LabHost.h"
#include "core/lab/LabTrust.h"

#include "core/common/Logging.h"
#include "core/doctor/Doctor.h"
#include "core/kube/IstioVersion.h"
#include "core/kube/Istioctl.h"
#include "core/kube/KubeError.h"
#include "core/kube/KubeObjects.h"
#include "core/kube/Kubectl.h"
#include "core/kube/MutationGate.h"
#include "core/kube/PortForward.h"
#include "core/kube/TracedRequest.h"
#include "core/process/BackgroundJob.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/Redactor.h"
#include "core/process/StreamRedactor.h"
#include "core/tracing/JaegerClient.h"
#include "core/tracing/JaegerTraceId.h"
#include "core/tracing/JaegerUrls.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab {

namespace {

QString randomHex64()
{
    quint64 v = 0;
    while (v == 0)
        v = QRandomGenerator::global()->generate64();
    return u"%1"_s.arg(v, 16, 16, QChar(u'0'));
}

QString firstLine(const QByteArray& bytes)
{
    const QString text = QString::fromUtf8(bytes).trimmed();
    const QStringList lines = text.split(u'\n');
    for (auto it = lines.crbegin(); it != lines.crend(); ++it)
        if (it->trimmed().startsWith(u"error", Qt::CaseInsensitive))
            return it->trimmed();
    return lines.value(0).trimmed();
}

QString failureText(const CommandResult& r)
{
    // A cluster that does not answer is said as such, with what to do (not kubectl's hint).
    if (const KubeError e = KubeErrors::classify(r); e.kind == KubeErrorKind::Unreachable)
        return e.message;
    QString why = firstLine(r.stderrData);
    if (why.isEmpty())
        why = r.message;
    if (why.isEmpty())
        why = commandStatusName(r.status);
    return why;
}

}  // namespace

LabRunner::LabRunner(Lab lab, CommandRunner* runner, LabHost* host, LabRunnerOptions options,
                     QObject* parent)
    : QObject(parent)
    , lab_(std::move(lab))
    , runner_(runner)
    , host_(host)
    , options_(std::move(options))
    , jaeger_(new JaegerClient(this))
{
    for (const auto& [name, value] : lab_.variables)
        vars_.insert(name, value);
    for (auto it = options_.variables.cbegin(); it != options_.variables.cend(); ++it)
        vars_.insert(it.key(), it.value());
    if (!vars_.contains(u"namespace"_s))
        vars_.insert(u"namespace"_s, options_.kube.ns.isEmpty() ? u"default"_s : options_.kube.ns);
    if (options_.jaegerUrl.isValid())
        setJaegerUrl(options_.jaegerUrl);
    traffic_.setTimerType(Qt::CoarseTimer);
    connect(&traffic_, &QTimer::timeout, this, &LabRunner::sendTrafficRequest);
}

LabRunner::~LabRunner()
{
    ++generation_;
    stopBackground();
    for (const auto& c : std::as_const(running_))
        if (c)
            c->cancel();
}

void LabRunner::setProgressStore(LabProgressStore* store)
{
    store_ = store;
    if (!store_)
        return;
    progress_ = store_->load(lab_.id);
    for (auto it = progress_.steps.begin(); it != progress_.steps.end();) {
        if (!lab_.step(it.key()))
            it = progress_.steps.erase(it);
        else
            ++it;
    }
    for (const LabStep& s : lab_.steps)
        Q_EMIT stepStateChanged(s.id, stepState(s.id));
}

LabPlan LabRunner::plan() const
{
    LabPlan plan = LabPlan::build(lab_, vars_);
    if (!ToolVersions::locate(Tool::Istioctl, options_.istio.istioctl).ok()) {
        const QString note = LabTools::istioctlMissingNote(lab_);
        if (!note.isEmpty())
            plan.needs << note;
    }
    return plan;
}

void LabRunner::acceptPlan()
{
    progress_.planAccepted = true;
    save();
}

LabStepState LabRunner::stepState(const QString& stepId) const
{
    return progress_.steps.value(stepId, LabStepState::Pending);
}

int LabRunner::doneCount() const
{
    int n = 0;
    for (const LabStep& s : lab_.steps) {
        const LabStepState st = stepState(s.id);
        if (st == LabStepState::Passed || st == LabStepState::Skipped)
            ++n;
    }
    return n;
}

QString LabRunner::currentStepId() const
{
    for (const LabStep& s : lab_.steps) {
        const LabStepState st = stepState(s.id);
        if (st != LabStepState::Passed && st != LabStepState::Skipped)
            return s.id;
    }
    return {};
}

void LabRunner::setState(const QString& stepId, LabStepState state)
{
    if (stepId == kTeardownStep)
        return;
    if (progress_.steps.value(stepId, LabStepState::Pending) == state &&
        progress_.steps.contains(stepId))
        return;
    progress_.steps.insert(stepId, state);
    save();
    Q_EMIT stepStateChanged(stepId, state);
}

void LabRunner::save()
{
    if (store_ && !store_->save(lab_.id, progress_))
        qCWarning(lcLab) << "could not save the lab's progress to" << store_->pathFor(lab_.id);
}

void LabRunner::resetProgress()
{
    if (busy_)
        return;
    const bool accepted = progress_.planAccepted;
    progress_ = {};
    progress_.planAccepted = accepted;
    save();
    for (const LabStep& s : lab_.steps)
        Q_EMIT stepStateChanged(s.id, LabStepState::Pending);
}

const LabAction* LabRunner::action(const QString& stepId, int index) const
{
    const QList<LabAction>* list = nullptr;
    if (stepId == kTeardownStep) {
        list = &lab_.teardown;
    } else if (const LabStep* s = lab_.step(stepId)) {
        list = &s->actions;
    }
    if (!list || index < 0 || index >= list->size())
        return nullptr;
    return &list->at(index);
}

// ---------------------------------------------------------------------------------------------
// Operations

bool LabRunner::begin(const QString& what)
{
    if (busy_) {
        Q_EMIT refused(u"The lab is busy; wait for it or press Stop before you %1."_s.arg(what));
        return false;
    }
    if (!progress_.planAccepted) {
        Q_EMIT refused(u"Nothing ran: review and accept what the lab will change first."_s);
        return false;
    }
    if (!runner_) {
        Q_EMIT refused(u"Nothing ran: no command runner."_s);
        return false;
    }
    busy_ = true;
    Q_EMIT busyChanged(true);
    return true;
}

void LabRunner::end(bool ok)
{
    if (!busy_)
        return;
    busy_ = false;
    running_.removeAll(nullptr);
    Q_EMIT busyChanged(false);
    Q_EMIT finished(ok);
}

void LabRunner::sequence(QList<Task> tasks, Done done)
{
    const quint64 gen = generation_;
    auto state = std::make_shared<std::pair<QList<Task>, int>>(std::move(tasks), 0);
    auto next = std::make_shared<std::function<void()>>();
    *next = [this, state, next, done, gen] {
        if (gen != generation_)
            return;
        if (state->second >= state->first.size()) {
            // Clearing *next destroys this very lambda (and its captures): keep what is needed.
            const Done finish = done;
            *next = nullptr;  // breaks the self-reference
            finish(true);
            return;
        }
        const Task task = state->first.at(state->second++);
        task([this, next, done, gen](bool ok) {
            if (gen != generation_)
                return;
            if (!ok) {
                const auto keep = *next;
                *next = nullptr;
                done(false);
                return;
            }
            // Continue from the event loop, so that long chains do not nest.
            QMetaObject::invokeMethod(
                this,
                [next] {
                    if (*next)
                        (*next)();
                },
                Qt::QueuedConnection);
        });
    };
    (*next)();
}

bool LabRunner::applies(const VersionCondition& when) const
{
    return when.op == VersionCondition::Any || when.matches(istioVersion_);
}

bool LabRunner::needsIstioVersion() const
{
    if (!istioVersion_.isEmpty())
        return false;
    for (const LabStep& s : lab_.steps) {
        for (const LabAction& a : s.actions)
            if (a.whenIstio.op != VersionCondition::Any)
                return true;
        for (const LabCheck& c : s.checks)
            if (c.whenIstio.op != VersionCondition::Any)
                return true;
    }
    return false;
}

void LabRunner::ensureIstioVersion(Done done)
{
    if (!needsIstioVersion()) {
        done(true);
        return;
    }
    // istioctl when there is one, else (or when it cannot say) istiod's image, as the doctor
    // reads it: the kubectl-only steps run without istioctl.
    auto fromIstiod = [this, done](const QString& istioctlWhy) {
        KubeTarget system = options_.kube;
        system.ns = u"istio-system"_s;
        Kubectl::GetOptions named;
        named.name = u"istiod"_s;
        runCommand({}, -1, Kubectl::get(system, u"deployments"_s, named),
                   [this, done, istioctlWhy](const CommandResult& r) {
                       istioVersion_ =
                           r.ok() ? IstioVersion::fromIstiodDeployment(r.stdoutData) : QString();
                       if (istioVersion_.isEmpty()) {
                           Q_EMIT refused(
                               u"Cannot tell which Istio version runs (%1; istiod's image: %2); "
                               "some steps depend on it. Check that Istio is installed and the "
                               "cluster answers."_s.arg(istioctlWhy, r.ok() ? u"no version tag"_s
                                                                            : failureText(r)));
                           done(false);
                           return;
                       }
                       qCInfo(lcLab) << "Istio version (istiod's image):" << istioVersion_;
                       done(true);
                   });
    };
    if (!ToolVersions::locate(Tool::Istioctl, options_.istio.istioctl).ok()) {
        fromIstiod(u"istioctl was not found"_s);
        return;
    }
    IstioTarget t = options_.istio;
    t.kubeconfig = options_.kube.kubeconfig;
    t.context = options_.kube.context;
    runCommand({}, -1, Istioctl::version(t, true),
               [this, done, fromIstiod](const CommandResult& r) {
                   const IstioVersionInfo info =
                       IstioVersion::parse(QByteArray(r.stdoutData + '\n' + r.stderrData));
                   istioVersion_ = !info.controlPlane.isEmpty() ? info.controlPlane : info.client;
                   if (istioVersion_.isEmpty()) {
                       fromIstiod(u"istioctl version: "_s + failureText(r));
                       return;
                   }
                   qCInfo(lcLab) << "Istio version for the lab's variants:" << istioVersion_;
                   done(true);
               });
}

QList<LabRunner::Task> LabRunner::actionTasks(const QString& stepId,
                                              const QList<LabAction>& actions)
{
    QList<Task> tasks;
    for (int i = 0; i < actions.size(); ++i) {
        tasks << [this, stepId, i, a = actions.at(i)](Done done) {
            if (!applies(a.whenIstio)) {
                Q_EMIT actionFinished(stepId, i, true,
                                      u"Skipped: only for Istio %1 (this cluster runs %2)."_s.arg(
                                          a.whenIstio.text, istioVersion_));
                done(true);
                return;
            }
            execAction(stepId, i, a, done);
        };
    }
    return tasks;
}

QList<LabRunner::Task> LabRunner::checkTasks(const QString& stepId, const LabStep& step)
{
    QList<Task> tasks;
    auto allPassed = std::make_shared<bool>(true);
    for (int i = 0; i < step.checks.size(); ++i) {
        tasks << [this, stepId, i, c = step.checks.at(i), allPassed](Done done) {
            if (!applies(c.whenIstio)) {
                Q_EMIT checkFinished(stepId, i, true,
                                     u"Not needed on Istio %1."_s.arg(istioVersion_));
                done(true);
                return;
            }
            // A failed check does not stop the others: the person sees every failure at once.
            execCheck(stepId, i, c, [allPassed, done](bool ok) {
                *allPassed = *allPassed && ok;
                done(true);
            });
        };
    }
    tasks << [allPassed](Done done) { done(*allPassed); };
    return tasks;
}

void LabRunner::runStep(const QString& stepId)
{
    const LabStep* step = lab_.step(stepId);
    if (!step) {
        Q_EMIT refused(u"The lab has no step '%1'."_s.arg(stepId));
        return;
    }
    if (!begin(u"run a step"_s))
        return;
    setState(stepId, LabStepState::Running);
    const LabStep s = *step;
    QList<Task> tasks;
    tasks << [this](Done d) { ensureIstioVersion(d); };
    tasks << actionTasks(stepId, s.actions);
    tasks << checkTasks(stepId, s);
    sequence(tasks, [this, stepId](bool ok) {
        setState(stepId, ok ? LabStepState::Passed : LabStepState::Failed);
        end(ok);
    });
}

void LabRunner::runAction(const QString& stepId, int index)
{
    const LabAction* a = action(stepId, index);
    if (!a) {
        Q_EMIT refused(u"The lab has no such action."_s);
        return;
    }
    if (!begin(u"run an action"_s))
        return;
    const LabAction copy = *a;
    sequence({[this](Done d) { ensureIstioVersion(d); },
              [this, stepId, index, copy](Done d) {
                  if (!applies(copy.whenIstio)) {
                      Q_EMIT actionFinished(
                          stepId, index, true,
                          u"Skipped: only for Istio %1 (this cluster runs %2)."_s.arg(
                              copy.whenIstio.text, istioVersion_));
                      d(true);
                      return;
                  }
                  execAction(stepId, index, copy, d);
              }},
             [this](bool ok) { end(ok); });
}

void LabRunner::checkStep(const QString& stepId)
{
    const LabStep* step = lab_.step(stepId);
    if (!step) {
        Q_EMIT refused(u"The lab has no step '%1'."_s.arg(stepId));
        return;
    }
    if (!begin(u"check a step"_s))
        return;
    setState(stepId, LabStepState::Running);
    QList<Task> tasks;
    tasks << [this](Done d) { ensureIstioVersion(d); };
    tasks << checkTasks(stepId, *step);
    sequence(tasks, [this, stepId](bool ok) {
        setState(stepId, ok ? LabStepState::Passed : LabStepState::Failed);
        end(ok);
    });
}

void LabRunner::skipStep(const QString& stepId)
{
    if (!lab_.step(stepId) || busy_)
        return;
    setState(stepId, LabStepState::Skipped);
}

void LabRunner::runAll()
{
    if (!begin(u"run the lab"_s))
        return;
    QList<Task> tasks;
    tasks << [this](Done d) { ensureIstioVersion(d); };
    for (const LabStep& s : lab_.steps) {
        const LabStepState st = stepState(s.id);
        if (st == LabStepState::Passed || st == LabStepState::Skipped)
            continue;
        tasks << [this, s](Done d) {
            setState(s.id, LabStepState::Running);
            QList<Task> inner = actionTasks(s.id, s.actions);
            inner << checkTasks(s.id, s);
            sequence(inner, [this, id = s.id, d](bool ok) {
                setState(id, ok ? LabStepState::Passed : LabStepState::Failed);
                d(ok);
            });
        };
    }
    sequence(tasks, [this](bool ok) { end(ok); });
}

void LabRunner::teardown()
{
    if (!begin(u"tear the lab down"_s))
        return;
    stopBackground();
    // Teardown goes on after a failed action: it removes as much as it can.
    QList<Task> tasks;
    auto allOk = std::make_shared<bool>(true);
    const QList<Task> actions = actionTasks(kTeardownStep, lab_.teardown);
    for (const Task& t : actions)
        tasks << [t, allOk](Done d) {
            t([allOk, d](bool ok) {
                *allOk = *allOk && ok;
                d(true);
            });
        };
    sequence(tasks, [this, allOk](bool) {
        if (*allOk) {
            for (const LabStep& s : lab_.steps)
                setState(s.id, LabStepState::Pending);
            progress_.traceIds.clear();
            save();
        }
        end(*allOk);
    });
}

void LabRunner::cancel()
{
    if (!busy_)
        return;
    ++generation_;
    for (const auto& c : std::as_const(running_))
        if (c)
            c->cancel();
    running_.clear();
    for (const LabStep& s : lab_.steps)
        if (stepState(s.id) == LabStepState::Running)
            setState(s.id, LabStepState::Failed);
    end(false);
}

void LabRunner::stopBackground()
{
    traffic_.stop();
    if (trafficCommand_)
        trafficCommand_->cancel();
    if (forward_ && ownsForward_) {
        forward_->stop();
        forward_->deleteLater();
    }
    forward_ = nullptr;
}

// ---------------------------------------------------------------------------------------------
// Commands

QString LabRunner::sub(const QString& text) const
{
    return substituteVariables(text, vars_);
}

QStringList LabRunner::sub(const QStringList& list) const
{
    QStringList out;
    out.reserve(list.size());
    for (const QString& s : list)
        out << sub(s);
    return out;
}

QString LabRunner::nsOf(const QString& ns) const
{
    return ns.isEmpty() ? vars_.value(u"namespace"_s) : sub(ns);
}

KubeTarget LabRunner::target(const QString& ns) const
{
    KubeTarget t = options_.kube;
    t.ns = nsOf(ns);
    return t;
}

CommandSpec LabRunner::rawSpec(const QString& tool, const QStringList& labArgs,
                               const QString& ns) const
{
    const QStringList args = sub(labArgs);
    CommandSpec spec;
    // Lab files in the arguments (`apply -f manifests/x.yaml`) were checked relative to the lab's
    // folder: kubectl and istioctl must resolve them there too, wherever obslab was started.
    spec.workingDirectory = lab_.dir;
    QStringList flags;
    if (!options_.kube.kubeconfig.isEmpty())
        flags << u"--kubeconfig"_s << options_.kube.kubeconfig;
    if (!options_.kube.context.isEmpty())
        flags << u"--context"_s << options_.kube.context;
    if (tool == u"kubectl") {
        spec.program = options_.kube.kubectl;
        bool hasNs = false;
        for (const QString& a : args)
            if (a == u"-n" || a.startsWith(u"--namespace") || a == u"-A" ||
                a == u"--all-namespaces" ||
                (a.startsWith(u"-n") && a.size() > 2 && !a.startsWith(u"--")))
                hasNs = true;
        if (!hasNs)
            flags << u"-n"_s << nsOf(ns);
    } else {
        spec.program = options_.istio.istioctl;
    }
    // The flags go before a `--` (after which words belong to another program).
    const qsizetype dashdash = args.indexOf(u"--"_s);
    spec.arguments =
        dashdash < 0 ? args + flags : args.mid(0, dashdash) + flags + args.mid(dashdash);
    spec.title = u"%1 %2"_s.arg(tool, args.value(0));
    spec.timeout = 120s;
    return spec;
}

Result<QByteArray> LabRunner::manifest(const LabAction& a) const
{
    const CommandPolicy::Scope scope = LabTrust::scope(lab_, vars_, a.ns);
    if (!a.inline_.isEmpty()) {
        const QByteArray text = sub(a.inline_).toUtf8();
        const QStringList problems = CommandPolicy::manifestProblems(
            text, scope.defaultNamespace, scope, a.kind == LabActionKind::Delete);
        if (!problems.isEmpty())
            return Error{u"Refused: "_s + problems.join(u"; "), {}};
        return text;
    }
    if (a.file.isEmpty())
        return Error{u"This action has no manifest."_s, {}};
    const QString rel = sub(a.file);
    if (lab_.dir.isEmpty())
        return Error{u"The lab was not loaded from a folder, so '%1' cannot be read."_s.arg(rel),
                     {}};
    // Checked now, with the values in effect and symlinks resolved: what is read is what the
    // plan showed.
    QString canonical;
    if (const QString why = CommandPolicy::checkLabFile(rel, lab_.dir, &canonical); !why.isEmpty())
        return Error{u"Refused: "_s + why, {}};
    QFile f(canonical);
    if (!f.open(QIODevice::ReadOnly))
        return Error{u"Cannot read %1: %2"_s.arg(f.fileName(), f.errorString()), {}};
    const QByteArray text = sub(QString::fromUtf8(f.read(4 * 1024 * 1024))).toUtf8();
    const QStringList problems = CommandPolicy::manifestProblems(
        text, scope.defaultNamespace, scope, a.kind == LabActionKind::Delete);
    if (!problems.isEmpty())
        return Error{u"Refused: "_s + problems.join(u"; "), {}};
    return text;
}

CommandSpec LabRunner::requestSpec(const LabAction& a, const QString& traceId,
                                   const QString& spanId) const
{
    // The request as core/kube's TracedRequest builds it (B3 headers: the lab's provider is a
    // zipkin one), with ids chosen here so that the trace id is known before anything runs.
    TracedRequestOptions o;
    o.workload = u"deploy/"_s + sub(a.from);
    o.container = sub(a.container);
    o.url = sub(a.target);
    CommandSpec spec = TracedRequest::command(
        target(a.ns), o, TraceHeaders::make(TracePropagation::B3, traceId, spanId));
    spec.timeout = 30s;
    return spec;
}

CommandSpec LabRunner::specFor(const QString& stepId, const LabAction& a) const
{
    Q_UNUSED(stepId);
    switch (a.kind) {
    case LabActionKind::Apply: {
        if (!a.url.isEmpty())
            return Kubectl::apply(target(a.ns), {});
        const auto m = manifest(a);
        return Kubectl::apply(target(a.ns), m.ok() ? m.value() : QByteArray());
    }
    case LabActionKind::Delete: {
        const auto m = manifest(a);
        return Kubectl::deleteManifest(target(a.ns), m.ok() ? m.value() : QByteArray());
    }
    case LabActionKind::Kubectl:
        return rawSpec(u"kubectl"_s, a.args, a.ns);
    case LabActionKind::Istioctl:
        return rawSpec(u"istioctl"_s, a.args, a.ns);
    case LabActionKind::IstioInstall: {
        IstioTarget t = options_.istio;
        t.kubeconfig = options_.kube.kubeconfig;
        t.context = options_.kube.context;
        return Istioctl::installFile(t, QDir(lab_.dir).filePath(sub(a.file)));
    }
    case LabActionKind::Restart: {
        QStringList deployments;
        for (const QString& d : sub(a.deployments))
            deployments << (d.contains(u'/') ? d : u"deployment/"_s + d);
        return Kubectl::rolloutRestart(target(a.ns), deployments);
    }
    case LabActionKind::WaitRollout:
        return Kubectl::rolloutStatus(target(a.ns), sub(a.deployments.value(0)),
                                      a.timeout.count() > 0 ? a.timeout : 180s);
    case LabActionKind::FollowLogs: {
        Kubectl::LogsOptions o;
        o.selector = sub(a.selector);
        o.container = sub(a.container);
        o.follow = true;
        o.prefix = true;
        o.timestamps = true;
        return Kubectl::logs(target(a.ns), o);
    }
    case LabActionKind::PortForward:
        return Kubectl::portForward(target(a.ns.isEmpty() ? u"istio-system"_s : a.ns),
                                    u"svc/"_s + sub(a.service), 0, a.port);
    case LabActionKind::TracedRequest:
    case LabActionKind::StartTraffic:
        return requestSpec(a, u"<new trace id>"_s, u"<new span id>"_s);
    case LabActionKind::StopTraffic:
    case LabActionKind::OpenTrace:
    case LabActionKind::OpenSearch:
    case LabActionKind::RunDoctor:
        break;
    }
    return {};
}

QString LabRunner::actionCommandLine(const QString& stepId, int index) const
{
    const LabAction* a = action(stepId, index);
    if (!a)
        return {};
    if (a->kind == LabActionKind::Apply && !a->url.isEmpty())
        return u"kubectl apply -f - < %1   (fetched and shown to you first)"_s.arg(a->url);
    const CommandSpec spec = specFor(stepId, *a);
    if (!spec.program.isEmpty()) {
        QString line = spec.toShellLine();
        if ((a->kind == LabActionKind::Apply || a->kind == LabActionKind::Delete) &&
            !a->file.isEmpty())
            line = line.section(u'\n', 0, 0).section(u" #"_s, 0, 0) + u" < "_s + sub(a->file);
        return line;
    }
    switch (a->kind) {
    case LabActionKind::StopTraffic:
        return u"(stop the requests started earlier)"_s;
    case LabActionKind::OpenTrace:
        return u"(open the trace of '%1' in Jaeger)"_s.arg(a->action);
    case LabActionKind::OpenSearch:
        return u"(search Jaeger for %1)"_s.arg(sub(a->service));
    case LabActionKind::RunDoctor:
        return u"obslab doctor"_s;
    default:
        return {};
    }
}

void LabRunner::runCommand(const QString& stepId, int index, const CommandSpec& spec,
                           std::function<void(const CommandResult&)> done)
{
    const quint64 gen = generation_;
    // One yes covers the rest of the run: the plan already showed every command.
    const MutationGate::Confirm confirm = [this](const QString& question,
                                                 const QString& commandLine) {
        if (!options_.guardMutations || mutationConfirmed_)
            return true;
        mutationConfirmed_ = host_ && host_->confirm(question, commandLine);
        return mutationConfirmed_;
    };
    // Lab commands run with nothing in their environment that could start another program.
    CommandSpec scrubbed = spec;
    scrubbed.scrubEnvironment = true;
    const Result<Command*> started =
        MutationGate::start(runner_, scrubbed, options_.policy, confirm);
    if (!started.ok()) {
        CommandResult r;
        r.status = CommandStatus::Cancelled;
        r.message = started.error().message;
        QMetaObject::invokeMethod(
            this, [done, r] { done(r); }, Qt::QueuedConnection);
        return;
    }
    Command* command = started.value();
    running_ << command;
    if (!stepId.isEmpty()) {
        // Secret values never leave the runner: its output feeds `lab run`, the GUI, recordings
        // and handouts alike.
        auto redactor = std::make_shared<StreamRedactor>();
        connect(command, &Command::stdoutLine, this,
                [this, stepId, index, redactor](const QByteArray& l) {
                    if (const auto line = redactor->redactLine(QString::fromUtf8(l)))
                        Q_EMIT actionOutput(stepId, index, Redactor::redactLine(*line), false);
                });
        connect(command, &Command::stderrLine, this, [this, stepId, index](const QByteArray& l) {
            Q_EMIT actionOutput(stepId, index, Redactor::redactLine(QString::fromUtf8(l)), true);
        });
    }
    connect(command, &Command::finished, this, [this, gen, done](const CommandResult& r) {
        if (gen != generation_)
            return;
        done(r);
    });
}

// ---------------------------------------------------------------------------------------------
// Actions

void LabRunner::execAction(const QString& stepId, int index, const LabAction& a, Done done)
{
    // These announce the command they really run once they know it (a follow or a snapshot, the
    // request with its trace id, a port-forward or none).
    const bool announcesItself = a.kind == LabActionKind::FollowLogs ||
                                 a.kind == LabActionKind::TracedRequest ||
                                 a.kind == LabActionKind::PortForward;
    if (!announcesItself)
        Q_EMIT actionStarted(stepId, index, actionCommandLine(stepId, index));
    auto finish = [this, stepId, index, done](bool ok, const QString& message) {
        Q_EMIT actionFinished(stepId, index, ok, message);
        done(ok);
    };
    auto byCommand = [this, stepId, index, finish](const CommandSpec& spec) {
        runCommand(stepId, index, spec, [finish](const CommandResult& r) {
            finish(r.ok(), r.ok() ? u"Done."_s : failureText(r));
        });
    };

    switch (a.kind) {
    case LabActionKind::Apply:
    case LabActionKind::Delete: {
        if (!a.url.isEmpty()) {
            auto* nam = new QNetworkAccessManager(this);
            QNetworkRequest request{QUrl(sub(a.url))};
            request.setTransferTimeout(30000);
            QNetworkReply* reply = nam->get(request);
            const quint64 gen = generation_;
            connect(reply, &QNetworkReply::finished, this, [=, this] {
                reply->deleteLater();
                nam->deleteLater();
                if (gen != generation_)
                    return;
                if (reply->error() != QNetworkReply::NoError) {
                    finish(false, u"Could not fetch %1: %2"_s.arg(a.url, reply->errorString()));
                    return;
                }
                const QByteArray text = reply->read(4 * 1024 * 1024);
                const QStringList objects = describeManifest(text, nsOf(a.ns));
                const CommandPolicy::Scope scope = LabTrust::scope(lab_, vars_, a.ns);
                const QStringList problems =
                    CommandPolicy::manifestProblems(text, scope.defaultNamespace, scope, false);
                if (!problems.isEmpty()) {
                    finish(false,
                           u"Refused: the manifest from %1: %2"_s.arg(a.url, problems.join(u"; ")));
                    return;
                }
                // Its objects were not in the plan: a blanket yes does not cover them.
                if (host_ && !host_->acceptsUnplanned()) {
                    finish(false, u"Not applied: the manifest from %1 was not in the plan, so "
                                  "--yes does not accept it (apply it from the GUI, or save it "
                                  "beside the lab)"_s.arg(a.url));
                    return;
                }
                if (!host_ ||
                    !host_->confirm(u"Apply this manifest from %1? It creates or changes: %2"_s.arg(
                                        a.url, objects.join(u"; ")),
                                    QString::fromUtf8(text))) {
                    finish(false,
                           u"Not applied: you did not accept the manifest from %1."_s.arg(a.url));
                    return;
                }
                runCommand(stepId, index, Kubectl::apply(target(a.ns), text),
                           [finish](const CommandResult& r) {
                               finish(r.ok(), r.ok() ? u"Done."_s : failureText(r));
                           });
            });
            return;
        }
        const auto m = manifest(a);
        if (!m.ok()) {
            QMetaObject::invokeMethod(
                this, [finish, m] { finish(false, m.error().message); }, Qt::QueuedConnection);
            return;
        }
        byCommand(specFor(stepId, a));
        return;
    }
    case LabActionKind::Kubectl:
    case LabActionKind::Istioctl:
    case LabActionKind::IstioInstall:
    case LabActionKind::Restart: {
        // Variables are substituted now: check the trust model again on what will really run.
        QString refusal;
        if (a.kind == LabActionKind::Kubectl || a.kind == LabActionKind::Istioctl) {
            const auto v = LabTrust::checkCommand(lab_, vars_, a.kind, a.args, a.ns);
            if (!v.ok())
                refusal = v.refusals.first().message;
        } else if (a.kind == LabActionKind::IstioInstall) {
            refusal = CommandPolicy::checkLabFile(sub(a.file), lab_.dir);
        } else {
            const CommandPolicy::Scope s = LabTrust::scope(lab_, vars_, a.ns);
            refusal = CommandPolicy::checkMutableNamespace(s.defaultNamespace, s);
        }
        if (!refusal.isEmpty()) {
            QMetaObject::invokeMethod(
                this, [finish, refusal] { finish(false, u"Refused: "_s + refusal); },
                Qt::QueuedConnection);
            return;
        }
        byCommand(specFor(stepId, a));
        return;
    }
    case LabActionKind::WaitRollout: {
        QList<Task> tasks;
        for (const QString& d : a.deployments) {
            tasks << [this, stepId, index, a, d](Done dd) {
                const CommandSpec spec = Kubectl::rolloutStatus(
                    target(a.ns), sub(d), a.timeout.count() > 0 ? a.timeout : 180s);
                // The action's line names the first deployment: every further command is shown
                // too before it runs (nothing runs unseen).
                if (d != a.deployments.constFirst())
                    Q_EMIT actionOutput(stepId, index, u"$ "_s + spec.toShellLine(), false);
                runCommand(stepId, index, spec, [this, stepId, index, dd](const CommandResult& r) {
                    if (!r.ok())
                        Q_EMIT actionOutput(stepId, index, failureText(r), true);
                    dd(r.ok());
                });
            };
        }
        sequence(tasks, [finish](bool ok) {
            finish(ok, ok ? u"Rolled out."_s : u"The rollout did not finish in time."_s);
        });
        return;
    }
    case LabActionKind::FollowLogs: {
        if (host_ && host_->followLogs(nsOf(a.ns), sub(a.selector), sub(a.container))) {
            Q_EMIT actionStarted(stepId, index, actionCommandLine(stepId, index));
            QMetaObject::invokeMethod(
                this, [finish] { finish(true, u"Following the logs in the Logs area."_s); },
                Qt::QueuedConnection);
            return;
        }
        // Headless: the latest lines of each pod, once.
        Kubectl::LogsOptions o;
        o.selector = sub(a.selector);
        o.container = sub(a.container);
        o.prefix = true;
        o.tail = 5;
        o.maxLogRequests = 10;
        const CommandSpec snapshot = Kubectl::logs(target(a.ns), o);
        Q_EMIT actionStarted(stepId, index, snapshot.toShellLine());
        runCommand(stepId, index, snapshot, [finish](const CommandResult& r) {
            finish(r.ok(), r.ok() ? u"The latest lines of each pod (the app follows them live)."_s
                                  : failureText(r));
        });
        return;
    }
    case LabActionKind::PortForward:
        startPortForward(stepId, index, a, done);
        return;
    case LabActionKind::TracedRequest: {
        const QString traceId = randomHex64();
        const QString spanId = randomHex64();
        progress_.traceIds.insert(a.id, traceId);
        save();
        Q_EMIT traceIdProduced(a.id, traceId);
        const CommandSpec request = requestSpec(a, traceId, spanId);
        Q_EMIT actionStarted(stepId, index, request.toShellLine());
        Q_EMIT actionOutput(stepId, index,
                            u"trace id: %1 (chosen before the request is sent)"_s.arg(traceId),
                            false);
        runCommand(stepId, index, request, [finish, traceId](const CommandResult& r) {
            finish(r.ok(), r.ok() ? u"Sent; its trace id is %1."_s.arg(traceId) : failureText(r));
        });
        return;
    }
    case LabActionKind::StartTraffic:
        trafficAction_ = a;
        traffic_.start(int(std::max<qint64>(200, a.interval.count())));
        sendTrafficRequest();
        QMetaObject::invokeMethod(
            this,
            [finish, a, this] {
                finish(true,
                       u"Sending a request from %1 every %2 ms until the traffic is stopped."_s
                           .arg(sub(a.from))
                           .arg(a.interval.count()));
            },
            Qt::QueuedConnection);
        return;
    case LabActionKind::StopTraffic: {
        const bool was = traffic_.isActive();
        traffic_.stop();
        QMetaObject::invokeMethod(
            this,
            [finish, was] {
                finish(true, was ? u"Traffic stopped."_s : u"No traffic was running."_s);
            },
            Qt::QueuedConnection);
        return;
    }
    case LabActionKind::OpenTrace: {
        const QString id = progress_.traceIds.value(a.action);
        QString message;
        bool ok = true;
        if (id.isEmpty()) {
            ok = false;
            message = u"No trace id yet: run the action '%1' first."_s.arg(a.action);
        } else if (host_ && host_->openTrace(id, jaegerUrl_)) {
            message = u"Opened trace %1."_s.arg(id);
        } else if (jaegerUrl_.isValid()) {
            message =
                u"Trace %1: %2"_s.arg(id, jaegerurls::uiTrace(jaeger_->resolvedBaseUrl().isValid()
                                                                  ? jaeger_->resolvedBaseUrl()
                                                                  : jaegerUrl_,
                                                              JaegerTraceId::fromString(id), {})
                                              .toString());
        } else {
            message = u"Trace %1 (start the port-forward to see it in Jaeger)."_s.arg(id);
        }
        QMetaObject::invokeMethod(
            this, [finish, ok, message] { finish(ok, message); }, Qt::QueuedConnection);
        return;
    }
    case LabActionKind::OpenSearch: {
        const QString service = sub(a.service);
        QString message;
        if (host_ && host_->openSearch(service, jaegerUrl_)) {
            message = u"Searching Jaeger for %1."_s.arg(service);
        } else {
            TraceQuery q;
            q.service = service;
            message = jaegerUrl_.isValid()
                          ? u"Search: %1"_s.arg(
                                jaegerurls::uiSearch(jaeger_->resolvedBaseUrl().isValid()
                                                         ? jaeger_->resolvedBaseUrl()
                                                         : jaegerUrl_,
                                                     q, QDateTime::currentDateTimeUtc(), {})
                                    .toString())
                          : u"Search Jaeger for the service %1."_s.arg(service);
        }
        QMetaObject::invokeMethod(
            this, [finish, message] { finish(true, message); }, Qt::QueuedConnection);
        return;
    }
    case LabActionKind::RunDoctor: {
        if (host_ && host_->showDoctor(a.focus)) {
            QMetaObject::invokeMethod(
                this, [finish] { finish(true, u"The doctor is open."_s); }, Qt::QueuedConnection);
            return;
        }
        // Headless: run the doctor here and print what it found.
        auto* doctor = new Doctor(runner_, this);
        DoctorOptions o;
        o.target = target(a.ns);
        o.istioctl = options_.istio.istioctl;
        o.jaegerUrl = jaegerUrl_;
        const quint64 gen = generation_;
        connect(
            doctor, &Doctor::finished, this,
            [this, doctor, finish, stepId, index, gen](const QList<DoctorFinding>& findings) {
                doctor->deleteLater();
                if (gen != generation_)
                    return;
                int problems = 0;
                int passed = 0;
                for (const DoctorFinding& f : findings) {
                    if (f.severity == DoctorFinding::Severity::Pass)
                        ++passed;
                    if (!f.isProblem())
                        continue;
                    ++problems;
                    Q_EMIT actionOutput(
                        stepId, index,
                        u"[%1] %2: %3"_s.arg(DoctorFindings::severityName(f.severity), f.title,
                                             f.summary),
                        f.severity == DoctorFinding::Severity::Fail);
                    if (!f.fixCommand.isEmpty())
                        Q_EMIT actionOutput(stepId, index,
                                            u"    fix: "_s + f.fixCommand.section(u'\n', 0, 0),
                                            false);
                }
                finish(
                    true,
                    problems
                        ? u"The doctor found %1 problem(s) (%2 checks passed)."_s.arg(problems).arg(
                              passed)
                        : u"The doctor found nothing wrong (%1 checks passed)."_s.arg(passed));
            });
        doctor->run(o);
        return;
    }
    }
}

void LabRunner::startPortForward(const QString& stepId, int index, const LabAction& a, Done done)
{
    auto finish = [this, stepId, index, done](bool ok, const QString& message) {
        Q_EMIT actionFinished(stepId, index, ok, message);
        done(ok);
    };
    if (options_.jaegerUrl.isValid()) {
        Q_EMIT actionStarted(
            stepId, index,
            u"(no port-forward: Jaeger is set to %1)"_s.arg(options_.jaegerUrl.toString()));
        QMetaObject::invokeMethod(
            this,
            [finish, url = options_.jaegerUrl] {
                finish(true, u"Jaeger is already reachable at %1 (set in ObsLab): no port-forward "
                             "needed."_s.arg(url.toString()));
            },
            Qt::QueuedConnection);
        return;
    }
    if (forward_ && forward_->state() == PortForward::State::Ready && jaegerUrl_.isValid()) {
        Q_EMIT actionStarted(stepId, index, specFor(stepId, a).toShellLine());
        QMetaObject::invokeMethod(
            this,
            [finish, url = jaegerUrl_] {
                finish(true, u"Already forwarding: %1"_s.arg(url.toString()));
            },
            Qt::QueuedConnection);
        return;
    }
    if (forward_ && ownsForward_) {
        forward_->stop();
        forward_->deleteLater();
    }
    // A supervised forward (core/kube/PortForward): ready once kubectl listens and an HTTP probe
    // answers through it; restarted when the Jaeger pod is replaced.
    const QString ns = a.ns.isEmpty() ? u"istio-system"_s : sub(a.ns);
    PortForwardOptions po;
    po.resource = u"svc/"_s + sub(a.service);
    po.remotePort = a.port;
    po.probePath = u"/jaeger/"_s;
    if (options_.forwards) {
        forward_ = options_.forwards->start(target(ns), po);
        ownsForward_ = false;
    } else {
        forward_ = new PortForward(target(ns), po, runner_ ? runner_->transcript() : nullptr, this);
        ownsForward_ = true;
    }
    if (!forward_) {
        QMetaObject::invokeMethod(
            this, [finish] { finish(false, u"The port-forward could not start."_s); },
            Qt::QueuedConnection);
        return;
    }
    auto settled = std::make_shared<bool>(false);
    const quint64 gen = generation_;
    connect(forward_, &PortForward::ready, this, [this, finish, settled, gen](const QUrl& url) {
        setJaegerUrl(url);
        if (*settled || gen != generation_)
            return;
        *settled = true;
        finish(true, u"Jaeger UI forwarded to %1"_s.arg(url.toString()));
    });
    connect(forward_, &PortForward::failed, this, [finish, settled, gen, this](const QString& why) {
        if (*settled || gen != generation_)
            return;
        *settled = true;
        finish(false, u"The port-forward failed: %1"_s.arg(why));
    });
    Q_EMIT actionStarted(stepId, index, specFor(stepId, a).toShellLine());
    if (forward_->state() == PortForward::State::Ready) {  // the app's forward, already up
        const QUrl url = forward_->localUrl();
        setJaegerUrl(url);
        *settled = true;
        QMetaObject::invokeMethod(
            this,
            [finish, url] { finish(true, u"Jaeger UI forwarded to %1"_s.arg(url.toString())); },
            Qt::QueuedConnection);
        return;
    }
    forward_->start();
}

void LabRunner::sendTrafficRequest()
{
    if (trafficCommand_ || !runner_)
        return;  // the previous request is still on its way
    CommandSpec traffic = requestSpec(trafficAction_, randomHex64(), randomHex64());
    traffic.scrubEnvironment = true;
    trafficCommand_ = runner_->start(traffic);
}

void LabRunner::setJaegerUrl(const QUrl& url)
{
    if (url == jaegerUrl_)
        return;
    jaegerUrl_ = url;
    jaeger_->setBaseUrl(url);
    Q_EMIT jaegerUrlChanged(url);
}

// ---------------------------------------------------------------------------------------------
// Checks

void LabRunner::execCheck(const QString& stepId, int index, const LabCheck& c, Done done)
{
    Q_EMIT checkStarted(stepId, index);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    const quint64 gen = generation_;
    auto attempt = std::make_shared<std::function<void()>>();
    *attempt = [this, stepId, index, c, done, clock, gen, attempt] {
        if (gen != generation_)
            return;
        attemptCheck(c, [this, stepId, index, c, done, clock, gen, attempt](bool ok,
                                                                            const QString& reason) {
            if (gen != generation_)
                return;
            if (ok) {
                *attempt = nullptr;
                Q_EMIT checkFinished(stepId, index, true, reason);
                done(true);
                return;
            }
            const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(c.timeout);
            const auto every = std::chrono::duration_cast<std::chrono::milliseconds>(c.every);
            if (clock->elapsed() + every.count() > timeout.count()) {
                *attempt = nullptr;
                Q_EMIT checkFinished(stepId, index, false, reason);
                done(false);
                return;
            }
            Q_EMIT checkAttemptFailed(stepId, index, reason);
            QTimer::singleShot(every, this, [attempt] {
                if (*attempt)
                    (*attempt)();
            });
        });
    };
    (*attempt)();
}

void LabRunner::attemptCheck(const LabCheck& c, AttemptDone done)
{
    const QString ns = nsOf(c.ns);
    switch (c.kind) {
    case LabCheckKind::RolloutReady: {
        Kubectl::GetOptions o;
        o.name = sub(c.deployment);
        runCommand({}, -1, Kubectl::get(target(c.ns), u"deployment"_s, o),
                   [done, o, ns](const CommandResult& r) {
                       if (!r.ok())
                           return done(false, failureText(r));
                       const auto objs = KubeObjects::parse(r.stdoutData);
                       if (!objs.ok() || objs->isEmpty())
                           return done(false, u"deployment/%1 not found in %2"_s.arg(o.name, ns));
                       const DeploymentState st = KubeObjects::deploymentState(objs->first());
                       if (st.rolledOut() && st.ready >= st.desired)
                           return done(
                               true, u"deployment/%1: %2/%3 ready"_s.arg(o.name).arg(st.ready).arg(
                                         st.desired));
                       done(false, u"deployment/%1: %2 of %3 pods updated and ready"_s.arg(o.name)
                                       .arg(std::min(st.updated, st.ready))
                                       .arg(st.desired));
                   });
        return;
    }
    case LabCheckKind::PodsHaveSidecar: {
        Kubectl::GetOptions o;
        o.selector = sub(c.selector);
        runCommand(
            {}, -1, Kubectl::get(target(c.ns), u"pods"_s, o),
            [done, o, ns](const CommandResult& r) {
                if (!r.ok())
                    return done(false, failureText(r));
                const auto objs = KubeObjects::parse(r.stdoutData);
                if (!objs.ok())
                    return done(false, objs.error().message);
                QStringList without;
                int live = 0;
                for (const KubeObject& pod : *objs) {
                    if (pod.raw.value(u"metadata"_s).toObject().contains(u"deletionTimestamp"_s))
                        continue;
                    ++live;
                    if (!KubeObjects::podState(pod).hasIstioProxy)
                        without << pod.name;
                }
                if (live == 0)
                    return done(false, u"no pods match %1 in %2"_s.arg(o.selector, ns));
                if (!without.isEmpty())
                    return done(false,
                                u"without the istio-proxy sidecar: %1"_s.arg(without.join(u", ")));
                done(true, u"%1 pod(s) with the sidecar"_s.arg(live));
            });
        return;
    }
    case LabCheckKind::LogsMatch: {
        Kubectl::LogsOptions o;
        o.selector = sub(c.selector);
        o.container = sub(c.container);
        o.prefix = true;
        o.tail = 200;
        o.maxLogRequests = 10;
        const QRegularExpression re(sub(c.pattern));
        runCommand({}, -1, Kubectl::logs(target(c.ns), o), [done, re, o](const CommandResult& r) {
            if (!r.ok())
                return done(false, failureText(r));
            const QStringList lines = QString::fromUtf8(r.stdoutData).split(u'\n');
            for (auto it = lines.crbegin(); it != lines.crend(); ++it)
                if (re.match(*it).hasMatch())
                    return done(true, it->trimmed());
            done(false, u"no line of the %1 logs of %2 matches /%3/ (%4 lines read)"_s
                            .arg(o.container, o.selector, re.pattern())
                            .arg(lines.size() - 1));
        });
        return;
    }
    case LabCheckKind::JaegerHasService:
    case LabCheckKind::JaegerHasTrace: {
        if (!jaegerUrl_.isValid())
            return done(false, u"Jaeger is not reachable yet: run the port-forward action (or set "
                               "the Jaeger URL in Settings)"_s);
        if (c.kind == LabCheckKind::JaegerHasService) {
            const QString service = sub(c.service);
            JaegerReply* reply = jaeger_->services();
            connect(reply, &JaegerReply::finished, this, [reply, done, service] {
                reply->deleteLater();
                if (!reply->ok())
                    return done(false, reply->error().message);
                if (reply->names().contains(service))
                    return done(true, u"Jaeger lists %1"_s.arg(service));
                done(false, u"Jaeger has no service %1 (it lists: %2)"_s.arg(
                                service,
                                reply->names().isEmpty() ? u"none"_s : reply->names().join(u", ")));
            });
            return;
        }
        const QString id = progress_.traceIds.value(c.action);
        if (id.isEmpty())
            return done(false, u"no trace id yet: the action '%1' has not run"_s.arg(c.action));
        JaegerReply* reply = jaeger_->trace(JaegerTraceId::fromString(id));
        connect(reply, &JaegerReply::finished, this, [reply, done, id] {
            reply->deleteLater();
            if (!reply->ok() || reply->traces().isEmpty())
                return done(false, reply->status() == JaegerReply::Status::NotFound
                                       ? u"Jaeger has no trace %1"_s.arg(id)
                                       : reply->error().message);
            done(true, u"Jaeger has trace %1 (%2 spans)"_s.arg(id).arg(
                           reply->traces().first().spans.size()));
        });
        return;
    }
    case LabCheckKind::ResourceExists: {
        Kubectl::GetOptions o;
        o.name = sub(c.name);
        const QString kind = sub(c.resource);
        runCommand({}, -1, Kubectl::get(target(c.ns), kind, o),
                   [done, kind, o](const CommandResult& r) {
                       done(r.ok(), r.ok() ? u"%1/%2 exists"_s.arg(kind, o.name) : failureText(r));
                   });
        return;
    }
    case LabCheckKind::CommandSucceeds: {
        const auto v = LabTrust::checkCommand(
            lab_, vars_, c.tool == u"istioctl" ? LabActionKind::Istioctl : LabActionKind::Kubectl,
            c.args, c.ns);
        if (!v.ok() || v.mutates)
            return done(false, u"Refused: "_s + (v.ok() ? u"a check may not change the cluster"_s
                                                        : v.refusals.first().message));
        runCommand({}, -1, rawSpec(c.tool, c.args, c.ns), [done](const CommandResult& r) {
            done(r.ok(), r.ok() ? firstLine(r.stdoutData + r.stderrData) : failureText(r));
        });
        return;
    }
    }
}

}  // namespace obslab
