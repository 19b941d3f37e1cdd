#pragma once

#include <QString>
#include <QUrl>

namespace obslab {

// What LabRunner asks of the place it runs in. The GUI implements it over its areas (Logs,
// Traces, the doctor); the CLI prints. Every call is made on the runner's thread and must not
// block for long (confirm may show a modal question). A `false` return means "not handled here":
// the runner then does the headless thing itself (a log snapshot, printing the Jaeger URL).
class LabHost
{
public:
    virtual ~LabHost() = default;

    // Follow the container's logs of every pod matching selector (GUI: LogsArea::followSelector).
    virtual bool followLogs(const QString& ns, const QString& selector, const QString& container)
    {
        Q_UNUSED(ns);
        Q_UNUSED(selector);
        Q_UNUSED(container);
        return false;
    }
    // Show a trace (GUI: TracesArea::showTrace); jaegerUrl is the Jaeger in use, may be empty.
    virtual bool openTrace(const QString& traceId, const QUrl& jaegerUrl)
    {
        Q_UNUSED(traceId);
        Q_UNUSED(jaegerUrl);
        return false;
    }
    virtual bool openSearch(const QString& service, const QUrl& jaegerUrl)
    {
        Q_UNUSED(service);
        Q_UNUSED(jaegerUrl);
        return false;
    }
    // Run the tracing doctor, showing `focus` first (GUI: MainWindow::showDoctor).
    virtual bool showDoctor(const QString& focus)
    {
        Q_UNUSED(focus);
        return false;
    }
    // A yes/no question: a change on a context that does not look local, a manifest fetched from
    // a URL (details: its text). False: the action does not run.
    virtual bool confirm(const QString& question, const QString& details) = 0;
    // Whether confirm() asks a person about each thing the plan did not show (the GUI does);
    // false where a yes was given in advance (`lab run --yes`): such things are then refused.
    virtual bool acceptsUnplanned() const { return true; }
};

}  // namespace obslab
