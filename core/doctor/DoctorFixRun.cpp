#include "core/doctor/DoctorFixRun.h"

#include "core/kube/KubeError.h"
#include "core/kube/MutationGate.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"

namespace obslab {

DoctorFixRun::Review DoctorFixRun::review(const DoctorFinding& finding,
                                          const MutationPolicy& policy)
{
    Review review;
    for (const CommandSpec& step : finding.fixSteps) {
        const MutationDecision decision = MutationGate::decide(step, policy);
        if (decision.verdict == MutationDecision::Refused)
            return {true, decision.message};
        if (decision.verdict == MutationDecision::NeedsConfirmation && review.message.isEmpty())
            review.message = decision.message;
    }
    return review;
}

DoctorFixRun::DoctorFixRun(CommandRunner* runner, QObject* parent)
    : QObject(parent)
    , runner_(runner)
{}

bool DoctorFixRun::start(const DoctorFinding& finding, const MutationPolicy& policy)
{
    if (isRunning() || !finding.hasFix())
        return false;
    checkId_ = finding.id;
    steps_ = finding.fixSteps;
    policy_ = policy;
    runNext();
    return true;
}

void DoctorFixRun::runNext()
{
    if (steps_.isEmpty()) {
        end(true, {});
        return;
    }
    const CommandSpec step = steps_.takeFirst();
    Q_EMIT stepStarted(checkId_, step.title);
    const Result<Command*> started = MutationGate::start(
        runner_, step, policy_, [](const QString&, const QString&) { return true; });
    if (!started.ok()) {
        // Reported after start() has returned, like a command's end.
        const QString why = started.error().message;
        QMetaObject::invokeMethod(
            this, [this, why] { end(false, why); }, Qt::QueuedConnection);
        return;
    }
    connect(started.value(), &Command::finished, this, [this](const CommandResult& result) {
        if (!result.ok()) {
            const KubeError error = KubeErrors::classify(result);
            end(false, error.message.isEmpty() ? result.message : error.message);
            return;
        }
        runNext();
    });
}

void DoctorFixRun::end(bool ok, const QString& error)
{
    const QString id = checkId_;
    checkId_.clear();
    steps_.clear();
    Q_EMIT finished(id, ok, error);
}

}  // namespace obslab
