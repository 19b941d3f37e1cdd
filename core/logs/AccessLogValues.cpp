#include "core/logs/AccessLogApply.h"

namespace obslab::accesslog {

// Trace ids found by their shape in lines no layout matched (scanTokens); what a value means
// once its key is known (apply) is in AccessLogApply.h.

// The key written just before a value at pos (`trace_id=`, `"traceId": "`, `x-b3-traceid: `).
Sz LineParser::keyBefore(Sz pos, Key& key) const
{
    key = Key::None;
    Sz i = pos;
    int separators = 0;
    while (i > 0 && separators < 4) {
        const char c = d_[i - 1];
        if (c == '=' || c == ':' || c == '"' || c == ' ' || c == '\'') {
            --i;
            ++separators;
            continue;
        }
        break;
    }
    if (separators == 0)
        return -1;
    const Sz keyEnd = i;
    while (i > 0 && keyEnd - i < 40) {
        const char c = d_[i - 1];
        if (isAlnum(c) || c == '_' || c == '-' || c == '.')
            --i;
        else
            break;
    }
    if (i == keyEnd)
        return -1;
    key = lookupKey(d_ + i, keyEnd - i);
    return i;
}

// The fallback for lines no layout matched: finds traceparent values, UUIDs and 16/32-hex ids
// that follow a trace key, in one linear pass without a regex engine.
void LineParser::scanTokens(Sz from, Sz to)
{
    Sz i = from;
    while (i < to) {
        const char c = d_[i];
        if (!hex::isDigit(c) || (i > from && isAlnum(d_[i - 1]))) {
            ++i;
            continue;
        }
        Sz j = i;
        while (j < to && hex::isDigit(d_[j]))
            ++j;
        const Sz run = j - i;
        auto boundaryAt = [&](Sz k) { return k >= to || !isAlnum(d_[k]); };
        if (run == 2 && j < to && d_[j] == '-' && i + 55 <= to && boundaryAt(i + 55)) {
            const TraceContext ctx = TraceContext::fromTraceparent(v(i, 55));
            if (ctx.isValid()) {
                applyContext(ctx, i, 55, i + 3, 32, i + 36, 16);
                i += 55;
                continue;
            }
        }
        if (run == 8 && j < to && d_[j] == '-' && i + 36 <= to && boundaryAt(i + 36) &&
            RequestId::isUuid(v(i, 36))) {
            apply(Key::RequestId, i, 36);
            i += 36;
            continue;
        }
        if ((run == 16 || run == 32) && (boundaryAt(j) || d_[j] == '-' || d_[j] == ':')) {
            Key key = Key::None;
            keyBefore(i, key);
            Sz tokenEnd = j;
            while (tokenEnd < to &&
                   (hex::isDigit(d_[tokenEnd]) || d_[tokenEnd] == '-' || d_[tokenEnd] == ':'))
                ++tokenEnd;
            if (key == Key::B3 || key == Key::UberTraceId || key == Key::Traceparent)
                apply(key, i, tokenEnd - i);
            else if ((key == Key::TraceId || key == Key::SpanId || key == Key::ParentSpanId) &&
                     boundaryAt(j))
                apply(key, i, run);
            i = tokenEnd;
            continue;
        }
        i = j;
        while (i < to && isAlnum(d_[i]))
            ++i;
    }
}

}  // namespace obslab::accesslog
