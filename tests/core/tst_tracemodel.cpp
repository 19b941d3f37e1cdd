#include "core/tracing/JaegerTraceId.h"
#include "core/tracing/JaegerUrls.h"
#include "core/tracing/Span.h"
#include "core/tracing/Trace.h"

#include <QTest>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestTraceModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void traceId_data();
    void traceId();
    void spanId_data();
    void spanId();
    void isError_data();
    void isError();
    void responseFlags();
    void traceSummary();
    void uiTraceUrl_data();
    void uiTraceUrl();
    void uiRoute_data();
    void uiRoute();
    void uiSearchUrl();
    void apiUrls();
    void v1SearchEncodesTags();
    void v3Search();
};

void TestTraceModel::traceId_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("urlForm");
    QTest::newRow("128-bit") << u"3ba55609c3cde49649cd77d1f9dcd936"_s
                             << u"3ba55609c3cde49649cd77d1f9dcd936"_s
                             << u"3ba55609c3cde49649cd77d1f9dcd936"_s;
    QTest::newRow("64-bit-b3") << u"463ac35c9f6413ad"_s << u"0000000000000000463ac35c9f6413ad"_s
                               << u"463ac35c9f6413ad"_s;
    QTest::newRow("padded-64-bit")
        << u"0000000000000000463AC35C9F6413AD"_s << u"0000000000000000463ac35c9f6413ad"_s
        << u"463ac35c9f6413ad"_s;
    QTest::newRow("stripped-leading-zeros-pre-2019")
        << u"63ac35c9f6413ad"_s << u"000000000000000063ac35c9f6413ad"_s.rightJustified(32, u'0')
        << u"063ac35c9f6413ad"_s;
    QTest::newRow("blanks") << u"  ab \n"_s << u"000000000000000000000000000000ab"_s
                            << u"00000000000000ab"_s;
    QTest::newRow("otlp-base64") << u"O6VWCcPN5JZJzXfR+dzZNg=="_s
                                 << u"3ba55609c3cde49649cd77d1f9dcd936"_s
                                 << u"3ba55609c3cde49649cd77d1f9dcd936"_s;
    QTest::newRow("all-zero") << u"00000000"_s << QString() << QString();
    QTest::newRow("empty") << QString() << QString() << QString();
    QTest::newRow("too-long") << u"3ba55609c3cde49649cd77d1f9dcd9360"_s << QString() << QString();
    QTest::newRow("not-hex") << u"xyz"_s << QString() << QString();
    QTest::newRow("dash-from-log") << u"-"_s << QString() << QString();
}

void TestTraceModel::traceId()
{
    QFETCH(QString, input);
    QFETCH(QString, key);
    QFETCH(QString, urlForm);
    const JaegerTraceId id = JaegerTraceId::fromString(input);
    QCOMPARE(id.isValid(), !key.isEmpty());
    QCOMPARE(id.key(), key);
    QCOMPARE(id.toUrlForm(), urlForm);
}

void TestTraceModel::spanId_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("normalised");
    QTest::newRow("hex") << u"49CD77D1F9DCD936"_s << u"49cd77d1f9dcd936"_s;
    QTest::newRow("short-hex") << u"2"_s << u"0000000000000002"_s;
    QTest::newRow("base64") << u"Sc130fnc2TY="_s << u"49cd77d1f9dcd936"_s;
    QTest::newRow("junk-kept") << u"Not An Id"_s << u"not an id"_s;
}

void TestTraceModel::spanId()
{
    QFETCH(QString, input);
    QFETCH(QString, normalised);
    QCOMPARE(normaliseSpanId(input), normalised);
}

