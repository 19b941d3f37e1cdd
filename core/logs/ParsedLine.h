#pragma once

#include "core/logs/LogTime.h"
#include "core/logs/ResponseFlags.h"
#include "core/logs/TraceContext.h"
#include "core/logs/UpstreamCluster.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <array>

namespace obslab {

// A part of a line: byte offset and length into the original line (prefixes included).
// length 0 = absent (Envoy's `-` is stored as absent too).
struct ByteRange
{
    quint32 offset = 0;
    quint32 length = 0;
    bool isEmpty() const { return length == 0; }
    quint32 end() const { return offset + length; }
};

enum class LineKind : quint8
{
    Unknown,
    Request,
    ProxyLog
};

enum class LineFormat : quint8
{
    Unknown,
    IstioText,        // Istio ≥1.9 default TEXT (also ≥1.23's UPSTREAM_CLUSTER_RAW variant)
    IstioTextLegacy,  // Istio 1.1–1.8 default TEXT
    EnvoyDefault,     // Envoy's own default format
    TextCustom,       // `[START_TIME] "REQUEST" CODE` followed by a custom tail (key=value, …)
    IstioJson,        // Istio ≥1.8 JSON (typed numbers, null)
    IstioJsonLegacy,  // Istio ≤1.7 JSON (every value a string, "-" for missing)
    Json,             // another flat JSON object (custom json_format, pilot-agent --log_as_json)
    KeyValue,         // `key=value key="value"` pairs
    EnvoyLog,         // `[TIME][THREAD][LEVEL][LOGGER] message`
    IstioLog,         // pilot-agent/istio: `TIME\tLEVEL\t[SCOPE\t]message`
};

enum class LogLevel : quint8
{
    None,
    Trace,
    Debug,
    Info,
    Warning,
    Error,
    Critical
};

enum class Field : quint8
{
    Pod,
    Container,
    KubeTimestamp,
    StartTime,
    Method,
    Path,
    Protocol,
    ResponseCode,
    ResponseFlags,
    ResponseCodeDetails,
    ConnectionTerminationDetails,
    UpstreamTransportFailureReason,
    BytesReceived,
    BytesSent,
    Duration,
    UpstreamServiceTime,
    XForwardedFor,
    UserAgent,
    RequestId,
    Authority,
    UpstreamHost,
    UpstreamCluster,
    ClusterSubset,
    ClusterFqdn,
    UpstreamLocalAddress,
    DownstreamLocalAddress,
    DownstreamRemoteAddress,
    RequestedServerName,
    RouteName,
    TraceId,
    SpanId,
    ParentSpanId,
    Sampled,
    Traceparent,
    Level,
    Logger,
    Message,
    Service,  // a custom format's `service=` (the tutorial's: %DOWNSTREAM_LOCAL_ADDRESS%)
    Count
};
inline constexpr int kFieldCount = int(Field::Count);

enum class HighlightKind : quint8
{
    TraceId,
    SpanId,
    ParentSpanId,
    RequestId,
    Status,
    Flags,
    Level
};

struct Highlight
{
    HighlightKind kind = HighlightKind::TraceId;
    ByteRange range;
};

// What AccessLogParser found in one line: byte ranges and small numbers, no heap memory, so one
// instance is reused for every line of a multi-GB file. The accessors that take the line build
// QString/QByteArray on demand (for display and the CLI), decoding JSON escapes when the format
// is JSON. Numbers are kMissing (or -1 for the response code) when absent.
struct ParsedLine
{
    static constexpr qint64 kMissing = logtime::kMissing;
    static constexpr int kMaxHighlights = 12;

    LineKind kind = LineKind::Unknown;
    LineFormat format = LineFormat::Unknown;
    LogLevel level = LogLevel::None;
    bool complete = false;  // every field of the matched layout was read

    std::array<ByteRange, kFieldCount> fields{};

    qint64 timeUs = kMissing;      // the line's time: START_TIME, else the log's, else kubectl's
    qint64 kubeTimeUs = kMissing;  // kubectl --timestamps
    int responseCode = -1;
    qint64 bytesReceived = kMissing;
    qint64 bytesSent = kMissing;
    qint64 durationMs = kMissing;
    qint64 upstreamServiceTimeMs = kMissing;
    ResponseFlags responseFlags;
    UpstreamCluster::Kind clusterKind = UpstreamCluster::Kind::None;
    UpstreamCluster::Direction clusterDirection = UpstreamCluster::Direction::None;
    int clusterPort = -1;
    TraceContext trace;

    std::array<Highlight, kMaxHighlights> highlights{};
    int highlightCount = 0;

    // Resets for the next line. The highlight slots past highlightCount are never read, so they
    // are left as they are: this runs once per line of a multi-GB file.
    void clear()
    {
        kind = LineKind::Unknown;
        format = LineFormat::Unknown;
        level = LogLevel::None;
        complete = false;
        fields.fill(ByteRange{});
        timeUs = kubeTimeUs = kMissing;
        responseCode = -1;
        bytesReceived = bytesSent = durationMs = upstreamServiceTimeMs = kMissing;
        responseFlags = ResponseFlags();
        clusterKind = UpstreamCluster::Kind::None;
        clusterDirection = UpstreamCluster::Direction::None;
        clusterPort = -1;
        trace = TraceContext();
        highlightCount = 0;
    }

    ByteRange& range(Field f) { return fields[size_t(f)]; }
    const ByteRange& range(Field f) const { return fields[size_t(f)]; }
    bool has(Field f) const { return !range(f).isEmpty(); }
    void set(Field f, qsizetype offset, qsizetype length)
    {
        fields[size_t(f)] = ByteRange{quint32(offset), quint32(length)};
    }
    void addHighlight(HighlightKind what, ByteRange r)
    {
        if (highlightCount < kMaxHighlights && !r.isEmpty())
            highlights[size_t(highlightCount++)] = Highlight{what, r};
    }
    bool isTcp() const
    {
        return kind == LineKind::Request && !has(Field::Method) && responseCode <= 0;
    }
    bool escapesJson() const
    {
        return format == LineFormat::IstioJson || format == LineFormat::IstioJsonLegacy ||
               format == LineFormat::Json;
    }

    // The raw bytes of a field (still JSON-escaped for JSON lines); empty when absent.
    QByteArrayView view(QByteArrayView line, Field f) const;
    // The field's value as UTF-8 bytes, JSON escapes decoded.
    QByteArray bytes(QByteArrayView line, Field f) const;
    // The same as text; invalid UTF-8 becomes U+FFFD.
    QString text(QByteArrayView line, Field f) const;

    static const char* fieldName(Field f);  // ndjson key, e.g. "response_code"
    static const char* kindName(LineKind k);
    static const char* formatName(LineFormat f);
    static const char* levelName(LogLevel l);
    static const char* highlightName(HighlightKind k);
    static const char* samplingName(TraceContext::Sampling s);
};

}  // namespace obslab
