#include "gui/app/StatusArea.h"

#include "core/kube/PortForward.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "gui/app/JobsPopup.h"
#include "gui/widgets/Icons.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

StatusArea::StatusArea(CommandRunner* runner, BackgroundJobs* jobs, QWidget* parent)
    : QWidget(parent)
    , runner_(runner)
    , jobs_(jobs)
    , icon_(new QLabel(this))
    , label_(new QLabel(this))
    , button_(new QToolButton(this))
    , popup_(new JobsPopup(runner, jobs, this))
{
    setObjectName(u"statusArea"_s);
    label_->setObjectName(u"runningSummary"_s);
    button_->setObjectName(u"jobsButton"_s);
    button_->setIcon(Icons::icon(u"jobs"_s));
    button_->setText(tr("Jobs"));
    button_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button_->setAutoRaise(true);
    button_->setToolTip(tr("Show running commands and background jobs, with a Stop for each"));
    connect(button_, &QToolButton::clicked, this, &StatusArea::showJobs);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(icon_);
    layout->addWidget(label_);
    layout->addWidget(button_);

    if (runner_) {
        // Count from the commands' own finished signals: exact even if the runner reports
        // commandFinished before or after it forgets the command.
        connect(runner_, &CommandRunner::commandStarted, this, [this](Command* command) {
            ++runningCommands_;
            connect(command, &Command::finished, this, [this] {
                runningCommands_ = qMax(0, runningCommands_ - 1);
                update();
            });
            update();
        });
    }
    if (jobs_)
        connect(jobs_, &BackgroundJobs::runningCountChanged, this, [this] { update(); });
    update();
}

void StatusArea::setPortForwards(PortForwards* forwards)
{
    if (forwards_)
        forwards_->disconnect(this);
    forwards_ = forwards;
    popup_->setPortForwards(forwards);
    if (forwards_)
        connect(forwards_, &PortForwards::activeCountChanged, this, [this] { update(); });
    update();
}

QString StatusArea::summary() const
{
    return label_->text();
}

void StatusArea::update()
{
    const int jobs = jobs_ ? jobs_->runningCount() : 0;
    QStringList parts;
    if (runningCommands_ > 0)
        // No translator is loaded for English, so plurals are spelled out rather than "(s)".
        parts << (runningCommands_ == 1 ? tr("1 command running")
                                        : tr("%1 commands running").arg(runningCommands_));
    if (jobs > 0)
        parts << (jobs == 1 ? tr("1 background job") : tr("%1 background jobs").arg(jobs));
    const int forwards = forwards_ ? forwards_->activeCount() : 0;
    if (forwards > 0)
        parts << (forwards == 1 ? tr("1 port-forward") : tr("%1 port-forwards").arg(forwards));
    label_->setText(parts.isEmpty() ? tr("Idle") : parts.join(u" · "_s));
    iconName_ = parts.isEmpty() ? u"ok"_s : u"running"_s;
    button_->setText(jobs + forwards > 0 ? tr("Jobs (%1)").arg(jobs + forwards) : tr("Jobs"));
    updateIcon();
}

void StatusArea::updateIcon()
{
    const int size = fontMetrics().height() * 4 / 5;
    icon_->setPixmap(Icons::icon(iconName_).pixmap(QSize(size, size), devicePixelRatioF()));
}

void StatusArea::showJobs()
{
    popup_->popupAbove(button_);
}

void StatusArea::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        updateIcon();
    QWidget::changeEvent(event);
}

}  // namespace obslab
