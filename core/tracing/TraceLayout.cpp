#include "core/tracing/TraceLayout.h"

#include "core/tracing/JaegerTraceId.h"

#include <QHash>

#include <algorithm>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

TraceLayout::TraceLayout(Trace trace)
    : trace_(std::move(trace))
{
    buildTree();
    computeCriticalPath();
}

int TraceLayout::rowOfSpan(int spanIndex) const
{
    return spanIndex >= 0 && spanIndex < rowOfSpan_.size() ? rowOfSpan_[spanIndex] : -1;
}

int TraceLayout::hueForIndex(int serviceIndex)
{
    // Hand-picked, well separated hues first; none is red, which the timeline keeps for errors.
    static constexpr int kHues[] = {210, 140, 275, 30, 180, 320, 50, 245, 95, 300};
    constexpr int count = int(std::size(kHues));
    if (serviceIndex >= 0 && serviceIndex < count)
        return kHues[serviceIndex];
    // Beyond them, golden-angle steps (137.5°) spread any number of services, folded away from
    // red.
    const int hue = int((qint64(std::max(0, serviceIndex - count)) * 1375 / 10 + 20) % 360);
    return hue > 340 ? hue - 320 : std::max(hue, 20);
}

QString TraceLayout::formatDuration(qint64 us)
{
    const auto withUnit = [](double value, const QString& unit) -> QString {
        const int decimals = value < 10 ? 2 : value < 100 ? 1 : 0;
        return QString::number(value, 'f', decimals) + u' ' + unit;
    };
    if (us < 1000)
        return QString::number(us) + u" µs";
    if (us < 1000000)
        return withUnit(double(us) / 1e3, u"ms"_s);
    return withUnit(double(us) / 1e6, u"s"_s);
}

void TraceLayout::buildTree()
{
    const QList<Span>& spans = trace_.spans;
    const int n = int(spans.size());
    if (n == 0)
        return;
    const qint64 traceStart = trace_.startUs();
    durationUs_ = trace_.endUs() - traceStart;

    // Duplicate span ids happen (Jaeger's own fixtures have them): references go to the first.
    QHash<QString, int> firstById;
    for (int i = 0; i < n; ++i) {
        if (!firstById.contains(spans[i].spanId))
            firstById.insert(spans[i].spanId, i);
    }

    QList<int> parent(n, -1);
    QList<bool> viaFollowsFrom(n, false);
    for (int i = 0; i < n; ++i) {
        const QString ownTrace = JaegerTraceId::fromString(spans[i].traceId).key();
        // Prefer CHILD_OF over FOLLOWS_FROM; skip references into other traces.
        for (const auto wanted : {SpanReference::Type::ChildOf, SpanReference::Type::FollowsFrom}) {
            for (const SpanReference& ref : spans[i].references) {
                if (ref.type != wanted)
                    continue;
                if (!ref.traceId.isEmpty() && !ownTrace.isEmpty() &&
                    JaegerTraceId::fromString(ref.traceId).key() != ownTrace)
                    continue;
                const int p = firstById.value(ref.spanId, -1);
                if (p < 0 || p == i)
                    continue;
                parent[i] = p;
                viaFollowsFrom[i] = wanted == SpanReference::Type::FollowsFrom;
                break;
            }
            if (parent[i] >= 0)
                break;
        }
    }

    const auto byStart = [&spans](int a, int b) {
        if (spans[a].startUs != spans[b].startUs)
            return spans[a].startUs < spans[b].startUs;
        return a < b;
    };
    QList<QList<int>> children(n);
    for (int i = 0; i < n; ++i) {
        if (parent[i] >= 0)
            children[parent[i]].append(i);
    }
    for (QList<int>& c : children)
        std::sort(c.begin(), c.end(), byStart);

    services_ = trace_.services();
    QHash<QString, int> serviceIndex;
    for (int i = 0; i < services_.size(); ++i)
        serviceIndex.insert(services_[i], i);

    rowOfSpan_ = QList<int>(n, -1);
    rows_.reserve(n);
    QList<bool> visited(n, false);
    // Depth-first with an explicit stack: a malicious or broken trace may be one long chain.
    const auto walkFrom = [&](int root) {
        QList<std::pair<int, int>> stack{{root, -1}};  // span, parent row
        while (!stack.isEmpty()) {
            const auto [s, parentRow] = stack.takeLast();
            if (visited[s])
                continue;
            visited[s] = true;
            Row row;
            row.span = s;
            row.parentRow = parentRow;
            row.depth = parentRow < 0 ? 0 : rows_[parentRow].depth + 1;
            row.offsetUs = spans[s].startUs - traceStart;
            row.durationUs = spans[s].durationUs;
            row.serviceIndex = serviceIndex.value(spans[s].serviceName, 0);
            row.followsFrom = parentRow >= 0 && viaFollowsFrom[s];
            row.error = spans[s].isError();
            if (parentRow >= 0)
                rows_[parentRow].hasChildren = true;
            maxDepth_ = std::max(maxDepth_, row.depth);
            rowOfSpan_[s] = int(rows_.size());
            const int thisRow = int(rows_.size());
            rows_.append(row);
            for (auto it = children[s].crbegin(); it != children[s].crend(); ++it)
                stack.append({*it, thisRow});
        }
    };

    QList<int> order(n);
    for (int i = 0; i < n; ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), byStart);
    for (int i : order) {
        if (parent[i] < 0)
            walkFrom(i);
    }
    // Whatever is left sits on a reference cycle: cut it at its earliest span, make that a root.
    for (int i : order) {
        if (!visited[i])
            walkFrom(i);
    }

    for (int r = 0; r < rows_.size(); ++r) {
        Row& row = rows_[r];
        if (row.parentRow < 0)
            continue;
        const Span& span = spans[row.span];
        const Span& parentSpan = spans[rows_[row.parentRow].span];
        if (span.kind == SpanKind::Server && parentSpan.kind == SpanKind::Client) {
            row.peerRow = row.parentRow;
            rows_[row.parentRow].peerRow = r;
        }
    }
}

