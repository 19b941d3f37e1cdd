#include "TracesArea.h"

#include "TraceTimelinePanel.h"
#include "widgets/EmptyState.h"

#include <QFileInfo>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

TracesArea::TracesArea(QWidget* parent)
    : QWidget(parent)
    , stack_(new QStackedWidget(this))
    , state_(new EmptyState(stack_))
    , panel_(new TraceTimelinePanel(stack_))
{
    setObjectName(u"tracesArea"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(stack_);
    stack_->addWidget(state_);
    stack_->addWidget(panel_);
    connect(panel_, &TraceTimelinePanel::traceLoaded, this,
            [this] { stack_->setCurrentWidget(panel_); });
    connect(panel_, &TraceTimelinePanel::loadFailed, this, &TracesArea::showFailure);
    state_->setIconName(u"traces"_s);
    state_->setTitle(tr("Follow a request across services"));
    state_->setText(tr("Click a trace id in the Logs or in the lab, and its spans open here in "
                       "your cluster's Jaeger UI — one bar per service the request passed "
                       "through, with where the time went."));
    state_->addAction(tr("Open a saved trace…"), u"open"_s,
                      [this] { Q_EMIT openTraceRequested(); });
    state_->addAction(tr("Jaeger settings…"), u"settings"_s,
                      [this] { Q_EMIT settingsRequested(); });
    setJaegerUrl({});
}

void TracesArea::setJaegerUrl(const QUrl& url)
{
    jaegerNote_ = url.isEmpty()
                      ? tr("Jaeger: reached through a port-forward to <code>svc/tracing</code> in "
                           "<code>istio-system</code>, set up when needed.")
                      : tr("Jaeger: <code>%1</code>").arg(url.toDisplayString().toHtmlEscaped());
    state_->setFootnote(jaegerNote_);
}

void TracesArea::openTraceFile(const QString& path)
{
    state_->setFootnote(tr("Opening %1…").arg(QFileInfo(path).fileName().toHtmlEscaped()));
    panel_->openFile(path);
}

bool TracesArea::isShowingTrace() const
{
    return stack_->currentWidget() == panel_;
}

void TracesArea::showFailure(const QString& message, const QString& hint)
{
    stack_->setCurrentWidget(state_);
    QString html = u"<b>%1</b>"_s.arg(message.toHtmlEscaped());
    if (!hint.isEmpty())
        html += u"<br>"_s + hint.toHtmlEscaped();
    state_->setFootnote(html + u"<br><br>"_s + jaegerNote_);
}

}  // namespace obslab
