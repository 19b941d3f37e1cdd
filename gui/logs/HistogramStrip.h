#pragma once

#include "core/logs/LogHistogram.h"

#include <QWidget>

#include <array>
#include <atomic>
#include <vector>

namespace obslab {

// The strip above the log table: the histogram as stacked bars. Dragging selects a time range
// (rangeSelected), a click picks a moment (timeClicked); the selected range stays shaded.
class HistogramStrip : public QWidget
{
    Q_OBJECT
public:
    explicit HistogramStrip(QWidget* parent = nullptr);

    void setHistogram(const LogHistogram& histogram);
    const LogHistogram& histogram() const { return histogram_; }
    void setSelection(qint64 fromMs, qint64 toMs);  // fromMs == toMs clears
    void setCursorTime(qint64 ms);                  // the current line's time, drawn as a mark
    void setUtc(bool utc);

    // The x coordinate of a time and back (for tests and for painting).
    int xForTime(qint64 ms) const;
    qint64 timeForX(int x) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void rangeSelected(qint64 fromMs, qint64 toMs);
    void timeClicked(qint64 ms);
    void selectionCleared();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    QRect plotRect() const;
    QString timeLabel(qint64 ms, bool withSeconds) const;

    LogHistogram histogram_;
    qint64 selFrom_ = 0;
    qint64 selTo_ = 0;
    qint64 cursor_ = -1;
    int pressX_ = -1;
    int dragX_ = -1;
    bool utc_ = true;
};

}  // namespace obslab
