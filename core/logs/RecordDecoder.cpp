#include "core/logs/RecordDecoder.h"

#include "core/logs/AccessLogKeys.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/AccessLogReader.h"
#include "core/logs/LogTime.h"
#include "core/logs/ResponseFlags.h"
#include "core/logs/TraceId.h"

#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace obslab {

namespace recorddecoder {

namespace {

using accesslog::findByte;
using accesslog::isDigit;
using accesslog::Key;
using accesslog::Sz;

bool missing(const char* d, Sz off, Sz len)
{
    return len == 0 || (len == 1 && d[off] == '-');
}

// The keys of the tutorial's format, without the general lookup's normalisation and hash.
Key keyOf(const char* k, Sz len)
{
    if (len == 7 && std::memcmp(k, "traceID", 7) == 0)
        return Key::TraceId;
    if (len == 6 && std::memcmp(k, "spanID", 6) == 0)
        return Key::SpanId;
    if (len == 7 && std::memcmp(k, "service", 7) == 0)
        return Key::Service;
    return accesslog::lookupKey(k, len);
}

// The first ']' in [from, limit), or -1; slash is the last '/' before it (-1 when none).
Sz closeAndLastSlash(const char* d, Sz from, Sz limit, Sz& slash)
{
    Sz i = from;
#if defined(__SSE2__)
    const __m128i closeByte = _mm_set1_epi8(']');
    const __m128i slashByte = _mm_set1_epi8('/');
    for (; i + 16 <= limit; i += 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
        const unsigned closes = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(block, closeByte)));
        unsigned slashes = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(block, slashByte)));
        if (closes != 0) {
            const int at = __builtin_ctz(closes);
            slashes &= (1u << at) - 1;
            if (slashes != 0)
                slash = i + 31 - __builtin_clz(slashes);
            return i + at;
        }
        if (slashes != 0)
            slash = i + 31 - __builtin_clz(slashes);
    }
#endif
    for (; i < limit; ++i) {
        if (d[i] == ']')
            return i;
        if (d[i] == '/')
            slash = i;
    }
    return -1;
}

}  // namespace

