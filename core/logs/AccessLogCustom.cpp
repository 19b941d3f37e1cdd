#include "core/logs/AccessLogApply.h"

#include "core/logs/RequestId.h"

namespace obslab::accesslog {

// What people add to a layout or write instead of one: trace headers after the default TEXT
// fields (quoted or bare, as the tutorial's format does), key=value pairs, and key=value lines.

// Custom additions after the default layout: trace headers as quoted or bare fields,
// key=value pairs.
void LineParser::parseCustomTail(Reader& r)
{
    Sz o = 0;
    Sz l = 0;
    while (!r.atEnd()) {
        if (d_[r.pos] == '"') {
            if (r.quoted(o, l)) {
                classifyValue(o, l);
                continue;
            }
            const Sz start = r.pos;
            r.anyToken();
            scanTokens(start, r.pos);
            continue;
        }
        applyKeyValueToken(r);
    }
}

// Reads one token at r->pos: `key=value`, `key="value with spaces"` or a bare value.
void LineParser::applyKeyValueToken(Reader& r)
{
    const Sz start = r.pos;
    Sz wordEnd = findByte(d_, start, end_, ' ');
    if (wordEnd < 0)
        wordEnd = end_;
    const Sz eq = findByte(d_, start, wordEnd, '=');
    if (eq <= start) {
        r.pos = wordEnd;
        r.skipSpaces();
        if (d_[start] == '"' && wordEnd - start >= 2 && d_[wordEnd - 1] == '"')
            classifyValue(start + 1, wordEnd - start - 2);
        else
            classifyValue(start, wordEnd - start);
        return;
    }
    const Key key = lookupKey(d_ + start, eq - start);
    Sz vo = eq + 1;
    Sz vl = wordEnd - vo;
    if (vo < end_ && d_[vo] == '"') {
        Reader q{d_, vo, end_};
        Sz o = 0;
        Sz l = 0;
        if (q.quoted(o, l)) {
            vo = o;
            vl = l;
            r.pos = q.pos;
        } else {
            r.pos = wordEnd;
            r.skipSpaces();
        }
    } else {
        r.pos = wordEnd;
        r.skipSpaces();
    }
    if (key != Key::None)
        apply(key, vo, vl);
    else
        classifyValue(vo, vl);
}

void LineParser::parseKeyValues(Sz p)
{
    Reader r{d_, p, end_};
    int pairs = 0;
    int tokens = 0;
    bool firstIsPair = false;
    while (!r.atEnd() && tokens < 4096) {
        const Sz start = r.pos;
        Sz wordEnd = findByte(d_, start, end_, ' ');
        if (wordEnd < 0)
            wordEnd = end_;
        const Sz eq = findByte(d_, start, wordEnd, '=');
        const bool pair = eq > start && isAlnum(d_[start]);
        if (pair) {
            ++pairs;
            if (tokens == 0)
                firstIsPair = true;
            applyKeyValueToken(r);
        } else {
            r.pos = wordEnd;
            r.skipSpaces();
        }
        ++tokens;
    }
    if (firstIsPair && pairs >= 2) {
        out_.format = LineFormat::KeyValue;
        out_.complete = r.atEnd();
        if (out_.has(Field::Method) || out_.responseCode >= 0)
            out_.kind = LineKind::Request;
        else if (out_.level != LogLevel::None)
            out_.kind = LineKind::ProxyLog;
    }
    if (!r.atEnd() || out_.format == LineFormat::Unknown)
        scanTokens(r.pos, end_);
}

// A value without a key in a custom tail: recognised by its shape. Bare hex ids are taken in
// order (trace, span, parent), the way custom formats append X-B3-TraceId, -SpanId, -ParentSpanId.
void LineParser::classifyValue(Sz off, Sz len)
{
    const QByteArrayView value = v(off, len);
    if (missing(value) || len > 200)
        return;
    if (len >= 55 && value[2] == '-') {
        const TraceContext ctx = TraceContext::fromTraceparent(value);
        if (ctx.isValid()) {
            apply(Key::Traceparent, off, len);
            return;
        }
    }
    if (RequestId::isUuid(value)) {
        apply(Key::RequestId, off, len);
        return;
    }
    if (bytescan::contains(d_, off, off + len, ':') &&
        TraceContext::fromUberTraceId(value).isValid()) {
        apply(Key::UberTraceId, off, len);
        return;
    }
    if (bytescan::contains(d_, off, off + len, '-') &&
        TraceContext::fromB3Single(value).isValid()) {
        apply(Key::B3, off, len);
        return;
    }
    if ((len == 16 || len == 32) && TraceId::fromHex(value).isValid()) {
        // apply() parses the id again; this branch runs once or twice per line.
        while (positionalHex_ < 3) {
            const int slot = positionalHex_++;
            if (slot == 0 && !out_.has(Field::TraceId)) {
                apply(Key::TraceId, off, len);
                return;
            }
            if (slot == 1 && len == 16 && !out_.has(Field::SpanId)) {
                apply(Key::SpanId, off, len);
                return;
            }
            if (slot == 2 && len == 16 && !out_.has(Field::ParentSpanId)) {
                apply(Key::ParentSpanId, off, len);
                return;
            }
        }
    }
}

}  // namespace obslab::accesslog
