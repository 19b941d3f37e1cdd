#include "gui/app/ContextBar.h"

#include "gui/widgets/Chip.h"
#include "gui/widgets/Icons.h"

#include <QEvent>
#include <QHBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

ContextBar::ContextBar(QWidget* parent)
    : QWidget(parent)
    , context_(new Chip(this))
    , namespace_(new Chip(this))
{
    setObjectName(u"contextBar"_s);
    context_->setObjectName(u"contextChip"_s);
    namespace_->setObjectName(u"namespaceChip"_s);
    context_->setIcon(Icons::icon(u"context"_s));
    context_->setCaption(tr("context"));
    namespace_->setIcon(Icons::icon(u"namespace"_s));
    namespace_->setCaption(tr("namespace"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(fontMetrics().height() / 2, 0, fontMetrics().height() / 2, 0);
    layout->addWidget(context_);
    layout->addWidget(namespace_);
    setStatus({});
}

QString ContextBar::contextText() const
{
    return context_->text();
}

QString ContextBar::namespaceText() const
{
    return namespace_->text();
}

void ContextBar::setStatus(const ClusterStatus& status)
{
    using State = ClusterStatus::State;
    namespace_->setVisible(status.hasContext());
    namespace_->setText(status.kubeNamespace.isEmpty() ? tr("…") : status.kubeNamespace);
    namespace_->setTone(Tone::Neutral);
    switch (status.state) {
    case State::Unknown:
    case State::Checking:
        context_->setTone(Tone::Neutral);
        context_->setText(status.hasContext() ? status.context : tr("reading…"));
        context_->setToolTip(tr("Reading kubectl's current context"));
        break;
    case State::KubectlMissing:
        context_->setTone(Tone::Warning);
        context_->setText(tr("kubectl not found"));
        context_->setToolTip(status.kubectlMessage);
        break;
    case State::NoContext:
        context_->setTone(Tone::Warning);
        context_->setText(tr("none"));
        context_->setToolTip(status.error);
        break;
    case State::Unreachable:
        context_->setTone(Tone::Danger);
        context_->setText(status.context);
        context_->setToolTip(tr("Not reachable: %1").arg(status.error));
        break;
    case State::Reachable:
        context_->setTone(status.local ? Tone::Good : Tone::Info);
        context_->setText(status.context);
        context_->setToolTip(
            status.local
                ? tr("A local cluster at %1").arg(status.server)
                : tr("A remote cluster at %1: changes ask for confirmation").arg(status.server));
        break;
    }
    // The chips changed size: make the toolbar lay out again now, not at the next resize.
    layout()->activate();
    updateGeometry();
}

void ContextBar::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        layout()->invalidate();
        updateGeometry();
    }
}

}  // namespace obslab
