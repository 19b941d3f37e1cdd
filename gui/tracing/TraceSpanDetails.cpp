#include "gui/tracing/TraceSpanDetails.h"

#include "core/tracing/TraceLayout.h"

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QKeyEvent>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QTreeWidgetItem* addRow(QTreeWidgetItem* parent, const QString& key, const QString& value)
{
    auto* item = new QTreeWidgetItem(parent, {key, value});
    item->setToolTip(1, value);
    return item;
}

QTreeWidgetItem* addSection(QTreeWidget* tree, const QString& title)
{
    auto* item = new QTreeWidgetItem(tree, {title});
    QFont bold = tree->font();
    bold.setBold(true);
    item->setFont(0, bold);
    item->setFirstColumnSpanned(true);
    return item;
}

}  // namespace

TraceSpanDetails::TraceSpanDetails(QWidget* parent)
    : QTreeWidget(parent)
{
    setColumnCount(2);
    setHeaderLabels({tr("Key"), tr("Value")});
    setRootIsDecorated(true);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setTextElideMode(Qt::ElideMiddle);
    header()->setStretchLastSection(true);
    header()->setSectionResizeMode(0, QHeaderView::Interactive);
    setWordWrap(false);
}

QSize TraceSpanDetails::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    return {fm.horizontalAdvance(u'M') * 60, fm.height() * 14};
}

void TraceSpanDetails::clearSpan()
{
    clear();
}

void TraceSpanDetails::showSpan(const TraceLayout& layout, int spanIndex)
{
    clear();
    const int row = layout.rowOfSpan(spanIndex);
    if (row < 0)
        return;
    const TraceLayout::Row& info = layout.rows()[row];
    const Span& span = layout.trace().spans[spanIndex];

    QTreeWidgetItem* summary = addSection(this, tr("Span"));
    addRow(summary, tr("Service"), span.serviceName);
    addRow(summary, tr("Operation"), span.operationName);
    if (span.kind != SpanKind::Unspecified)
        addRow(summary, tr("Kind"), Span::kindName(span.kind));
    addRow(summary, tr("Span ID"), span.spanId);
    if (info.parentRow >= 0)
        addRow(summary, info.followsFrom ? tr("Follows from") : tr("Parent"),
               layout.spanAt(info.parentRow).spanId);
    addRow(summary, tr("Starts at"), u"+"_s + TraceLayout::formatDuration(info.offsetUs));
    addRow(summary, tr("Duration"), TraceLayout::formatDuration(info.durationUs));
    if (const int status = span.httpStatus())
        addRow(summary, tr("HTTP status"), QString::number(status));
    if (const QString flags = span.responseFlags(); !flags.isEmpty())
        addRow(summary, tr("Response flags"), flags);
    if (const QString cluster = span.upstreamCluster(); !cluster.isEmpty())
        addRow(summary, tr("Upstream cluster"), cluster);
    if (const QString id = span.requestId(); !id.isEmpty())
        addRow(summary, tr("x-request-id"), id);
    if (info.peerRow >= 0) {
        const Span& peer = layout.spanAt(info.peerRow);
        addRow(summary, span.kind == SpanKind::Server ? tr("Client side") : tr("Server side"),
               peer.serviceName + u" ("_s + peer.spanId + u')');
    }
    if (info.error)
        addRow(summary, tr("Error"), tr("yes"));
    if (info.onCriticalPath)
        addRow(summary, tr("Critical path"), tr("yes"));

    if (!span.tags.isEmpty()) {
        QTreeWidgetItem* tags = addSection(this, tr("Tags (%1)").arg(span.tags.size()));
        for (const SpanTag& t : span.tags) {
            QTreeWidgetItem* item = addRow(tags, t.key, t.text());
            item->setToolTip(0, SpanTag::typeName(t.type));
        }
    }
    if (!span.logs.isEmpty()) {
        QTreeWidgetItem* logs = addSection(this, tr("Logs (%1)").arg(span.logs.size()));
        for (const SpanLog& log : span.logs) {
            QStringList summaryParts;
            for (const SpanTag& f : log.fields)
                summaryParts.append(f.key + u'=' + f.text());
            QTreeWidgetItem* item = addRow(
                logs,
                u"+"_s + TraceLayout::formatDuration(log.timestampUs - layout.trace().startUs()),
                summaryParts.join(u"  "_s));
            for (const SpanTag& f : log.fields)
                addRow(item, f.key, f.text());
        }
    }
    if (!span.processTags.isEmpty()) {
        QTreeWidgetItem* process =
            addSection(this, tr("Process (%1)").arg(span.processTags.size()));
        for (const SpanTag& t : span.processTags)
            addRow(process, t.key, t.text());
    }
    if (!span.references.isEmpty()) {
        QTreeWidgetItem* refs = addSection(this, tr("References (%1)").arg(span.references.size()));
        for (const SpanReference& r : span.references)
            addRow(refs,
                   r.type == SpanReference::Type::FollowsFrom ? u"FOLLOWS_FROM"_s : u"CHILD_OF"_s,
                   r.spanId +
                       (r.traceId.isEmpty() ? QString() : u"  (trace "_s + r.traceId + u')'));
    }
    if (!span.warnings.isEmpty()) {
        QTreeWidgetItem* warnings = addSection(this, tr("Warnings (%1)").arg(span.warnings.size()));
        for (const QString& w : span.warnings)
            addRow(warnings, tr("warning"), w);
    }
    expandAll();
    // Logs' own fields stay folded: their summary line already says it.
    for (int i = 0; i < topLevelItemCount(); ++i) {
        QTreeWidgetItem* section = topLevelItem(i);
        for (int j = 0; j < section->childCount(); ++j)
            section->child(j)->setExpanded(false);
    }
    resizeColumnToContents(0);
    setColumnWidth(0, std::min(columnWidth(0), fontMetrics().horizontalAdvance(u'M') * 22));
}

void TraceSpanDetails::keyPressEvent(QKeyEvent* event)
{
    if (event->matches(QKeySequence::Copy)) {
        QStringList lines;
        for (const QTreeWidgetItem* item : selectedItems())
            lines.append(item->text(1).isEmpty() ? item->text(0)
                                                 : item->text(0) + u": "_s + item->text(1));
        QApplication::clipboard()->setText(lines.join(u'\n'));
        return;
    }
    QTreeWidget::keyPressEvent(event);
}

}  // namespace obslab
