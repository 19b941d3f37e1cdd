#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace obslab {

enum class CommandStatus
{
    Succeeded,      // exited with code 0
    Failed,         // exited with a non-zero code
    Crashed,        // killed by a signal we did not send
    TimedOut,       // ran past CommandSpec::timeout and was killed
    Cancelled,      // cancel() or stop() was called
    NotFound,       // the program does not exist: nothing was started
    FailedToStart,  // it exists but could not be started (permissions, not executable)
};

QString commandStatusName(CommandStatus status);  // "succeeded", "timed out", …

struct CommandResult
{
    CommandStatus status = CommandStatus::FailedToStart;
    int exitCode = -1;             // meaningful for Succeeded/Failed
    QByteArray stdoutData;         // at most CommandSpec::captureLimit bytes
    QByteArray stderrData;         // idem
    bool stdoutTruncated = false;  // more was printed than was kept (every line was still streamed)
    bool stderrTruncated = false;
    QDateTime startedAt;  // UTC
    qint64 durationMs = 0;
    QString message;  // for people: what happened and, when it failed, what to do

    bool ok() const { return status == CommandStatus::Succeeded; }
    // stdout, a line break, then stderr: for tools that print progress or answers on both.
    QByteArray allOutput() const { return stdoutData + '\n' + stderrData; }
};

}  // namespace obslab

Q_DECLARE_METATYPE(obslab::CommandResult)
