#pragma once

#include "core/logs/LogFile.h"

#include <QWidget>

#include <array>
#include <atomic>
#include <vector>

namespace obslab {

// Lines per time bucket, stacked by status class: [0] other lines (no status, proxy logs),
// [1] 1xx–2xx, [2] 3xx, [3] 4xx, [4] 5xx and requests without a response.
struct LogHistogram
{
    qint64 startMs = 0;
    qint64 bucketMs = 0;
    std::vector<std::array<qint64, 5>> buckets;
    qint64 maxTotal = 0;

    bool isEmpty() const { return buckets.empty(); }
    qint64 endMs() const { return startMs + bucketMs * qint64(buckets.size()); }

    // From the index alone (no line is read); any thread. About maxBuckets buckets of a round
    // size (1 s, 5 s, 1 min …) over the span of the lines' times.
    static LogHistogram compute(const LogFile::Snapshot& snap, int maxBuckets,
                                const std::atomic<bool>& cancel);
};

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
