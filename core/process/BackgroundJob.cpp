#include "core/process/BackgroundJob.h"

#include "core/process/Command.h"
#include "core/process/Transcript.h"

namespace obslab {

BackgroundJob::BackgroundJob(CommandSpec spec, Transcript* transcript, QObject* parent)
    : QObject(parent)
    , spec_(std::move(spec))
    , transcript_(transcript)
{
    spec_.timeout = std::chrono::milliseconds::zero();
}

BackgroundJob::~BackgroundJob()
{
    if (command_) {
        // No signals back into a half-destroyed job; ~Command kills the process.
        command_->disconnect(this);
        delete command_.data();
    }
}

void BackgroundJob::start()
{
    if (state_ == State::Running || state_ == State::Stopping)
        return;
    auto* command = new Command(spec_, transcript_, true, this);
    command_ = command;
    connect(command, &Command::stdoutLine, this, &BackgroundJob::stdoutLine);
    connect(command, &Command::stderrLine, this, &BackgroundJob::stderrLine);
    connect(command, &Command::finished, this, [this](const CommandResult& result) {
        lastResult_ = result;
        command_ = nullptr;
        setState(State::Finished);
        Q_EMIT finished(result);
    });
    startedAt_ = QDateTime::currentDateTimeUtc();
    command->start();
    setState(State::Running);
}

void BackgroundJob::stop()
{
    if (state_ != State::Running || !command_)
        return;
    setState(State::Stopping);
    command_->cancel();
}

void BackgroundJob::setState(State state)
{
    if (state_ == state)
        return;
    state_ = state;
    Q_EMIT stateChanged(state);
}

}  // namespace obslab
