#include "TracesArea.h"

#include "widgets/EmptyState.h"

#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

TracesArea::TracesArea(QWidget* parent)
    : QWidget(parent)
    , state_(new EmptyState(this))
{
    setObjectName(u"tracesArea"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(state_);
    state_->setIconName(u"traces"_s);
    state_->setTitle(tr("Follow a request across services"));
    state_->setText(tr("Click a trace id in the Logs or in the lab, and its spans open here in "
                       "your cluster's Jaeger UI — one bar per service the request passed "
                       "through, with where the time went."));
    state_->addAction(tr("Jaeger settings…"), u"settings"_s,
                      [this] { Q_EMIT settingsRequested(); });
    setJaegerUrl({});
}

void TracesArea::setJaegerUrl(const QUrl& url)
{
    state_->setFootnote(
        url.isEmpty() ? tr("Jaeger: reached through a port-forward to <code>svc/tracing</code> in "
                           "<code>istio-system</code>, set up when needed.")
                      : tr("Jaeger: <code>%1</code>").arg(url.toDisplayString().toHtmlEscaped()));
}

}  // namespace obslab
