#include "gui/cluster/WorkloadsView.h"

#include "core/kube/ClusterContext.h"
#include "core/kube/KubeError.h"
#include "core/kube/Kubectl.h"
#include "core/kube/RolloutStatus.h"
#include "core/process/BackgroundJob.h"
#include "core/process/Command.h"
#include "core/process/Transcript.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

enum Column
{
    NameColumn,
    ReadyColumn,
    UpdatedColumn,
    AvailableColumn,
    SidecarColumn,
    RestartColumn,
    ContainersColumn,
    ColumnCount
};

constexpr int kMaxBackoffMs = 30000;
constexpr qsizetype kMaxEventBytes = 8 * 1024 * 1024;

QString ago(const QDateTime& when)
{
    if (!when.isValid())
        return {};
    const qint64 s = when.secsTo(QDateTime::currentDateTimeUtc());
    const QString clock = when.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s);
    if (s < 0)
        return clock;
    if (s < 60)
        return QObject::tr("%1 (%2 s ago)").arg(clock).arg(s);
    if (s < 3600)
        return QObject::tr("%1 (%2 min ago)").arg(clock).arg(s / 60);
    if (s < 86400)
        return QObject::tr("%1 (%2 h ago)").arg(clock).arg(s / 3600);
    return QObject::tr("%1 (%2 d ago)").arg(clock).arg(s / 86400);
}

// The containers of a pod template: "app, istio-proxy (native sidecar)".
QString containerList(const DeploymentState& state)
{
    QStringList names = state.containers;
    for (const QString& name : state.nativeSidecars)
        names << QObject::tr("%1 (native sidecar)").arg(name);
    return names.join(u", "_s);
}

// Restarts of a pod's containers and when the last one ended.
QString podRestarts(const PodState& pod)
{
    if (pod.restarts == 0)
        return QObject::tr("started %1").arg(ago(pod.startedAt));
    return (pod.restarts == 1 ? QObject::tr("1 restart, last %1")
                              : QObject::tr("%1 restarts, last %2").arg(pod.restarts))
        .arg(ago(pod.lastRestart));
}

QString podCount(int n)
{
    return n == 1 ? QObject::tr("1 pod") : QObject::tr("%1 pods").arg(n);
}

}  // namespace

