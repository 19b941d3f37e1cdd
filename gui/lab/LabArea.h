#pragma once

#include "core/kube/ClusterStatus.h"
#include "core/lab/LabProgress.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <memory>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace obslab {

class AppSettings;
class Banner;
class CommandRunner;
class EmptyState;
class LabRunner;
class LabStepView;
class Navigator;
class PortForwards;
struct Lab;

// The Lab area: a guided lab (the built-in tracing lab or a YAML file). Steps on the left with
// their state and a progress bar; the chosen step on the right (LabStepView). Before a lab first
// runs it shows the plan and asks (LabPlanDialog). Without a lab it says what the lab does.
// Cross-area requests (follow logs, open a trace or a search, the doctor) go to the Navigator;
// without one the runner does the headless thing (a log snapshot, printing the Jaeger URL).
class LabArea : public QWidget
{
    Q_OBJECT
public:
    explicit LabArea(QWidget* parent = nullptr);
    ~LabArea() override;

    // Where commands run and what the user configured (kubectl/istioctl paths, Jaeger URL).
    // forwards: the app's port-forwards (the lab's Jaeger forward is listed and shared there).
    void setServices(CommandRunner* runner, AppSettings* settings,
                     PortForwards* forwards = nullptr);
    void setClusterStatus(const ClusterStatus& status);
    void setNavigator(Navigator* navigator) { navigator_ = navigator; }
    // Where progress is saved (tests); default: the app data dir's labs/.
    void setProgressDir(const QString& dir);

    // A built-in lab id or a path. False (and the errors shown) when it does not load.
    bool openLab(const QString& idOrPath);
    EmptyState* emptyState() const { return state_; }
    LabRunner* runner() const { return runner_.get(); }
    QListWidget* stepList() const { return steps_; }
    LabStepView* stepView(const QString& stepId) const { return views_.value(stepId); }
    QProgressBar* progressBar() const { return progress_; }
    // Above the open lab's steps when there is no cluster to run them on (no kubectl, no context,
    // or a cluster that does not answer): says so and offers the rehearsal instead.
    Banner* noClusterNotice() const { return noCluster_; }
    // The built-in lab that has a recorded rehearsal (offered first without a cluster).
    static QString builtInLabId();

public Q_SLOTS:
    void runAllRemaining();
    void teardown();
    void stop();

private:
    class Host;
    void showEmpty();
    void buildLabView(const Lab& lab);
    void rebuildRunner();
    bool ensurePlanAccepted();
    void updateStepItem(const QString& stepId, LabStepState state);
    void updateProgress();
    void setBusy(bool busy);
    bool hasCluster() const;
    void updateNoClusterNotice();

    EmptyState* state_ = nullptr;
    QStackedWidget* pages_ = nullptr;
    QWidget* labPage_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* summary_ = nullptr;
    Banner* noCluster_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPushButton* runAll_ = nullptr;
    QPushButton* teardown_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* reset_ = nullptr;
    QListWidget* steps_ = nullptr;
    QStackedWidget* stepPages_ = nullptr;
    QHash<QString, LabStepView*> views_;

    QPointer<CommandRunner> commands_;
    QPointer<AppSettings> settings_;
    QPointer<PortForwards> forwards_;
    Navigator* navigator_ = nullptr;
    ClusterStatus status_;
    QString progressDir_;
    std::unique_ptr<Host> host_;
    std::unique_ptr<LabProgressStore> store_;
    std::unique_ptr<Lab> lab_;
    std::unique_ptr<LabRunner> runner_;
};

}  // namespace obslab
