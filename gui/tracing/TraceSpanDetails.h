#pragma once

#include <QTreeWidget>

namespace obslab {

class TraceLayout;

// The details of one span as a two-column tree: a summary (service, operation, kind, timing,
// Istio fields), then its tags, logs, process tags, references and warnings. GUI thread.
class TraceSpanDetails : public QTreeWidget
{
    Q_OBJECT
public:
    explicit TraceSpanDetails(QWidget* parent = nullptr);

    // Shows span `spanIndex` of layout's trace; an out-of-range index clears the view.
    void showSpan(const TraceLayout& layout, int spanIndex);
    void clearSpan();

    QSize sizeHint() const override;

protected:
    void keyPressEvent(QKeyEvent* event) override;
};

}  // namespace obslab
