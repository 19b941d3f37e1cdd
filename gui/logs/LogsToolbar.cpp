#include "gui/logs/LogsToolbar.h"

#include "gui/widgets/Icons.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QMenu>
#include <QProgressBar>
#include <QToolButton>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QToolButton* toolButton(QWidget* parent, const QString& text, const QString& tip,
                        const QString& icon = {})
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    if (!icon.isEmpty()) {
        b->setIcon(Icons::icon(icon));
        b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    }
    return b;
}

}  // namespace

LogsToolbar::LogsToolbar(QWidget* parent)
    : QWidget(parent)
{
    sourceBox_ = new QComboBox(this);
    sourceBox_->setObjectName(u"logSources"_s);
    sourceBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    sourceBox_->setMinimumContentsLength(18);
    sourceBox_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    sourceBox_->setMinimumWidth(fontMetrics().horizontalAdvance(u'x') * 6);
    connect(sourceBox_, &QComboBox::activated, this, &LogsToolbar::sourceActivated);
    progress_ = new QProgressBar(this);
    progress_->setObjectName(u"indexProgress"_s);
    progress_->setRange(0, 1000);
    progress_->setTextVisible(true);
    progress_->setMaximumWidth(fontMetrics().horizontalAdvance(u'x') * 28);
    progress_->hide();
    cancelIndexing_ =
        toolButton(this, tr("Stop"), tr("Stop indexing; what is read stays"), u"stop"_s);
    cancelIndexing_->setObjectName(u"cancelIndexing"_s);
    cancelIndexing_->hide();
    connect(cancelIndexing_, &QToolButton::clicked, this, [this] {
        Q_EMIT cancelIndexingRequested();
        setBusy(false);
    });
    followButton_ =
        toolButton(this, tr("Follow"), tr("Keep the newest line in view as lines arrive (Space)"));
    followButton_->setObjectName(u"followButton"_s);
    followButton_->setCheckable(true);
    connect(followButton_, &QToolButton::toggled, this, &LogsToolbar::followToggled);
    rawButton_ = toolButton(this, tr("Raw"), tr("Show each line as it is written"));
    rawButton_->setCheckable(true);
    connect(rawButton_, &QToolButton::toggled, this, &LogsToolbar::rawToggled);
    utcButton_ = toolButton(this, tr("UTC"), tr("Show times in UTC or in local time"));
    utcButton_->setObjectName(u"utcButton"_s);
    connect(utcButton_, &QToolButton::clicked, this, &LogsToolbar::utcToggleRequested);
    laneButton_ =
        toolButton(this, tr("Trace lane"),
                   tr("Every line of the current line's trace, across pods (Ctrl+T)"), u"traces"_s);
    connect(laneButton_, &QToolButton::clicked, this, &LogsToolbar::laneRequested);
    exportButton_ = toolButton(this, tr("Export"), tr("Save or copy lines"), u"export"_s);
    exportButton_->setPopupMode(QToolButton::InstantPopup);
    exportMenu_ = new QMenu(exportButton_);
    exportMenu_->addAction(tr("Save Shown Lines As…"), this, [this] {
        auto* dialog = new QFileDialog(this, tr("Save the lines shown"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setNameFilters({tr("Logs (*.log *.txt)"), tr("All files (*)")});
        dialog->selectFile(u"filtered.log"_s);
        connect(dialog, &QFileDialog::fileSelected, this, &LogsToolbar::exportRequested);
        dialog->open();
    });
    exportMenu_->addAction(tr("Copy Selected Lines"), QKeySequence::Copy, this,
                           &LogsToolbar::copyRequested);
    exportMenu_->addAction(tr("Copy Selected as Markdown Table"), QKeySequence(u"Ctrl+Shift+C"_s),
                           this, &LogsToolbar::copyMarkdownRequested);
    exportButton_->setMenu(exportMenu_);

    stopLive_ = toolButton(this, tr("Stop following"),
                           tr("Stop the kubectl logs streams; the lines stay"), u"stop"_s);
    stopLive_->setObjectName(u"stopLive"_s);
    stopLive_->hide();
    connect(stopLive_, &QToolButton::clicked, this, [this] {
        Q_EMIT stopLiveRequested();
        stopLive_->hide();
    });
    saveSession_ = exportMenu_->addAction(tr("Save Live Session As…"), this, [this] {
        auto* dialog = new QFileDialog(this, tr("Save everything followed"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->selectFile(u"session.log"_s);
        connect(dialog, &QFileDialog::fileSelected, this, &LogsToolbar::saveSessionRequested);
        dialog->open();
    });
    saveSession_->setVisible(false);

    auto* top = new QHBoxLayout(this);
    top->setContentsMargins(4, 2, 4, 0);
    top->setSpacing(4);
    top->addWidget(sourceBox_);
    top->addWidget(progress_);
    top->addWidget(cancelIndexing_);
    top->addWidget(stopLive_);
    top->addStretch(1);
    top->addWidget(laneButton_);
    top->addWidget(rawButton_);
    top->addWidget(utcButton_);
    top->addWidget(followButton_);
    top->addWidget(exportButton_);
}

void LogsToolbar::showProgress(const QString& format, qint64 done, qint64 total)
{
    progress_->setFormat(format);
    progress_->setValue(total > 0 ? int(1000.0 * double(done) / double(total)) : 0);
}

void LogsToolbar::setBusy(bool busy)
{
    progress_->setVisible(busy);
    cancelIndexing_->setVisible(busy);
}

void LogsToolbar::setFollowing(bool follow)
{
    followButton_->setChecked(follow);
    followButton_->setText(follow ? tr("Following") : tr("Follow"));
}

void LogsToolbar::setRaw(bool raw)
{
    rawButton_->setChecked(raw);
}

void LogsToolbar::setUtc(bool utc)
{
    utcButton_->setText(utc ? tr("UTC") : tr("Local"));
}

void LogsToolbar::setLive(bool live, bool running)
{
    stopLive_->setVisible(live && running);
    saveSession_->setEnabled(live);
    saveSession_->setVisible(live);
}

void LogsToolbar::hideStopLive()
{
    stopLive_->hide();
}

}  // namespace obslab
