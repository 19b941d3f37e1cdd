#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace obslab {

// A key/value on a span, a span log or a process, with Jaeger's value type. An int64 beyond 2^53
// arrives as a string and stays one (with type Int64); binary is kept as its base64 text.
struct SpanTag
{
    enum class Type
    {
        String,
        Bool,
        Int64,
        Float64,
        Binary
    };

    QString key;
    Type type = Type::String;
    QVariant value;

    QString text() const;  // the value as a person reads it
    static QString typeName(Type type);
};

struct SpanLog
{
    qint64 timestampUs = 0;
    QList<SpanTag> fields;
};

struct SpanReference
{
    enum class Type
    {
        ChildOf,
        FollowsFrom
    };

    Type type = Type::ChildOf;
    QString traceId;  // as given; may name another trace
    QString spanId;   // normalised, see normaliseSpanId()
};

enum class SpanKind
{
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer
};

// One span of a Trace, with its process (service) folded in. A plain value.
struct Span
{
    QString traceId;
    QString spanId;  // normalised lower-case hex
    QString operationName;
    QString serviceName;
    qint64 startUs = 0;     // µs since the epoch, clamped to [0, 2^61]
    qint64 durationUs = 0;  // clamped to [0, 2^61]
    SpanKind kind = SpanKind::Unspecified;
    QList<SpanReference> references;
    QList<SpanTag> tags;
    QList<SpanLog> logs;
    QList<SpanTag> processTags;
    QStringList warnings;

    qint64 endUs() const { return startUs + durationUs; }
    const SpanTag* tag(QStringView key) const;
    QString tagText(QStringView key) const;  // empty when absent

    // The HTTP status from `http.status_code` (string or int) or OTel's
    // `http.response.status_code`; 0 when absent.
    int httpStatus() const;
    // Tag `error` = true, a 5xx status, or OTel status ERROR.
    bool isError() const;

    // Istio/Envoy specifics (FORMATS §4): empty when absent.
    QString requestId() const { return tagText(u"guid:x-request-id"); }
    QString upstreamCluster() const { return tagText(u"upstream_cluster"); }
    // Envoy response flags other than "-" (UF, UH, NR, …), which explain most failed hops.
    QString responseFlags() const;

    static QString kindName(SpanKind kind);
    static SpanKind kindFromName(QStringView name);
};

}  // namespace obslab
