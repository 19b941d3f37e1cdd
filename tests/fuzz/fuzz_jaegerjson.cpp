// libFuzzer target for core/tracing's JSON parsers (Jaeger v1 and OTLP/api_v3) and the timeline
// maths run on whatever they return: any input must parse or fail cleanly, and the layout of any
// parsed trace (cycles, duplicate ids, absurd times) must stay consistent.
#include "core/tracing/JaegerJson.h"
#include "core/tracing/TraceLayout.h"

#include <QByteArrayView>

#include <cstdlib>

using namespace obslab;

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

void exercise(const QList<Trace>& traces)
{
    for (const Trace& trace : traces) {
        const TraceLayout layout(trace);
        check(layout.rows().size() == trace.spans.size());
        for (int r = 0; r < layout.rows().size(); ++r) {
            const TraceLayout::Row& row = layout.rows()[r];
            check(row.offsetUs >= 0 && row.durationUs >= 0);
            check(row.parentRow < r);
            check(row.depth == (row.parentRow < 0 ? 0 : layout.rows()[row.parentRow].depth + 1));
            check(layout.rowOfSpan(row.span) == r);
            const Span& span = layout.spanAt(r);
            (void)span.isError();
            (void)span.responseFlags();
            for (const SpanTag& t : span.tags)
                (void)t.text();
        }
        qint64 previousEnd = 0;
        for (const auto& s : layout.criticalPath()) {
            check(s.startUs < s.endUs && s.startUs >= previousEnd);
            previousEnd = s.endUs;
        }
        (void)TraceLayout::formatDuration(layout.durationUs());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char*>(data), qsizetype(size));
    if (auto v1 = jaegerjson::parseV1Traces(input))
        exercise(v1.value());
    if (auto otlp = jaegerjson::parseOtlpTraces(input))
        exercise(otlp.value());
    (void)jaegerjson::parseTraceDocument(input);
    (void)jaegerjson::parseNameList(input);
    (void)jaegerjson::apiErrorMessage(input);
    (void)jaegerjson::apiErrorCode(input);
    if (jaegerjson::looksLikeHtml(input))
        (void)jaegerjson::htmlBasePath(input);
    return 0;
}
