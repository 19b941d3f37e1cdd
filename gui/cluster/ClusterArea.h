#pragma once

#include "core/kube/ClusterStatus.h"
#include "gui/cluster/ClusterActions.h"

#include <QPointer>
#include <QWidget>

class QFormLayout;
class QLabel;
class QTabWidget;

namespace obslab {

class AppSettings;
class ClusterContext;
class EmptyState;
class IstioView;
class ManifestEditor;
class Navigator;
class Transcript;
class WorkloadsView;

// The Cluster area: an overview (kubectl and cluster status, with what to do next when either
// is missing), the manifest editor, the live workloads and Istio (install, version, analyze).
// The tools appear once attach() gives it the cluster context. GUI thread.
class ClusterArea : public QWidget
{
    Q_OBJECT
public:
    enum class Page
    {
        Overview,
        Manifests,
        Workloads,
        Istio
    };

    explicit ClusterArea(QWidget* parent = nullptr);

    // Creates the manifest, workload and Istio pages over context; none of these is owned.
    void attach(ClusterContext* context, Transcript* transcript, AppSettings* settings);
    // Who answers "change a non-local cluster?" (a dialog unless a test says otherwise).
    void setConfirmer(const ClusterActions::Confirmer& confirmer);
    // Where a double-clicked workload's logs, Settings and the sample log are shown.
    void setNavigator(Navigator* navigator) { navigator_ = navigator; }

    void setStatus(const ClusterStatus& status);
    EmptyState* emptyState() const { return state_; }
    ManifestEditor* manifestEditor() const { return manifests_; }
    WorkloadsView* workloadsView() const { return workloads_; }
    IstioView* istioView() const { return istio_; }
    QTabWidget* tabs() const { return tabs_; }
    void showPage(Page page);

public Q_SLOTS:
    // For other areas (labs): a manifest file path, or manifest text, opens in the editor.
    void openManifest(const QString& pathOrText);

Q_SIGNALS:
    void refreshRequested();

private:
    QWidget* makeDetails(const ClusterStatus& status);
    void onContextChanged();

    QPointer<ClusterContext> context_;
    QTabWidget* tabs_ = nullptr;
    EmptyState* state_ = nullptr;
    ManifestEditor* manifests_ = nullptr;
    WorkloadsView* workloads_ = nullptr;
    IstioView* istio_ = nullptr;
    Navigator* navigator_ = nullptr;
    bool workloadsStarted_ = false;
};

}  // namespace obslab
