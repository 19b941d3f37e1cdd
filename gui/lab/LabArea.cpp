#include "gui/lab/LabArea.h"

#include "gui/common/Navigator.h"
#include "gui/lab/LabPlanDialog.h"
#include "gui/lab/LabStepView.h"

#include "core/common/AppSettings.h"
#include "core/kube/PortForward.h"
#include "core/lab/LabCatalog.h"
#include "core/lab/LabHost.h"
#include "core/lab/LabLoader.h"
#include "core/lab/LabRunner.h"
#include "core/process/CommandRunner.h"
#include "gui/widgets/Banner.h"
#include "gui/widgets/EmptyState.h"
#include "gui/widgets/Icons.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

// LabRunner's host: cross-area requests become LabArea's signals when something listens.
class LabArea::Host : public LabHost
{
public:
    explicit Host(LabArea* area)
        : area_(area)
    {}
    bool followLogs(const QString& ns, const QString& selector, const QString& container) override
    {
        if (!area_->navigator_)
            return false;
        area_->navigator_->followLogs(ns, selector, container);
        return true;
    }
    bool openTrace(const QString& traceId, const QUrl&) override
    {
        if (!area_->navigator_)
            return false;
        area_->navigator_->showTrace(traceId);
        return true;
    }
    bool openSearch(const QString& service, const QUrl&) override
    {
        if (!area_->navigator_)
            return false;
        area_->navigator_->showTraceSearch(service);
        return true;
    }
    bool showDoctor(const QString& focus) override
    {
        if (!area_->navigator_)
            return false;
        area_->navigator_->showDoctor(focus);
        return true;
    }
    bool confirm(const QString& question, const QString& details) override
    {
        QMessageBox box(QMessageBox::Question, LabArea::tr("Lab"), question,
                        QMessageBox::Yes | QMessageBox::No, area_);
        box.setDetailedText(details);
        box.setDefaultButton(QMessageBox::No);
        return box.exec() == QMessageBox::Yes;
    }

private:
    LabArea* area_;
};

namespace {

QString stateIcon(LabStepState state)
{
    switch (state) {
    case LabStepState::Pending:
        return u"info"_s;
    case LabStepState::Running:
        return u"running"_s;
    case LabStepState::Passed:
        return u"ok"_s;
    case LabStepState::Failed:
        return u"error"_s;
    case LabStepState::Skipped:
        return u"cancelled"_s;
    }
    return {};
}

}  // namespace

