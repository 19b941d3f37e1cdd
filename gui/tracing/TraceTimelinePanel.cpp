#include "gui/tracing/TraceTimelinePanel.h"

#include "core/tracing/JaegerJson.h"
#include "gui/tracing/TraceSpanDetails.h"
#include "gui/tracing/TraceTimelineView.h"

#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
QString plural(int n, const QString& one, const QString& many)
{
    return QString::number(n) + u' ' + (n == 1 ? one : many);
}
}  // namespace

TraceTimelinePanel::TraceTimelinePanel(QWidget* parent)
    : QWidget(parent)
    , summary_(new QLabel(this))
    , splitter_(new QSplitter(Qt::Vertical, this))
    , timeline_(new TraceTimelineView(splitter_))
    , details_(new TraceSpanDetails(splitter_))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary_->setContentsMargins(fontMetrics().height() / 2, fontMetrics().height() / 4,
                                 fontMetrics().height() / 2, fontMetrics().height() / 4);
    summary_->setWordWrap(true);
    layout->addWidget(summary_);
    splitter_->addWidget(timeline_);
    splitter_->addWidget(details_);
    splitter_->setStretchFactor(0, 3);
    splitter_->setStretchFactor(1, 2);
    splitter_->setChildrenCollapsible(false);
    layout->addWidget(splitter_, 1);
    connect(splitter_, &QSplitter::splitterMoved, this, [this] { userSized_ = true; });
    connect(timeline_, &TraceTimelineView::spanSelected, this,
            [this](int span) { details_->showSpan(timeline_->layout(), span); });
    updateSummary();
}

QString TraceTimelinePanel::fileFilter()
{
    return tr("Trace JSON (*.json);;All files (*)");
}

void TraceTimelinePanel::setTrace(const Trace& trace)
{
    ++loadGeneration_;  // a file still loading must not replace this trace
    timeline_->setTrace(trace);
    details_->clearSpan();
    if (!timeline_->layout().rows().isEmpty())
        timeline_->setCurrentRow(0);
    updateSummary();
    fitTimeline();
}

void TraceTimelinePanel::fitTimeline()
{
    // Give the timeline what its rows need (up to two thirds), the details the rest.
    const int total = splitter_->height();
    if (total <= 0)
        return;
    const int wanted =
        std::min(timeline_->contentHeight() + timeline_->frameWidth() * 2 + 2, total * 2 / 3);
    splitter_->setSizes({wanted, total - wanted});
}

void TraceTimelinePanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // The splitter lays out its children after this handler: fit once it has.
    if (!userSized_)
        QMetaObject::invokeMethod(this, &TraceTimelinePanel::fitTimeline, Qt::QueuedConnection);
}

void TraceTimelinePanel::updateSummary()
{
    const TraceLayout& layout = timeline_->layout();
    if (layout.rows().isEmpty()) {
        summary_->setText(tr("No trace loaded."));
        return;
    }
    const Span& root = layout.spanAt(0);
    const int errors = layout.trace().errorCount();
    QString text =
        u"<b>%1</b> %2 &nbsp;·&nbsp; %3 &nbsp;·&nbsp; %4 &nbsp;·&nbsp; %5 &nbsp;·&nbsp; "_s.arg(
            root.serviceName.toHtmlEscaped(), root.operationName.toHtmlEscaped(),
            TraceLayout::formatDuration(layout.durationUs()),
            plural(int(layout.rows().size()), tr("span"), tr("spans")),
            plural(int(layout.services().size()), tr("service"), tr("services")));
    text += errors > 0 ? u"<span style='color:#d32f2f'>%1</span>"_s.arg(
                             plural(errors, tr("error"), tr("errors")))
                       : tr("no errors");
    text += u"<br><small>%1 %2</small>"_s.arg(tr("Trace"), layout.trace().traceId.toHtmlEscaped());
    summary_->setText(text);
}

void TraceTimelinePanel::openFile(const QString& path)
{
    const quint64 generation = ++loadGeneration_;
    auto* watcher = new QFutureWatcher<Result<QList<Trace>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, path] {
        watcher->deleteLater();
        if (generation != loadGeneration_)
            return;
        const Result<QList<Trace>> result = watcher->result();
        if (!result) {
            Q_EMIT loadFailed(u"%1: %2"_s.arg(QFileInfo(path).fileName(), result.error().message),
                              result.error().hint);
            return;
        }
        if (result->isEmpty() || result->first().isEmpty()) {
            Q_EMIT loadFailed(tr("%1 holds no spans.").arg(QFileInfo(path).fileName()), {});
            return;
        }
        setTrace(result->first());
        Q_EMIT traceLoaded(result->first().traceId);
    });
    watcher->setFuture(QtConcurrent::run([path]() -> Result<QList<Trace>> {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return Error{QObject::tr("cannot read it (%1)").arg(f.errorString()), {}};
        // Traces are small; anything this big is not one and would only stall the parser.
        if (f.size() > 256 * 1024 * 1024)
            return Error{QObject::tr("too large for a trace file"), {}};
        return jaegerjson::parseTraceDocument(f.readAll());
    }));
}

}  // namespace obslab
