#include "core/logs/AccessLogParser.h"

#include "core/logs/ByteScan.h"
#include "core/logs/JsonFlatScanner.h"
#include "core/logs/RequestId.h"

#include <array>
#include <cstring>
#include <limits>

namespace obslab {

namespace {

using Sz = qsizetype;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isAlnum(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

Sz findByte(const char* d, Sz from, Sz end, char c)
{
    return bytescan::find(d, from, end, c);
}

bool parseCount(QByteArrayView v, qint64& out)
{
    if (v.isEmpty() || v.size() > 18)
        return false;
    qint64 n = 0;
    for (char c : v) {
        if (!isDigit(c))
            return false;
        n = n * 10 + (c - '0');
    }
    out = n;
    return true;
}

LogLevel parseLevel(QByteArrayView v)
{
    auto is = [&](const char* s) { return v.compare(s, Qt::CaseInsensitive) == 0; };
    if (is("info"))
        return LogLevel::Info;
    if (is("warning") || is("warn"))
        return LogLevel::Warning;
    if (is("error") || is("err"))
        return LogLevel::Error;
    if (is("debug"))
        return LogLevel::Debug;
    if (is("trace"))
        return LogLevel::Trace;
    if (is("critical") || is("fatal") || is("panic"))
        return LogLevel::Critical;
    return LogLevel::None;
}

// What a key in a JSON object, a key=value pair or a custom field means.
enum class Key : quint8
{
    None,
    StartTime,
    Method,
    Path,
    Protocol,
    ResponseCode,
    ResponseFlags,
    Details,
    Termination,
    TransportFailure,
    BytesReceived,
    BytesSent,
    Duration,
    UpstreamServiceTime,
    ForwardedFor,
    UserAgent,
    RequestId,
    Authority,
    UpstreamHost,
    UpstreamCluster,
    UpstreamLocal,
    DownstreamLocal,
    DownstreamRemote,
    ServerName,
    RouteName,
    TraceId,
    SpanId,
    ParentSpanId,
    Sampled,
    Traceparent,
    B3,
    UberTraceId,
    Level,
    Message,
    Logger,
};

struct KeyName
{
    QByteArrayView name;  // normalised: lower case, no '-', '_', '.', '@'
    Key key;
};

constexpr KeyName kKeys[] = {
    {"starttime", Key::StartTime},
    {"time", Key::StartTime},
    {"timestamp", Key::StartTime},
    {"ts", Key::StartTime},
    {"method", Key::Method},
    {"path", Key::Path},
    {"protocol", Key::Protocol},
    {"responsecode", Key::ResponseCode},
    {"status", Key::ResponseCode},
    {"statuscode", Key::ResponseCode},
    {"code", Key::ResponseCode},
    {"responseflags", Key::ResponseFlags},
    {"flags", Key::ResponseFlags},
    {"responsecodedetails", Key::Details},
    {"connectionterminationdetails", Key::Termination},
    {"upstreamtransportfailurereason", Key::TransportFailure},
    {"bytesreceived", Key::BytesReceived},
    {"bytessent", Key::BytesSent},
    {"duration", Key::Duration},
    {"upstreamservicetime", Key::UpstreamServiceTime},
    {"xforwardedfor", Key::ForwardedFor},
    {"useragent", Key::UserAgent},
    {"requestid", Key::RequestId},
    {"xrequestid", Key::RequestId},
    {"authority", Key::Authority},
    {"upstreamhost", Key::UpstreamHost},
    {"upstreamcluster", Key::UpstreamCluster},
    {"upstreamlocaladdress", Key::UpstreamLocal},
    {"downstreamlocaladdress", Key::DownstreamLocal},
    {"downstreamremoteaddress", Key::DownstreamRemote},
    {"requestedservername", Key::ServerName},
    {"routename", Key::RouteName},
    {"traceid", Key::TraceId},
    {"xb3traceid", Key::TraceId},
    {"spanid", Key::SpanId},
    {"xb3spanid", Key::SpanId},
    {"parentspanid", Key::ParentSpanId},
    {"xb3parentspanid", Key::ParentSpanId},
    {"parentid", Key::ParentSpanId},
    {"sampled", Key::Sampled},
    {"xb3sampled", Key::Sampled},
    {"traceparent", Key::Traceparent},
    {"b3", Key::B3},
    {"ubertraceid", Key::UberTraceId},
    {"level", Key::Level},
    {"severity", Key::Level},
    {"msg", Key::Message},
    {"message", Key::Message},
    {"scope", Key::Logger},
    {"logger", Key::Logger},
};

// FNV-1a of a normalised key name.
constexpr quint32 keyHash(const char* s, Sz n)
{
    quint32 h = 2166136261u;
    for (Sz i = 0; i < n; ++i)
        h = (h ^ quint8(s[i])) * 16777619u;
    return h;
}

// kKeys as an open-addressed hash table, built by the compiler.
struct KeyTable
{
    static constexpr quint32 kSize = 128;
    std::array<qint8, kSize> slots{};
    constexpr KeyTable()
    {
        slots.fill(-1);
        for (size_t i = 0; i < std::size(kKeys); ++i) {
            quint32 h = keyHash(kKeys[i].name.data(), kKeys[i].name.size()) % kSize;
            while (slots[h] >= 0)
                h = (h + 1) % kSize;
            slots[h] = qint8(i);
        }
    }
};
constexpr KeyTable kKeyTable;

Key lookupNormalised(const char* k, Sz len)
{
    // Normalised (lower case, without '-', '_', '.', '@') and hashed in one pass: this runs for
    // every key of every JSON and key=value line.
    char buf[40];
    Sz n = 0;
    quint32 h = 2166136261u;
    for (Sz i = 0; i < len; ++i) {
        char c = k[i];
        if (c == '-' || c == '_' || c == '.' || c == '@')
            continue;
        if (n == Sz(sizeof buf))
            return Key::None;
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
        buf[n++] = c;
        h = (h ^ quint8(c)) * 16777619u;
    }
    const QByteArrayView norm(buf, n);
    for (quint32 slot = h % KeyTable::kSize; kKeyTable.slots[slot] >= 0;
         slot = (slot + 1) % KeyTable::kSize) {
        const KeyName& kn = kKeys[size_t(kKeyTable.slots[slot])];
        if (kn.name == norm)
            return kn.key;
    }
    // Custom names such as `my_trace_id` or `x-b3-spanid-client`.
    static constexpr QByteArrayView kTraceId("traceid");
    static constexpr QByteArrayView kParentSpan("parentspan");
    static constexpr QByteArrayView kSpanId("spanid");
    if (n < kSpanId.size())
        return Key::None;
    if (norm.contains(kTraceId))
        return Key::TraceId;
    if (norm.contains(kParentSpan))
        return Key::ParentSpanId;
    if (norm.contains(kSpanId))
        return Key::SpanId;
    return Key::None;
}

// The key spellings real access logs use (Istio's JSON and the tutorial's format), looked up as
// they are written: a hash of the length and the first and last 8 bytes, then one compare. The
// table is filled by lookupNormalised, so both paths always agree; any other spelling takes the
// normalising path.
class RawKeys
{
public:
    RawKeys()
    {
        static constexpr const char* kSpellings[] = {"start_time",
                                                     "method",
                                                     "path",
                                                     "protocol",
                                                     "response_code",
                                                     "response_flags",
                                                     "response_code_details",
                                                     "connection_termination_details",
                                                     "upstream_transport_failure_reason",
                                                     "bytes_received",
                                                     "bytes_sent",
                                                     "duration",
                                                     "upstream_service_time",
                                                     "x_forwarded_for",
                                                     "user_agent",
                                                     "request_id",
                                                     "authority",
                                                     "upstream_host",
                                                     "upstream_cluster",
                                                     "upstream_local_address",
                                                     "downstream_local_address",
                                                     "downstream_remote_address",
                                                     "requested_server_name",
                                                     "route_name",
                                                     "traceID",
                                                     "spanID",
                                                     "parentSpanID",
                                                     "traceId",
                                                     "spanId",
                                                     "parentSpanId",
                                                     "trace_id",
                                                     "span_id",
                                                     "parent_span_id",
                                                     "x_b3_traceid",
                                                     "x_b3_spanid",
                                                     "x_b3_parentspanid",
                                                     "x_b3_sampled",
                                                     "x-b3-traceid",
                                                     "x-b3-spanid",
                                                     "x-b3-parentspanid",
                                                     "x-b3-sampled",
                                                     "traceparent",
                                                     "b3",
                                                     "level",
                                                     "msg",
                                                     "message",
                                                     "time",
                                                     "timestamp",
                                                     "ts",
                                                     "service",
                                                     "status",
                                                     "code",
                                                     "x-request-id",
                                                     "x_request_id",
                                                     "requestId",
                                                     "scope",
                                                     "logger",
                                                     "caller",
                                                     "upstream_peer",
                                                     "downstream_peer",
                                                     "bytes",
                                                     "latency",
                                                     "uber-trace-id"};
        for (const char* spelling : kSpellings) {
            const Sz len = Sz(std::strlen(spelling));
            quint32 slot = hash(spelling, len) % kSize;
            while (entries_[slot].length != 0)
                slot = (slot + 1) % kSize;
            Entry& e = entries_[slot];
            std::memcpy(e.bytes, spelling, size_t(len));
            e.length = quint8(len);
            e.key = lookupNormalised(spelling, len);
        }
    }

    // True with key set when k is a known spelling.
    bool find(const char* k, Sz len, Key& key) const
    {
        if (len <= 0 || len > kMaxLength)
            return false;
        for (quint32 slot = hash(k, len) % kSize; entries_[slot].length != 0;
             slot = (slot + 1) % kSize) {
            const Entry& e = entries_[slot];
            if (e.length == len && std::memcmp(e.bytes, k, size_t(len)) == 0) {
                key = e.key;
                return true;
            }
        }
        return false;
    }

private:
    static constexpr quint32 kSize = 256;
    static constexpr Sz kMaxLength = 40;
    struct Entry
    {
        char bytes[kMaxLength];
        quint8 length = 0;
        Key key = Key::None;
    };

    static quint32 hash(const char* k, Sz len)
    {
        quint64 head = 0;
        quint64 tail = 0;
        if (len >= 8) {
            std::memcpy(&head, k, 8);  // fixed sizes: plain loads, not memcpy calls
            std::memcpy(&tail, k + len - 8, 8);
        } else {
            for (Sz i = 0; i < len; ++i)
                head |= quint64(quint8(k[i])) << (8 * i);
        }
        const quint64 x =
            head * 0x9e3779b97f4a7c15ULL ^ (tail + quint64(len)) * 0xc2b2ae3d27d4eb4fULL;
        return quint32(x >> 40);
    }

    std::array<Entry, kSize> entries_{};
};

Key lookupKey(const char* k, Sz len)
{
    static const RawKeys raw;
    Key key = Key::None;
    if (raw.find(k, len, key))
        return key;
    return lookupNormalised(k, len);
}

// Reads space-separated tokens of a TEXT access line.
struct Reader
{
    const char* d;
    Sz pos;
    Sz end;

    bool atEnd() const { return pos >= end; }
    void skipSpaces()
    {
        while (pos < end && d[pos] == ' ')
            ++pos;
    }
    // An unquoted token up to the next space.
    bool word(Sz& off, Sz& len)
    {
        if (atEnd() || d[pos] == '"')
            return false;
        off = pos;
        pos = bytescan::findOrEnd(d, pos, end, ' ');
        len = pos - off;
        skipSpaces();
        return true;
    }
    // Any token up to the next space, quotes and all (recovery).
    void anyToken()
    {
        const Sz sp = findByte(d, pos, end, ' ');
        pos = sp < 0 ? end : sp;
        skipSpaces();
    }
    // `"…"`: Envoy does not escape quotes, so the field ends at a quote followed by a space or
    // the end of the line.
    bool quoted(Sz& off, Sz& len)
    {
        if (atEnd() || d[pos] != '"')
            return false;
        Sz q = pos + 1;
        for (;;) {
            const Sz f = findByte(d, q, end, '"');
            if (f < 0)
                return false;
            if (f + 1 == end || d[f + 1] == ' ') {
                off = pos + 1;
                len = f - off;
                pos = f + 1;
                skipSpaces();
                return true;
            }
            q = f + 1;
        }
    }
    // The quoted fields the look-ahead of quotedBefore read, so that they are not read twice.
    struct QuotedRun
    {
        static constexpr int kMax = 3;
        Sz off[kMax] = {};
        Sz len[kMax] = {};
        Sz end = 0;  // the position after the last of them
        bool valid = false;
    };
    bool quotedRunFollows(int count, QuotedRun& run) const
    {
        Reader t = *this;
        for (int i = 0; i < count; ++i) {
            Sz o = 0;
            Sz l = 0;
            if (!t.quoted(o, l) || findByte(d, o, o + l, '"') >= 0)
                return false;
            run.off[i] = o;
            run.len[i] = l;
        }
        run.end = t.pos;
        run.valid = true;
        return true;
    }
    // A quoted field that may itself contain `" ` (a user agent): the right end is the one after
    // which `count` (at most QuotedRun::kMax) well-formed quoted fields follow; those are in
    // run when it is valid.
    bool quotedBefore(int count, Sz& off, Sz& len, QuotedRun& run)
    {
        run.valid = false;
        if (atEnd() || d[pos] != '"')
            return false;
        Sz q = pos + 1;
        for (int candidates = 0; candidates < 64; ++candidates) {
            const Sz f = findByte(d, q, end, '"');
            if (f < 0)
                break;
            if (f + 1 < end && d[f + 1] == ' ') {
                Reader t{d, f + 1, end};
                t.skipSpaces();
                if (t.quotedRunFollows(count, run)) {
                    off = pos + 1;
                    len = f - off;
                    pos = t.pos;
                    return true;
                }
                run.valid = false;
            }
            q = f + 1;
        }
        return quoted(off, len);
    }
};

class LineParser
{
public:
    LineParser(QByteArrayView line, ParsedLine& out)
        : d_(line.data())
        , size_(line.size())
        , out_(out)
    {}

    void run();

private:
    QByteArrayView v(Sz off, Sz len) const { return QByteArrayView(d_ + off, len); }
    static bool missing(QByteArrayView value)
    {
        return value.isEmpty() || (value.size() == 1 && value[0] == '-');
    }
    // apply() for a key that only records where its text is: inline, for the TEXT layouts'
    // dozen such fields a line.
    void setText(Field f, Sz off, Sz len)
    {
        if (!missing(v(off, len)))
            out_.set(f, off, len);
    }

    void readPrefixes(Sz& p);
    bool parseEnvoyLog(Sz p);
    bool parseIstioLog(Sz p);
    bool parseTextAccess(Sz p);
    void parseTail(Reader& r);
    void parseJson(Sz p);
    void parseKeyValues(Sz p);
    void applyKeyValueToken(Reader& r);
    void apply(Key key, Sz off, Sz len);
    void applyNumber(Field f, Sz off, Sz len, qint64& target);
    void applyCluster(Sz off, Sz len);
    void applyContext(const TraceContext& ctx, Sz off, Sz len, Sz traceOff, Sz traceLen, Sz spanOff,
                      Sz spanLen);
    void classifyValue(Sz off, Sz len);
    void scanTokens(Sz from, Sz to);
    Sz keyBefore(Sz pos, Key& key) const;

    const char* d_;
    Sz size_;
    Sz end_ = 0;
    ParsedLine& out_;
    int positionalHex_ = 0;
};

void LineParser::run()
{
    end_ = qMin<Sz>(size_, std::numeric_limits<quint32>::max());
    while (end_ > 0 && (d_[end_ - 1] == '\r' || d_[end_ - 1] == ' ' || d_[end_ - 1] == '\t'))
        --end_;
    Sz p = 0;
    readPrefixes(p);
    if (p >= end_)
        return;
    const char c = d_[p];
    bool structured = false;
    if (c == '{') {
        parseJson(p);
        structured = out_.format != LineFormat::Unknown;
    } else if (c == '[') {
        structured = parseEnvoyLog(p) || parseTextAccess(p);
    } else if (isDigit(c)) {
        structured = parseIstioLog(p);
    }
    if (!structured) {
        parseKeyValues(p);
        if (out_.format == LineFormat::Unknown)
            scanTokens(p, end_);
    }
    if (out_.timeUs == ParsedLine::kMissing)
        out_.timeUs = out_.kubeTimeUs;
}

void LineParser::readPrefixes(Sz& p)
{
    for (int round = 0; round < 2 && p < end_; ++round) {
        if (end_ - p > 5 && std::memcmp(d_ + p, "[pod/", 5) == 0 && !out_.has(Field::Pod)) {
            const Sz close = findByte(d_, p + 5, qMin(end_, p + 600), ']');
            if (close < 0)
                return;
            const Sz lastSlash = bytescan::findLast(d_, p + 5, close, '/');
            const Sz slash = lastSlash < 0 ? -1 : lastSlash - (p + 5);
            if (slash <= 0)
                return;
            out_.set(Field::Pod, p + 5, slash);
            out_.set(Field::Container, p + 5 + slash + 1, close - (p + 5 + slash + 1));
            p = close + 1;
            if (p < end_ && d_[p] == ' ')
                ++p;
            continue;
        }
        if (isDigit(d_[p]) && !out_.has(Field::KubeTimestamp)) {
            qint64 us = 0;
            const Sz n = logtime::parseIso(v(p, qMin<Sz>(end_ - p, 40)), us);
            // kubectl separates its timestamp with a space; istio's own lines use a tab.
            const bool rfc3339 =
                n > 20 && d_[p + 10] == 'T' && (d_[p + n - 1] == 'Z' || d_[p + n - 3] == ':');
            if (rfc3339 && p + n < end_ && d_[p + n] == ' ') {
                out_.set(Field::KubeTimestamp, p, n);
                out_.kubeTimeUs = us;
                p += n + 1;
                continue;
            }
        }
        return;
    }
}

bool LineParser::parseEnvoyLog(Sz p)
{
    static constexpr char kEpoch[] = "[Envoy (Epoch ";
    if (end_ - p > Sz(sizeof kEpoch) && std::memcmp(d_ + p, kEpoch, sizeof kEpoch - 1) == 0) {
        const Sz close = findByte(d_, p, qMin(end_, p + 40), ']');
        if (close < 0)
            return false;
        p = close + 1;
        while (p < end_ && d_[p] == ' ')
            ++p;
    }
    if (p >= end_ || d_[p] != '[')
        return false;
    // `[TIME][` before the time is parsed: an access line (`[TIME] "…`) parses it later.
    const Sz firstClose = findByte(d_, p + 1, qMin(end_, p + 42), ']');
    if (firstClose < 0 || firstClose + 1 >= end_ || d_[firstClose + 1] != '[')
        return false;
    qint64 us = 0;
    const Sz n = logtime::parseIso(v(p + 1, qMin<Sz>(end_ - p - 1, 40)), us);
    if (n == 0 || p + 1 + n + 1 >= end_ || d_[p + 1 + n] != ']' || d_[p + 2 + n] != '[')
        return false;
    out_.set(Field::StartTime, p + 1, n);
    out_.timeUs = us;
    Sz q = p + 2 + n;
    // Up to three bracket groups follow: thread, level, logger.
    for (int group = 0; group < 3 && q < end_ && d_[q] == '['; ++group) {
        const Sz close = findByte(d_, q + 1, qMin(end_, q + 80), ']');
        if (close < 0)
            break;
        const Sz off = q + 1;
        const Sz len = close - off;
        if (out_.level == LogLevel::None) {
            const LogLevel level = parseLevel(v(off, len));
            if (level != LogLevel::None) {
                out_.level = level;
                out_.set(Field::Level, off, len);
                out_.addHighlight(HighlightKind::Level, out_.range(Field::Level));
            }
        } else if (!out_.has(Field::Logger)) {
            out_.set(Field::Logger, off, len);
        }
        q = close + 1;
    }
    if (out_.level == LogLevel::None)
        return false;
    while (q < end_ && d_[q] == ' ')
        ++q;
    if (q < end_)
        out_.set(Field::Message, q, end_ - q);
    out_.kind = LineKind::ProxyLog;
    out_.format = LineFormat::EnvoyLog;
    out_.complete = true;
    scanTokens(q, end_);
    return true;
}

bool LineParser::parseIstioLog(Sz p)
{
    qint64 us = 0;
    const Sz n = logtime::parseIso(v(p, qMin<Sz>(end_ - p, 40)), us);
    if (n == 0 || p + n >= end_ || d_[p + n] != '\t')
        return false;
    const Sz lvl = p + n + 1;
    Sz tab = findByte(d_, lvl, qMin(end_, lvl + 12), '\t');
    const Sz lvlEnd = tab < 0 ? end_ : tab;
    const LogLevel level = parseLevel(v(lvl, lvlEnd - lvl));
    if (level == LogLevel::None)
        return false;
    out_.set(Field::StartTime, p, n);
    out_.timeUs = us;
    out_.level = level;
    out_.set(Field::Level, lvl, lvlEnd - lvl);
    out_.addHighlight(HighlightKind::Level, out_.range(Field::Level));
    Sz msg = lvlEnd < end_ ? lvlEnd + 1 : end_;
    // istio's scoped loggers print `scope\tmessage`; scopes are short ("envoy config", "ads").
    tab = findByte(d_, msg, qMin(end_, msg + 32), '\t');
    if (tab > msg) {
        out_.set(Field::Logger, msg, tab - msg);
        msg = tab + 1;
    }
    if (msg < end_)
        out_.set(Field::Message, msg, end_ - msg);
    out_.kind = LineKind::ProxyLog;
    out_.format = LineFormat::IstioLog;
    out_.complete = true;
    scanTokens(msg, end_);
    return true;
}

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
    // Custom additions after the default layout: trace headers as quoted or bare fields,
    // key=value pairs.
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

void LineParser::parseJson(Sz p)
{
    JsonFlatScanner scanner(v(0, end_), p);
    JsonFlatScanner::Member m;
    bool typedCode = false;
    bool istio = false;
    while (scanner.next(m)) {
        const Key key = lookupKey(d_ + m.keyOffset, m.keyLength);
        if (key == Key::None)
            continue;
        if (m.type == JsonFlatScanner::Type::Null || m.type == JsonFlatScanner::Type::Nested)
            continue;
        if (key == Key::ResponseCode && m.type == JsonFlatScanner::Type::Number)
            typedCode = true;
        if (key == Key::ResponseCode || key == Key::UpstreamCluster || key == Key::ResponseFlags ||
            key == Key::BytesReceived)
            istio = true;
        if (key == Key::StartTime && out_.has(Field::StartTime))
            continue;
        apply(key, m.valueOffset, m.valueLength);
    }
    if (!scanner.finished() && !scanner.failed())
        return;
    if (scanner.failed() && m.keyLength == 0 && !istio && !out_.has(Field::Level) &&
        !out_.trace.isValid()) {
        scanTokens(p, end_);
        return;
    }
    out_.complete = scanner.finished();
    out_.format = istio ? (typedCode ? LineFormat::IstioJson : LineFormat::IstioJsonLegacy)
                        : LineFormat::Json;
    if (out_.has(Field::Method) || out_.responseCode >= 0 || istio)
        out_.kind = LineKind::Request;
    else if (out_.level != LogLevel::None)
        out_.kind = LineKind::ProxyLog;
    if (scanner.failed())
        scanTokens(scanner.position(), end_);
}

void LineParser::applyNumber(Field f, Sz off, Sz len, qint64& target)
{
    qint64 n = 0;
    if (!parseCount(v(off, len), n))
        return;
    target = n;
    out_.set(f, off, len);
}

void LineParser::applyCluster(Sz off, Sz len)
{
    const UpstreamCluster c = UpstreamCluster::parse(v(off, len));
    if (c.kind == UpstreamCluster::Kind::None)
        return;
    out_.set(Field::UpstreamCluster, off, c.name.size());
    out_.clusterKind = c.kind;
    out_.clusterDirection = c.direction;
    out_.clusterPort = c.port;
    if (!c.subset.isEmpty())
        out_.set(Field::ClusterSubset, c.subset.data() - d_, c.subset.size());
    if (!c.fqdn.isEmpty())
        out_.set(Field::ClusterFqdn, c.fqdn.data() - d_, c.fqdn.size());
}

void LineParser::applyContext(const TraceContext& ctx, Sz off, Sz len, Sz traceOff, Sz traceLen,
                              Sz spanOff, Sz spanLen)
{
    if (!ctx.isValid() || out_.trace.isValid())
        return;
    out_.trace = ctx;
    out_.set(Field::Traceparent, off, len);
    out_.set(Field::TraceId, traceOff, traceLen);
    out_.addHighlight(HighlightKind::TraceId, out_.range(Field::TraceId));
    if (ctx.spanId != 0) {
        out_.set(Field::SpanId, spanOff, spanLen);
        out_.addHighlight(HighlightKind::SpanId, out_.range(Field::SpanId));
    }
}

void LineParser::apply(Key key, Sz off, Sz len)
{
    const QByteArrayView value = v(off, len);
    if (missing(value))
        return;
    switch (key) {
    case Key::None:
        return;
    case Key::StartTime:
        out_.set(Field::StartTime, off, len);
        out_.timeUs = logtime::parse(value);
        return;
    case Key::Method:
        out_.set(Field::Method, off, len);
        return;
    case Key::Path:
        out_.set(Field::Path, off, len);
        return;
    case Key::Protocol:
        out_.set(Field::Protocol, off, len);
        return;
    case Key::ResponseCode: {
        qint64 code = 0;
        if (!parseCount(value, code) || code > 999)
            return;
        out_.responseCode = int(code);
        out_.set(Field::ResponseCode, off, len);
        out_.addHighlight(HighlightKind::Status, out_.range(Field::ResponseCode));
        return;
    }
    case Key::ResponseFlags:
        out_.set(Field::ResponseFlags, off, len);
        out_.responseFlags = ResponseFlags::parse(value);
        out_.addHighlight(HighlightKind::Flags, out_.range(Field::ResponseFlags));
        return;
    case Key::Details:
        out_.set(Field::ResponseCodeDetails, off, len);
        return;
    case Key::Termination:
        out_.set(Field::ConnectionTerminationDetails, off, len);
        return;
    case Key::TransportFailure:
        out_.set(Field::UpstreamTransportFailureReason, off, len);
        return;
    case Key::BytesReceived:
        applyNumber(Field::BytesReceived, off, len, out_.bytesReceived);
        return;
    case Key::BytesSent:
        applyNumber(Field::BytesSent, off, len, out_.bytesSent);
        return;
    case Key::Duration:
        applyNumber(Field::Duration, off, len, out_.durationMs);
        return;
    case Key::UpstreamServiceTime:
        applyNumber(Field::UpstreamServiceTime, off, len, out_.upstreamServiceTimeMs);
        return;
    case Key::ForwardedFor:
        out_.set(Field::XForwardedFor, off, len);
        return;
    case Key::UserAgent:
        out_.set(Field::UserAgent, off, len);
        return;
    case Key::RequestId:
        if (out_.has(Field::RequestId))
            return;
        out_.set(Field::RequestId, off, len);
        out_.addHighlight(HighlightKind::RequestId, out_.range(Field::RequestId));
        return;
    case Key::Authority:
        out_.set(Field::Authority, off, len);
        return;
    case Key::UpstreamHost:
        out_.set(Field::UpstreamHost, off, len);
        return;
    case Key::UpstreamCluster:
        applyCluster(off, len);
        return;
    case Key::UpstreamLocal:
        out_.set(Field::UpstreamLocalAddress, off, len);
        return;
    case Key::DownstreamLocal:
        out_.set(Field::DownstreamLocalAddress, off, len);
        return;
    case Key::DownstreamRemote:
        out_.set(Field::DownstreamRemoteAddress, off, len);
        return;
    case Key::ServerName:
        out_.set(Field::RequestedServerName, off, len);
        return;
    case Key::RouteName:
        out_.set(Field::RouteName, off, len);
        return;
    case Key::TraceId: {
        if (out_.has(Field::TraceId))
            return;
        // Some formats log a whole header under a trace key.
        if (value.size() >= 55 && value.contains('-')) {
            const TraceContext ctx = TraceContext::fromTraceparent(value);
            if (ctx.isValid()) {
                applyContext(ctx, off, len, off + 3, 32, off + 36, 16);
                return;
            }
        }
        out_.set(Field::TraceId, off, len);
        const TraceId id = TraceId::fromHex(value);
        if (id.isValid() && !out_.trace.isValid()) {
            out_.trace.traceId = id;
            out_.addHighlight(HighlightKind::TraceId, out_.range(Field::TraceId));
        }
        return;
    }
    case Key::SpanId: {
        if (out_.has(Field::SpanId))
            return;
        out_.set(Field::SpanId, off, len);
        const quint64 span = hex::spanIdFromHex(value);
        if (span != 0) {
            out_.trace.spanId = span;
            out_.addHighlight(HighlightKind::SpanId, out_.range(Field::SpanId));
        }
        return;
    }
    case Key::ParentSpanId: {
        if (out_.has(Field::ParentSpanId))
            return;
        out_.set(Field::ParentSpanId, off, len);
        const quint64 span = hex::spanIdFromHex(value);
        if (span != 0) {
            out_.trace.parentSpanId = span;
            out_.addHighlight(HighlightKind::ParentSpanId, out_.range(Field::ParentSpanId));
        }
        return;
    }
    case Key::Sampled:
        out_.set(Field::Sampled, off, len);
        if (out_.trace.sampling == TraceContext::Sampling::Unknown)
            out_.trace.sampling = TraceContext::parseSampled(value);
        return;
    case Key::Traceparent:
        applyContext(TraceContext::fromTraceparent(value), off, len, off + 3, 32, off + 36, 16);
        return;
    case Key::B3: {
        const Sz dash = value.indexOf('-');
        const TraceContext ctx = TraceContext::fromB3Single(value);
        applyContext(ctx, off, len, off, dash, off + dash + 1, 16);
        if (!ctx.isValid() && out_.trace.sampling == TraceContext::Sampling::Unknown)
            out_.trace.sampling = TraceContext::parseSampled(value);  // deny-only `b3: 0`
        return;
    }
    case Key::UberTraceId: {
        const Sz c1 = value.indexOf(':');
        const Sz c2 = c1 < 0 ? -1 : value.indexOf(':', c1 + 1);
        if (c2 < 0)
            return;
        applyContext(TraceContext::fromUberTraceId(value), off, len, off, c1, off + c1 + 1,
                     c2 - c1 - 1);
        return;
    }
    case Key::Level: {
        const LogLevel level = parseLevel(value);
        if (level == LogLevel::None)
            return;
        out_.level = level;
        out_.set(Field::Level, off, len);
        out_.addHighlight(HighlightKind::Level, out_.range(Field::Level));
        return;
    }
    case Key::Message:
        out_.set(Field::Message, off, len);
        return;
    case Key::Logger:
        out_.set(Field::Logger, off, len);
        return;
    }
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

}  // namespace

void AccessLogParser::parse(QByteArrayView line, ParsedLine& out)
{
    out.clear();
    LineParser(line, out).run();
}

}  // namespace obslab
