#include "gui/logs/HistogramStrip.h"

#include "gui/logs/LogColors.h"
#include "gui/widgets/Tone.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cstdlib>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

HistogramStrip::HistogramStrip(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(u"logHistogram"_s);
    setMouseTracking(true);
    setCursor(Qt::CrossCursor);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("Lines per time bucket by status. Drag to filter to a time range; click to "
                  "jump there."));
}

QSize HistogramStrip::sizeHint() const
{
    return {400, fontMetrics().height() * 4};
}

QSize HistogramStrip::minimumSizeHint() const
{
    return {100, fontMetrics().height() * 3};
}

void HistogramStrip::setHistogram(const LogHistogram& histogram)
{
    histogram_ = histogram;
    update();
}

void HistogramStrip::setSelection(qint64 fromMs, qint64 toMs)
{
    selFrom_ = fromMs;
    selTo_ = toMs;
    update();
}

void HistogramStrip::setCursorTime(qint64 ms)
{
    if (cursor_ == ms)
        return;
    cursor_ = ms;
    update();
}

void HistogramStrip::setUtc(bool utc)
{
    utc_ = utc;
    update();
}

QRect HistogramStrip::plotRect() const
{
    const int label = fontMetrics().height();
    return rect().adjusted(4, 3, -4, -label - 2);
}

int HistogramStrip::xForTime(qint64 ms) const
{
    const QRect r = plotRect();
    if (histogram_.isEmpty())
        return r.left();
    const double span = double(histogram_.endMs() - histogram_.startMs);
    return r.left() + int(double(ms - histogram_.startMs) / span * r.width());
}

qint64 HistogramStrip::timeForX(int x) const
{
    const QRect r = plotRect();
    if (histogram_.isEmpty() || r.width() <= 0)
        return 0;
    const double span = double(histogram_.endMs() - histogram_.startMs);
    const double f = std::clamp(double(x - r.left()) / r.width(), 0.0, 1.0);
    return histogram_.startMs + qint64(f * span);
}

QString HistogramStrip::timeLabel(qint64 ms, bool withSeconds) const
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, utc_ ? Qt::UTC : Qt::LocalTime);
    return t.toString(withSeconds ? u"HH:mm:ss"_s : u"HH:mm"_s);
}

void HistogramStrip::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QRect r = plotRect();
    p.setPen(pal.color(QPalette::Midlight));
    p.drawLine(r.bottomLeft(), r.bottomRight());
    if (histogram_.isEmpty() || histogram_.maxTotal == 0) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(r, Qt::AlignCenter, tr("No timestamps to chart yet"));
        return;
    }
    const QColor colours[5] = {pal.color(QPalette::Mid), logcolors::forStatusClass(2, pal),
                               logcolors::forStatusClass(3, pal), logcolors::forStatusClass(4, pal),
                               logcolors::forStatusClass(5, pal)};
    const int n = int(histogram_.buckets.size());
    const double w = double(r.width()) / n;
    for (int i = 0; i < n; ++i) {
        const auto& b = histogram_.buckets[size_t(i)];
        double y = r.bottom();
        const double x0 = r.left() + i * w;
        const double bw = std::max(1.0, w - (w > 4 ? 1.0 : 0.0));
        for (int c = 0; c < 5; ++c) {
            if (b[size_t(c)] == 0)
                continue;
            const double hgt =
                double(b[size_t(c)]) / double(histogram_.maxTotal) * (r.height() - 1);
            p.fillRect(QRectF(x0, y - hgt, bw, hgt), colours[c]);
            y -= hgt;
        }
    }
    // Time axis: labels at the ends and the middle.
    p.setPen(pal.color(QPalette::PlaceholderText));
    const bool seconds = histogram_.endMs() - histogram_.startMs < 3 * 3600 * 1000;
    const QRect labels(r.left(), r.bottom() + 2, r.width(), fontMetrics().height());
    p.drawText(labels, Qt::AlignLeft | Qt::AlignTop, timeLabel(histogram_.startMs, seconds));
    p.drawText(labels, Qt::AlignHCenter | Qt::AlignTop,
               timeLabel((histogram_.startMs + histogram_.endMs()) / 2, seconds));
    p.drawText(labels, Qt::AlignRight | Qt::AlignTop, timeLabel(histogram_.endMs(), seconds));

    auto shade = [&](int x1, int x2) {
        QColor sel = pal.color(QPalette::Highlight);
        sel.setAlpha(60);
        p.fillRect(QRect(QPoint(std::min(x1, x2), r.top()), QPoint(std::max(x1, x2), r.bottom())),
                   sel);
        p.setPen(pal.color(QPalette::Highlight));
        p.drawLine(x1, r.top(), x1, r.bottom());
        p.drawLine(x2, r.top(), x2, r.bottom());
    };
    if (pressX_ >= 0 && dragX_ >= 0 && std::abs(dragX_ - pressX_) > 3)
        shade(pressX_, dragX_);
    else if (selTo_ > selFrom_)
        shade(xForTime(selFrom_), xForTime(selTo_));
    if (cursor_ >= histogram_.startMs && cursor_ <= histogram_.endMs()) {
        p.setPen(QPen(pal.color(QPalette::Text), 1, Qt::DashLine));
        const int x = xForTime(cursor_);
        p.drawLine(x, r.top(), x, r.bottom());
    }
}

void HistogramStrip::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && !histogram_.isEmpty()) {
        pressX_ = int(event->position().x());
        dragX_ = pressX_;
    } else if (event->button() == Qt::RightButton && selTo_ > selFrom_) {
        setSelection(0, 0);
        Q_EMIT selectionCleared();
    }
}

void HistogramStrip::mouseMoveEvent(QMouseEvent* event)
{
    if (pressX_ >= 0) {
        dragX_ = int(event->position().x());
        update();
    }
}

void HistogramStrip::mouseReleaseEvent(QMouseEvent* event)
{
    if (pressX_ < 0 || event->button() != Qt::LeftButton)
        return;
    const int x = int(event->position().x());
    const int from = std::min(pressX_, x);
    const int to = std::max(pressX_, x);
    pressX_ = dragX_ = -1;
    if (to - from > 3) {
        const qint64 a = timeForX(from);
        const qint64 b = timeForX(to);
        setSelection(a, b);
        Q_EMIT rangeSelected(a, b);
    } else {
        update();
        Q_EMIT timeClicked(timeForX(x));
    }
}

bool HistogramStrip::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip && !histogram_.isEmpty()) {
        auto* help = static_cast<QHelpEvent*>(event);
        const qint64 t = timeForX(help->pos().x());
        const qint64 i = std::clamp<qint64>((t - histogram_.startMs) / histogram_.bucketMs, 0,
                                            qint64(histogram_.buckets.size()) - 1);
        const auto& b = histogram_.buckets[size_t(i)];
        const qint64 start = histogram_.startMs + i * histogram_.bucketMs;
        QToolTip::showText(
            help->globalPos(),
            tr("%1 – %2\n2xx: %3   3xx: %4   4xx: %5   5xx/none: %6   other: %7\n"
               "Drag to filter to a time range; click to jump there.")
                .arg(timeLabel(start, true), timeLabel(start + histogram_.bucketMs, true))
                .arg(b[1])
                .arg(b[2])
                .arg(b[3])
                .arg(b[4])
                .arg(b[0]),
            this);
        return true;
    }
    return QWidget::event(event);
}

}  // namespace obslab