LabArea::LabArea(QWidget* parent)
    : QWidget(parent)
    , state_(new EmptyState(this))
    , host_(std::make_unique<Host>(this))
{
    setObjectName(u"labArea"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    pages_ = new QStackedWidget(this);
    layout->addWidget(pages_);
    pages_->addWidget(state_);

    labPage_ = new QWidget(this);
    auto* page = new QVBoxLayout(labPage_);
    auto* header = new QHBoxLayout;
    title_ = new QLabel(labPage_);
    title_->setObjectName(u"labTitle"_s);
    title_->setWordWrap(true);
    header->addWidget(title_, 1);
    progress_ = new QProgressBar(labPage_);
    progress_->setObjectName(u"labProgress"_s);
    progress_->setFormat(tr("%v of %m steps"));
    progress_->setMaximumWidth(fontMetrics().averageCharWidth() * 28);
    header->addWidget(progress_);
    runAll_ = new QPushButton(Icons::icon(u"running"_s), tr("Run All Remaining"), labPage_);
    runAll_->setObjectName(u"labRunAll"_s);
    stop_ = new QPushButton(Icons::icon(u"stop"_s), tr("Stop"), labPage_);
    stop_->setObjectName(u"labStop"_s);
    stop_->setEnabled(false);
    teardown_ = new QPushButton(tr("Teardown…"), labPage_);
    teardown_->setObjectName(u"labTeardown"_s);
    teardown_->setToolTip(tr("Remove what the lab created"));
    reset_ = new QPushButton(tr("Start Over"), labPage_);
    reset_->setObjectName(u"labReset"_s);
    reset_->setToolTip(tr("Mark every step as not done (changes nothing on the cluster)"));
    header->addWidget(runAll_);
    header->addWidget(stop_);
    header->addWidget(teardown_);
    header->addWidget(reset_);
    page->addLayout(header);
    summary_ = new QLabel(labPage_);
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::RichText);
    page->addWidget(summary_);
    noCluster_ = new Banner(labPage_);
    noCluster_->setObjectName(u"labNoCluster"_s);
    noCluster_->hide();
    connect(noCluster_, &Banner::dismissed, noCluster_, &QWidget::hide);
    page->addWidget(noCluster_);

    auto* split = new QSplitter(Qt::Horizontal, labPage_);
    steps_ = new QListWidget(split);
    steps_->setObjectName(u"labSteps"_s);
    steps_->setMinimumWidth(fontMetrics().averageCharWidth() * 30);
    steps_->setWordWrap(true);
    steps_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    stepPages_ = new QStackedWidget(split);
    split->addWidget(steps_);
    split->addWidget(stepPages_);
    split->setStretchFactor(1, 3);
    page->addWidget(split, 1);
    pages_->addWidget(labPage_);
    // The lab page's header and split must not widen the whole window while it is hidden (a
    // stacked widget takes its pages' largest minimum): a narrow dock scrolls or clips instead.
    labPage_->setMinimumSize(1, 1);

    connect(steps_, &QListWidget::currentRowChanged, stepPages_, &QStackedWidget::setCurrentIndex);
    connect(runAll_, &QPushButton::clicked, this, &LabArea::runAllRemaining);
    connect(stop_, &QPushButton::clicked, this, &LabArea::stop);
    connect(teardown_, &QPushButton::clicked, this, [this] {
        if (QMessageBox::question(this, tr("Teardown"),
                                  tr("Remove what the lab created? The commands are shown in each "
                                     "step's output.")) == QMessageBox::Yes)
            teardown();
    });
    connect(reset_, &QPushButton::clicked, this, [this] {
        if (runner_)
            runner_->resetProgress();
    });
    showEmpty();
    setClusterStatus({});
}

LabArea::~LabArea()
{
    runner_.reset();  // before the host it calls
}

void LabArea::setServices(CommandRunner* runner, AppSettings* settings, PortForwards* forwards)
{
    commands_ = runner;
    settings_ = settings;
    forwards_ = forwards;
}

void LabArea::setProgressDir(const QString& dir)
{
    progressDir_ = dir;
    store_.reset();
}

void LabArea::showEmpty()
{
    state_->setIconName(u"lab"_s);
    state_->setTitle(tr("Distributed tracing, step by step"));
    state_->setText(tr("The lab walks you through tracing on your own cluster: install Istio "
                       "with a tracer, deploy a demo app, send traffic, then follow one request "
                       "from its access-log line to its trace in Jaeger. Every step shows the "
                       "exact command before it runs, and checks that it worked."));
    pages_->setCurrentWidget(state_);
}

