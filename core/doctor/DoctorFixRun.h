#pragma once

#include "core/doctor/DoctorFinding.h"
#include "core/kube/MutationGuard.h"
#include "core/process/CommandSpec.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

namespace obslab {

class CommandRunner;

// Applies the fix of one finding: its steps in order, each started through MutationGate, until
// one fails. The person says yes to the whole fix (every step listed) before start(), so no step
// asks again; review() tells what to ask first. Async on the runner's thread: start() returns at
// once, stepStarted() reports each step and finished() ends the run, exactly once.
class DoctorFixRun : public QObject
{
    Q_OBJECT
public:
    struct Review
    {
        bool refused = false;  // a step may not run under the policy (read-only mode)
        QString message;       // refused: why; else the gate's question, empty when none is asked
    };
    // What the gate says about the fix's steps under policy, before anything runs.
    static Review review(const DoctorFinding& finding, const MutationPolicy& policy);

    explicit DoctorFixRun(CommandRunner* runner, QObject* parent = nullptr);

    // False (nothing runs, no signal) when a fix is running or the finding has none.
    bool start(const DoctorFinding& finding, const MutationPolicy& policy);
    bool isRunning() const { return !checkId_.isEmpty(); }
    QString checkId() const { return checkId_; }

Q_SIGNALS:
    void stepStarted(const QString& checkId, const QString& title);
    // error: why a step did not run or failed (the gate's refusal, kubectl's explanation).
    void finished(const QString& checkId, bool ok, const QString& error);

private:
    void runNext();
    void end(bool ok, const QString& error);

    QPointer<CommandRunner> runner_;
    MutationPolicy policy_;
    QString checkId_;
    QList<CommandSpec> steps_;
};

}  // namespace obslab
