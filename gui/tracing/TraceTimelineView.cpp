#include "gui/tracing/TraceTimelineView.h"

#include <QKeyEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QColor blend(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

QColor errorColor(const QPalette& palette)
{
    return isDark(palette) ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
}

QColor mutedText(const QPalette& palette)
{
    return blend(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.42);
}

// A 1-2-5 step so that ticks are at least `minGapUs` apart.
qint64 niceStep(qint64 minGapUs)
{
    qint64 magnitude = 1;
    while (magnitude * 10 <= minGapUs)
        magnitude *= 10;
    for (const qint64 factor : {1, 2, 5, 10}) {
        if (magnitude * factor >= minGapUs)
            return magnitude * factor;
    }
    return magnitude * 10;
}

}  // namespace

TraceTimelineView::TraceTimelineView(QWidget* parent)
    : QAbstractScrollArea(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_Hover);
    viewport()->setBackgroundRole(QPalette::Base);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFrameShape(QFrame::NoFrame);
}

QColor TraceTimelineView::serviceColor(int index, const QPalette& palette)
{
    const int hue = TraceLayout::hueForIndex(index);
    // Lighter, softer bars on dark backgrounds; deeper ones on light so white text stays legible.
    return isDark(palette) ? QColor::fromHsl(hue, 150, 150) : QColor::fromHsl(hue, 165, 128);
}

void TraceTimelineView::setTrace(const Trace& trace)
{
    layout_ = TraceLayout(trace);
    segmentsByRow_ = QList<QList<TraceLayout::CriticalSegment>>(layout_.rows().size());
    for (const auto& s : layout_.criticalPath())
        segmentsByRow_[s.row].append(s);
    currentRow_ = -1;
    hoverRow_ = -1;
    verticalScrollBar()->setValue(0);
    updateScrollBars();
    updateGeometry();
    viewport()->update();
}

void TraceTimelineView::clear()
{
    setTrace(Trace{});
}

TraceTimelineView::Metrics TraceTimelineView::metrics() const
{
    const QFontMetrics fm = fontMetrics();
    const int h = fm.height();
    Metrics m{};
    m.rowHeight = h * 7 / 4;
    m.pad = std::max(2, h / 2);
    m.indent = fm.horizontalAdvance(u'M');
    m.axisHeight = h * 3 / 2;
    // The legend flows over as many lines as the services need.
    const int width = viewport()->width() - 2 * m.pad;
    int lines = layout_.services().isEmpty() ? 0 : 1;
    int x = 0;
    for (const QString& s : legendLabels()) {
        const int w = h + m.pad / 2 + fm.horizontalAdvance(s) + m.pad * 2;
        if (x > 0 && x + w > width) {
            ++lines;
            x = 0;
        }
        x += w;
    }
    m.legendHeight = lines * (h + m.pad / 2) + (lines > 0 ? m.pad : 0);
    m.headerHeight = m.legendHeight + m.axisHeight;
    const int w = viewport()->width();
    m.nameWidth =
        std::clamp(w * 38 / 100, fm.horizontalAdvance(u'M') * 12, fm.horizontalAdvance(u'M') * 40);
    m.barLeft = m.nameWidth + m.pad;
    m.barRight = std::max(m.barLeft + 1, w - m.pad * 2);
    return m;
}

int TraceTimelineView::contentHeight() const
{
    const Metrics m = metrics();
    return m.headerHeight + int(layout_.rows().size()) * m.rowHeight + m.pad;
}

QSize TraceTimelineView::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    const int rows = std::clamp(int(layout_.rows().size()), 6, 16);
    return {fm.horizontalAdvance(u'M') * 90, fm.height() * 5 + rows * fm.height() * 7 / 4};
}

QSize TraceTimelineView::minimumSizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    return {fm.horizontalAdvance(u'M') * 30, fm.height() * 8};
}

void TraceTimelineView::updateScrollBars()
{
    const Metrics m = metrics();
    const int content = int(layout_.rows().size()) * m.rowHeight;
    const int visible = std::max(0, viewport()->height() - m.headerHeight);
    verticalScrollBar()->setRange(0, std::max(0, content - visible));
    verticalScrollBar()->setPageStep(visible);
    verticalScrollBar()->setSingleStep(m.rowHeight);
}

void TraceTimelineView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void TraceTimelineView::changeEvent(QEvent* event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange ||
        event->type() == QEvent::StyleChange) {
        updateScrollBars();
        updateGeometry();
        viewport()->update();
    }
}

