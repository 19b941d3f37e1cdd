#pragma once

#include <QFrame>
#include <QPointer>

#include <functional>

class QVBoxLayout;

namespace obslab {

class BackgroundJobs;
class CommandRunner;
class PortForwards;

// The list behind the status bar's jobs button: commands still running and background jobs,
// each with a Stop button. Rebuilt from the runner and the jobs model while it is open.
class JobsPopup : public QFrame
{
    Q_OBJECT
public:
    JobsPopup(CommandRunner* runner, BackgroundJobs* jobs, QWidget* parent = nullptr);

    void popupAbove(QWidget* anchor);
    void setPortForwards(PortForwards* forwards);  // listed after the jobs, each with a Stop

public Q_SLOTS:
    void rebuild();

private:
    void addRow(const QString& iconName, const QString& title, const QString& detail, bool canStop,
                std::function<void()> stop);

    QPointer<CommandRunner> runner_;
    QPointer<BackgroundJobs> jobs_;
    QPointer<PortForwards> forwards_;
    QVBoxLayout* rows_ = nullptr;
};

}  // namespace obslab
