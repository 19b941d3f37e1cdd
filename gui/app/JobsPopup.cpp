#include "gui/app/JobsPopup.h"

#include "core/kube/PortForward.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "gui/widgets/Icons.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

JobsPopup::JobsPopup(CommandRunner* runner, BackgroundJobs* jobs, QWidget* parent)
    : QFrame(parent, Qt::Popup)
    , runner_(runner)
    , jobs_(jobs)
    , rows_(new QVBoxLayout)
{
    setObjectName(u"jobsPopup"_s);
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(tr("<b>Running now</b>"), this);
    layout->addWidget(title);
    layout->addLayout(rows_);
    if (jobs_) {
        connect(jobs_, &QAbstractItemModel::rowsInserted, this, &JobsPopup::rebuild);
        connect(jobs_, &QAbstractItemModel::rowsRemoved, this, &JobsPopup::rebuild);
        connect(jobs_, &QAbstractItemModel::dataChanged, this, &JobsPopup::rebuild);
        connect(jobs_, &QAbstractItemModel::modelReset, this, &JobsPopup::rebuild);
    }
    if (runner_) {
        connect(runner_, &CommandRunner::commandStarted, this, &JobsPopup::rebuild);
        connect(runner_, &CommandRunner::commandFinished, this, &JobsPopup::rebuild);
    }
}

void JobsPopup::setPortForwards(PortForwards* forwards)
{
    if (forwards_)
        forwards_->disconnect(this);
    forwards_ = forwards;
    if (forwards_) {
        connect(forwards_, &QAbstractItemModel::rowsInserted, this, &JobsPopup::rebuild);
        connect(forwards_, &QAbstractItemModel::rowsRemoved, this, &JobsPopup::rebuild);
        connect(forwards_, &QAbstractItemModel::dataChanged, this, &JobsPopup::rebuild);
    }
}

void JobsPopup::addRow(const QString& iconName, const QString& title, const QString& detail,
                       bool canStop, std::function<void()> stop)
{
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    const int size = fontMetrics().height();
    auto* icon = new QLabel(row);
    icon->setPixmap(Icons::icon(iconName).pixmap(QSize(size, size), devicePixelRatioF()));
    layout->addWidget(icon, 0, Qt::AlignTop);
    auto* text = new QLabel(row);
    text->setTextFormat(Qt::RichText);
    const QString mono = QFontDatabase::systemFont(QFontDatabase::FixedFont).family();
    text->setText(u"%1<br><span style=\"font-family:'%2'\">%3</span>"_s.arg(
        title.toHtmlEscaped(), mono,
        fontMetrics().elidedText(detail, Qt::ElideMiddle, size * 30).toHtmlEscaped()));
    layout->addWidget(text, 1);
    if (stop) {
        auto* button = new QPushButton(Icons::icon(u"stop"_s), tr("Stop"), row);
        button->setEnabled(canStop);
        button->setAccessibleName(tr("Stop %1").arg(title));
        connect(button, &QPushButton::clicked, this, [stop = std::move(stop)] { stop(); });
        layout->addWidget(button, 0, Qt::AlignTop);
    }
    rows_->addWidget(row);
}

void JobsPopup::rebuild()
{
    while (QLayoutItem* item = rows_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int count = 0;
    if (runner_) {
        for (Command* command : runner_->running()) {
            if (!command || !command->isRunning())
                continue;
            QPointer<Command> guard(command);
            addRow(u"running"_s, command->spec().title, command->spec().toShellLine(), true,
                   [guard] {
                       if (guard)
                           guard->cancel();
                   });
            ++count;
        }
    }
    if (jobs_) {
        for (int row = 0; row < jobs_->rowCount(); ++row) {
            BackgroundJob* job = jobs_->job(row);
            if (!job)
                continue;
            const bool running = job->state() == BackgroundJob::State::Running;
            const QString icon = running ? u"running"_s
                                 : job->state() == BackgroundJob::State::Finished
                                     ? (job->lastResult().ok() ? u"ok"_s : u"cancelled"_s)
                                     : u"jobs"_s;
            QPointer<BackgroundJobs> jobs = jobs_;
            addRow(icon, job->title(),
                   jobs_->data(jobs_->index(row), BackgroundJobs::CommandLineRole).toString(),
                   running, [jobs, row] {
                       if (jobs)
                           jobs->stop(row);
                   });
            ++count;
        }
    }
    if (forwards_) {
        for (int row = 0; row < forwards_->rowCount(); ++row) {
            PortForward* forward = forwards_->forward(row);
            if (!forward)
                continue;
            const auto state = forward->state();
            const QString icon = state == PortForward::State::Ready     ? u"ok"_s
                                 : state == PortForward::State::Failed  ? u"error"_s
                                 : state == PortForward::State::Stopped ? u"cancelled"_s
                                                                        : u"running"_s;
            QString detail = PortForward::stateName(state);
            if (!forward->localUrl().isEmpty())
                detail = forward->localUrl().toString() + u" · "_s + detail;
            if (state == PortForward::State::Failed || state == PortForward::State::Restarting)
                detail += u": "_s + forward->lastError();
            QPointer<PortForward> guard(forward);
            addRow(icon, tr("Port-forward %1").arg(forward->title()), detail, forward->isActive(),
                   [guard] {
                       if (guard)
                           guard->stop();
                   });
            ++count;
        }
    }
    if (count == 0) {
        auto* none = new QLabel(tr("Nothing is running. Log follows, port-forwards and traffic "
                                   "loops started by the lab show here, each with a Stop button."),
                                this);
        none->setWordWrap(true);
        none->setMaximumWidth(fontMetrics().height() * 22);
        rows_->addWidget(none);
    }
    adjustSize();
}

void JobsPopup::popupAbove(QWidget* anchor)
{
    rebuild();
    adjustSize();
    QPoint pos = anchor->mapToGlobal(QPoint(anchor->width() - width(), -height()));
    if (const QScreen* screen = anchor->screen()) {
        const QRect area = screen->availableGeometry();
        pos.setX(qBound(area.left(), pos.x(), area.right() - width()));
        pos.setY(qBound(area.top(), pos.y(), area.bottom() - height()));
    }
    move(pos);
    show();
}

}  // namespace obslab
