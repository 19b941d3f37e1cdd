#include "gui/cluster/ClusterArea.h"

#include "core/kube/ClusterContext.h"
#include "core/kube/ClusterGuidance.h"
#include "gui/cluster/IstioView.h"
#include "gui/cluster/ManifestEditor.h"
#include "gui/cluster/WorkloadsView.h"
#include "gui/common/Navigator.h"
#include "gui/widgets/EmptyState.h"

#include <QDesktopServices>
#include <QFormLayout>
#include <QLabel>
#include <QTabBar>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

ClusterArea::ClusterArea(QWidget* parent)
    : QWidget(parent)
    , state_(new EmptyState(this))
{
    setObjectName(u"clusterArea"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    tabs_ = new QTabWidget;
    tabs_->setObjectName(u"clusterTabs"_s);
    tabs_->setDocumentMode(true);
    tabs_->addTab(state_, tr("Overview"));
    tabs_->tabBar()->setVisible(false);  // until attach() adds the tools
    layout->addWidget(tabs_);
    setStatus({});
}

void ClusterArea::attach(ClusterContext* context, Transcript* transcript, AppSettings* settings)
{
    if (manifests_)
        return;
    context_ = context;
    manifests_ = new ManifestEditor(context, this);
    workloads_ = new WorkloadsView(context, transcript, this);
    istio_ = new IstioView(context, settings, this);
    tabs_->addTab(manifests_, tr("Manifests"));
    tabs_->addTab(workloads_, tr("Workloads"));
    tabs_->addTab(istio_, tr("Istio"));
    tabs_->tabBar()->setVisible(true);
    connect(workloads_, &WorkloadsView::followRequested, this,
            [this](const QString& ns, const QString& selector, const QString& container) {
                if (navigator_)
                    navigator_->followLogs(ns, selector, container);
            });
    // The watches run while the Workloads page has been opened once, and follow the context.
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
        if (tabs_->widget(index) == workloads_ && !workloadsStarted_ && context_ &&
            context_->isReady()) {
            workloadsStarted_ = true;
            workloads_->start();
        }
    });
    if (context) {
        connect(context, &ClusterContext::refreshed, this, &ClusterArea::onContextChanged);
        connect(context, &ClusterContext::namespaceChanged, this, &ClusterArea::onContextChanged);
    }
}

void ClusterArea::onContextChanged()
{
    if (!workloads_)
        return;
    if (workloadsStarted_ || tabs_->currentWidget() == workloads_) {
        workloadsStarted_ = true;
        workloads_->start();
    }
}

void ClusterArea::setConfirmer(const ClusterActions::Confirmer& confirmer)
{
    if (manifests_)
        manifests_->setConfirmer(confirmer);
    if (workloads_)
        workloads_->setConfirmer(confirmer);
    if (istio_)
        istio_->setConfirmer(confirmer);
}

void ClusterArea::showPage(Page page)
{
    QWidget* widgets[] = {state_, manifests_, workloads_, istio_};
    if (QWidget* w = widgets[int(page)])
        tabs_->setCurrentWidget(w);
}

void ClusterArea::openManifest(const QString& pathOrText)
{
    if (!manifests_)
        return;
    manifests_->openManifest(pathOrText);
    showPage(Page::Manifests);
}

QWidget* ClusterArea::makeDetails(const ClusterStatus& status)
{
    auto* details = new QWidget;
    auto* form = new QFormLayout(details);
    form->setLabelAlignment(Qt::AlignRight);
    auto addRow = [&](const QString& label, const QString& value) {
        auto* field = new QLabel(value.isEmpty() ? tr("—") : value);
        field->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(label, field);
    };
    addRow(tr("Context"), status.context);
    addRow(tr("Namespace"), status.kubeNamespace);
    addRow(tr("API server"), status.server);
    addRow(tr("Kind"), status.local ? tr("local development cluster")
                                    : tr("remote — changes ask for confirmation first"));
    addRow(tr("kubectl"), u"%1  (%2)"_s.arg(status.versions.client.gitVersion, status.kubectlPath));
    addRow(tr("Server version"), status.versions.server.gitVersion);
    if (!status.skewWarning.isEmpty()) {
        auto* warning = new QLabel(status.skewWarning);
        warning->setWordWrap(true);
        form->addRow(tr("Warning"), warning);
    }
    return details;
}

void ClusterArea::setStatus(const ClusterStatus& status)
{
    using State = ClusterStatus::State;
    state_->clearActions();
    state_->setDetails(nullptr);
    state_->setFootnote({});
    switch (status.state) {
    case State::Unknown:
    case State::Checking:
        state_->setIconName(u"cluster"_s);
        state_->setTitle(tr("Checking your cluster…"));
        state_->setText(status.hasContext()
                            ? tr("Context <b>%1</b>: asking its API server whether it answers.")
                                  .arg(status.context.toHtmlEscaped())
                            : tr("Reading kubectl's current context."));
        break;
    case State::KubectlMissing:
        state_->setIconName(u"warning"_s);
        state_->setTitle(tr("kubectl not found"));
        state_->setText(ClusterGuidance::kubectlMissingLong(status));
        state_->addAction(tr("How to install kubectl"), u"external"_s, [] {
            QDesktopServices::openUrl(QUrl(ClusterGuidance::installKubectlUrl()));
        });
        state_->addAction(tr("Set kubectl path…"), u"settings"_s, [this] {
            if (navigator_)
                navigator_->showSettings();
        });
        state_->addAction(tr("Check again"), u"refresh"_s, [this] { Q_EMIT refreshRequested(); });
        break;
    case State::NoContext:
    case State::Unreachable:
        state_->setIconName(u"cluster"_s);
        state_->setTitle(status.state == State::NoContext ? tr("No Kubernetes context")
                                                          : tr("Cluster not reachable"));
        state_->setText(ClusterGuidance::noClusterLong(status));
        state_->addAction(tr("Open the sample log"), u"sample"_s, [this] {
            if (navigator_)
                navigator_->openSampleLog();
        });
        state_->addAction(tr("Check again"), u"refresh"_s, [this] { Q_EMIT refreshRequested(); });
        break;
    case State::Reachable:
        state_->setIconName(u"ok"_s);
        state_->setTitle(tr("Connected to %1").arg(status.context));
        state_->setText(
            tr("kubectl reaches the cluster. Commands run with "
               "<code>--context %1 -n %2</code>; each one shows in the Console "
               "before it runs.")
                .arg(status.context.toHtmlEscaped(), status.kubeNamespace.toHtmlEscaped()));
        state_->setDetails(makeDetails(status));
        state_->addAction(tr("Check again"), u"refresh"_s, [this] { Q_EMIT refreshRequested(); });
        break;
    }
}

}  // namespace obslab