WorkloadsView::WorkloadsView(ClusterContext* context, Transcript* transcript, QWidget* parent)
    : QWidget(parent)
    , context_(context)
    , transcript_(transcript)
    , confirm_(ClusterActions::dialogConfirmer(this))
{
    setObjectName(u"workloadsView"_s);
    deploymentWatch_.objects = &deployments_;
    podWatch_.objects = &pods_;
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* bar = new QToolBar;
    restartButton_ = new QToolButton;
    restartButton_->setObjectName(u"restartButton"_s);
    restartButton_->setText(tr("Restart"));
    restartButton_->setToolTip(
        tr("Restart the selected deployments (kubectl rollout restart) and follow the rollout"));
    restartButton_->setEnabled(false);
    connect(restartButton_, &QToolButton::clicked, this, &WorkloadsView::restartSelected);
    bar->addWidget(restartButton_);
    auto* refresh = new QToolButton;
    refresh->setText(tr("Reconnect"));
    refresh->setToolTip(tr("Start the watches again"));
    connect(refresh, &QToolButton::clicked, this, &WorkloadsView::start);
    bar->addWidget(refresh);
    namespaceNote_ = new QLabel;
    namespaceNote_->setObjectName(u"namespaceNote"_s);
    namespaceNote_->setWordWrap(true);
    bar->addWidget(namespaceNote_);
    layout->addWidget(bar);

    auto* splitter = new QSplitter(Qt::Vertical);
    tree_ = new QTreeWidget;
    tree_->setObjectName(u"workloadsTree"_s);
    tree_->setColumnCount(ColumnCount);
    tree_->setHeaderLabels({tr("Workload"), tr("Ready"), tr("Up-to-date"), tr("Available"),
                            tr("Sidecar"), tr("Last restart"), tr("Containers")});
    tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tree_->setAlternatingRowColors(true);
    tree_->setUniformRowHeights(true);
    for (int c = 0; c < ContainersColumn; ++c)
        tree_->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    connect(tree_, &QTreeWidget::itemSelectionChanged, this, [this] {
        restartButton_->setEnabled(!selectedDeployments().isEmpty() && rolloutsRunning_ == 0);
    });
    connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        QTreeWidgetItem* top = item->parent() ? item->parent() : item;
        const auto it = deployments_.constFind(top->data(0, Qt::UserRole).toString());
        if (it == deployments_.cend())
            return;
        const QString selector =
            KubeObjects::selectorText(KubeObjects::deploymentState(*it).selector);
        if (!selector.isEmpty())
            Q_EMIT followRequested(ns_, selector, u"istio-proxy"_s);
    });
    splitter->addWidget(tree_);

    rollouts_ = new QTreeWidget;
    rollouts_->setObjectName(u"rolloutTree"_s);
    rollouts_->setHeaderLabels({tr("Rollout"), tr("Progress")});
    rollouts_->setRootIsDecorated(false);
    splitter->addWidget(rollouts_);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    command_ = new QLineEdit;
    command_->setObjectName(u"workloadsCommand"_s);
    command_->setReadOnly(true);
    command_->setPlaceholderText(tr("The command an action runs shows here before it runs."));
    layout->addWidget(command_);
    status_ = new QLabel;
    status_->setObjectName(u"workloadsStatus"_s);
    status_->setWordWrap(true);
    layout->addWidget(status_);

    rebuildTimer_ = new QTimer(this);
    rebuildTimer_->setSingleShot(true);
    rebuildTimer_->setInterval(100);
    connect(rebuildTimer_, &QTimer::timeout, this, &WorkloadsView::rebuild);
}

WorkloadsView::~WorkloadsView()
{
    stopping_ = true;
}

bool WorkloadsView::isWatching() const
{
    return deploymentWatch_.job && deploymentWatch_.job->state() == BackgroundJob::State::Running;
}

void WorkloadsView::showStatus(const QString& text, bool error)
{
    status_->setText(error ? u"<b>%1</b>"_s.arg(text.toHtmlEscaped()) : text.toHtmlEscaped());
}

void WorkloadsView::stop()
{
    stopping_ = true;
    for (Watch* w : {&deploymentWatch_, &podWatch_}) {
        if (w->job) {
            w->job->stop();
            w->job->deleteLater();
            w->job = nullptr;
        }
        w->buffer.clear();
        w->failures = 0;
    }
    stopping_ = false;
}

void WorkloadsView::start()
{
    stop();
    if (!context_ || !context_->isReady()) {
        showStatus(tr("No cluster context yet: check the cluster first."), true);
        return;
    }
    ns_ = context_->ns();
    deployments_.clear();
    pods_.clear();
    rebuild();
    readNamespace();
    startWatch(deploymentWatch_, u"deployments"_s);
    startWatch(podWatch_, u"pods"_s);
    showStatus(tr("Watching deployments and pods in %1…").arg(ns_));
}

void WorkloadsView::readNamespace()
{
    if (!context_)
        return;
    KubeTarget target = context_->target();
    const CommandSpec spec = Kubectl::get(target, u"namespace"_s, {ns_, {}, false});
    const auto started = ClusterActions::start(context_, spec, confirm_);
    if (!started.command)
        return;
    connect(started.command, &Command::finished, this, [this](const CommandResult& result) {
        if (!result.ok())
            return;
        const auto objects = KubeObjects::parse(result.stdoutData);
        if (!objects || objects->isEmpty())
            return;
        const NamespaceMesh mesh = KubeObjects::namespaceMesh(objects->first());
        ambient_ = mesh.ambient;
        injection_ = mesh.injection;
        if (ambient_)
            namespaceNote_->setText(
                tr("Namespace %1 is in ambient mode: pods have no sidecar; ztunnel carries L4 "
                   "traffic and L7 logs and spans only come from a waypoint proxy.")
                    .arg(ns_));
        else if (injection_)
            namespaceNote_->setText(tr("Namespace %1: sidecar injection enabled.").arg(ns_));
        else
            namespaceNote_->setText(
                tr("Namespace %1 has no istio-injection label: new pods get no sidecar.").arg(ns_));
        scheduleRebuild();
    });
}

