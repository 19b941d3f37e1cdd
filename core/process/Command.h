#pragma once

#include "core/process/CommandResult.h"
#include "core/process/CommandSpec.h"
#include "core/process/LineSplitter.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QTimer>

namespace obslab {

class Transcript;

// One run of an external program. Created by CommandRunner (or BackgroundJob); lives on the
// thread that created it; never blocks. Output arrives line by line (newline and a trailing
// '\r' removed; a partial last line is carried over to the next read and flushed at exit).
// finished() is emitted exactly once, always asynchronously (even when the program is not
// found), after the last line signal; the object then deletes itself with deleteLater().
// Line signals carry the raw output (for parsers); the Transcript keeps a redacted copy.
// Destroying it while the program runs kills the program (SIGKILL) without waiting. A background
// command (Linux) also gets PR_SET_PDEATHSIG(SIGTERM): it dies with the thread that started it,
// i.e. with ObsLab — start background commands from a thread that lives as long as the app.
class Command : public QObject
{
    Q_OBJECT
public:
    Command(CommandSpec spec, Transcript* transcript, bool background, QObject* parent = nullptr);
    ~Command() override;

    const CommandSpec& spec() const { return spec_; }
    bool isRunning() const { return !done_; }
    bool isBackground() const { return background_; }
    quint64 transcriptId() const { return transcriptId_; }
    const CommandResult& result() const { return result_; }  // complete after finished()

    // Starts the program (queued: the call returns at once). Called by the runner.
    void start();

    // Ends the run: SIGTERM, then SIGKILL after a short grace period. Reports Cancelled.
    void cancel();

Q_SIGNALS:
    void started();
    void stdoutLine(const QByteArray& line);
    void stderrLine(const QByteArray& line);
    void finished(const obslab::CommandResult& result);

private:
    void launch();
    void onReadyRead(QProcess::ProcessChannel channel);
    void onFinished(int exitCode, QProcess::ExitStatus exitStatus);
    void onErrorOccurred(QProcess::ProcessError error);
    void onTimeout();
    void complete(CommandStatus status, const QString& message);
    void deliverLine(const QByteArray& line, bool isStderr);
    void capture(const QByteArray& chunk, bool isStderr);
    void terminate();
    QString resolveProgram(CommandStatus* failure, QString* message) const;

    CommandSpec spec_;
    QPointer<Transcript> transcript_;
    bool background_ = false;
    QProcess* process_ = nullptr;
    QTimer timeoutTimer_;
    QTimer killTimer_;
    QElapsedTimer elapsed_;
    LineSplitter stdoutLines_;
    LineSplitter stderrLines_;
    CommandResult result_;
    CommandStatus pendingStatus_ = CommandStatus::Succeeded;  // set by cancel()/timeout
    bool stopRequested_ = false;
    bool done_ = false;
    quint64 transcriptId_ = 0;
};

}  // namespace obslab
