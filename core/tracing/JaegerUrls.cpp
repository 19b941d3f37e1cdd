#include "core/tracing/JaegerUrls.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace obslab::jaegerurls {

namespace {

using Params = QList<std::pair<QString, QString>>;

// QUrlQuery leaves '+' alone, which Go's query parser reads as a space; encode every
// reserved character ourselves instead.
QUrl withQuery(QUrl url, const Params& params)
{
    QStringList parts;
    for (const auto& [key, value] : params) {
        parts.append(QString::fromLatin1(QUrl::toPercentEncoding(key)) + u'=' +
                     QString::fromLatin1(QUrl::toPercentEncoding(value)));
    }
    if (!parts.isEmpty())
        url.setQuery(parts.join(u'&'), QUrl::StrictMode);
    return url;
}

QString pathSegment(const QString& text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

QString lookbackText(std::chrono::seconds lookback)
{
    const qint64 s = lookback.count();
    if (s > 0 && s % 86400 == 0)
        return QString::number(s / 86400) + u'd';
    if (s > 0 && s % 3600 == 0)
        return QString::number(s / 3600) + u'h';
    return QString::number(std::max<qint64>(1, s / 60)) + u'm';
}

qint64 micros(const QDateTime& t)
{
    return t.toMSecsSinceEpoch() * 1000;
}

void addEmbed(Params& params, const EmbedOptions& options, bool search)
{
    params.append({u"uiEmbed"_s, u"v0"_s});
    if (search && options.hideSearchGraph)
        params.append({u"uiSearchHideGraph"_s, u"1"_s});
    if (!search && options.collapseTitle)
        params.append({u"uiTimelineCollapseTitle"_s, u"1"_s});
    if (!search && options.hideMinimap)
        params.append({u"uiTimelineHideMinimap"_s, u"1"_s});
    if (!search && options.hideSummary)
        params.append({u"uiTimelineHideSummary"_s, u"1"_s});
}

}  // namespace

QUrl forwardedBase(const QString& host, int localPort)
{
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(host.isEmpty() ? u"127.0.0.1"_s : host);  // QUrl adds brackets for IPv6
    url.setPort(localPort);
    return url;
}

QUrl join(const QUrl& base, const QString& path)
{
    QUrl url = base;
    url.setQuery(QString());
    url.setFragment(QString());
    QString p = url.path(QUrl::FullyEncoded);
    while (p.endsWith(u'/'))
        p.chop(1);
    url.setPath(p + (path.startsWith(u'/') ? path : u'/' + path), QUrl::StrictMode);
    return url;
}

QString tagsJson(const QList<std::pair<QString, QString>>& tags)
{
    QJsonObject o;
    for (const auto& [key, value] : tags)
        o.insert(key, value);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QUrl uiTrace(const QUrl& base, const JaegerTraceId& id, const EmbedOptions& options)
{
    Params params;
    addEmbed(params, options, false);
    return withQuery(join(base, u"trace/"_s + id.toUrlForm()), params);
}

QUrl uiSearch(const QUrl& base, const TraceQuery& query, const QDateTime& now,
              const EmbedOptions& options)
{
    Params params;
    if (!query.service.isEmpty())
        params.append({u"service"_s, query.service});
    if (!query.operation.isEmpty())
        params.append({u"operation"_s, query.operation});
    if (!query.tags.isEmpty())
        params.append({u"tags"_s, tagsJson(query.tags)});
    params.append({u"limit"_s, QString::number(query.limit)});
    params.append({u"lookback"_s, lookbackText(query.lookback)});
    params.append(
        {u"start"_s, QString::number(micros(now) - qint64(query.lookback.count()) * 1000000)});
    params.append({u"end"_s, QString::number(micros(now))});
    if (!query.minDuration.isEmpty())
        params.append({u"minDuration"_s, query.minDuration});
    if (!query.maxDuration.isEmpty())
        params.append({u"maxDuration"_s, query.maxDuration});
    addEmbed(params, options, true);
    return withQuery(join(base, u"search"_s), params);
}

UiRoute parseUiRoute(const QUrl& base, const QUrl& url)
{
    UiRoute route;
    QString prefix = base.path();
    while (prefix.endsWith(u'/'))
        prefix.chop(1);
    const QString path = url.path();
    if (!path.startsWith(prefix + u'/'))
        return route;
    const QStringList parts = path.mid(prefix.size() + 1).split(u'/', Qt::SkipEmptyParts);
    const QUrlQuery query(url);
    route.embedded = query.queryItemValue(u"uiEmbed"_s) == u"v0";
    if (parts.size() == 2 && parts[0] == u"trace" && !parts[1].contains(u"..."_s) &&
        JaegerTraceId::fromString(parts[1]).isValid()) {
        route.kind = UiRoute::Kind::Trace;
        route.traceId = parts[1];
    } else if (parts.size() == 1 && parts[0] == u"search") {
        route.kind = UiRoute::Kind::Search;
    }
    return route;
}

QUrl v1Services(const QUrl& base)
{
    return join(base, u"api/services"_s);
}

QUrl v1Operations(const QUrl& base, const QString& service)
{
    return join(base, u"api/services/"_s + pathSegment(service) + u"/operations"_s);
}

QUrl v1Trace(const QUrl& base, const JaegerTraceId& id)
{
    return join(base, u"api/traces/"_s + id.toUrlForm());
}

QUrl v1Search(const QUrl& base, const TraceQuery& query, const QDateTime& now)
{
    Params params{{u"service"_s, query.service}};
    if (!query.operation.isEmpty())
        params.append({u"operation"_s, query.operation});
    if (!query.tags.isEmpty())
        params.append({u"tags"_s, tagsJson(query.tags)});
    params.append(
        {u"start"_s, QString::number(micros(now) - qint64(query.lookback.count()) * 1000000)});
    params.append({u"end"_s, QString::number(micros(now))});
    params.append({u"limit"_s, QString::number(query.limit)});
    params.append({u"lookback"_s, lookbackText(query.lookback)});
    if (!query.minDuration.isEmpty())
        params.append({u"minDuration"_s, query.minDuration});
    if (!query.maxDuration.isEmpty())
        params.append({u"maxDuration"_s, query.maxDuration});
    return withQuery(join(base, u"api/traces"_s), params);
}

QUrl v3Services(const QUrl& base)
{
    return join(base, u"api/v3/services"_s);
}

QUrl v3Operations(const QUrl& base, const QString& service)
{
    return withQuery(join(base, u"api/v3/operations"_s), {{u"service"_s, service}});
}

QUrl v3Trace(const QUrl& base, const JaegerTraceId& id)
{
    return join(base, u"api/v3/traces/"_s + id.key());
}

QUrl v3Search(const QUrl& base, const TraceQuery& query, const QDateTime& now)
{
    const QDateTime end = now.toUTC();
    const QDateTime start = end.addSecs(-qint64(query.lookback.count()));
    Params params;
    if (!query.service.isEmpty())
        params.append({u"query.serviceName"_s, query.service});
    if (!query.operation.isEmpty())
        params.append({u"query.operationName"_s, query.operation});
    // api_v3 wants RFC 3339 times and requires both bounds.
    params.append({u"query.startTimeMin"_s, start.toString(Qt::ISODateWithMs)});
    params.append({u"query.startTimeMax"_s, end.toString(Qt::ISODateWithMs)});
    params.append({u"query.searchDepth"_s, QString::number(query.limit)});
    if (!query.minDuration.isEmpty())
        params.append({u"query.durationMin"_s, query.minDuration});
    if (!query.maxDuration.isEmpty())
        params.append({u"query.durationMax"_s, query.maxDuration});
    if (!query.tags.isEmpty())
        params.append({u"query.attributes"_s, tagsJson(query.tags)});
    return withQuery(join(base, u"api/v3/traces"_s), params);
}

}  // namespace obslab::jaegerurls
