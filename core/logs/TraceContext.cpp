#include "core/logs/TraceContext.h"

namespace obslab {

namespace {

bool isLowerHexRun(QByteArrayView v)
{
    for (char c : v) {
        if (!hex::isDigit(c))
            return false;
    }
    return true;
}

}  // namespace

TraceContext::Sampling TraceContext::parseSampled(QByteArrayView v)
{
    if (v == "1" || v.compare("true", Qt::CaseInsensitive) == 0)
        return Sampling::Sampled;
    if (v == "0" || v.compare("false", Qt::CaseInsensitive) == 0)
        return Sampling::NotSampled;
    if (v == "d")
        return Sampling::Debug;
    return Sampling::Unknown;
}

TraceContext TraceContext::fromB3Multi(QByteArrayView traceId, QByteArrayView spanId,
                                       QByteArrayView parentSpanId, QByteArrayView sampled,
                                       QByteArrayView flags)
{
    TraceContext ctx;
    ctx.traceId = TraceId::fromHex(traceId);
    if (!ctx.traceId.isValid())
        return {};
    ctx.spanId = hex::spanIdFromHex(spanId);
    ctx.parentSpanId = hex::spanIdFromHex(parentSpanId);
    ctx.sampling = flags == "1" ? Sampling::Debug : parseSampled(sampled);
    return ctx;
}

TraceContext TraceContext::fromB3Single(QByteArrayView value)
{
    const qsizetype dash1 = value.indexOf('-');
    if (dash1 < 0)
        return {};
    TraceContext ctx;
    ctx.traceId = TraceId::fromHex(value.first(dash1));
    if (!ctx.traceId.isValid())
        return {};
    QByteArrayView rest = value.sliced(dash1 + 1);
    const qsizetype dash2 = rest.indexOf('-');
    ctx.spanId = hex::spanIdFromHex(dash2 < 0 ? rest : rest.first(dash2));
    if (ctx.spanId == 0)
        return {};
    if (dash2 < 0)
        return ctx;
    rest = rest.sliced(dash2 + 1);
    const qsizetype dash3 = rest.indexOf('-');
    const QByteArrayView state = dash3 < 0 ? rest : rest.first(dash3);
    if (state.size() != 1)
        return {};
    ctx.sampling = parseSampled(state);
    if (ctx.sampling == Sampling::Unknown)
        return {};
    if (dash3 >= 0) {
        ctx.parentSpanId = hex::spanIdFromHex(rest.sliced(dash3 + 1));
        if (ctx.parentSpanId == 0)
            return {};
    }
    return ctx;
}

TraceContext TraceContext::fromTraceparent(QByteArrayView value)
{
    // version(2) - trace(32) - parent(16) - flags(2) = 55 chars; a future version may append
    // "-…" after them, version 00 must not.
    if (value.size() < 55 || value[2] != '-' || value[35] != '-' || value[52] != '-')
        return {};
    const QByteArrayView version = value.first(2);
    if (!isLowerHexRun(version) || version.compare("ff", Qt::CaseInsensitive) == 0)
        return {};
    if (value.size() > 55 && (version == "00" || value[55] != '-'))
        return {};
    const QByteArrayView flags = value.sliced(53, 2);
    quint64 flagBits = 0;
    if (!hex::parseU64(flags, flagBits))
        return {};
    TraceContext ctx;
    ctx.traceId = TraceId::fromHex(value.sliced(3, 32));
    ctx.spanId = hex::spanIdFromHex(value.sliced(36, 16));
    if (!ctx.traceId.isValid() || ctx.spanId == 0)
        return {};
    ctx.sampling = (flagBits & 1) ? Sampling::Sampled : Sampling::NotSampled;
    return ctx;
}

TraceContext TraceContext::fromUberTraceId(QByteArrayView value)
{
    QByteArrayView parts[4];
    int n = 0;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= value.size(); ++i) {
        if (i == value.size() || value[i] == ':') {
            if (n == 4)
                return {};
            parts[n++] = value.sliced(start, i - start);
            start = i + 1;
        }
    }
    if (n != 4)
        return {};
    TraceContext ctx;
    ctx.traceId = TraceId::fromHexLenient(parts[0]);
    ctx.spanId = hex::spanIdFromHexLenient(parts[1]);
    if (!ctx.traceId.isValid() || ctx.spanId == 0)
        return {};
    quint64 parent = 0;
    if (!hex::parseU64(parts[2], parent))
        return {};
    ctx.parentSpanId = parent;
    quint64 flagBits = 0;
    if (parts[3].size() > 2 || !hex::parseU64(parts[3], flagBits))
        return {};
    ctx.sampling = (flagBits & 2)   ? Sampling::Debug
                   : (flagBits & 1) ? Sampling::Sampled
                                    : Sampling::NotSampled;
    return ctx;
}

}  // namespace obslab