void TestTraceModel::isError_data()
{
    QTest::addColumn<QList<SpanTag>>("tags");
    QTest::addColumn<bool>("error");
    QTest::addColumn<int>("status");
    using T = SpanTag::Type;
    QTest::newRow("no-tags") << QList<SpanTag>{} << false << 0;
    QTest::newRow("error-bool") << QList<SpanTag>{{u"error"_s, T::Bool, true}} << true << 0;
    QTest::newRow("error-false") << QList<SpanTag>{{u"error"_s, T::Bool, false}} << false << 0;
    QTest::newRow("error-string") << QList<SpanTag>{{u"error"_s, T::String, u"true"_s}} << true
                                  << 0;
    QTest::newRow("istio-503-string")
        << QList<SpanTag>{{u"http.status_code"_s, T::String, u"503"_s}} << true << 503;
    QTest::newRow("int64-500") << QList<SpanTag>{{u"http.status_code"_s, T::Int64, qint64(500)}}
                               << true << 500;
    QTest::newRow("404-is-not-an-error")
        << QList<SpanTag>{{u"http.status_code"_s, T::String, u"404"_s}} << false << 404;
    QTest::newRow("otel-status") << QList<SpanTag>{{u"otel.status_code"_s, T::String, u"ERROR"_s}}
                                 << true << 0;
    QTest::newRow("otel-semconv-status")
        << QList<SpanTag>{{u"http.response.status_code"_s, T::Int64, qint64(502)}} << true << 502;
    QTest::newRow("garbage-status")
        << QList<SpanTag>{{u"http.status_code"_s, T::String, u"5xx"_s}} << false << 0;
}

void TestTraceModel::isError()
{
    QFETCH(QList<SpanTag>, tags);
    QFETCH(bool, error);
    QFETCH(int, status);
    Span span;
    span.tags = tags;
    QCOMPARE(span.isError(), error);
    QCOMPARE(span.httpStatus(), status);
}

void TestTraceModel::responseFlags()
{
    Span span;
    QCOMPARE(span.responseFlags(), QString());
    span.tags = {{u"response_flags"_s, SpanTag::Type::String, u"-"_s}};
    QCOMPARE(span.responseFlags(), QString());
    span.tags = {{u"response_flags"_s, SpanTag::Type::String, u"UF,URX"_s}};
    QCOMPARE(span.responseFlags(), u"UF,URX"_s);
}

void TestTraceModel::traceSummary()
{
    Trace t;
    QCOMPARE(t.startUs(), 0);
    QCOMPARE(t.durationUs(), 0);
    Span a;
    a.spanId = u"0000000000000001"_s;
    a.serviceName = u"late"_s;
    a.startUs = 200;
    a.durationUs = 50;
    Span b;
    b.spanId = u"0000000000000002"_s;
    b.serviceName = u"early"_s;
    b.startUs = 100;
    b.durationUs = 10;
    b.tags = {{u"error"_s, SpanTag::Type::Bool, true}};
    t.spans = {a, b, a};
    QCOMPARE(t.startUs(), 100);
    QCOMPARE(t.endUs(), 250);
    QCOMPARE(t.services(), (QStringList{u"early"_s, u"late"_s}));
    QCOMPARE(t.errorCount(), 1);
    QCOMPARE(t.indexOf(u"2"_s), 1);
    QCOMPARE(t.indexOf(u"9"_s), -1);
}

void TestTraceModel::uiTraceUrl_data()
{
    QTest::addColumn<QUrl>("base");
    QTest::addColumn<QString>("expected");
    QTest::newRow("istio-addon")
        << QUrl(u"http://localhost:16686/jaeger"_s)
        << u"http://localhost:16686/jaeger/trace/3ba55609c3cde49649cd77d1f9dcd936?uiEmbed=v0&"
           u"uiTimelineCollapseTitle=1&uiTimelineHideMinimap=1"_s;
    QTest::newRow("trailing-slash")
        << QUrl(u"http://127.0.0.1:8080/"_s)
        << u"http://127.0.0.1:8080/trace/3ba55609c3cde49649cd77d1f9dcd936?uiEmbed=v0&"
           u"uiTimelineCollapseTitle=1&uiTimelineHideMinimap=1"_s;
}

