#pragma once

#include <QUrl>
#include <QWidget>

class QStackedWidget;

namespace obslab {

class EmptyState;
class TraceTimelinePanel;

// The Traces area: a trace's span timeline (opened from a saved Jaeger or OTLP JSON file for
// now; from Jaeger itself and from the logs once those are wired). Until a trace is open it
// explains how traces get here and where Jaeger is.
class TracesArea : public QWidget
{
    Q_OBJECT
public:
    explicit TracesArea(QWidget* parent = nullptr);

    void setJaegerUrl(const QUrl& url);
    // Loads the file in the background; the timeline shows when it is read, the empty state
    // says why when it cannot be.
    void openTraceFile(const QString& path);
    bool isShowingTrace() const;

    EmptyState* emptyState() const { return state_; }
    TraceTimelinePanel* panel() const { return panel_; }

Q_SIGNALS:
    void settingsRequested();
    void openTraceRequested();

private:
    void showFailure(const QString& message, const QString& hint);

    QStackedWidget* stack_ = nullptr;
    EmptyState* state_ = nullptr;
    TraceTimelinePanel* panel_ = nullptr;
    QString jaegerNote_;
};

}  // namespace obslab