void WorkloadsView::startWatch(Watch& watch, const QString& resource)
{
    const CommandSpec spec = Kubectl::watch(context_->target(), resource);
    watch.job = new BackgroundJob(spec, transcript_, this);
    watch.buffer.clear();
    Watch* w = &watch;
    connect(watch.job, &BackgroundJob::stdoutLine, this,
            [this, w](const QByteArray& line) { onWatchLine(*w, line); });
    BackgroundJob* job = watch.job;
    connect(watch.job, &BackgroundJob::finished, this,
            [this, w, resource, job](const CommandResult& result) {
                if (w->job == job)
                    onWatchEnded(*w, resource, result);
            });
    watch.job->start();
}

void WorkloadsView::onWatchLine(Watch& watch, const QByteArray& line)
{
    // kubectl prints each event as one line or pretty-printed over several: gather lines until
    // they make one JSON object.
    watch.buffer += line;
    watch.buffer += '\n';
    if (!line.trimmed().endsWith('}')) {
        if (watch.buffer.size() > kMaxEventBytes)
            watch.buffer.clear();
        return;
    }
    const auto event = KubeObjects::parseWatchEvent(watch.buffer);
    if (!event) {
        if (watch.buffer.size() > kMaxEventBytes)
            watch.buffer.clear();
        return;
    }
    watch.buffer.clear();
    watch.failures = 0;
    const WatchEvent& e = event.value();
    if (e.type == u"DELETED")
        watch.objects->remove(e.object.name);
    else if (e.type == u"ADDED" || e.type == u"MODIFIED")
        watch.objects->insert(e.object.name, e.object);
    scheduleRebuild();
}

void WorkloadsView::onWatchEnded(Watch& watch, const QString& resource, const CommandResult& result)
{
    if (stopping_ || result.status == CommandStatus::Cancelled)
        return;
    // The watch ended (server timeout, dropped connection, unreachable cluster): start it again,
    // waiting longer after each failure in a row.
    ++watch.failures;
    const int delay = std::min(kMaxBackoffMs, 1000 << std::min(watch.failures - 1, 5));
    const KubeError error = KubeErrors::classify(result);
    showStatus(error.isError()
                   ? tr("Watching %1 stopped: %2 Trying again in %3 s.")
                         .arg(resource, error.message)
                         .arg(delay / 1000)
                   : tr("Watching %1 ended; reconnecting in %2 s.").arg(resource).arg(delay / 1000),
               error.isError());
    BackgroundJob* job = watch.job;
    Watch* w = &watch;
    QTimer::singleShot(delay, this, [this, w, job] {
        if (w->job != job || stopping_)
            return;  // stopped or restarted meanwhile
        w->buffer.clear();
        w->objects->clear();  // the new watch lists everything again
        job->start();
    });
}

void WorkloadsView::scheduleRebuild()
{
    if (!rebuildTimer_->isActive())
        rebuildTimer_->start();
}

