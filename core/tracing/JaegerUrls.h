#pragma once

#include "core/tracing/JaegerTraceId.h"
#include "core/tracing/TraceQuery.h"

#include <QDateTime>
#include <QUrl>

// Pure URL builders for Jaeger's UI (embed mode, FORMATS §5) and query API (v1 and v3, §4).
// `base` is the resolved base URL including any base path, e.g. http://localhost:16686/jaeger.
namespace obslab::jaegerurls {

// The embed parameters both Jaeger UI 1.x and 2.x know. There is no theme parameter: 2.x takes
// its theme from localStorage (the embedded view sets it), 1.x has no dark theme.
struct EmbedOptions
{
    bool collapseTitle = true;    // uiTimelineCollapseTitle
    bool hideMinimap = true;      // uiTimelineHideMinimap
    bool hideSummary = false;     // uiTimelineHideSummary
    bool hideSearchGraph = true;  // uiSearchHideGraph
};

QUrl uiTrace(const QUrl& base, const JaegerTraceId& id, const EmbedOptions& options);
// `now` fixes start/end so the URL is reproducible; lookback is also sent for the UI's form.
QUrl uiSearch(const QUrl& base, const TraceQuery& query, const QDateTime& now,
              const EmbedOptions& options);

// What a Jaeger UI page URL shows: /trace/{id} (a single trace, not a comparison), /search, or
// anything else; paths are taken below `base`'s path. Embedded when uiEmbed=v0.
struct UiRoute
{
    enum class Kind
    {
        Other,
        Trace,
        Search
    };
    Kind kind = Kind::Other;
    QString traceId;  // as in the URL, for Kind::Trace
    bool embedded = false;
};
UiRoute parseUiRoute(const QUrl& base, const QUrl& url);

QUrl v1Services(const QUrl& base);
QUrl v1Operations(const QUrl& base, const QString& service);
QUrl v1Trace(const QUrl& base, const JaegerTraceId& id);
QUrl v1Search(const QUrl& base, const TraceQuery& query, const QDateTime& now);

QUrl v3Services(const QUrl& base);
QUrl v3Operations(const QUrl& base, const QString& service);
QUrl v3Trace(const QUrl& base, const JaegerTraceId& id);
QUrl v3Search(const QUrl& base, const TraceQuery& query, const QDateTime& now);

// The base URL of a port-forward to svc/tracing once it listens on host:localPort ("127.0.0.1",
// "::1", "localhost"); discovery then finds Istio's /jaeger path by itself.
QUrl forwardedBase(const QString& host, int localPort);

// base + path, with exactly one slash between them; keeps base's query-free path.
QUrl join(const QUrl& base, const QString& path);
// The tags as the compact JSON object Jaeger wants (`tags=` in v1, `query.attributes=` in v3).
QString tagsJson(const QList<std::pair<QString, QString>>& tags);

}  // namespace obslab::jaegerurls
