#include "core/logs/AccessLogApply.h"

namespace obslab::accesslog {

// Istio's TEXT access log in every historical layout (≤1.8 with its quoted mixer fields, the
// default since, with or without ROUTE_NAME) and Envoy's default format, which share the
// beginning `[START_TIME] "METHOD PATH PROTOCOL" CODE`.

bool LineParser::parseTextAccess(Sz p)
{
    const Sz close = findByte(d_, p + 1, qMin(end_, p + 64), ']');
    if (close < 0 || close + 2 >= end_ || d_[close + 1] != ' ' || d_[close + 2] != '"')
        return false;
    // The request field ends at the quote followed by ` <digits>`: the path may hold quotes.
    const Sz reqBegin = close + 3;
    Sz reqEnd = -1;
    for (Sz q = reqBegin;;) {
        const Sz f = findByte(d_, q, end_, '"');
        if (f < 0 || f + 2 >= end_)
            break;
        if (d_[f + 1] == ' ' && isDigit(d_[f + 2])) {
            reqEnd = f;
            break;
        }
        q = f + 1;
    }
    if (reqEnd < 0)
        return false;
    Sz codeEnd = reqEnd + 2;
    while (codeEnd < end_ && isDigit(d_[codeEnd]))
        ++codeEnd;
    if (codeEnd < end_ && d_[codeEnd] != ' ')
        return false;

    out_.kind = LineKind::Request;
    out_.format = LineFormat::TextCustom;
    apply(Key::StartTime, p + 1, close - p - 1);
    const QByteArrayView req = v(reqBegin, reqEnd - reqBegin);
    const Sz sp1Abs = findByte(d_, reqBegin, reqEnd, ' ');
    const Sz sp1 = sp1Abs < 0 ? -1 : sp1Abs - reqBegin;
    const Sz sp2Abs = bytescan::findLast(d_, reqBegin, reqEnd, ' ');
    const Sz sp2 = sp2Abs < 0 ? -1 : sp2Abs - reqBegin;
    if (sp1 < 0) {
        apply(Key::Method, reqBegin, req.size());
    } else {
        apply(Key::Method, reqBegin, sp1);
        apply(Key::Protocol, reqBegin + sp2 + 1, req.size() - sp2 - 1);
        if (sp2 > sp1)
            apply(Key::Path, reqBegin + sp1 + 1, sp2 - sp1 - 1);
    }
    apply(Key::ResponseCode, reqEnd + 2, codeEnd - reqEnd - 2);

    Reader r{d_, codeEnd, end_};
    r.skipSpaces();
    parseTail(r);
    if (!r.atEnd())
        scanTokens(r.pos, end_);
    return true;
}

void LineParser::parseTail(Reader& r)
{
    Sz o = 0;
    Sz l = 0;
    if (r.atEnd()) {
        out_.complete = true;
        return;
    }
    // The token after the code tells the layouts apart: a key=value starts a custom tail.
    {
        Reader peek = r;
        if (peek.word(o, l) && bytescan::contains(d_, o, o + l, '=')) {
            out_.complete = true;
            while (!r.atEnd())
                applyKeyValueToken(r);
            return;
        }
    }
    if (!r.word(o, l))
        return;
    apply(Key::ResponseFlags, o, l);

    LineFormat format = LineFormat::IstioText;
    if (!r.atEnd() && d_[r.pos] == '"') {
        // ≤1.8: one or two quoted fields (mixer status, transport failure) before the bytes.
        format = LineFormat::IstioTextLegacy;
        Sz qo[2] = {0, 0};
        Sz ql[2] = {0, 0};
        int n = 0;
        while (!r.atEnd() && d_[r.pos] == '"') {
            if (!r.quoted(o, l))
                return;
            qo[n % 2] = o;
            ql[n % 2] = l;
            ++n;
        }
        const int last = (n - 1) % 2;
        setText(Field::UpstreamTransportFailureReason, qo[last], ql[last]);
    } else {
        Reader peek = r;
        Sz o2 = 0;
        Sz l2 = 0;
        qint64 dummy = 0;
        if (peek.word(o, l) && parseCount(v(o, l), dummy) && peek.word(o2, l2) &&
            parseCount(v(o2, l2), dummy)) {
            format = LineFormat::EnvoyDefault;
        } else {
            if (!r.word(o, l))
                return;
            setText(Field::ResponseCodeDetails, o, l);
            if (!r.word(o, l))
                return;
            setText(Field::ConnectionTerminationDetails, o, l);
            if (!r.quoted(o, l))
                return;
            setText(Field::UpstreamTransportFailureReason, o, l);
        }
    }
    out_.format = format;
    static constexpr Key kNumbers[] = {Key::BytesReceived, Key::BytesSent, Key::Duration,
                                       Key::UpstreamServiceTime};
    for (Key k : kNumbers) {
        if (!r.word(o, l))
            return;
        apply(k, o, l);
    }
    if (!r.quoted(o, l))
        return;
    setText(Field::XForwardedFor, o, l);
    Reader::QuotedRun run;
    if (!r.quotedBefore(3, o, l, run))
        return;
    setText(Field::UserAgent, o, l);
    static constexpr Field kQuoted[] = {Field::RequestId, Field::Authority, Field::UpstreamHost};
    for (int i = 0; i < 3; ++i) {
        if (run.valid) {
            o = run.off[i];
            l = run.len[i];
        } else if (!r.quoted(o, l)) {
            return;
        }
        if (i == 0)
            apply(Key::RequestId, o, l);
        else
            setText(kQuoted[i], o, l);
    }
    if (run.valid)
        r.pos = run.end;
    if (format == LineFormat::EnvoyDefault) {
        out_.complete = true;
    } else {
        if (!r.word(o, l))
            return;
        apply(Key::UpstreamCluster, o, l);
        static constexpr Field kWords[] = {
            Field::UpstreamLocalAddress, Field::DownstreamLocalAddress,
            Field::DownstreamRemoteAddress, Field::RequestedServerName};
        for (Field f : kWords) {
            if (!r.word(o, l))
                return;
            setText(f, o, l);
        }
        out_.complete = true;
        // ROUTE_NAME (absent before 1.3); a key=value or quoted token is a custom addition.
        Reader peek = r;
        if (peek.word(o, l) && !bytescan::contains(d_, o, o + l, '=')) {
            r = peek;
            setText(Field::RouteName, o, l);
        }
    }
    // Custom additions after the default layout (AccessLogCustom.cpp).
    parseCustomTail(r);
}

}  // namespace obslab::accesslog
