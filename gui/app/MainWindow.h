#pragma once

#include "core/kube/ClusterStatus.h"
#include "gui/app/AppServices.h"
#include "gui/common/Navigator.h"

#include <QMainWindow>
#include <QPointer>

class QDockWidget;
class QMenu;
class QToolBar;

namespace obslab {
class LiveLogStore;

class Banner;
class ClusterArea;
class ClusterContext;
class ConsoleArea;
class ContextBar;
class DoctorPanel;
class LabArea;
class LogsArea;
class PresenterMode;
class RehearsalPanel;
class SettingsDialog;
class StatusArea;
class TracesArea;

// The ObsLab window: five areas as dock widgets the user can rearrange (Lab, Logs, Cluster and
// Traces tabbed together above, Console below), a toolbar with the kube context, a status bar
// with what is running. Layout and geometry persist through AppSettings. Reads the kube context
// as soon as the event loop runs. It is the areas' Navigator: a request raises the area it names.
class MainWindow : public QMainWindow, public Navigator
{
    Q_OBJECT
public:
    enum class Area
    {
        Lab,
        Logs,
        Cluster,
        Traces,
        Console
    };

    explicit MainWindow(const AppServices& services, QWidget* parent = nullptr);
    ~MainWindow() override;

    QDockWidget* dock(Area area) const;
    LogsArea* logsArea() const { return logs_; }
    LabArea* labArea() const { return lab_; }
    ConsoleArea* consoleArea() const { return console_; }
    ClusterArea* clusterArea() const { return cluster_; }
    TracesArea* tracesArea() const { return traces_; }
    ContextBar* contextBar() const { return contextBar_; }
    Banner* banner() const { return banner_; }
    ClusterContext* clusterContext() const { return clusterContext_; }
    StatusArea* statusArea() const { return statusArea_; }
    DoctorPanel* doctorPanel() const { return doctor_; }
    QDockWidget* doctorDock() const { return doctorDock_; }

    // Presenter mode and rehearsals (For instructors).
    PresenterMode* presenterMode() const { return presenter_; }
    RehearsalPanel* rehearsalPanel() const { return rehearsal_; }
    QDockWidget* rehearsalDock() const { return rehearsalDock_; }

    void openFiles(const QStringList& paths);
    void saveWindowState();
    void showArea(Area area);

    // Navigator
    void followLogs(const QString& ns, const QString& selector, const QString& container) override;
    void showTraceLines(const QString& traceId, const QStringList& requestIds) override;
    void openSampleLog() override;
    void rehearseLab(const QString& labId) override;
    void showTrace(const QString& traceId) override;
    void showRequestId(const QString& requestId) override;
    void showTraceSearch(const QString& service) override;
    void showClusterDetails() override;

public Q_SLOTS:
    void openLogDialog() override;
    void openTraceDialog() override;
    void openTraceFile(const QString& path);
    void showSettings() override;
    void showShortcuts();
    void showAbout();
    void resetLayout();
    // Shows the Doctor area (tabbed with Cluster) and selects a check; runs the doctor
    // first when it has not run yet (a failing lab check calls this with its check id).
    void showDoctor(const QString& focusCheckId = {}) override;
    void setPresenterMode(bool on);
    // Opens a rehearsal (a recorded lab run) in the Rehearsal area; false when unreadable.
    bool openRehearsal(const QString& path);
    void openRehearsalDialog();

Q_SIGNALS:
    void presenterModeChanged(bool on);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    QDockWidget* addArea(QWidget* widget, const QString& title, const QString& objectName,
                         const QString& iconName);
    void createActions();
    void createToolBars();
    void arrangeDefaultLayout();
    void restoreWindowState();
    void checkCluster();
    void onClusterStatus(const ClusterStatus& status);
    void onSettingsChanged();
    void rebuildRecentMenu();
    void updateDockTitleBars();
    void createPresenter();
    void createDoctor();
    void updateDoctorOptions(const ClusterStatus& status);
    void updateBannerBar();
    // The Console starts as a strip and opens (once) when a command that changes something runs
    // or the person shows it; expandConsole() is that opening.
    void expandConsole();
    void collapseConsole();
    void fitToScreen();
    // Schedules fitToScreen() when the window is larger than its screen and its minimum allows.
    void refitIfOversize();

    AppServices services_;
    LabArea* lab_ = nullptr;
    LogsArea* logs_ = nullptr;
    ClusterArea* cluster_ = nullptr;
    TracesArea* traces_ = nullptr;
    ConsoleArea* console_ = nullptr;
    QList<QDockWidget*> docks_;
    ClusterContext* clusterContext_ = nullptr;
    ContextBar* contextBar_ = nullptr;
    Banner* banner_ = nullptr;
    QToolBar* mainToolBar_ = nullptr;
    QToolBar* bannerBar_ = nullptr;
    StatusArea* statusArea_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QPointer<SettingsDialog> settingsDialog_;
    PresenterMode* presenter_ = nullptr;
    RehearsalPanel* rehearsal_ = nullptr;
    QDockWidget* rehearsalDock_ = nullptr;
    QPointer<LiveLogStore> rehearsalLogs_;  // the replayed log lines, shown in the Logs area
    DoctorPanel* doctor_ = nullptr;
    QDockWidget* doctorDock_ = nullptr;
    QList<QAction*> shortcutActions_;
    QString lastKubectlPath_;
    bool bannerDismissed_ = false;
    bool bannerWanted_ = false;     // the situation calls for the banner (presenter mode hides it)
    bool consoleExpanded_ = false;  // the Console has left its first-run strip
    bool shownOnce_ = false;
    ClusterStatus::State bannerState_ = ClusterStatus::State::Unknown;
};

}  // namespace obslab
