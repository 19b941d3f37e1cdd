#pragma once

#include "gui/common/Navigator.h"

#include <QObject>
#include <QStringList>

namespace obslab::test {

// A Navigator for an area tested on its own: every request becomes a signal a QSignalSpy reads.
class RecordingNavigator : public QObject, public Navigator
{
    Q_OBJECT
public:
    using QObject::QObject;

    void followLogs(const QString& ns, const QString& selector, const QString& container) override
    {
        Q_EMIT followLogsRequested(ns, selector, container);
    }
    void showTraceLines(const QString& traceId, const QStringList& requestIds) override
    {
        Q_EMIT traceLinesRequested(traceId, requestIds);
    }
    void openSampleLog() override { Q_EMIT sampleLogRequested(); }
    void openLogDialog() override { Q_EMIT logDialogRequested(); }
    void rehearseLab(const QString& labId) override { Q_EMIT rehearsalRequested(labId); }
    void showTrace(const QString& traceId) override { Q_EMIT traceRequested(traceId); }
    void showRequestId(const QString& requestId) override { Q_EMIT requestIdRequested(requestId); }
    void showTraceSearch(const QString& service) override { Q_EMIT searchRequested(service); }
    void openTraceDialog() override { Q_EMIT traceDialogRequested(); }
    void showDoctor(const QString& focusCheckId) override { Q_EMIT doctorRequested(focusCheckId); }
    void showClusterDetails() override { Q_EMIT clusterDetailsRequested(); }
    void showSettings() override { Q_EMIT settingsRequested(); }

Q_SIGNALS:
    void followLogsRequested(const QString& ns, const QString& selector, const QString& container);
    void traceLinesRequested(const QString& traceId, const QStringList& requestIds);
    void sampleLogRequested();
    void logDialogRequested();
    void rehearsalRequested(const QString& labId);
    void traceRequested(const QString& traceId);
    void requestIdRequested(const QString& requestId);
    void searchRequested(const QString& service);
    void traceDialogRequested();
    void doctorRequested(const QString& focusCheckId);
    void clusterDetailsRequested();
    void settingsRequested();
};

}  // namespace obslab::test