void TestTraceModel::uiTraceUrl()
{
    QFETCH(QUrl, base);
    QFETCH(QString, expected);
    const QUrl url = jaegerurls::uiTrace(
        base, JaegerTraceId::fromString(u"3ba55609c3cde49649cd77d1f9dcd936"_s), {});
    QCOMPARE(url.toString(), expected);
    QVERIFY(!url.toString().contains(u"uiTheme"_s));  // no Jaeger UI knows it
}

void TestTraceModel::uiRoute_data()
{
    QTest::addColumn<QUrl>("base");
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("traceId");
    QTest::addColumn<bool>("embedded");
    const QUrl jaeger(u"http://127.0.0.1:16686/jaeger"_s);
    using K = jaegerurls::UiRoute::Kind;
    QTest::newRow("embedded-trace")
        << jaeger << QUrl(u"http://127.0.0.1:16686/jaeger/trace/3ba55609c3cde496?uiEmbed=v0"_s)
        << int(K::Trace) << u"3ba55609c3cde496"_s << true;
    QTest::newRow("search-result-clicked")
        << jaeger << QUrl(u"http://127.0.0.1:16686/jaeger/trace/abc123"_s) << int(K::Trace)
        << u"abc123"_s << false;
    QTest::newRow("compare") << jaeger << QUrl(u"http://127.0.0.1:16686/jaeger/trace/abc...def"_s)
                             << int(K::Other) << QString() << false;
    QTest::newRow("search") << jaeger << QUrl(u"http://127.0.0.1:16686/jaeger/search?uiEmbed=v0"_s)
                            << int(K::Search) << QString() << true;
    QTest::newRow("dependencies") << jaeger << QUrl(u"http://127.0.0.1:16686/jaeger/dependencies"_s)
                                  << int(K::Other) << QString() << false;
    QTest::newRow("outside-base-path") << jaeger << QUrl(u"http://127.0.0.1:16686/trace/abc"_s)
                                       << int(K::Other) << QString() << false;
    QTest::newRow("no-base-path") << QUrl(u"http://127.0.0.1:16686"_s)
                                  << QUrl(u"http://127.0.0.1:16686/trace/ABC?uiEmbed=v1"_s)
                                  << int(K::Trace) << u"ABC"_s << false;
    QTest::newRow("not-an-id") << jaeger << QUrl(u"http://127.0.0.1:16686/jaeger/trace/xyz"_s)
                               << int(K::Other) << QString() << false;
}

void TestTraceModel::uiRoute()
{
    QFETCH(QUrl, base);
    QFETCH(QUrl, url);
    QFETCH(int, kind);
    QFETCH(QString, traceId);
    QFETCH(bool, embedded);
    const jaegerurls::UiRoute route = jaegerurls::parseUiRoute(base, url);
    QCOMPARE(int(route.kind), kind);
    QCOMPARE(route.traceId, traceId);
    QCOMPARE(route.embedded, embedded);
}

void TestTraceModel::uiSearchUrl()
{
    TraceQuery q;
    q.service = u"productpage.bookinfo"_s;
    q.operation = u"GET /a b"_s;
    q.lookback = std::chrono::hours(2);
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(1701779876000, Qt::UTC);
    const QUrl url = jaegerurls::uiSearch(QUrl(u"http://localhost:16686/jaeger"_s), q, now, {});
    QCOMPARE(url.path(), u"/jaeger/search"_s);
    const QUrlQuery query(url);
    QCOMPARE(query.queryItemValue(u"service"_s), u"productpage.bookinfo"_s);
    QCOMPARE(query.queryItemValue(u"operation"_s, QUrl::FullyDecoded), u"GET /a b"_s);
    QCOMPARE(query.queryItemValue(u"lookback"_s), u"2h"_s);
    QCOMPARE(query.queryItemValue(u"limit"_s), u"20"_s);
    QCOMPARE(query.queryItemValue(u"end"_s), u"1701779876000000"_s);
    QCOMPARE(query.queryItemValue(u"start"_s), u"1701772676000000"_s);
    QCOMPARE(query.queryItemValue(u"uiEmbed"_s), u"v0"_s);
    QCOMPARE(query.queryItemValue(u"uiSearchHideGraph"_s), u"1"_s);
}

