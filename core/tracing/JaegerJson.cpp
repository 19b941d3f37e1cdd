#include "core/tracing/JaegerJson.h"

#include "core/tracing/JaegerTraceId.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace obslab::jaegerjson {

namespace {

// 2^61 µs is ~73,000 years: far beyond any real timestamp, and start + duration still fits.
constexpr qint64 kMaxTime = qint64(1) << 61;

qint64 clampTime(qint64 t)
{
    return std::clamp<qint64>(t, 0, kMaxTime);
}

// JSON numbers are doubles and OTLP sends int64 as strings; converting an out-of-range or NaN
// double to an integer is undefined behaviour, hence the checks.
std::optional<qint64> toInt64(const QJsonValue& v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (!std::isfinite(d) || d < -9.2e18 || d > 9.2e18)
            return std::nullopt;
        return qint64(d);
    }
    if (v.isString()) {
        bool ok = false;
        const qint64 n = v.toString().trimmed().toLongLong(&ok);
        if (ok)
            return n;
        const double d = v.toString().trimmed().toDouble(&ok);
        if (ok && std::isfinite(d) && d >= -9.2e18 && d <= 9.2e18)
            return qint64(d);
    }
    return std::nullopt;
}

QString jsonText(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Bool:
        return v.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

QJsonParseError::ParseError parse(QByteArrayView json, QJsonDocument& doc, QString& message)
{
    QJsonParseError error;
    doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        message = u"not valid JSON (%1 at byte %2)"_s.arg(error.errorString()).arg(error.offset);
    return error.error;
}

Error notJson(const QString& what)
{
    return Error{u"The trace data is %1."_s.arg(what),
                 u"Check that it came from Jaeger's query API (port 16686) or its "
                 u"\"Download JSON\" button."_s};
}

// ---- v1 ----

SpanTag v1Tag(const QJsonObject& o)
{
    SpanTag tag;
    tag.key = o.value(u"key").toString();
    const QString type = o.value(u"type").toString().toLower();
    const QJsonValue v = o.value(u"value");
    if (type == u"bool" || (type.isEmpty() && v.isBool())) {
        tag.type = SpanTag::Type::Bool;
        tag.value = v.isBool() ? QVariant(v.toBool()) : QVariant(jsonText(v));
    } else if (type == u"int64") {
        tag.type = SpanTag::Type::Int64;
        // Jaeger writes int64 beyond 2^53 as a string to keep it exact.
        const auto n = v.isDouble() ? toInt64(v) : std::nullopt;
        tag.value = n ? QVariant(*n) : QVariant(jsonText(v));
    } else if (type == u"float64" || (type.isEmpty() && v.isDouble())) {
        tag.type = SpanTag::Type::Float64;
        tag.value = v.isDouble() ? QVariant(v.toDouble()) : QVariant(jsonText(v));
    } else if (type == u"binary") {
        tag.type = SpanTag::Type::Binary;
        tag.value = jsonText(v);
    } else {
        tag.value = jsonText(v);
    }
    return tag;
}

QList<SpanTag> v1Tags(const QJsonValue& v)
{
    QList<SpanTag> tags;
    const QJsonArray array = v.toArray();
    tags.reserve(array.size());
    for (const QJsonValue& t : array) {
        if (t.isObject())
            tags.append(v1Tag(t.toObject()));
    }
    return tags;
}

Span v1Span(const QJsonObject& o, const QJsonObject& processes)
{
    Span span;
    span.traceId = o.value(u"traceID").toString();
    span.spanId = normaliseSpanId(o.value(u"spanID").toString());
    span.operationName = o.value(u"operationName").toString();
    span.startUs = clampTime(toInt64(o.value(u"startTime")).value_or(0));
    span.durationUs = clampTime(toInt64(o.value(u"duration")).value_or(0));
    const QJsonArray refs = o.value(u"references").toArray();
    for (const QJsonValue& r : refs) {
        const QJsonObject ro = r.toObject();
        SpanReference ref;
        ref.type = ro.value(u"refType").toString() == u"FOLLOWS_FROM"
                       ? SpanReference::Type::FollowsFrom
                       : SpanReference::Type::ChildOf;
        ref.traceId = ro.value(u"traceID").toString();
        ref.spanId = normaliseSpanId(ro.value(u"spanID").toString());
        if (!ref.spanId.isEmpty())
            span.references.append(ref);
    }
    // Older exports only carry the deprecated parentSpanID.
    const QString parent = o.value(u"parentSpanID").toString();
    if (span.references.isEmpty() && !parent.isEmpty() && parent.count(u'0') != parent.size())
        span.references.append(
            {SpanReference::Type::ChildOf, span.traceId, normaliseSpanId(parent)});
    span.tags = v1Tags(o.value(u"tags"));
    const QJsonArray logs = o.value(u"logs").toArray();
    for (const QJsonValue& l : logs) {
        const QJsonObject lo = l.toObject();
        span.logs.append(
            {clampTime(toInt64(lo.value(u"timestamp")).value_or(0)), v1Tags(lo.value(u"fields"))});
    }
    // Raw (non-UI) JSON embeds the process in each span instead of the trace's map.
    QJsonObject process = o.value(u"process").toObject();
    if (process.isEmpty())
        process = processes.value(o.value(u"processID").toString()).toObject();
    span.serviceName = process.value(u"serviceName").toString();
    span.processTags = v1Tags(process.value(u"tags"));
    for (const QJsonValue& w : o.value(u"warnings").toArray())
        span.warnings.append(w.toString());
    span.kind = Span::kindFromName(span.tagText(u"span.kind"));
    return span;
}

std::optional<Trace> v1Trace(const QJsonObject& o)
{
    if (!o.value(u"spans").isArray())
        return std::nullopt;
    Trace trace;
    trace.traceId = o.value(u"traceID").toString();
    const QJsonObject processes = o.value(u"processes").toObject();
    const QJsonArray spans = o.value(u"spans").toArray();
    trace.spans.reserve(spans.size());
    for (const QJsonValue& s : spans) {
        if (s.isObject())
            trace.spans.append(v1Span(s.toObject(), processes));
    }
    if (trace.traceId.isEmpty() && !trace.spans.isEmpty())
        trace.traceId = trace.spans.first().traceId;
    for (const QJsonValue& w : o.value(u"warnings").toArray())
        trace.warnings.append(w.toString());
    return trace;
}

QString v1ErrorMessage(const QJsonObject& envelope)
{
    QStringList messages;
    for (const QJsonValue& e : envelope.value(u"errors").toArray()) {
        const QString msg = e.toObject().value(u"msg").toString();
        if (!msg.isEmpty())
            messages.append(msg);
    }
    return messages.join(u"; ");
}

Result<QList<Trace>> v1FromDocument(const QJsonDocument& doc)
{
    QList<Trace> traces;
    QJsonArray array;
    if (doc.isArray()) {
        array = doc.array();
    } else {
        const QJsonObject root = doc.object();
        if (root.contains(u"spans")) {
            if (auto t = v1Trace(root))
                traces.append(*t);
            return traces;
        }
        if (!root.contains(u"data"))
            return notJson(u"not a Jaeger trace (no \"data\" or \"spans\")"_s);
        const QString errors = v1ErrorMessage(root);
        if (!root.value(u"data").isArray() && !errors.isEmpty())
            return Error{u"Jaeger answered: %1."_s.arg(errors), {}};
        array = root.value(u"data").toArray();
    }
    for (const QJsonValue& v : array) {
        if (auto t = v1Trace(v.toObject()))
            traces.append(*t);
    }
    return traces;
}

// ---- OTLP ----

SpanTag otlpTag(const QString& key, const QJsonObject& anyValue)
{
    SpanTag tag;
    tag.key = key;
    if (anyValue.contains(u"stringValue")) {
        tag.value = anyValue.value(u"stringValue").toString();
    } else if (anyValue.contains(u"boolValue")) {
        tag.type = SpanTag::Type::Bool;
        tag.value = anyValue.value(u"boolValue").toBool();
    } else if (anyValue.contains(u"intValue")) {
        tag.type = SpanTag::Type::Int64;
        const QJsonValue v = anyValue.value(u"intValue");
        const auto n = toInt64(v);
        tag.value = n ? QVariant(*n) : QVariant(jsonText(v));
    } else if (anyValue.contains(u"doubleValue")) {
        tag.type = SpanTag::Type::Float64;
        const QJsonValue v = anyValue.value(u"doubleValue");
        tag.value = v.isDouble() ? QVariant(v.toDouble()) : QVariant(jsonText(v));
    } else if (anyValue.contains(u"bytesValue")) {
        tag.type = SpanTag::Type::Binary;
        tag.value = jsonText(anyValue.value(u"bytesValue"));
    } else if (!anyValue.isEmpty()) {
        // arrayValue / kvlistValue: shown as their JSON, which is what a person can read.
        tag.value = jsonText(anyValue.begin().value());
    }
    return tag;
}

QList<SpanTag> otlpAttributes(const QJsonValue& v)
{
    QList<SpanTag> tags;
    for (const QJsonValue& a : v.toArray()) {
        const QJsonObject o = a.toObject();
        if (o.contains(u"key"))
            tags.append(otlpTag(o.value(u"key").toString(), o.value(u"value").toObject()));
    }
    return tags;
}

qint64 nanosToMicros(const QJsonValue& v)
{
    return clampTime(toInt64(v).value_or(0) / 1000);
}

SpanKind otlpKind(const QJsonValue& v)
{
    if (v.isString())
        return Span::kindFromName(v.toString());
    switch (toInt64(v).value_or(0)) {
    case 1:
        return SpanKind::Internal;
    case 2:
        return SpanKind::Server;
    case 3:
        return SpanKind::Client;
    case 4:
        return SpanKind::Producer;
    case 5:
        return SpanKind::Consumer;
    default:
        return SpanKind::Unspecified;
    }
}

Span otlpSpan(const QJsonObject& o, const QString& service, const QList<SpanTag>& resourceTags)
{
    Span span;
    span.traceId = otlpIdToHex(o.value(u"traceId").toString(), 16);
    span.spanId = normaliseSpanId(o.value(u"spanId").toString());
    span.operationName = o.value(u"name").toString();
    span.serviceName = service;
    span.processTags = resourceTags;
    span.kind = otlpKind(o.value(u"kind"));
    span.startUs = nanosToMicros(o.value(u"startTimeUnixNano"));
    const qint64 end = nanosToMicros(o.value(u"endTimeUnixNano"));
    span.durationUs = std::max<qint64>(0, end - span.startUs);
    const QString parent = o.value(u"parentSpanId").toString();
    if (!parent.isEmpty())
        span.references.append(
            {SpanReference::Type::ChildOf, span.traceId, normaliseSpanId(parent)});
    // Jaeger maps OTLP links to FOLLOWS_FROM references.
    for (const QJsonValue& l : o.value(u"links").toArray()) {
        const QJsonObject lo = l.toObject();
        const QString id = normaliseSpanId(lo.value(u"spanId").toString());
        if (!id.isEmpty())
            span.references.append({SpanReference::Type::FollowsFrom,
                                    otlpIdToHex(lo.value(u"traceId").toString(), 16), id});
    }
    span.tags = otlpAttributes(o.value(u"attributes"));
    if (span.kind != SpanKind::Unspecified)
        span.tags.append({u"span.kind"_s, SpanTag::Type::String, Span::kindName(span.kind)});
    const QJsonObject status = o.value(u"status").toObject();
    const QJsonValue code = status.value(u"code");
    const bool isErr = code.toString() == u"STATUS_CODE_ERROR" || toInt64(code) == 2;
    const bool isOk = code.toString() == u"STATUS_CODE_OK" || toInt64(code) == 1;
    if (isErr || isOk)
        span.tags.append(
            {u"otel.status_code"_s, SpanTag::Type::String, isErr ? u"ERROR"_s : u"OK"_s});
    if (const QString msg = status.value(u"message").toString(); !msg.isEmpty())
        span.tags.append({u"otel.status_description"_s, SpanTag::Type::String, msg});
    for (const QJsonValue& e : o.value(u"events").toArray()) {
        const QJsonObject eo = e.toObject();
        SpanLog log;
        log.timestampUs = nanosToMicros(eo.value(u"timeUnixNano"));
        if (const QString name = eo.value(u"name").toString(); !name.isEmpty())
            log.fields.append({u"event"_s, SpanTag::Type::String, name});
        log.fields.append(otlpAttributes(eo.value(u"attributes")));
        span.logs.append(log);
    }
    return span;
}

Result<QList<Trace>> otlpFromObject(const QJsonObject& root)
{
    QJsonArray resourceSpans;
    if (root.value(u"result").isObject())
        resourceSpans = root.value(u"result").toObject().value(u"resourceSpans").toArray();
    else if (root.contains(u"resourceSpans"))
        resourceSpans = root.value(u"resourceSpans").toArray();
    else if (root.contains(u"batches"))
        resourceSpans = root.value(u"batches").toArray();
    else
        return notJson(u"not OTLP JSON (no \"resourceSpans\")"_s);

    QList<Trace> traces;
    QHash<QString, int> byId;
    for (const QJsonValue& rsv : resourceSpans) {
        const QJsonObject rs = rsv.toObject();
        const QList<SpanTag> resourceTags =
            otlpAttributes(rs.value(u"resource").toObject().value(u"attributes"));
        QString service;
        QList<SpanTag> processTags;
        for (const SpanTag& t : resourceTags) {
            if (t.key == u"service.name")
                service = t.text();
            else
                processTags.append(t);
        }
        if (service.isEmpty())
            service = u"unknown_service"_s;
        // Older OTLP JSON calls scopeSpans instrumentationLibrarySpans.
        QJsonArray scopes = rs.value(u"scopeSpans").toArray();
        if (scopes.isEmpty())
            scopes = rs.value(u"instrumentationLibrarySpans").toArray();
        for (const QJsonValue& sv : scopes) {
            for (const QJsonValue& spanValue : sv.toObject().value(u"spans").toArray()) {
                Span span = otlpSpan(spanValue.toObject(), service, processTags);
                auto it = byId.constFind(span.traceId);
                int index = 0;
                if (it == byId.constEnd()) {
                    index = int(traces.size());
                    byId.insert(span.traceId, index);
                    traces.append(Trace{span.traceId, {}, {}});
                } else {
                    index = it.value();
                }
                traces[index].spans.append(std::move(span));
            }
        }
    }
    return traces;
}

}  // namespace

