#pragma once

#include "core/tracing/Trace.h"

#include <QList>
#include <QStringList>

namespace obslab {

// The timeline maths of one trace, computed once: the span tree (from references) flattened in
// display order, depth and offsets, service colour indices and the critical path. Pure; works on
// any input (duplicate span ids, references to other traces, cycles) without recursion.
class TraceLayout
{
public:
    struct Row
    {
        int span = -1;        // index into trace().spans
        int parentRow = -1;   // -1 for roots
        int depth = 0;        // 0 for roots
        qint64 offsetUs = 0;  // start relative to the trace's start
        qint64 durationUs = 0;
        int serviceIndex = 0;  // index into services(): a stable colour slot
        bool hasChildren = false;
        bool followsFrom = false;     // attached to its parent by FOLLOWS_FROM
        bool onCriticalPath = false;  // some of its self time is on the critical path
        bool error = false;
        // The other half of an Istio hop: a server span whose parent is a client span (or that
        // client span); -1 when none.
        int peerRow = -1;
    };

    // A stretch of time spent in one span on the path that determined the trace's duration
    // (Jaeger's definition: walk back from the end through the last-finishing child).
    struct CriticalSegment
    {
        int row = -1;
        qint64 startUs = 0;  // offsets relative to the trace's start
        qint64 endUs = 0;
    };

    TraceLayout() = default;
    explicit TraceLayout(Trace trace);

    const Trace& trace() const { return trace_; }
    const QList<Row>& rows() const { return rows_; }
    const Span& spanAt(int row) const { return trace_.spans[rows_[row].span]; }
    int rowOfSpan(int spanIndex) const;  // -1 when out of range
    QStringList services() const { return services_; }
    qint64 durationUs() const { return durationUs_; }
    int maxDepth() const { return maxDepth_; }
    const QList<CriticalSegment>& criticalPath() const { return criticalPath_; }  // in time order

    // A hue (0–359) for a service index, never red (errors are): ten well separated hues, then
    // golden-angle steps.
    static int hueForIndex(int serviceIndex);
    // "905 µs", "11.93 ms", "1.24 s": three significant figures, for labels and the CLI.
    static QString formatDuration(qint64 us);

private:
    void buildTree();
    void computeCriticalPath();

    Trace trace_;
    QList<Row> rows_;
    QList<int> rowOfSpan_;
    QStringList services_;
    qint64 durationUs_ = 0;
    int maxDepth_ = 0;
    QList<CriticalSegment> criticalPath_;
};

}  // namespace obslab
