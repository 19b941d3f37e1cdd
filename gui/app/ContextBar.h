#pragma once

#include "core/kube/ClusterStatus.h"

#include <QWidget>

namespace obslab {

class Chip;

// The toolbar's view of the cluster: the kube context and namespace every command uses, as chips
// tinted by state (checking, missing kubectl, unreachable, local, remote).
class ContextBar : public QWidget
{
    Q_OBJECT
public:
    explicit ContextBar(QWidget* parent = nullptr);

    void setStatus(const ClusterStatus& status);
    QString contextText() const;
    QString namespaceText() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    Chip* context_ = nullptr;
    Chip* namespace_ = nullptr;
};

}  // namespace obslab