Result<QList<Trace>> parseV1Traces(QByteArrayView json)
{
    QJsonDocument doc;
    QString message;
    if (parse(json, doc, message) != QJsonParseError::NoError)
        return notJson(message);
    return v1FromDocument(doc);
}

Result<QList<Trace>> parseOtlpTraces(QByteArrayView json)
{
    QJsonDocument doc;
    QString message;
    if (parse(json, doc, message) != QJsonParseError::NoError)
        return notJson(message);
    if (!doc.isObject())
        return notJson(u"not OTLP JSON (no \"resourceSpans\")"_s);
    const QJsonObject root = doc.object();
    if (root.value(u"error").isObject())
        return Error{u"Jaeger answered: %1."_s.arg(
                         root.value(u"error").toObject().value(u"message").toString()),
                     {}};
    return otlpFromObject(root);
}

Result<QList<Trace>> parseTraceDocument(QByteArrayView json)
{
    QJsonDocument doc;
    QString message;
    if (parse(json, doc, message) != QJsonParseError::NoError)
        return notJson(message);
    if (doc.isObject()) {
        const QJsonObject root = doc.object();
        if (root.contains(u"resourceSpans") || root.contains(u"batches") ||
            root.value(u"result").isObject())
            return otlpFromObject(root);
        if (!root.contains(u"data") && !root.contains(u"spans"))
            return notJson(u"neither Jaeger JSON nor OTLP JSON"_s);
    }
    return v1FromDocument(doc);
}

