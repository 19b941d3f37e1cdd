#pragma once

#include "ClusterStatus.h"

#include <QWidget>

class QFormLayout;
class QLabel;

namespace obslab {

class EmptyState;

// The Cluster area: kubectl and cluster status, with what to do next when either is missing.
// Later issues add pods, sidecars and the Istio install here; it is a container for them.
class ClusterArea : public QWidget
{
    Q_OBJECT
public:
    explicit ClusterArea(QWidget* parent = nullptr);

    void setStatus(const ClusterStatus& status);
    EmptyState* emptyState() const { return state_; }

Q_SIGNALS:
    void refreshRequested();
    void settingsRequested();
    void sampleLogRequested();

private:
    QWidget* makeDetails(const ClusterStatus& status);

    EmptyState* state_ = nullptr;
};

}  // namespace obslab
