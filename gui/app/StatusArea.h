#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QToolButton;

namespace obslab {

class BackgroundJobs;
class CommandRunner;
class JobsPopup;
class PortForwards;

// The permanent part of the status bar: what is running (commands and background jobs) and a
// button that lists them with a Stop for each.
class StatusArea : public QWidget
{
    Q_OBJECT
public:
    StatusArea(CommandRunner* runner, BackgroundJobs* jobs, QWidget* parent = nullptr);

    QString summary() const;
    // The app's port-forwards: counted in the summary and listed in the popup with a Stop.
    void setPortForwards(PortForwards* forwards);
    JobsPopup* popup() const { return popup_; }

public Q_SLOTS:
    void showJobs();

private:
    void update();
    void updateIcon();

    QPointer<CommandRunner> runner_;
    QPointer<BackgroundJobs> jobs_;
    QPointer<PortForwards> forwards_;
    QLabel* icon_ = nullptr;
    QLabel* label_ = nullptr;
    QToolButton* button_ = nullptr;
    JobsPopup* popup_ = nullptr;
    int runningCommands_ = 0;
    QString iconName_;

protected:
    void changeEvent(QEvent* event) override;
};

}  // namespace obslab