void LabArea::setClusterStatus(const ClusterStatus& status)
{
    using State = ClusterStatus::State;
    const bool contextChanged = status.context != status_.context ||
                                status.server != status_.server ||
                                status.kubeNamespace != status_.kubeNamespace;
    status_ = status;
    if (contextChanged && runner_ && !runner_->isBusy())
        rebuildRunner();
    state_->clearActions();
    auto rehearse = [this] {
        if (navigator_)
            navigator_->rehearseLab(builtInLabId());
    };
    auto sample = [this] {
        if (navigator_)
            navigator_->openSampleLog();
    };
    switch (status.state) {
    case State::Reachable:
        state_->addAction(tr("Start the Tracing Lab"), u"lab"_s,
                          [this] { openLab(builtInLabId()); });
        state_->addAction(tr("Rehearse it first (nothing runs)"), u"sample"_s, rehearse);
        state_->setFootnote(
            status.local
                ? tr("Your cluster <b>%1</b> is local: a good place for the lab.")
                      .arg(status.context.toHtmlEscaped())
                : tr("Your cluster <b>%1</b> is not local: the lab asks before changing it.")
                      .arg(status.context.toHtmlEscaped()));
        break;
    case State::Unknown:
    case State::Checking:
        state_->addAction(tr("Start the Tracing Lab"), u"lab"_s,
                          [this] { openLab(builtInLabId()); });
        state_->setFootnote(tr("Checking your cluster…"));
        break;
    case State::KubectlMissing:
    case State::NoContext:
    case State::Unreachable:
        // No cluster to run on: what works now comes first; the lab itself can still be read.
        state_->addAction(tr("Rehearse the built-in lab (no cluster needed)"), u"lab"_s, rehearse);
        state_->addAction(tr("Open the sample log"), u"sample"_s, sample);
        state_->setFootnote(
            tr("%1 To run the lab itself you need a cluster you may change — a local kind or "
               "minikube cluster is ideal.")
                .arg(status.state == State::KubectlMissing
                         ? tr("kubectl was not found.")
                         : (status.state == State::NoContext
                                ? tr("There is no kube context.")
                                : tr("The cluster of <b>%1</b> does not answer.")
                                      .arg(status.context.toHtmlEscaped()))));
        break;
    }
    updateNoClusterNotice();
}

QString LabArea::builtInLabId()
{
    return u"tracing-jaeger"_s;
}

bool LabArea::hasCluster() const
{
    using State = ClusterStatus::State;
    return status_.state == State::Reachable || status_.state == State::Unknown ||
           status_.state == State::Checking;
}

void LabArea::updateNoClusterNotice()
{
    using State = ClusterStatus::State;
    if (hasCluster()) {
        noCluster_->hide();
        return;
    }
    const QString why =
        status_.state == State::KubectlMissing
            ? tr("<b>kubectl was not found</b>, so these steps cannot run here.")
        : status_.state == State::NoContext
            ? tr("<b>There is no kube context</b>, so these steps have no cluster to run on.")
            : tr("<b>The cluster of %1 does not answer</b>, so these steps cannot run now.")
                  .arg(status_.context.toHtmlEscaped());
    noCluster_->setMessage(Tone::Info, u"info"_s,
                           why + u" "_s + tr("The rehearsal plays a recorded run instead."));
    noCluster_->clearActions();
    noCluster_->addAction(tr("Rehearse the built-in lab (no cluster needed)"), [this] {
        if (navigator_)
            navigator_->rehearseLab(builtInLabId());
    });
    noCluster_->addAction(tr("Check my cluster"), [this] {
        if (navigator_)
            navigator_->showClusterDetails();
    });
    noCluster_->show();
}

bool LabArea::openLab(const QString& idOrPath)
{
    const QString path = LabCatalog::resolve(idOrPath);
    QStringList errors;
    LabLoadResult r;
    if (path.isEmpty()) {
        errors << tr("'%1' is neither a lab file nor a built-in lab.").arg(idOrPath);
    } else {
        r = LabLoader::loadFile(path);
        for (const LabIssue& e : r.errors)
            errors << e.toString();
    }
    if (!r.ok()) {
        showEmpty();
        state_->setTitle(tr("The lab could not be opened"));
        QString html = u"<p>%1</p><pre>"_s.arg(tr("Fix these problems in the lab file (or run "
                                                  "<code>obslab lab lint FILE</code>):"));
        for (const QString& e : errors.mid(0, 12))
            html += e.toHtmlEscaped() + u'\n';
        state_->setText(html + u"</pre>"_s);
        return false;
    }
    if (runner_ && runner_->isBusy())
        runner_->cancel();
    runner_.reset();
    lab_ = std::make_unique<Lab>(*r.lab);
    rebuildRunner();
    pages_->setCurrentWidget(labPage_);
    return true;
}

