#pragma once

#include "core/logs/TraceId.h"

#include <QByteArrayView>

namespace obslab {

// What a request carries about its trace: parsed from B3 (multi or single header), W3C
// traceparent or Jaeger's uber-trace-id. Every parser returns an invalid context (no trace id)
// when the value is malformed; they never allocate.
struct TraceContext
{
    enum class Sampling : quint8
    {
        Unknown,
        Sampled,
        NotSampled,
        Debug
    };

    TraceId traceId;
    quint64 spanId = 0;        // 0 = absent
    quint64 parentSpanId = 0;  // 0 = absent (root, or not carried by the format)
    Sampling sampling = Sampling::Unknown;

    bool isValid() const { return traceId.isValid(); }

    // X-B3-TraceId / -SpanId / -ParentSpanId / -Sampled / -Flags values; empty views = absent.
    static TraceContext fromB3Multi(QByteArrayView traceId, QByteArrayView spanId,
                                    QByteArrayView parentSpanId = {}, QByteArrayView sampled = {},
                                    QByteArrayView flags = {});
    // `b3: {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]`. The deny-only form `0` has no
    // trace id and so is invalid; samplingOf() reads it.
    static TraceContext fromB3Single(QByteArrayView value);
    // `traceparent: 00-{32 hex}-{16 hex}-{2 hex}`; higher versions read by their first 55 chars.
    static TraceContext fromTraceparent(QByteArrayView value);
    // `uber-trace-id: {trace}:{span}:{parent}:{flags}`, short ids left-padded.
    static TraceContext fromUberTraceId(QByteArrayView value);
    // A B3 X-B3-Sampled value (`1`, `0`, `true`, `false`, `d`).
    static Sampling parseSampled(QByteArrayView value);
};

}  // namespace obslab
