#include "LabArea.h"

#include "widgets/EmptyState.h"

#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

LabArea::LabArea(QWidget* parent)
    : QWidget(parent)
    , state_(new EmptyState(this))
{
    setObjectName(u"labArea"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(state_);
    state_->setIconName(u"lab"_s);
    state_->setTitle(tr("Distributed tracing, step by step"));
    state_->setText(tr("The lab walks you through tracing on your own cluster: install Istio "
                       "with a tracer, deploy a demo app, send traffic, then follow one request "
                       "from its access-log line to its trace in Jaeger. Every step shows the "
                       "exact command before it runs, and checks that it worked."));
    setClusterStatus({});
}

void LabArea::setClusterStatus(const ClusterStatus& status)
{
    using State = ClusterStatus::State;
    state_->clearActions();
    switch (status.state) {
    case State::Reachable:
        state_->setFootnote(
            status.local
                ? tr("Your cluster <b>%1</b> is local: a good place for the lab.")
                      .arg(status.context.toHtmlEscaped())
                : tr("Your cluster <b>%1</b> is not local: the lab asks before changing it.")
                      .arg(status.context.toHtmlEscaped()));
        break;
    case State::Unknown:
    case State::Checking:
        state_->setFootnote(tr("Checking your cluster…"));
        break;
    case State::KubectlMissing:
    case State::NoContext:
    case State::Unreachable:
        state_->setFootnote(tr("The lab needs a cluster you may change — a local kind or "
                               "minikube cluster is ideal."));
        state_->addAction(tr("Check my cluster"), u"cluster"_s,
                          [this] { Q_EMIT clusterDetailsRequested(); });
        break;
    }
}

}  // namespace obslab
