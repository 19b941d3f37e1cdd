#pragma once

#include <QObject>
#include <QPointer>

namespace obslab {

class LabArea;

// Presenter mode's step keys for a live lab: moves the Lab area's step list, and asks the shown
// step's view to run, check or show a hint exactly as its buttons do (so the plan is still asked
// for before the first run). Emits labShown(id) when the Lab area shows a lab (presenter mode is
// remembered per lab). GUI thread; uses only the Lab area's public API.
class LabStepControls : public QObject
{
    Q_OBJECT
public:
    explicit LabStepControls(LabArea* lab, QObject* parent = nullptr);

    QString currentLabId() const;
    QString currentStepId() const;

public Q_SLOTS:
    void nextStep();
    void previousStep();
    void runStep();
    void checkStep();
    void showHint();

Q_SIGNALS:
    void labShown(const QString& labId);

private:
    void move(int delta);
    QPointer<LabArea> lab_;
};

}  // namespace obslab
