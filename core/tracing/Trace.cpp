#include "core/tracing/Trace.h"

#include "core/tracing/JaegerTraceId.h"

#include <QSet>

#include <algorithm>
#include <numeric>

namespace obslab {

qint64 Trace::startUs() const
{
    if (spans.isEmpty())
        return 0;
    qint64 start = spans.first().startUs;
    for (const Span& s : spans)
        start = std::min(start, s.startUs);
    return start;
}

qint64 Trace::endUs() const
{
    qint64 end = 0;
    for (const Span& s : spans)
        end = std::max(end, s.endUs());
    return end;
}

QStringList Trace::services() const
{
    QList<int> order(spans.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [this](int a, int b) { return spans[a].startUs < spans[b].startUs; });
    QStringList result;
    QSet<QString> seen;
    for (int i : order) {
        const QString& name = spans[i].serviceName;
        if (!seen.contains(name)) {
            seen.insert(name);
            result.append(name);
        }
    }
    return result;
}

int Trace::errorCount() const
{
    return int(
        std::count_if(spans.begin(), spans.end(), [](const Span& s) { return s.isError(); }));
}

int Trace::indexOf(QStringView spanId) const
{
    const QString wanted = normaliseSpanId(spanId);
    for (int i = 0; i < spans.size(); ++i) {
        if (spans[i].spanId == wanted)
            return i;
    }
    return -1;
}

}  // namespace obslab
