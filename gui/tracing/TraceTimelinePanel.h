#pragma once

#include "core/common/Result.h"
#include "core/tracing/Trace.h"

#include <QWidget>

class QLabel;
class QSplitter;

namespace obslab {

class TraceSpanDetails;
class TraceTimelineView;

// The native trace view for the Traces area: a one-line summary, the timeline and, below it,
// the selected span's details. For File → Open trace call openFile(); it reads and parses off
// the GUI thread and ends with traceLoaded or loadFailed. GUI thread.
class TraceTimelinePanel : public QWidget
{
    Q_OBJECT
public:
    explicit TraceTimelinePanel(QWidget* parent = nullptr);

    void setTrace(const Trace& trace);
    // Jaeger v1 JSON (as the API or "Download JSON" writes it) or OTLP JSON; first trace shown.
    void openFile(const QString& path);

    TraceTimelineView* timeline() const { return timeline_; }
    TraceSpanDetails* details() const { return details_; }

    // "Open trace" dialog filter, shared with whoever shows the dialog.
    static QString fileFilter();

Q_SIGNALS:
    void traceLoaded(const QString& traceId);
    void loadFailed(const QString& message, const QString& hint);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateSummary();
    void fitTimeline();

    QLabel* summary_ = nullptr;
    QSplitter* splitter_ = nullptr;
    TraceTimelineView* timeline_ = nullptr;
    TraceSpanDetails* details_ = nullptr;
    quint64 loadGeneration_ = 0;
    bool userSized_ = false;  // once the user drags the splitter, leave it where they put it
};

}  // namespace obslab