int TraceTimelineView::xForOffset(qint64 offsetUs, const Metrics& m) const
{
    const qint64 total = std::max<qint64>(1, layout_.durationUs());
    const double fraction = double(std::clamp<qint64>(offsetUs, 0, total)) / double(total);
    return m.barLeft + int(std::lround(fraction * (m.barRight - m.barLeft)));
}

QRect TraceTimelineView::rowRect(int row) const
{
    if (row < 0 || row >= layout_.rows().size())
        return {};
    const Metrics m = metrics();
    const int y = m.headerHeight + row * m.rowHeight - verticalScrollBar()->value();
    return {0, y, viewport()->width(), m.rowHeight};
}

QRect TraceTimelineView::barRect(int row) const
{
    const QRect r = rowRect(row);
    if (r.isNull())
        return {};
    const Metrics m = metrics();
    const auto& info = layout_.rows()[row];
    const int x1 = xForOffset(info.offsetUs, m);
    const int x2 = xForOffset(info.offsetUs + info.durationUs, m);
    // Even a 0 µs span stays visible and clickable.
    const int minWidth = std::max(2, fontMetrics().height() / 5);
    const int barHeight = m.rowHeight / 2;
    return {x1, r.top() + (m.rowHeight - barHeight) / 2, std::max(minWidth, x2 - x1), barHeight};
}

int TraceTimelineView::rowAt(const QPoint& pos) const
{
    const Metrics m = metrics();
    if (pos.y() < m.headerHeight)
        return -1;
    const int row = (pos.y() - m.headerHeight + verticalScrollBar()->value()) / m.rowHeight;
    return row >= 0 && row < layout_.rows().size() ? row : -1;
}

void TraceTimelineView::setCurrentRow(int row)
{
    if (row < -1 || row >= layout_.rows().size())
        return;
    if (row == currentRow_)
        return;
    currentRow_ = row;
    if (row >= 0) {
        const Metrics m = metrics();
        const int top = row * m.rowHeight;
        const int visible = viewport()->height() - m.headerHeight;
        QScrollBar* bar = verticalScrollBar();
        if (top < bar->value())
            bar->setValue(top);
        else if (top + m.rowHeight > bar->value() + visible)
            // Never past the row's top: before the view is laid out (or when it is shorter than
            // a row) "show its bottom" would scroll the row itself out of sight.
            bar->setValue(std::min(top, top + m.rowHeight - visible));
        Q_EMIT spanSelected(layout_.rows()[row].span);
    }
    viewport()->update();
}

QStringList TraceTimelineView::legendLabels() const
{
    if (layout_.rows().isEmpty())
        return {};
    return layout_.services() + QStringList{tr("critical path"), tr("log event")};
}

QList<qint64> TraceTimelineView::tickOffsets() const
{
    const Metrics m = metrics();
    const qint64 total = layout_.durationUs();
    const int width = m.barRight - m.barLeft;
    if (total <= 0 || width <= 0)
        return {0};
    // Labels need about 7 ems each.
    const int minGapPx = fontMetrics().horizontalAdvance(u'M') * 7;
    const qint64 minGapUs = std::max<qint64>(1, qint64(double(total) * minGapPx / width));
    const qint64 step = niceStep(minGapUs);
    QList<qint64> ticks;
    for (qint64 t = 0; t <= total && ticks.size() < 1000; t += step)
        ticks.append(t);
    return ticks;
}

void TraceTimelineView::paintEvent(QPaintEvent*)
{
    QPainter p(viewport());
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    p.fillRect(viewport()->rect(), pal.color(QPalette::Base));
    if (layout_.rows().isEmpty()) {
        p.setPen(mutedText(pal));
        p.drawText(
            viewport()->rect().adjusted(fontMetrics().height(), 0, -fontMetrics().height(), 0),
            Qt::AlignCenter | Qt::TextWordWrap,
            tr("No trace loaded. Open a saved trace (File → Open trace) or look one up "
               "by its id."));
        return;
    }
    const Metrics m = metrics();
    const int first = std::max(0, verticalScrollBar()->value() / m.rowHeight);
    p.save();
    p.setClipRect(
        QRect(0, m.headerHeight, viewport()->width(), viewport()->height() - m.headerHeight));
    // Tick grid behind the rows.
    QColor grid = pal.color(QPalette::Text);
    grid.setAlphaF(0.08f);
    p.setPen(QPen(grid, 1));
    for (const qint64 t : tickOffsets()) {
        const int x = xForOffset(t, m);
        p.drawLine(x, m.headerHeight, x, viewport()->height());
    }
    for (int row = first; row < layout_.rows().size(); ++row) {
        const QRect r = rowRect(row);
        if (r.top() > viewport()->height())
            break;
        paintRow(p, m, row, r);
    }
    p.restore();
    paintHeader(p, m);
}

