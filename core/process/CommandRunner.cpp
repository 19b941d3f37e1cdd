#include "core/process/CommandRunner.h"

#include "core/process/Transcript.h"

namespace obslab {

CommandRunner::CommandRunner(Transcript* transcript, QObject* parent)
    : QObject(parent)
    , transcript_(transcript)
{}

CommandRunner::~CommandRunner() = default;  // running commands are children: killed, not waited

Command* CommandRunner::start(const CommandSpec& spec)
{
    CommandSpec effective = spec;
    effective.scrubEnvironment = effective.scrubEnvironment || scrub_;
    auto* command = new Command(effective, transcript_, false, this);
    running_.append(command);
    connect(command, &Command::finished, this, [this, command](const CommandResult& result) {
        running_.removeAll(command);
        Q_EMIT commandFinished(command->spec(), result);
    });
    command->start();
    Q_EMIT commandStarted(command);
    return command;
}

QList<Command*> CommandRunner::running() const
{
    QList<Command*> list;
    for (const QPointer<Command>& command : running_) {
        if (command && command->isRunning())
            list.append(command.data());
    }
    return list;
}

Transcript* CommandRunner::transcript() const
{
    return transcript_;
}

void CommandRunner::cancelAll()
{
    const QList<Command*> list = running();
    for (Command* command : list)
        command->cancel();
}

}  // namespace obslab