void TestTraceModel::apiUrls()
{
    const QUrl base(u"http://localhost:16686/jaeger/"_s);
    const JaegerTraceId id = JaegerTraceId::fromString(u"463ac35c9f6413ad"_s);
    QCOMPARE(jaegerurls::v1Services(base).toString(),
             u"http://localhost:16686/jaeger/api/services"_s);
    QCOMPARE(jaegerurls::v1Operations(base, u"a/b c"_s).toString(QUrl::FullyEncoded),
             u"http://localhost:16686/jaeger/api/services/a%2Fb%20c/operations"_s);
    QCOMPARE(jaegerurls::v1Trace(base, id).path(), u"/jaeger/api/traces/463ac35c9f6413ad"_s);
    QCOMPARE(jaegerurls::v3Trace(base, id).path(),
             u"/jaeger/api/v3/traces/0000000000000000463ac35c9f6413ad"_s);
    QCOMPARE(jaegerurls::v3Services(QUrl(u"http://h:1"_s)).toString(),
             u"http://h:1/api/v3/services"_s);
    QCOMPARE(jaegerurls::forwardedBase(u"127.0.0.1"_s, 40123).toString(),
             u"http://127.0.0.1:40123"_s);
    QCOMPARE(jaegerurls::forwardedBase(u"::1"_s, 40123).toString(), u"http://[::1]:40123"_s);
    QCOMPARE(jaegerurls::forwardedBase(QString(), 16686).toString(), u"http://127.0.0.1:16686"_s);
    QCOMPARE(jaegerurls::v3Operations(base, u"svc"_s).toString(),
             u"http://localhost:16686/jaeger/api/v3/operations?service=svc"_s);
}

void TestTraceModel::v1SearchEncodesTags()
{
    TraceQuery q;
    q.service = u"reviews.bookinfo"_s;
    q.tags = {{u"guid:x-request-id"_s, u"a+b"_s}};
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(1701779876000, Qt::UTC);
    const QUrl url = jaegerurls::v1Search(QUrl(u"http://h:1"_s), q, now);
    const QByteArray encoded = url.toEncoded();
    // '+' must not reach Go's parser raw (it would read a space).
    QVERIFY2(encoded.contains("tags=%7B%22guid%3Ax-request-id%22%3A%22a%2Bb%22%7D"),
             encoded.constData());
    QCOMPARE(QUrlQuery(url).queryItemValue(u"tags"_s, QUrl::FullyDecoded),
             uR"({"guid:x-request-id":"a+b"})"_s);
    QCOMPARE(QUrlQuery(url).queryItemValue(u"service"_s), u"reviews.bookinfo"_s);
}

void TestTraceModel::v3Search()
{
    TraceQuery q;
    q.service = u"frontend"_s;
    q.tags = {{u"guid:x-request-id"_s, u"r1"_s}};
    q.limit = 7;
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(1701779876123, Qt::UTC);
    const QUrlQuery query(jaegerurls::v3Search(QUrl(u"http://h:1"_s), q, now));
    QCOMPARE(query.queryItemValue(u"query.serviceName"_s), u"frontend"_s);
    QCOMPARE(query.queryItemValue(u"query.startTimeMax"_s, QUrl::FullyDecoded),
             u"2023-12-05T12:37:56.123Z"_s);
    QCOMPARE(query.queryItemValue(u"query.startTimeMin"_s, QUrl::FullyDecoded),
             u"2023-12-05T11:37:56.123Z"_s);
    QCOMPARE(query.queryItemValue(u"query.searchDepth"_s), u"7"_s);
    QCOMPARE(query.queryItemValue(u"query.attributes"_s, QUrl::FullyDecoded),
             uR"({"guid:x-request-id":"r1"})"_s);
}

QTEST_GUILESS_MAIN(TestTraceModel)
#include "tst_tracemodel.moc"
