#pragma once

#include "core/process/CommandResult.h"
#include "core/process/CommandSpec.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>

namespace obslab {

class Command;
class Transcript;

// A supervised long-running command (log follower, port-forward, traffic loop): no timeout,
// output streamed, stopped on request. One run per start(); after it ends it may be started
// again (supervisors such as PortForward restart it). Lives on the GUI thread.
class BackgroundJob : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Running,
        Stopping,
        Finished
    };
    Q_ENUM(State)

    BackgroundJob(CommandSpec spec, Transcript* transcript, QObject* parent = nullptr);
    ~BackgroundJob() override;  // stops a running process

    const CommandSpec& spec() const { return spec_; }
    QString title() const { return spec_.title; }
    State state() const { return state_; }
    QDateTime startedAt() const { return startedAt_; }
    const CommandResult& lastResult() const { return lastResult_; }

    void start();  // no-op while running
    void stop();   // SIGTERM, SIGKILL after a grace period; finished() reports Cancelled

Q_SIGNALS:
    void stateChanged(obslab::BackgroundJob::State state);
    void stdoutLine(const QByteArray& line);
    void stderrLine(const QByteArray& line);
    void finished(const obslab::CommandResult& result);

private:
    void setState(State state);

    CommandSpec spec_;
    QPointer<Transcript> transcript_;
    QPointer<Command> command_;
    State state_ = State::Idle;
    QDateTime startedAt_;
    CommandResult lastResult_;
};

}  // namespace obslab
