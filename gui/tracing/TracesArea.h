#pragma once

#include <QUrl>
#include <QWidget>

namespace obslab {

class EmptyState;

// The Traces area: the embedded Jaeger UI and the span timeline arrive here in a later issue.
// Until a trace is opened it explains how traces get here and where Jaeger is.
class TracesArea : public QWidget
{
    Q_OBJECT
public:
    explicit TracesArea(QWidget* parent = nullptr);

    void setJaegerUrl(const QUrl& url);
    EmptyState* emptyState() const { return state_; }

Q_SIGNALS:
    void settingsRequested();

private:
    EmptyState* state_ = nullptr;
};

}  // namespace obslab
