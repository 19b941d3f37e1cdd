#include "core/lab/LabRunner.h"
#include "core/lab/LabRunnerText.h"

#include "core/lab/LabTools.h"

#include "core/common/Logging.h"
#include "core/kube/IstioVersion.h"
#include "core/kube/Istioctl.h"
#include "core/kube/Kubectl.h"
#include "core/kube/PortForward.h"
#include "core/kube/ToolVersions.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/tracing/JaegerClient.h"

#include <QTemporaryDir>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab {

using labrunner::failureText;

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
    // The step holds itself weakly: only a task's pending callback keeps it alive, so a run that
    // is stopped (or a task that never answers) leaves no cycle behind.
    *next = [this, state, weakNext = std::weak_ptr<std::function<void()>>(next), done, gen] {
        const std::shared_ptr<std::function<void()>> self = weakNext.lock();
        if (!self || gen != generation_)
            return;
        if (state->second >= state->first.size()) {
            // Clearing *self destroys this very lambda (and its captures): keep what is needed.
            const Done finish = done;
            *self = nullptr;  // the step is over
            finish(true);
            return;
        }
        const Task task = state->first.at(state->second++);
        task([this, self, done, gen](bool ok) {
            if (gen != generation_)
                return;
            if (!ok) {
                const auto keep = *self;
                *self = nullptr;
                done(false);
                return;
            }
            // Continue from the event loop, so that long chains do not nest.
            QMetaObject::invokeMethod(
                this,
                [self] {
                    if (*self)
                        (*self)();
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

}  // namespace obslab
