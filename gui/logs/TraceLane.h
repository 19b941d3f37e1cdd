#pragma once

#include "core/logs/TraceLines.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QToolButton;
class QTreeWidget;

namespace obslab {

class LogFile;
class LogFilter;

// The hops of one trace drawn on a small time axis: one row per hop (client pod → server), the
// client sidecar's duration as a bar with the server sidecar's inside it, coloured by status.
class TraceHopsView : public QWidget
{
    Q_OBJECT
public:
    explicit TraceHopsView(QWidget* parent = nullptr);
    void setTrace(const TraceLines& lines);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    // Hop labels as drawn, e.g. "productpage-v1-… → reviews-v2-…  47 ms" (for tests).
    QStringList hopTexts() const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    int rowHeight() const;
    TraceLines lines_;
};

// The trace lane: every line of one trace id (or one x-request-id) across pods, in time order,
// and the hops they pair into. Searches the file in the background (a LogFilter of its own) and
// fills in as matches arrive.
class TraceLane : public QWidget
{
    Q_OBJECT
public:
    explicit TraceLane(QWidget* parent = nullptr);
    ~TraceLane() override;

    // Starts the search for a trace id (canonical or logged form) or for a request id.
    void showTrace(LogFile* file, const QString& traceId);
    void showRequest(LogFile* file, const QString& requestId);
    void clear();
    void setUtc(bool utc);  // how the lane's times are shown

    QString traceId() const { return traceId_; }
    QString requestId() const { return requestId_; }
    const TraceLines& lines() const { return lines_; }
    bool isSearching() const;
    TraceHopsView* hopsView() const { return hops_; }
    QTreeWidget* lineList() const { return list_; }

Q_SIGNALS:
    void lineActivated(qint64 line);
    void filterRequested(const QString& query);
    void openTraceRequested(const QString& traceId);
    void openRequestIdRequested(const QString& requestId);
    void closeRequested();
    void updated();  // lines() changed (the search found more, or finished)

private:
    void start(LogFile* file, const QString& query);
    void rebuild();
    void updateHeader();

    QPointer<LogFile> file_;
    LogFilter* filter_ = nullptr;
    bool utc_ = true;
    QString traceId_;
    QString requestId_;
    TraceLines lines_;
    QLabel* title_ = nullptr;
    QLabel* summary_ = nullptr;
    QToolButton* copy_ = nullptr;
    QToolButton* filterTo_ = nullptr;
    QToolButton* open_ = nullptr;
    TraceHopsView* hops_ = nullptr;
    QTreeWidget* list_ = nullptr;
};

}  // namespace obslab
