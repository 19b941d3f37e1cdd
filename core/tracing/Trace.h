#pragma once

#include "core/tracing/Span.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace obslab {

// A trace as parsed from Jaeger's v1 JSON or OTLP JSON: spans in the order they arrived (the
// tree is TraceLayout's job). A plain value, cheap to copy (implicitly shared lists).
struct Trace
{
    QString traceId;  // as the source printed it (16 or 32 hex)
    QList<Span> spans;
    QStringList warnings;

    bool isEmpty() const { return spans.isEmpty(); }
    qint64 startUs() const;  // earliest span start; 0 when empty
    qint64 endUs() const;    // latest span end; 0 when empty
    qint64 durationUs() const { return endUs() - startUs(); }
    // Services in order of first appearance by start time, for the legend and colours.
    QStringList services() const;
    int errorCount() const;
    // Index of the first span with this id (normalised), or -1.
    int indexOf(QStringView spanId) const;
};

}  // namespace obslab
