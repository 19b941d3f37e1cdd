#pragma once

#include "core/rehearsal/Recording.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

namespace obslab {
class BackgroundJobs;
class CommandRunner;
struct CommandSpec;
}  // namespace obslab

namespace obslab::rehearsal {

// Records a lab run into a Recording: every command the attached CommandRunner runs (program,
// arguments, stdin, stdout, stderr, exit code, timing — redacted like the Transcript), the
// background jobs started through BackgroundJobs, and what the lab reports through the add*
// calls (steps, check results, followed log lines, opened traces). GUI or worker thread, the
// thread of the runner it observes; never blocks. A command still running when the recording is
// taken is left out.
class Recorder : public QObject
{
    Q_OBJECT
public:
    explicit Recorder(QObject* parent = nullptr);

    void setLab(const QString& id, const QString& title);
    void setSource(const RecordingSource& source);

    void attach(CommandRunner* runner);
    void attach(BackgroundJobs* jobs);

    void beginStep(const QString& id, const QString& title, const QString& markdown);
    void addCheck(const QString& id, const QString& title, const QString& state,
                  const QString& message, const QString& hint = {});
    void addLogLines(const QList<RecordedLogLine>& lines);
    // step and atMs: where it belongs when it arrives late (-1: now, in the current step).
    void addTrace(const QString& traceId, const QByteArray& jaegerJson, int step = -1,
                  qint64 atMs = -1);
    // While true, commands that start are marked as run by a check (LabRunner's checks).
    void setCheckPhase(bool on) { checkPhase_ = on; }
    qint64 elapsedMs() const { return now(); }
    // A command that ran elsewhere (tests, or a runner not attached). Redacted here.
    void addCommand(const CommandSpec& spec, const CommandResult& result, bool background = false);

    int currentStep() const { return step_; }
    const Recording& recording() const { return recording_; }
    // Atomic, mode 0600 from creation (writePrivateFile). False with a message when the file cannot
    // be written.
    bool saveAs(const QString& path, QString* error = nullptr) const;

Q_SIGNALS:
    void eventRecorded(int index);

private:
    qint64 now() const { return clock_.elapsed(); }
    void insert(RehearsalEvent event);
    void addCommandAt(int step, const CommandSpec& spec, const CommandResult& result,
                      bool background, bool forCheck = false);

    Recording recording_;
    QElapsedTimer clock_;
    int step_ = -1;
    bool checkPhase_ = false;
};

}  // namespace obslab::rehearsal