void TraceTimelineView::paintHeader(QPainter& p, const Metrics& m) const
{
    const QPalette& pal = palette();
    const QFontMetrics fm = fontMetrics();
    const int h = fm.height();
    const QColor headerBg =
        blend(pal.color(QPalette::Base), pal.color(QPalette::Text), isDark(pal) ? 0.06 : 0.035);
    p.fillRect(QRect(0, 0, viewport()->width(), m.headerHeight), headerBg);

    // Legend: a chip per service in colour order, flowing onto more lines when needed.
    int x = m.pad;
    int y = m.pad / 2;
    const int width = viewport()->width() - m.pad;
    const QStringList labels = legendLabels();
    const int services = int(layout_.services().size());
    for (int i = 0; i < labels.size(); ++i) {
        const QString& name = labels[i];
        const int w = h + m.pad / 2 + fm.horizontalAdvance(name) + m.pad * 2;
        if (x > m.pad && x + w > width) {
            x = m.pad;
            y += h + m.pad / 2;
        }
        const QRect swatch(x, y + h / 6, h * 2 / 3, h * 2 / 3);
        p.setPen(Qt::NoPen);
        if (i < services) {
            p.setBrush(serviceColor(i, pal));
            p.drawRoundedRect(swatch, h / 6.0, h / 6.0);
            p.setPen(pal.color(QPalette::Text));
        } else if (i == services) {
            // The key for critical-path stripes: a neutral bar with its stripe.
            const QColor neutral =
                blend(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.35);
            p.setBrush(neutral);
            p.drawRoundedRect(swatch.adjusted(0, h / 8, 0, -h / 8), h / 8.0, h / 8.0);
            p.fillRect(QRect(swatch.left(), swatch.center().y() - 1, swatch.width(), 3),
                       isDark(pal) ? neutral.lighter(170) : neutral.darker(190));
            p.setPen(mutedText(pal));
        } else {
            QColor tick = pal.color(QPalette::Text);
            tick.setAlphaF(0.7f);
            p.setPen(QPen(tick, 1));
            p.drawLine(swatch.center().x(), swatch.top(), swatch.center().x(), swatch.bottom());
            p.setPen(mutedText(pal));
        }
        p.drawText(QRect(swatch.right() + m.pad / 2, y, w, h), Qt::AlignLeft | Qt::AlignVCenter,
                   name);
        x += w;
    }

    // Axis: the name column's title and the time ticks.
    const int axisTop = m.legendHeight;
    p.setPen(mutedText(pal));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    p.setFont(small);
    p.drawText(QRect(m.pad, axisTop, m.nameWidth - m.pad, m.axisHeight),
               Qt::AlignLeft | Qt::AlignVCenter, tr("Service  ·  kind  ·  operation"));
    const QList<qint64> ticks = tickOffsets();
    const QFontMetrics sfm(small);
    for (const qint64 t : ticks) {
        const int tx = xForOffset(t, m);
        const QString label = TraceLayout::formatDuration(t);
        const int lw = sfm.horizontalAdvance(label);
        // Keep the first label right of the tick and the last one inside the view.
        const int lx = std::min(tx + 3, viewport()->width() - lw - m.pad / 2);
        p.drawText(QRect(lx, axisTop, lw + 2, m.axisHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   label);
        p.drawLine(tx, axisTop + m.axisHeight * 2 / 3, tx, m.headerHeight);
    }
    p.setFont(font());
    QColor line = pal.color(QPalette::Text);
    line.setAlphaF(0.18f);
    p.setPen(QPen(line, 1));
    p.drawLine(0, m.headerHeight - 1, viewport()->width(), m.headerHeight - 1);
}

void TraceTimelineView::paintRow(QPainter& p, const Metrics& m, int row, const QRect& r) const
{
    const QPalette& pal = palette();
    const QFontMetrics fm = fontMetrics();
    const int h = fm.height();
    const TraceLayout::Row& info = layout_.rows()[row];
    const Span& span = layout_.spanAt(row);
    const QColor color = serviceColor(info.serviceIndex, pal);
    const QColor text = pal.color(QPalette::Text);

    if (row == currentRow_) {
        QColor sel = pal.color(QPalette::Highlight);
        sel.setAlphaF(hasFocus() ? 0.28f : 0.18f);
        p.fillRect(r, sel);
    } else if (row == hoverRow_) {
        p.fillRect(r, blend(pal.color(QPalette::Base), text, 0.06));
    } else if (info.error) {
        p.fillRect(r, blend(pal.color(QPalette::Base), errorColor(pal), 0.08));
    } else if (row % 2 == 1) {
        p.fillRect(r, blend(pal.color(QPalette::Base), text, 0.025));
    }

    // Name column: tree elbow, service colour chip, error badge, service and operation.
    const int cy = r.center().y();
    // Deep chains stop indenting halfway across the name column (the tree lines still show).
    const int maxDepth = std::max(1, (m.nameWidth / 2 - m.pad) / std::max(1, m.indent));
    int x = m.pad + std::min(info.depth, maxDepth) * m.indent;
    if (info.depth > 0) {
        QColor guide = text;
        guide.setAlphaF(0.25f);
        p.setPen(QPen(guide, 1));
        const int gx = x - m.indent / 2;
        p.drawLine(gx, r.top(), gx, cy);
        p.drawLine(gx, cy, x - 2, cy);
    }
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawRoundedRect(QRectF(x, r.top() + m.rowHeight * 0.2, h / 3.0, m.rowHeight * 0.6), h / 8.0,
                      h / 8.0);
    x += h / 3 + m.pad / 2;
    if (info.error) {
        const QRectF badge(x, cy - h * 0.4, h * 0.8, h * 0.8);
        p.setBrush(errorColor(pal));
        p.drawEllipse(badge);
        p.setPen(pal.color(QPalette::Base));
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.drawText(badge, Qt::AlignCenter, u"!"_s);
        p.setFont(font());
        x += int(badge.width()) + m.pad / 2;
    }
    const int nameRight = m.nameWidth - m.pad / 2;
    const QString service = span.serviceName.isEmpty() ? tr("(no service)") : span.serviceName;
    const QString serviceText = fm.elidedText(service, Qt::ElideMiddle, std::max(0, nameRight - x));
    p.setPen(info.error ? errorColor(pal) : text);
    p.drawText(QRect(x, r.top(), nameRight - x, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
               serviceText);
    x += fm.horizontalAdvance(serviceText) + m.pad;
    if (x < nameRight) {
        QString op = span.operationName;
        if (span.kind == SpanKind::Client || span.kind == SpanKind::Server)
            op = Span::kindName(span.kind) + u"  "_s + op;
        p.setPen(mutedText(pal));
        p.drawText(QRect(x, r.top(), nameRight - x, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(op, Qt::ElideMiddle, nameRight - x));
    }
    QColor divider = text;
    divider.setAlphaF(0.12f);
    p.setPen(QPen(divider, 1));
    p.drawLine(m.nameWidth, r.top(), m.nameWidth, r.bottom());

    // The bar, its critical-path stretches, log ticks and the duration label.
    const QRect bar = barRect(row);
    const qreal radius = std::min<qreal>(bar.height() / 4.0, bar.width() / 2.0);
    p.setPen(info.error ? QPen(errorColor(pal), std::max(2.0, h / 7.0)) : Qt::NoPen);
    p.setBrush(color);
    p.drawRoundedRect(bar, radius, radius);
    if (!segmentsByRow_.isEmpty()) {
        const QColor pathColor = isDark(pal) ? color.lighter(160) : color.darker(190);
        const int th = std::max(2, bar.height() / 4);
        for (const auto& s : segmentsByRow_[row]) {
            const int x1 = xForOffset(s.startUs, m);
            const int x2 = std::max(x1 + 1, xForOffset(s.endUs, m));
            p.fillRect(QRect(x1, bar.center().y() - th / 2, x2 - x1, th), pathColor);
        }
    }
    QColor tick = text;
    tick.setAlphaF(0.7f);
    p.setPen(QPen(tick, 1));
    for (const SpanLog& log : span.logs) {
        const int lx = xForOffset(log.timestampUs - layout_.trace().startUs(), m);
        p.drawLine(lx, bar.top() - 2, lx, bar.bottom() + 2);
    }
    // Duration label: after the bar (and any log tick past its end), else inside a wide bar,
    // else before it.
    int after = bar.right();
    for (const SpanLog& log : span.logs)
        after = std::max(after, xForOffset(log.timestampUs - layout_.trace().startUs(), m));
    const QString label = TraceLayout::formatDuration(info.durationUs);
    const int lw = fm.horizontalAdvance(label);
    QRect labelRect(after + m.pad / 2, r.top(), lw + 2, r.height());
    QColor labelColor = mutedText(pal);
    if (labelRect.right() > viewport()->width() - m.pad / 2) {
        if (bar.width() > lw + m.pad * 2) {
            labelRect.moveRight(bar.right() - m.pad / 2);
            labelRect.setTop(bar.top());
            labelRect.setHeight(bar.height());
            const double luminance =
                0.299 * color.red() + 0.587 * color.green() + 0.114 * color.blue();
            labelColor = luminance > 140 ? QColor(0x10, 0x10, 0x10) : QColor(Qt::white);
            // Keep the text legible over the critical-path stripe.
            p.setPen(Qt::NoPen);
            p.setBrush(color);
            p.drawRoundedRect(labelRect.adjusted(-m.pad / 3, 1, m.pad / 4, -1), radius, radius);
        } else {
            labelRect.moveRight(bar.left() - m.pad / 2);
        }
    }
    p.setPen(labelColor);
    p.drawText(labelRect, Qt::AlignLeft | Qt::AlignVCenter, label);
}

QString TraceTimelineView::toolTipFor(int row) const
{
    const TraceLayout::Row& info = layout_.rows()[row];
    const Span& span = layout_.spanAt(row);
    QStringList lines;
    lines << u"<b>%1</b>"_s.arg(span.serviceName.toHtmlEscaped())
          << span.operationName.toHtmlEscaped();
    const auto add = [&lines](const QString& key, const QString& value) {
        if (!value.isEmpty())
            lines << u"%1: %2"_s.arg(key, value.toHtmlEscaped());
    };
    add(tr("Kind"), Span::kindName(span.kind));
    add(tr("Starts at"), u"+"_s + TraceLayout::formatDuration(info.offsetUs));
    add(tr("Duration"), TraceLayout::formatDuration(info.durationUs));
    if (const int status = span.httpStatus())
        add(tr("HTTP status"), QString::number(status));
    add(tr("Response flags"), span.responseFlags());
    add(tr("Upstream cluster"), span.upstreamCluster());
    add(tr("x-request-id"), span.requestId());
    if (info.error)
        lines << u"<span style='color:%1'>%2</span>"_s.arg(errorColor(palette()).name(),
                                                           tr("Error"));
    if (info.onCriticalPath)
        lines << tr("On the critical path");
    return lines.join(u"<br>"_s);
}

bool TraceTimelineView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int row = rowAt(help->pos());
        if (row >= 0)
            QToolTip::showText(help->globalPos(), toolTipFor(row), viewport(), rowRect(row));
        else
            QToolTip::hideText();
        return true;
    }
    if (event->type() == QEvent::Leave && hoverRow_ != -1) {
        hoverRow_ = -1;
        viewport()->update();
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void TraceTimelineView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        const int row = rowAt(event->position().toPoint());
        if (row >= 0)
            setCurrentRow(row);
    }
    event->accept();
}

void TraceTimelineView::mouseReleaseEvent(QMouseEvent* event)
{
    event->accept();
}

void TraceTimelineView::mouseDoubleClickEvent(QMouseEvent* event)
{
    const int row = rowAt(event->position().toPoint());
    if (row >= 0)
        Q_EMIT spanActivated(layout_.rows()[row].span);
    event->accept();
}

void TraceTimelineView::mouseMoveEvent(QMouseEvent* event)
{
    const int row = rowAt(event->position().toPoint());
    if (row != hoverRow_) {
        hoverRow_ = row;
        viewport()->update();
    }
    QAbstractScrollArea::mouseMoveEvent(event);
}

void TraceTimelineView::keyPressEvent(QKeyEvent* event)
{
    const int count = int(layout_.rows().size());
    if (count == 0) {
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    const Metrics m = metrics();
    const int page = std::max(1, (viewport()->height() - m.headerHeight) / m.rowHeight);
    int row = currentRow_;
    switch (event->key()) {
    case Qt::Key_Down:
        row = std::min(count - 1, row + 1);
        break;
    case Qt::Key_Up:
        row = std::max(0, row - 1);
        break;
    case Qt::Key_PageDown:
        row = std::min(count - 1, row + page);
        break;
    case Qt::Key_PageUp:
        row = std::max(0, row - page);
        break;
    case Qt::Key_Home:
        row = 0;
        break;
    case Qt::Key_End:
        row = count - 1;
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (currentRow_ >= 0)
            Q_EMIT spanActivated(layout_.rows()[currentRow_].span);
        return;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    setCurrentRow(row);
}

}  // namespace obslab