void WorkloadsView::rebuild()
{
    const QStringList selected = selectedDeployments();
    QSet<QString> expanded;
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        if (tree_->topLevelItem(i)->isExpanded())
            expanded.insert(tree_->topLevelItem(i)->data(0, Qt::UserRole).toString());
    }
    tree_->clear();
    for (const KubeObject& d : std::as_const(deployments_)) {
        const DeploymentState state = KubeObjects::deploymentState(d);
        auto* item = new QTreeWidgetItem(tree_);
        item->setData(0, Qt::UserRole, d.name);
        item->setText(NameColumn, d.name);
        item->setText(ReadyColumn, u"%1/%2"_s.arg(state.ready).arg(state.desired));
        item->setText(UpdatedColumn, QString::number(state.updated));
        item->setText(AvailableColumn, QString::number(state.available));
        item->setText(RestartColumn, state.restartedAt.isEmpty()
                                         ? tr("never restarted")
                                         : ago(KubeObjects::time(state.restartedAt)));
        item->setText(ContainersColumn, containerList(state));
        if (!state.rolledOut() || state.ready < state.desired)
            item->setForeground(ReadyColumn, palette().color(QPalette::Link));

        int pods = 0;
        int withProxy = 0;
        int native = 0;
        for (const KubeObject& p : std::as_const(pods_)) {
            if (!KubeObjects::selects(state.selector, p.labels))
                continue;
            const PodState ps = KubeObjects::podState(p);
            ++pods;
            withProxy += ps.hasIstioProxy ? 1 : 0;
            native += ps.nativeSidecar ? 1 : 0;
            auto* child = new QTreeWidgetItem(item);
            child->setData(0, Qt::UserRole, p.name);
            child->setText(NameColumn, p.name);
            child->setText(ReadyColumn, ps.ready ? tr("Ready") : ps.phase);
            child->setText(SidecarColumn, ambient_           ? tr("ambient (no sidecar)")
                                          : ps.nativeSidecar ? tr("istio-proxy (native)")
                                          : ps.hasIstioProxy ? tr("istio-proxy")
                                                             : tr("none"));
            child->setText(RestartColumn, podRestarts(ps));
            QString containers = ps.containers.join(u", "_s);
            if (!ps.initContainers.isEmpty())
                containers += tr("; init: %1").arg(ps.initContainers.join(u", "_s));
            child->setText(ContainersColumn, containers);
        }
        QString sidecar;
        if (ambient_)
            sidecar = tr("ambient: no sidecar");
        else if (pods == 0)
            sidecar = tr("no pods");
        else if (withProxy == pods)
            sidecar = native == pods ? tr("yes, native (%1)").arg(podCount(pods))
                                     : tr("yes (%1)").arg(podCount(pods));
        else if (withProxy == 0)
            sidecar = tr("missing");
        else
            sidecar = tr("missing on %1 of %2 pods").arg(pods - withProxy).arg(pods);
        item->setText(SidecarColumn, sidecar);
        item->setExpanded(expanded.contains(d.name));
        if (selected.contains(d.name))
            item->setSelected(true);
    }
    if (isWatching())
        showStatus(tr("Live: %1, %2 in %3.")
                       .arg(deployments_.size() == 1
                                ? tr("1 deployment")
                                : tr("%1 deployments").arg(deployments_.size()))
                       .arg(podCount(int(pods_.size())))
                       .arg(ns_));
    Q_EMIT updated();
}

QStringList WorkloadsView::selectedDeployments() const
{
    QStringList names;
    for (QTreeWidgetItem* item : tree_->selectedItems()) {
        QTreeWidgetItem* top = item->parent() ? item->parent() : item;
        const QString name = top->data(0, Qt::UserRole).toString();
        if (!names.contains(name))
            names << name;
    }
    return names;
}

void WorkloadsView::selectDeployments(const QStringList& names)
{
    tree_->clearSelection();
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = tree_->topLevelItem(i);
        if (names.contains(item->data(0, Qt::UserRole).toString()))
            item->setSelected(true);
    }
}

void WorkloadsView::restartSelected()
{
    restart(selectedDeployments());
}

