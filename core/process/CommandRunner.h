#pragma once

#include "core/process/Command.h"
#include "core/process/CommandSpec.h"

#include <QList>
#include <QObject>
#include <QPointer>

namespace obslab {

class Transcript;

// Starts commands, records each in the Transcript, and keeps track of the ones still running.
// GUI or worker thread, but always the thread it lives on. Never blocks. The Transcript, when
// given, must live on the same thread (it is called directly); pass none from a worker thread.
class CommandRunner : public QObject
{
    Q_OBJECT
public:
    explicit CommandRunner(Transcript* transcript = nullptr, QObject* parent = nullptr);
    ~CommandRunner() override;

    // Starts spec and returns its Command, which reports through its signals and deletes itself
    // after finished(); connect right away (nothing is emitted before the event loop runs).
    // commandStarted() is emitted before start() returns; the transcript entry exists by then.
    Command* start(const CommandSpec& spec);

    // Every command started from here on runs with a scrubbed environment (see
    // CommandSpec::scrubEnvironment): `lab run` sets it so that ObsLab's own kubectl calls around
    // a lab (finding the context) get nothing that could start another program either.
    void setScrubEnvironment(bool scrub) { scrub_ = scrub; }

    QList<Command*> running() const;
    void cancelAll();
    Transcript* transcript() const;

Q_SIGNALS:
    void commandStarted(obslab::Command* command);
    void commandFinished(const obslab::CommandSpec& spec, const obslab::CommandResult& result);

private:
    QPointer<Transcript> transcript_;
    QList<QPointer<Command>> running_;
    bool scrub_ = false;
};

}  // namespace obslab
