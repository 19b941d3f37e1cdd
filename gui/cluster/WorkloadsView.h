#pragma once

#include "core/kube/KubeObjects.h"
#include "gui/cluster/ClusterActions.h"

#include <QMap>
#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QTimer;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace obslab {

class BackgroundJob;
class ClusterContext;
class Transcript;
struct CommandResult;

// Deployments and their pods in the context's namespace, kept live by two `kubectl get -w`
// watches (restarted with backoff when they end): replicas ready / updated / available, the
// istio-proxy sidecar (native sidecars count; an ambient namespace says so), the last restart
// and the containers. Selected deployments can be restarted (`kubectl rollout restart`) and
// their rollouts are followed until ready or failed. GUI thread.
class WorkloadsView : public QWidget
{
    Q_OBJECT
public:
    WorkloadsView(ClusterContext* context, Transcript* transcript, QWidget* parent = nullptr);
    ~WorkloadsView() override;

    void setConfirmer(ClusterActions::Confirmer confirmer) { confirm_ = std::move(confirmer); }

    QTreeWidget* tree() const { return tree_; }
    QTreeWidget* rolloutView() const { return rollouts_; }
    QLabel* statusLabel() const { return status_; }
    QLineEdit* commandLine() const { return command_; }
    QStringList deploymentNames() const { return deployments_.keys(); }
    QStringList selectedDeployments() const;
    void selectDeployments(const QStringList& names);
    bool isAmbient() const { return ambient_; }
    bool isWatching() const;

public Q_SLOTS:
    // (Re)starts the watches for the context's current namespace.
    void start();
    void stop();
    void restartSelected();
    void restart(const QStringList& deployments);

Q_SIGNALS:
    void updated();  // the tree shows the latest objects
    // Follow a workload's logs (double-click): ClusterArea passes it to the Navigator.
    void followRequested(const QString& namespaceName, const QString& selector,
                         const QString& container);
    void restartFinished(bool ok);  // every restarted deployment rolled out (or one failed)

private:
    struct Watch
    {
        BackgroundJob* job = nullptr;
        QByteArray buffer;  // pretty-printed JSON events span lines
        int failures = 0;
        QMap<QString, KubeObject>* objects = nullptr;
    };
    void startWatch(Watch& watch, const QString& resource);
    void onWatchLine(Watch& watch, const QByteArray& line);
    void onWatchEnded(Watch& watch, const QString& resource, const CommandResult& result);
    void readNamespace();
    void scheduleRebuild();
    void rebuild();
    void followRollouts(const QStringList& deployments);
    void rolloutEnded();
    void showStatus(const QString& text, bool error = false);

    QPointer<ClusterContext> context_;
    QPointer<Transcript> transcript_;
    ClusterActions::Confirmer confirm_;
    QTreeWidget* tree_ = nullptr;
    QTreeWidget* rollouts_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* namespaceNote_ = nullptr;
    QLineEdit* command_ = nullptr;
    QToolButton* restartButton_ = nullptr;
    QTimer* rebuildTimer_ = nullptr;
    QMap<QString, KubeObject> deployments_;
    QMap<QString, KubeObject> pods_;
    Watch deploymentWatch_;
    Watch podWatch_;
    QString ns_;
    bool ambient_ = false;
    bool injection_ = false;
    bool stopping_ = false;
    int rolloutsRunning_ = 0;
    bool rolloutsOk_ = true;
};

}  // namespace obslab
