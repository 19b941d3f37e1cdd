#pragma once

#include "cluster/ClusterStatus.h"

#include <QWidget>

namespace obslab {

class EmptyState;

// The Lab area: the guided tracing lab lives here (a later issue). Until a lab is loaded it says
// what the lab does and whether the cluster is ready for it.
class LabArea : public QWidget
{
    Q_OBJECT
public:
    explicit LabArea(QWidget* parent = nullptr);

    void setClusterStatus(const ClusterStatus& status);
    EmptyState* emptyState() const { return state_; }

Q_SIGNALS:
    void clusterDetailsRequested();

private:
    EmptyState* state_ = nullptr;
};

}  // namespace obslab
