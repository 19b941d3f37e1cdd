#pragma once

#include <QString>
#include <QStringList>

namespace obslab {

// What an area asks of the rest of the window: take the person to another area with something in
// it, or open one of the window's dialogs. Areas report events through their own signals and ask
// for things only through this. MainWindow implements it (raising the area it names); an area gets
// it with setNavigator() and, without one (an area on its own in a test), does the request's
// fallback or nothing. GUI thread; every call returns at once.
class Navigator
{
public:
    virtual ~Navigator() = default;

    // The Logs area: follow the container's logs of every pod the selector picks, live.
    virtual void followLogs(const QString& ns, const QString& selector,
                            const QString& container) = 0;
    // The Logs area filtered to a trace's lines (and the lines of its request ids).
    virtual void showTraceLines(const QString& traceId, const QStringList& requestIds) = 0;
    virtual void openSampleLog() = 0;
    virtual void openLogDialog() = 0;
    // Plays the recorded run of a built-in lab (no cluster needed); the first offer with no
    // cluster.
    virtual void rehearseLab(const QString& labId) = 0;

    // The Traces area: a trace by id, the trace of an x-request-id, Jaeger's search page.
    virtual void showTrace(const QString& traceId) = 0;
    virtual void showRequestId(const QString& requestId) = 0;
    virtual void showTraceSearch(const QString& service) = 0;
    virtual void openTraceDialog() = 0;

    // The Doctor, selecting a check (empty: run the checks when they have not run yet).
    virtual void showDoctor(const QString& focusCheckId) = 0;
    virtual void showClusterDetails() = 0;
    virtual void showSettings() = 0;
};

}  // namespace obslab
