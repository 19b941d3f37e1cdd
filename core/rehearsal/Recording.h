#pragma once

#include "core/common/Result.h"
#include "core/process/CommandResult.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace obslab::rehearsal {

// One followed access-log line, as `kubectl logs --prefix --timestamps` showed it.
struct RecordedLogLine
{
    QString pod;
    QString container;
    QByteArray timestamp;  // RFC 3339 as kubectl printed it; may be empty
    QByteArray text;
};

// One thing that happened during a recorded lab run. Which fields matter depends on kind.
struct RehearsalEvent
{
    enum class Kind
    {
        Step,     // a step began: stepId, title, text
        Command,  // a command ran: title, program, arguments, stdinText, output, status
        Check,    // a check reported: checkId, title, checkState, message, hint
        Logs,     // followed log lines arrived: logLines
        Trace,    // a trace was opened: traceId, traceJson (Jaeger's JSON)
    };

    Kind kind = Kind::Step;
    qint64 atMs = 0;  // since the recording began; a command's is when it started
    int step = -1;    // index of the step it belongs to (-1: before the first step)

    // Step / Check
    QString stepId;
    QString checkId;
    QString title;
    QString text;  // Step: the step's Markdown

    // Command (already redacted when recorded)
    QString program;
    QStringList arguments;
    QString stdinText;
    QByteArray stdoutData;
    QByteArray stderrData;
    int exitCode = -1;
    CommandStatus status = CommandStatus::Succeeded;
    qint64 durationMs = 0;
    bool background = false;
    bool forCheck = false;  // run by a check (replayed with the checks, not printed as an action)

    // Check
    QString checkState;  // "passed", "failed", "skipped", or what LabRunner reports
    QString message;
    QString hint;

    // Logs
    QList<RecordedLogLine> logLines;
    bool fromSnapshot = false;  // the lines are also a command's output (kubectl logs --prefix)

    // Trace
    QString traceId;
    QByteArray traceJson;

    QString shellLine() const;  // the command as a person would type it (redacted already)
    bool checkPassed() const { return checkState == u"passed" || checkState == u"pass"; }
};

// Where a recording came from, shown with it: a rehearsal made against the simulated mesh says
// so wherever it is shown (it is test equipment, not a cluster).
struct RecordingSource
{
    QString kind;   // "simulated-mesh", "cluster" or "unknown"
    QString label;  // for people: "Recorded against the simulated mesh of tests/sim (…)"
    QString context;
    bool isSimulated() const { return kind == u"simulated-mesh"; }
};

// A recorded lab run: the format of resources/rehearsals/*.ndjson. One JSON object per line;
// the first is the header ({"type":"rehearsal","version":1,…}), then one per event in time
// order. NDJSON so that a recorder writes as it goes and a run cut short leaves a readable file.
// Output that is not valid UTF-8 is stored base64 ("stdoutBase64"). Pure value; any thread.
struct Recording
{
    static constexpr int kVersion = 1;

    int version = kVersion;
    QString labId;
    QString labTitle;
    QDateTime recordedAt;  // UTC
    QString obslabVersion;
    RecordingSource source;
    QList<RehearsalEvent> events;

    int stepCount() const;
    QList<RehearsalEvent> stepEvents(int step) const;  // the step's own event first
    const RehearsalEvent* stepEvent(int step) const;
    qint64 durationMs() const;
    // Trace ids seen: every opened trace and every id in command output and followed log lines,
    // as Jaeger shows them (16 digits for a 64-bit id), in the order first seen.
    QStringList traceIdsSeen() const;

    QByteArray headerLine() const;  // one NDJSON line, '\n'-terminated
    static QByteArray eventLine(const RehearsalEvent& event);
    QByteArray toNdjson() const;
    // Errors say which line is wrong and why; an unknown event type is skipped (newer files).
    static Result<Recording> fromNdjson(const QByteArray& data);
    static Result<Recording> load(const QString& path);
};

QString kindName(RehearsalEvent::Kind kind);

}  // namespace obslab::rehearsal