void TraceLayout::computeCriticalPath()
{
    if (rows_.isEmpty())
        return;
    QList<QList<int>> childRows(rows_.size());
    QList<int> rootRows;
    for (int r = 0; r < rows_.size(); ++r) {
        if (rows_[r].parentRow < 0)
            rootRows.append(r);
        else
            childRows[rows_[r].parentRow].append(r);
    }
    const auto endOf = [this](int r) { return rows_[r].offsetUs + rows_[r].durationUs; };
    const auto lastFinishingFirst = [&](QList<int> kids) {
        std::sort(kids.begin(), kids.end(), [&](int a, int b) {
            if (endOf(a) != endOf(b))
                return endOf(a) > endOf(b);
            return a < b;
        });
        return kids;
    };

    struct Frame
    {
        int row;  // -1: the whole trace, whose "children" are the roots
        qint64 start;
        qint64 cursor;
        QList<int> kids;
        int next = 0;
    };
    QList<CriticalSegment> reversed;
    QList<Frame> stack;
    stack.append({-1, 0, durationUs_, lastFinishingFirst(rootRows)});
    while (!stack.isEmpty()) {
        Frame& f = stack.last();
        // Clock skew puts children before or after their parent: only the part of a child that
        // overlaps what is left of the parent counts, so segments nest and never overlap.
        const auto overlaps = [&](int kid) {
            return rows_[kid].offsetUs < f.cursor && endOf(kid) > f.start;
        };
        while (f.next < f.kids.size() && !overlaps(f.kids[f.next]))
            ++f.next;
        if (f.next < f.kids.size()) {
            const int kid = f.kids[f.next++];
            const qint64 kidStart = std::max(rows_[kid].offsetUs, f.start);
            const qint64 kidEnd = std::min(endOf(kid), f.cursor);
            if (f.row >= 0 && kidEnd < f.cursor)
                reversed.append({f.row, kidEnd, f.cursor});
            f.cursor = kidStart;
            rows_[kid].onCriticalPath = true;
            // `f` dangles after append; nothing below uses it.
            stack.append({kid, kidStart, kidEnd, lastFinishingFirst(childRows[kid])});
        } else {
            if (f.row >= 0 && f.cursor > f.start)
                reversed.append({f.row, f.start, f.cursor});
            stack.removeLast();
        }
    }
    criticalPath_.reserve(reversed.size());
    for (auto it = reversed.crbegin(); it != reversed.crend(); ++it)
        criticalPath_.append(*it);
}

}  // namespace obslab
