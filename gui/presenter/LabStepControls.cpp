#include "gui/presenter/LabStepControls.h"

#include "core/lab/LabRunner.h"
#include "gui/lab/LabArea.h"
#include "gui/lab/LabStepView.h"

#include <QAbstractButton>
#include <QListWidget>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

LabStepControls::LabStepControls(LabArea* lab, QObject* parent)
    : QObject(parent)
    , lab_(lab)
{
    // The step list is filled when a lab is shown: the cue that another lab is open.
    connect(lab->stepList()->model(), &QAbstractItemModel::rowsInserted, this, [this] {
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (const QString id = currentLabId(); !id.isEmpty())
                    Q_EMIT labShown(id);
            },
            Qt::QueuedConnection);
    });
}

QString LabStepControls::currentLabId() const
{
    return lab_ && lab_->runner() ? lab_->runner()->lab().id : QString();
}

QString LabStepControls::currentStepId() const
{
    if (!lab_ || !lab_->stepList()->currentItem())
        return {};
    return lab_->stepList()->currentItem()->data(Qt::UserRole).toString();
}

void LabStepControls::move(int delta)
{
    if (!lab_)
        return;
    QListWidget* steps = lab_->stepList();
    const int row = qBound(0, steps->currentRow() + delta, steps->count() - 1);
    if (steps->count() > 0)
        steps->setCurrentRow(row);
}

void LabStepControls::nextStep()
{
    move(1);
}

void LabStepControls::previousStep()
{
    move(-1);
}

void LabStepControls::runStep()
{
    const QString id = currentStepId();
    if (LabStepView* view = lab_ && !id.isEmpty() ? lab_->stepView(id) : nullptr)
        Q_EMIT view->runStepRequested(id);
}

void LabStepControls::checkStep()
{
    const QString id = currentStepId();
    if (LabStepView* view = lab_ && !id.isEmpty() ? lab_->stepView(id) : nullptr)
        Q_EMIT view->checkRequested(id);
}

void LabStepControls::showHint()
{
    const QString id = currentStepId();
    LabStepView* view = lab_ && !id.isEmpty() ? lab_->stepView(id) : nullptr;
    if (!view)
        return;
    // The step view's own Hint buttons: press the first one that can be pressed.
    for (QAbstractButton* b : view->findChildren<QAbstractButton*>()) {
        if (b->text().remove(u'&').startsWith(tr("Hint")) && b->isEnabled()) {
            b->click();
            return;
        }
    }
}

}  // namespace obslab