void LabArea::rebuildRunner()
{
    if (!lab_)
        return;
    LabRunnerOptions o;
    if (settings_) {
        if (!settings_->kubectlPath().isEmpty())
            o.kube.kubectl = settings_->kubectlPath();
        if (!settings_->istioctlPath().isEmpty())
            o.istio.istioctl = settings_->istioctlPath();
        o.jaegerUrl = settings_->jaegerUrl();
    }
    o.kube.context = status_.context;
    o.forwards = forwards_;
    o.policy.context = status_.context;
    o.policy.server = status_.server;
    if (!store_)
        store_ = std::make_unique<LabProgressStore>(progressDir_);
    runner_.reset();
    runner_ = std::make_unique<LabRunner>(*lab_, commands_, host_.get(), o);
    runner_->setProgressStore(store_.get());
    buildLabView(*lab_);

    LabRunner* r = runner_.get();
    connect(r, &LabRunner::stepStateChanged, this, &LabArea::updateStepItem);
    connect(r, &LabRunner::busyChanged, this, &LabArea::setBusy);
    auto view = [this](const QString& stepId) { return views_.value(stepId); };
    connect(r, &LabRunner::actionStarted, this, [view](const QString& s, int i, const QString& l) {
        if (auto* v = view(s))
            v->actionStarted(i, l);
    });
    connect(r, &LabRunner::actionOutput, this,
            [view](const QString& s, int i, const QString& l, bool e) {
                if (auto* v = view(s))
                    v->actionOutput(i, l, e);
            });
    connect(r, &LabRunner::actionFinished, this,
            [view](const QString& s, int i, bool ok, const QString& m) {
                if (auto* v = view(s))
                    v->actionFinished(i, ok, m);
            });
    connect(r, &LabRunner::checkStarted, this, [view](const QString& s, int i) {
        if (auto* v = view(s))
            v->checkStarted(i);
    });
    connect(r, &LabRunner::checkAttemptFailed, this,
            [view](const QString& s, int i, const QString& m) {
                if (auto* v = view(s))
                    v->checkAttemptFailed(i, m);
            });
    connect(r, &LabRunner::checkFinished, this,
            [view](const QString& s, int i, bool ok, const QString& m) {
                if (auto* v = view(s))
                    v->checkFinished(i, ok, m);
            });
    connect(r, &LabRunner::refused, this, [this](const QString& why) {
        summary_->setText(u"<b>%1</b>"_s.arg(why.toHtmlEscaped()));
    });
    updateProgress();
}

