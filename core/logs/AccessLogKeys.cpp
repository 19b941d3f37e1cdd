#include "core/logs/AccessLogKeys.h"

#include <QByteArrayView>

#include <array>
#include <cstring>

namespace obslab::accesslog {

namespace {

using Sz = qsizetype;

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
    {"service", Key::Service},
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

}  // namespace

Key lookupKey(const char* k, Sz len)
{
    static const RawKeys raw;
    Key key = Key::None;
    if (raw.find(k, len, key))
        return key;
    return lookupNormalised(k, len);
}

}  // namespace obslab::accesslog