Result<QStringList> parseNameList(QByteArrayView json)
{
    QJsonDocument doc;
    QString message;
    if (parse(json, doc, message) != QJsonParseError::NoError)
        return notJson(message);
    const QJsonObject root = doc.object();
    QJsonArray array;
    if (root.contains(u"data"))
        array = root.value(u"data").toArray();
    else if (root.contains(u"services"))
        array = root.value(u"services").toArray();
    else if (root.contains(u"operations"))
        array = root.value(u"operations").toArray();
    else
        return notJson(u"not a list of names (no \"data\", \"services\" or \"operations\")"_s);
    QStringList names;
    for (const QJsonValue& v : array) {
        const QString name = v.isObject() ? v.toObject().value(u"name").toString() : v.toString();
        if (!name.isEmpty())
            names.append(name);
    }
    return names;
}

QString apiErrorMessage(QByteArrayView body)
{
    const QJsonObject root = QJsonDocument::fromJson(body.toByteArray()).object();
    if (root.value(u"error").isObject())
        return root.value(u"error").toObject().value(u"message").toString();
    return v1ErrorMessage(root);
}

int apiErrorCode(QByteArrayView body)
{
    const QJsonObject root = QJsonDocument::fromJson(body.toByteArray()).object();
    if (root.value(u"error").isObject())
        return int(toInt64(root.value(u"error").toObject().value(u"httpCode")).value_or(0));
    const QJsonArray errors = root.value(u"errors").toArray();
    if (errors.isEmpty())
        return 0;
    return int(toInt64(errors.first().toObject().value(u"code")).value_or(0));
}

bool looksLikeHtml(QByteArrayView body)
{
    const QByteArray head = body.first(std::min<qsizetype>(body.size(), 512)).toByteArray();
    const QByteArray lower = head.trimmed().toLower();
    return lower.startsWith("<!doctype html") || lower.startsWith("<html") ||
           lower.contains("<head") || lower.contains("<body");
}

QString htmlBasePath(QByteArrayView body)
{
    static const QRegularExpression re(uR"(<base\s+href\s*=\s*["']([^"']*)["'])"_s,
                                       QRegularExpression::CaseInsensitiveOption);
    const QString text = QString::fromUtf8(body.first(std::min<qsizetype>(body.size(), 65536)));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return {};
    QString path = m.captured(1).trimmed();
    while (path.endsWith(u'/'))
        path.chop(1);
    return path.startsWith(u'/') ? path : QString();
}

}  // namespace obslab::jaegerjson