void LabArea::buildLabView(const Lab& lab)
{
    title_->setText(u"<h2>%1</h2>"_s.arg(lab.title.toHtmlEscaped()));
    QString summary = LabStepView::markdownToHtml(lab.summary);
    if (lab.estimatedMinutes > 0)
        summary += tr("<p>About %1 minutes · %2 steps</p>")
                       .arg(lab.estimatedMinutes)
                       .arg(lab.steps.size());
    summary_->setText(summary);
    const int current = steps_->currentRow();
    steps_->clear();
    while (stepPages_->count() > 0) {
        QWidget* w = stepPages_->widget(0);
        stepPages_->removeWidget(w);
        w->deleteLater();
    }
    views_.clear();
    for (int i = 0; i < lab.steps.size(); ++i) {
        const LabStep& s = lab.steps.at(i);
        auto* item = new QListWidgetItem(u"%1. %2"_s.arg(i + 1).arg(s.title), steps_);
        item->setData(Qt::UserRole, s.id);
        auto* view = new LabStepView(runner_.get(), s.id);
        views_.insert(s.id, view);
        auto* scroll = new QScrollArea;
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(view);
        stepPages_->addWidget(scroll);
        connect(view, &LabStepView::runStepRequested, this, [this](const QString& id) {
            if (ensurePlanAccepted())
                runner_->runStep(id);
        });
        connect(view, &LabStepView::checkRequested, this, [this](const QString& id) {
            if (ensurePlanAccepted())
                runner_->checkStep(id);
        });
        connect(view, &LabStepView::skipRequested, this, [this](const QString& id) {
            runner_->skipStep(id);
            const int row = runner_->lab().stepIndex(id);
            if (row + 1 < steps_->count())
                steps_->setCurrentRow(row + 1);
        });
        connect(view, &LabStepView::runActionRequested, this, [this](const QString& id, int index) {
            if (ensurePlanAccepted())
                runner_->runAction(id, index);
        });
        connect(view, &LabStepView::traceClicked, this, [this](const QString& id) {
            if (!host_->openTrace(id, runner_ ? runner_->jaegerUrl() : QUrl()))
                summary_->setText(tr("Trace <b>%1</b>: open the Traces area to see it.").arg(id));
        });
        connect(view, &LabStepView::doctorRequested, this,
                [this](const QString& focus) { host_->showDoctor(focus); });
        updateStepItem(s.id, runner_->stepState(s.id));
    }
    const QString currentId = runner_->currentStepId();
    steps_->setCurrentRow(current >= 0 && current < steps_->count()
                              ? current
                              : std::max(0, lab.stepIndex(currentId)));
}

bool LabArea::ensurePlanAccepted()
{
    if (!runner_)
        return false;
    if (!commands_) {
        summary_->setText(tr("<b>Commands cannot run here.</b>"));
        return false;
    }
    if (!hasCluster()) {
        // Never a plan against a context that does not exist: say so, offer the rehearsal.
        updateNoClusterNotice();
        return false;
    }
    if (runner_->planAccepted())
        return true;
    LabPlanDialog dialog(runner_->lab(), runner_->plan(), status_.context, this);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    runner_->acceptPlan();
    return true;
}

void LabArea::runAllRemaining()
{
    if (ensurePlanAccepted())
        runner_->runAll();
}

void LabArea::teardown()
{
    if (ensurePlanAccepted())
        runner_->teardown();
}

void LabArea::stop()
{
    if (runner_)
        runner_->cancel();
}

void LabArea::updateStepItem(const QString& stepId, LabStepState state)
{
    for (int i = 0; i < steps_->count(); ++i) {
        QListWidgetItem* item = steps_->item(i);
        if (item->data(Qt::UserRole).toString() != stepId)
            continue;
        item->setIcon(Icons::icon(stateIcon(state)));
        item->setData(Qt::UserRole + 1, labStepStateName(state));
        item->setToolTip(labStepStateName(state));
    }
    // When a step passes, the next one comes into view.
    if (state == LabStepState::Passed && steps_->currentItem() &&
        steps_->currentItem()->data(Qt::UserRole).toString() == stepId) {
        const int row = steps_->currentRow();
        if (row + 1 < steps_->count())
            steps_->setCurrentRow(row + 1);
    }
    if (state == LabStepState::Running) {
        const int row = runner_ ? runner_->lab().stepIndex(stepId) : -1;
        if (row >= 0)
            steps_->setCurrentRow(row);
    }
    updateProgress();
}

void LabArea::updateProgress()
{
    if (!runner_)
        return;
    progress_->setMaximum(int(runner_->lab().steps.size()));
    progress_->setValue(runner_->doneCount());
}

void LabArea::setBusy(bool busy)
{
    runAll_->setEnabled(!busy);
    teardown_->setEnabled(!busy);
    reset_->setEnabled(!busy);
    stop_->setEnabled(busy);
    for (LabStepView* v : std::as_const(views_))
        v->setBusy(busy);
}

}  // namespace obslab
