#pragma once

#include <QDialog>

namespace obslab {

struct Lab;
struct LabPlan;

// The trust model's question before a lab first runs: what it will create, change and delete on
// the cluster (and what else it does), and whether to go ahead. Modal; Accepted means "start".
class LabPlanDialog : public QDialog
{
    Q_OBJECT
public:
    LabPlanDialog(const Lab& lab, const LabPlan& plan, const QString& context,
                  QWidget* parent = nullptr);
    static QString planHtml(const Lab& lab, const LabPlan& plan, const QString& context);
};

}  // namespace obslab
