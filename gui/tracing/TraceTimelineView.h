#pragma once

#include "core/tracing/TraceLayout.h"

#include <QAbstractScrollArea>
#include <QColor>

namespace obslab {

// The native span timeline: one row per span, indented by depth, a service colour chip, a bar
// on the trace's time axis (critical-path stretches drawn on it, log events as ticks), its
// duration, and a header with the service legend and time ticks. Works from a Trace alone (API
// or file), no Jaeger UI needed. Sizes follow the font; colours follow the palette. GUI thread.
class TraceTimelineView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit TraceTimelineView(QWidget* parent = nullptr);

    void setTrace(const Trace& trace);
    void clear();
    const TraceLayout& layout() const { return layout_; }

    int currentRow() const { return currentRow_; }
    // Selects the row (-1 for none), scrolls to it and emits spanSelected.
    void setCurrentRow(int row);
    // The row under a viewport position, or -1.
    int rowAt(const QPoint& viewportPos) const;
    // Viewport rectangles of a row and of its bar (for tests and tooltips).
    QRect rowRect(int row) const;
    QRect barRect(int row) const;

    // The colour of service slot `index` on this palette (also used by TraceSpanDetails).
    static QColor serviceColor(int index, const QPalette& palette);

    // The height that shows the header and every row without scrolling.
    int contentHeight() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    // A span was chosen by click or keyboard: an index into layout().trace().spans.
    void spanSelected(int spanIndex);
    // Enter or double-click on a span.
    void spanActivated(int spanIndex);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Metrics
    {
        int rowHeight;
        int legendHeight;
        int axisHeight;
        int headerHeight;
        int indent;
        int pad;
        int nameWidth;
        int barLeft;
        int barRight;
    };
    Metrics metrics() const;
    void updateScrollBars();
    int xForOffset(qint64 offsetUs, const Metrics& m) const;
    QList<qint64> tickOffsets() const;
    QStringList legendLabels() const;  // services, then the keys for stripes and ticks
    void paintHeader(class QPainter& p, const Metrics& m) const;
    void paintRow(QPainter& p, const Metrics& m, int row, const QRect& rect) const;
    QString toolTipFor(int row) const;

    TraceLayout layout_;
    QList<QList<TraceLayout::CriticalSegment>> segmentsByRow_;
    int currentRow_ = -1;
    int hoverRow_ = -1;
};

}  // namespace obslab