// Each step mirrors what the parser does with the same bytes (AccessLogParser.cpp's prefixes,
// AccessLogText.cpp's parseTextAccess and parseTail, AccessLogCustom.cpp's key=value tokens,
// AccessLogApply.h's apply, LineRecord.cpp's makeRecord); wherever the parser would take another
// branch, this gives up.
bool decode(QByteArrayView line, LineRecord& record, qint64& timeMs, QByteArrayView& pod,
            bool withTrace)
{
    const char* const d = line.data();
    Sz end = std::min<Sz>(line.size(), std::numeric_limits<quint32>::max());
    while (end > 0 && (d[end - 1] == '\r' || d[end - 1] == ' ' || d[end - 1] == '\t'))
        --end;
    pod = {};
    Sz p = 0;
    bool havePod = false;
    bool haveKubeTime = false;
    qint64 kubeTimeUs = logtime::kMissing;
    for (int round = 0; round < 2 && p < end; ++round) {
        if (!havePod && end - p > 5 && std::memcmp(d + p, "[pod/", 5) == 0) {
            Sz slash = -1;
            const Sz close = closeAndLastSlash(d, p + 5, std::min(end, p + 600), slash);
            if (close < 0)
                return false;
            if (slash <= p + 5)
                return false;
            pod = QByteArrayView(d + p + 5, slash - (p + 5));
            havePod = true;
            p = close + 1;
            if (p < end && d[p] == ' ')
                ++p;
            continue;
        }
        if (!haveKubeTime && isDigit(d[p])) {
            qint64 us = 0;
            const Sz n = logtime::parseIso(QByteArrayView(d + p, std::min<Sz>(end - p, 40)), us);
            const bool rfc3339 =
                n > 20 && d[p + 10] == 'T' && (d[p + n - 1] == 'Z' || d[p + n - 3] == ':');
            if (rfc3339 && p + n < end && d[p + n] == ' ') {
                kubeTimeUs = us;
                haveKubeTime = true;
                p += n + 1;
                continue;
            }
        }
        break;
    }

    // `[START_TIME] "REQUEST" CODE`: the first ']' followed by ` "` (so not an Envoy log line's
    // `][`), the request up to the quote followed by ` <digit>`.
    if (p >= end || d[p] != '[')
        return false;
    const Sz close = findByte(d, p + 1, std::min(end, p + 64), ']');
    if (close < 0 || close + 2 >= end || d[close + 1] != ' ' || d[close + 2] != '"')
        return false;
    Sz reqEnd = -1;
    for (Sz q = close + 3;;) {
        const Sz f = findByte(d, q, end, '"');
        if (f < 0 || f + 2 >= end)
            return false;
        if (d[f + 1] == ' ' && isDigit(d[f + 2])) {
            reqEnd = f;
            break;
        }
        q = f + 1;
    }
    Sz pos = reqEnd + 2;
    while (pos < end && isDigit(d[pos]))
        ++pos;
    if (pos < end && d[pos] != ' ')
        return false;

    qint64 timeUs = logtime::kMissing;
    if (!missing(d, p + 1, close - p - 1))
        timeUs = logtime::parse(QByteArrayView(d + p + 1, close - p - 1));
    qint64 status = -1;
    {
        qint64 code = 0;
        if (accesslog::parseCount(QByteArrayView(d + reqEnd + 2, pos - reqEnd - 2), code) &&
            code <= 999)
            status = code;
    }

    // The tail: nothing, or key=value tokens only (a first token without '=' is Istio's TEXT).
    while (pos < end && d[pos] == ' ')
        ++pos;
    qint64 durationMs = logtime::kMissing;
    quint32 flags = 0;
    TraceId trace;
    bool haveTraceField = false;
    if (pos < end && d[pos] == '"')
        return false;
    while (pos < end) {
        // Each byte is looked at once: up to the '=' (which must come before any space), then
        // up to the space after the value.
        const Sz start = pos;
        const Sz eq = bytescan::findEither(d, start, end, '=', ' ');
        if (eq <= start || d[eq] != '=')
            return false;  // a bare value (the parser classifies it by its shape); on the first
                           // token, Istio's TEXT layout
        const Sz wordEnd = bytescan::findOrEnd(d, eq + 1, end, ' ');
        const Sz vo = eq + 1;
        if (vo < end && d[vo] == '"')
            return false;
        const Sz vl = wordEnd - vo;
        pos = wordEnd;
        while (pos < end && d[pos] == ' ')
            ++pos;
        const Key key = keyOf(d + start, eq - start);
        if (missing(d, vo, vl))
            continue;
        const QByteArrayView value(d + vo, vl);
        switch (key) {
        case Key::TraceId:
            if (haveTraceField)
                break;
            if (vl >= 55 && value.contains('-'))
                return false;  // a whole traceparent under a trace key
            haveTraceField = true;
            if (!withTrace)
                break;
            if (const TraceId id = TraceId::fromHex(value); id.isValid() && !trace.isValid())
                trace = id;
            break;
        case Key::ResponseCode: {
            qint64 code = 0;
            if (accesslog::parseCount(value, code) && code <= 999)
                status = code;
            break;
        }
        case Key::Duration: {
            qint64 n = 0;
            if (accesslog::parseCount(value, n))
                durationMs = n;
            break;
        }
        case Key::ResponseFlags:
            flags = ResponseFlags::parse(value).bits();
            break;
        case Key::StartTime:
            timeUs = logtime::parse(value);
            break;
        case Key::None:  // the parser looks for ids in the value
        case Key::Level:
        case Key::UpstreamCluster:
        case Key::Traceparent:
        case Key::B3:
        case Key::UberTraceId:
            return false;
        default:  // a field the index does not keep
            break;
        }
    }

    if (timeUs == logtime::kMissing)
        timeUs = kubeTimeUs;
    timeMs = timeUs == logtime::kMissing ? logtime::kMissing : timeUs / 1000;
    record = LineRecord();
    record.traceHash = traceHash(trace);
    if (durationMs != logtime::kMissing && durationMs >= 0 && durationMs < LineRecord::kNoDuration)
        record.durationMs = quint32(durationMs);
    record.flags = flags;
    if (status >= 0 && status < LineRecord::kNoStatus)
        record.status = quint16(status);
    record.kind = LineKind::Request;
    return true;
}

LineRecord recordOf(QByteArrayView line, ParsedLine& parsed, Attempts& attempts, qint64& timeMs,
                    QByteArrayView& pod, bool withTrace)
{
    LineRecord record;
    if (attempts.tryNext()) {
        const bool accepted = decode(line, record, timeMs, pod, withTrace);
        attempts.tried(accepted);
        if (accepted)
            return record;
    }
    AccessLogParser::parse(line, parsed);
    record = makeRecord(parsed, line, nullptr, &timeMs);
    pod = parsed.view(line, Field::Pod);
    return record;
}

}  // namespace recorddecoder

quint16 PodCache::intern(QByteArrayView pod)
{
    if (pod.isEmpty())
        return LineRecord::kNoPod;
    quint64 tail = 0;
    const qsizetype n = std::min<qsizetype>(pod.size(), 8);
    std::memcpy(&tail, pod.data() + pod.size() - n, size_t(n));
    const quint64 h = (tail ^ quint64(pod.size())) * 0x9e3779b97f4a7c15ULL;
    Slot& slot = slots_[size_t(h >> 56)];
    if (slot.id != LineRecord::kNoPod && QByteArrayView(slot.name) == pod)
        return slot.id;
    const quint16 id = table_.intern(pod);
    if (id != LineRecord::kNoPod) {
        slot.name = pod.toByteArray();
        slot.id = id;
    }
    return id;
}

}  // namespace obslab