void WorkloadsView::restart(const QStringList& deployments)
{
    if (deployments.isEmpty() || rolloutsRunning_ > 0)
        return;
    if (!context_ || !context_->isReady()) {
        showStatus(tr("No cluster context yet: check the cluster first."), true);
        Q_EMIT restartFinished(false);
        return;
    }
    KubeTarget target = context_->target();
    target.ns = ns_.isEmpty() ? target.ns : ns_;
    const CommandSpec spec = Kubectl::rolloutRestart(target, deployments);
    command_->setText(u"$ "_s + ClusterActions::shownCommand(spec));
    const auto started = ClusterActions::start(context_, spec, confirm_);
    if (!started.command) {
        showStatus(started.error, true);
        Q_EMIT restartFinished(false);
        return;
    }
    rolloutsRunning_ = 1;  // the restart itself
    restartButton_->setEnabled(false);
    rollouts_->clear();
    for (const QString& name : deployments) {
        auto* item = new QTreeWidgetItem(rollouts_, {name, tr("restarting…")});
        item->setData(0, Qt::UserRole, name);
    }
    connect(started.command, &Command::finished, this,
            [this, deployments](const CommandResult& result) {
                rolloutsRunning_ = 0;
                if (!result.ok()) {
                    const KubeError error = KubeErrors::classify(result);
                    for (int i = 0; i < rollouts_->topLevelItemCount(); ++i)
                        rollouts_->topLevelItem(i)->setText(1, tr("not restarted"));
                    showStatus(tr("kubectl rollout restart failed: %1").arg(error.message), true);
                    restartButton_->setEnabled(!selectedDeployments().isEmpty());
                    Q_EMIT restartFinished(false);
                    return;
                }
                followRollouts(deployments);
            });
}

void WorkloadsView::followRollouts(const QStringList& deployments)
{
    KubeTarget target = context_->target();
    target.ns = ns_.isEmpty() ? target.ns : ns_;
    rolloutsOk_ = true;
    for (int i = 0; i < rollouts_->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = rollouts_->topLevelItem(i);
        const QString name = item->data(0, Qt::UserRole).toString();
        if (!deployments.contains(name))
            continue;
        const CommandSpec spec = Kubectl::rolloutStatus(target, name);
        const auto started = ClusterActions::start(context_, spec, confirm_);
        if (!started.command) {
            item->setText(1, started.error);
            rolloutsOk_ = false;
            continue;
        }
        ++rolloutsRunning_;
        item->setText(1, tr("waiting for the rollout…"));
        QPointer<QTreeWidget> tree = rollouts_;
        auto onLine = [item, tree](const QByteArray& line) {
            if (!tree)
                return;
            const RolloutStatusLine status = RolloutStatus::parseLine(QString::fromUtf8(line));
            if (status.phase != RolloutPhase::Unknown)
                item->setText(1, status.line);
        };
        connect(started.command, &Command::stdoutLine, this, onLine);
        connect(started.command, &Command::stderrLine, this, onLine);
        connect(started.command, &Command::finished, this,
                [this, item](const CommandResult& result) {
                    const RolloutEnd end = RolloutStatus::ended(result);
                    if (end.ok) {
                        item->setText(1, tr("✔ ready: %1").arg(end.line));
                    } else {
                        rolloutsOk_ = false;
                        item->setText(1, tr("✘ %1").arg(end.line));
                    }
                    rolloutEnded();
                });
    }
    if (rolloutsRunning_ == 0)
        rolloutEnded();
    else
        showStatus(tr("Restarted %1; following the rollout…").arg(deployments.join(u", "_s)));
}

void WorkloadsView::rolloutEnded()
{
    if (rolloutsRunning_ > 0)
        --rolloutsRunning_;
    if (rolloutsRunning_ > 0)
        return;
    rollouts_->resizeColumnToContents(0);
    showStatus(rolloutsOk_ ? tr("Restart complete: every rollout is ready.")
                           : tr("A rollout did not finish: see its reason above."),
               !rolloutsOk_);
    restartButton_->setEnabled(!selectedDeployments().isEmpty());
    Q_EMIT restartFinished(rolloutsOk_);
}

}  // namespace obslab
