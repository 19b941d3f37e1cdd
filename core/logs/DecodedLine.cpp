#include "core/logs/DecodedLine.h"

#include "core/logs/AccessLogParser.h"
#include "core/logs/LogFile.h"

namespace obslab {

DecodedLine DecodedLine::of(QByteArray line)
{
    DecodedLine d;
    d.bytes = std::move(line);
    AccessLogParser::parse(d.bytes, d.parsed);
    return d;
}

DecodedLine DecodedLine::of(const LogFile& file, qint64 index)
{
    return of(file.line(index));
}

QList<DecodedLine::Span> DecodedLine::traceIdSpans() const
{
    QList<Span> out;
    qsizetype at = 0;
    for (int i = 0; i < parsed.highlightCount; ++i) {
        const Highlight& h = parsed.highlights[size_t(i)];
        if (h.kind != HighlightKind::TraceId || qsizetype(h.range.offset) < at)
            continue;
        out.append({qsizetype(h.range.offset), qsizetype(h.range.length)});
        at = h.range.end();
    }
    return out;
}

}  // namespace obslab
