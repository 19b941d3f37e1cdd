#include "core/rehearsal/Recorder.h"

#include "core/common/PrivateFile.h"

#include "core/process/BackgroundJob.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/Redactor.h"

#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace obslab::rehearsal {

namespace {
QByteArray redactOutput(const QByteArray& bytes)
{
    if (bytes.isEmpty())
        return bytes;
    return Redactor::redactText(QString::fromUtf8(bytes)).toUtf8();
}
}  // namespace

Recorder::Recorder(QObject* parent)
    : QObject(parent)
{
    recording_.recordedAt = QDateTime::currentDateTimeUtc();
    recording_.obslabVersion = QCoreApplication::applicationVersion();
    recording_.source.kind = u"unknown"_s;
    clock_.start();
}

void Recorder::setLab(const QString& id, const QString& title)
{
    recording_.labId = id;
    recording_.labTitle = title;
}

void Recorder::setSource(const RecordingSource& source)
{
    recording_.source = source;
}

void Recorder::attach(CommandRunner* runner)
{
    connect(runner, &CommandRunner::commandStarted, this, [this](Command* command) {
        // The step is the one current when the command started, not when it ended.
        const int step = step_;
        const bool forCheck = checkPhase_;
        connect(command, &Command::finished, this,
                [this, step, forCheck, spec = command->spec()](const CommandResult& result) {
                    addCommandAt(step, spec, result, false, forCheck);
                });
    });
}

void Recorder::attach(BackgroundJobs* jobs)
{
    connect(jobs, &QAbstractItemModel::rowsInserted, this,
            [this, jobs](const QModelIndex&, int first, int last) {
                for (int row = first; row <= last; ++row) {
                    BackgroundJob* job = jobs->job(row);
                    if (!job)
                        continue;
                    CommandResult started;
                    started.status = CommandStatus::Succeeded;
                    started.exitCode = 0;
                    started.startedAt = QDateTime::currentDateTimeUtc();
                    // Its output is what the lab follows: recorded through addLogLines().
                    addCommandAt(step_, job->spec(), started, true);
                }
            });
}

void Recorder::beginStep(const QString& id, const QString& title, const QString& markdown)
{
    RehearsalEvent e;
    e.kind = RehearsalEvent::Kind::Step;
    e.atMs = now();
    e.step = ++step_;
    e.stepId = id;
    e.title = title;
    e.text = markdown;
    insert(std::move(e));
}

void Recorder::addCheck(const QString& id, const QString& title, const QString& state,
                        const QString& message, const QString& hint)
{
    RehearsalEvent e;
    e.kind = RehearsalEvent::Kind::Check;
    e.atMs = now();
    e.step = step_;
    e.checkId = id;
    e.title = title;
    e.checkState = state;
    e.message = Redactor::redactText(message);
    e.hint = hint;
    insert(std::move(e));
}

void Recorder::addLogLines(const QList<RecordedLogLine>& lines)
{
    if (lines.isEmpty())
        return;
    RehearsalEvent e;
    e.kind = RehearsalEvent::Kind::Logs;
    e.atMs = now();
    e.step = step_;
    e.logLines = lines;
    for (RecordedLogLine& l : e.logLines)
        l.text = Redactor::redactLine(QString::fromUtf8(l.text)).toUtf8();
    insert(std::move(e));
}

void Recorder::addTrace(const QString& traceId, const QByteArray& jaegerJson, int step, qint64 atMs)
{
    RehearsalEvent e;
    e.kind = RehearsalEvent::Kind::Trace;
    e.atMs = atMs >= 0 ? atMs : now();
    e.step = step >= 0 ? step : step_;
    e.traceId = traceId;
    e.traceJson = jaegerJson;
    insert(std::move(e));
}

void Recorder::addCommand(const CommandSpec& spec, const CommandResult& result, bool background)
{
    addCommandAt(step_, spec, result, background);
}

void Recorder::addCommandAt(int step, const CommandSpec& spec, const CommandResult& result,
                            bool background, bool forCheck)
{
    const CommandSpec shown = Redactor::redactSpec(spec);
    RehearsalEvent e;
    e.kind = RehearsalEvent::Kind::Command;
    e.step = step;
    const qint64 started = result.startedAt.isValid()
                               ? recording_.recordedAt.msecsTo(result.startedAt)
                               : now() - result.durationMs;
    e.atMs = qBound<qint64>(0, started, now());
    e.title = spec.title;
    e.program = shown.program;
    e.arguments = shown.arguments;
    e.stdinText = QString::fromUtf8(shown.stdinData);
    e.stdoutData = redactOutput(result.stdoutData);
    e.stderrData = redactOutput(result.stderrData);
    e.exitCode = result.exitCode;
    e.status = result.status;
    e.durationMs = background ? 0 : result.durationMs;
    e.background = background;
    e.forCheck = forCheck;
    const qint64 endMs = e.atMs + e.durationMs;
    const QByteArray output = e.stdoutData;
    insert(std::move(e));
    // A log snapshot (`kubectl logs --prefix`, what a headless lab run shows for "follow the
    // logs") is also kept as followed lines, so that a replay streams them like the app does.
    if (!background && shown.arguments.contains(u"logs"_s) &&
        shown.arguments.contains(u"--prefix"_s)) {
        const bool timestamps = shown.arguments.contains(u"--timestamps"_s);
        QList<RecordedLogLine> lines;
        for (const QByteArray& raw : output.split('\n')) {
            if (!raw.startsWith("[pod/"))
                continue;
            const qsizetype close = raw.indexOf("] ");
            const QList<QByteArray> who = raw.mid(5, close - 5).split('/');
            if (close < 0 || who.size() != 2)
                continue;
            RecordedLogLine line{
                QString::fromUtf8(who.at(0)), QString::fromUtf8(who.at(1)), {}, raw.mid(close + 2)};
            if (timestamps) {
                const qsizetype space = line.text.indexOf(' ');
                line.timestamp = line.text.left(space);
                line.text = space < 0 ? QByteArray() : line.text.mid(space + 1);
            }
            lines << line;
        }
        if (!lines.isEmpty()) {
            RehearsalEvent logs;
            logs.kind = RehearsalEvent::Kind::Logs;
            logs.atMs = endMs;
            logs.step = step;
            logs.logLines = lines;
            logs.fromSnapshot = true;
            insert(std::move(logs));
        }
    }
}

void Recorder::insert(RehearsalEvent event)
{
    // Commands arrive when they end, a fetched trace later still, but each is placed when it
    // started, in its own step: time order within a step (stable for equal times), steps in order.
    qsizetype at = recording_.events.size();
    while (at > 0) {
        const RehearsalEvent& before = recording_.events.at(at - 1);
        if (before.step < event.step)
            break;
        if (before.step == event.step &&
            (before.atMs <= event.atMs || before.kind == RehearsalEvent::Kind::Step))
            break;
        --at;
    }
    recording_.events.insert(at, std::move(event));
    Q_EMIT eventRecorded(int(at));
}

bool Recorder::saveAs(const QString& path, QString* error) const
{
    // Mode 0600 from the start: a recording holds what the cluster said (redacted, but private).
    return writePrivateFile(path, recording_.toNdjson(), error);
}

}  // namespace obslab::rehearsal
