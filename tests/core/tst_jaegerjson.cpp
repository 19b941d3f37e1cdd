#include "core/tracing/JaegerJson.h"

#include <QFile>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {
QByteArray readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}
QByteArray fixture(const char* name)
{
    return readFile(QStringLiteral(OBSLAB_FIXTURES_DIR "/") + QString::fromLatin1(name));
}
}  // namespace

class TestJaegerJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void istioTraceV1();
    void everyTagType();
    void envelopeWithDuplicateSpans();
    void otlpFromKialiMatchesV1();
    void otlpFromApiV3();
    void documentShapes_data();
    void documentShapes();
    void ugly_data();
    void ugly();
    void nameLists_data();
    void nameLists();
    void apiErrors_data();
    void apiErrors();
    void html_data();
    void html();
};

void TestJaegerJson::istioTraceV1()
{
    const auto traces = jaegerjson::parseV1Traces(fixture("jaeger-trace.json"));
    QVERIFY(traces.ok());
    QCOMPARE(traces->size(), 1);
    const Trace& t = traces->first();
    QCOMPARE(t.traceId, u"3ba55609c3cde49649cd77d1f9dcd936"_s);
    QCOMPARE(t.spans.size(), 4);
    const Span& root = t.spans.first();
    QCOMPARE(root.spanId, u"49cd77d1f9dcd936"_s);
    QCOMPARE(root.serviceName, u"istio-ingressgateway.istio-system"_s);
    QCOMPARE(root.kind, SpanKind::Client);
    QCOMPARE(root.startUs, 1701779876570888);
    QCOMPARE(root.durationUs, 11932);
    QCOMPARE(root.httpStatus(), 200);
    QVERIFY(!root.isError());
    QCOMPARE(root.requestId(), u"e4e8c177-3962-9359-945e-61e7175cd867"_s);
    QCOMPARE(root.upstreamCluster(), u"outbound|9080||productpage.bookinfo.svc.cluster.local"_s);
    QCOMPARE(root.responseFlags(), QString());  // "-" means none
    QCOMPARE(root.logs.size(), 1);
    QCOMPARE(root.logs.first().fields.first().text(), u"cr"_s);
    QCOMPARE(t.spans[1].references.first().spanId, root.spanId);
    QCOMPARE(t.spans[1].kind, SpanKind::Server);
}

void TestJaegerJson::everyTagType()
{
    const auto traces = jaegerjson::parseV1Traces(fixture("jaeger-ui-model-trace-ui_01.json"));
    QVERIFY(traces.ok());
    const Trace& t = traces->first();
    QCOMPARE(t.spans.size(), 5);
    QCOMPARE(t.warnings, QStringList{u"some trace warning"_s});
    const Span& s = t.spans[1];
    QCOMPARE(s.serviceName, u"service-x"_s);
    QCOMPARE(s.tag(u"peer.ipv4")->type, SpanTag::Type::Int64);
    QCOMPARE(s.tag(u"peer.ipv4")->value.toLongLong(), 23456);
    QCOMPARE(s.tag(u"error")->type, SpanTag::Type::Bool);
    QCOMPARE(s.tag(u"error")->text(), u"true"_s);
    QVERIFY(s.isError());
    QCOMPARE(s.tag(u"temperature")->type, SpanTag::Type::Float64);
    QCOMPARE(s.tag(u"temperature")->text(), u"72.5"_s);
    // Beyond 2^53: Jaeger sends a string, we keep every digit.
    QCOMPARE(s.tag(u"javascript_limit")->type, SpanTag::Type::Int64);
    QCOMPARE(s.tag(u"javascript_limit")->text(), u"9223372036854775222"_s);
    QCOMPARE(s.tag(u"blob")->type, SpanTag::Type::Binary);
    QCOMPARE(s.tag(u"blob")->text(), u"AAAwOQ=="_s);
    const Span& refs = t.spans[3];
    QCOMPARE(refs.references.size(), 3);
    QCOMPARE(refs.references[2].type, SpanReference::Type::FollowsFrom);
    QCOMPARE(refs.references[0].traceId, u"00000000000000ff"_s);
    QCOMPARE(refs.warnings, QStringList{u"some span warning"_s});
    QCOMPARE(t.spans[0].logs.size(), 2);
}

void TestJaegerJson::envelopeWithDuplicateSpans()
{
    const auto traces =
        jaegerjson::parseV1Traces(fixture("jaeger-api-v1-envelope-otlp2jaeger-out.json"));
    QVERIFY(traces.ok());
    QCOMPARE(traces->first().spans.size(), 2);
    QCOMPARE(traces->first().spans[0].spanId, traces->first().spans[1].spanId);
}

void TestJaegerJson::otlpFromKialiMatchesV1()
{
    const auto otlp = jaegerjson::parseOtlpTraces(fixture("kiali-istio-bookinfo-trace-otlp.json"));
    const auto v1 = jaegerjson::parseV1Traces(fixture("jaeger-trace-bookinfo-8spans.json"));
    QVERIFY(otlp.ok());
    QVERIFY(v1.ok());
    QCOMPARE(otlp->size(), 1);
    const Trace& a = otlp->first();
    const Trace& b = v1->first();
    QCOMPARE(a.traceId, b.traceId);  // base64 ids decoded to Jaeger's hex
    QCOMPARE(a.spans.size(), b.spans.size());
    for (const Span& sb : b.spans) {
        const int i = a.indexOf(sb.spanId);
        QVERIFY2(i >= 0, qPrintable(sb.spanId));
        const Span& sa = a.spans[i];
        QCOMPARE(sa.serviceName, sb.serviceName);
        QCOMPARE(sa.operationName, sb.operationName);
        QCOMPARE(sa.startUs, sb.startUs);
        QCOMPARE(sa.durationUs, sb.durationUs);
        QCOMPARE(sa.kind, sb.kind);
        QCOMPARE(sa.requestId(), sb.requestId());
        QCOMPARE(sa.references.isEmpty(), sb.references.isEmpty());
        if (!sb.references.isEmpty())
            QCOMPARE(sa.references.first().spanId, sb.references.first().spanId);
        QCOMPARE(sa.logs.size(), 1);
        QCOMPARE(sa.logs.first().fields.first().text(), sb.logs.first().fields.first().text());
    }
}

void TestJaegerJson::otlpFromApiV3()
{
    const auto traces = jaegerjson::parseOtlpTraces(fixture("jaeger-api-v3-GetTrace.json"));
    QVERIFY(traces.ok());
    const Span& s = traces->first().spans.first();
    QCOMPARE(traces->first().traceId, u"00000000000000000000000000000001"_s);
    QCOMPARE(s.spanId, u"0000000000000002"_s);
    QCOMPARE(s.kind, SpanKind::Server);
    QCOMPARE(s.serviceName, u"unknown_service"_s);
    QVERIFY(s.isError());  // status.code 2 = ERROR
}

void TestJaegerJson::documentShapes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("traces");
    QTest::addColumn<int>("spans");
    QTest::newRow("v1-envelope") << fixture("jaeger-trace-bookinfo-8spans.json") << 1 << 8;
    QTest::newRow("v1-bare-trace") << fixture("jaeger-ui-model-trace-ui_01.json") << 1 << 5;
    QTest::newRow("v1-array")
        << QByteArray(R"([{"traceID":"1","spans":[{"spanID":"2"}]},{"traceID":"3","spans":[]}])")
        << 2 << 1;
    QTest::newRow("otlp-batches") << fixture("kiali-istio-bookinfo-trace-otlp.json") << 1 << 8;
    QTest::newRow("otlp-v3-result") << fixture("jaeger-api-v3-FindTraces.json") << 1 << 1;
    QTest::newRow("otlp-resourceSpans-two-traces")
        << QByteArray(
               R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},
            "instrumentationLibrarySpans":[{"spans":[
              {"traceId":"01","spanId":"02","name":"x","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":1000,"endTimeUnixNano":"5000",
               "links":[{"traceId":"01","spanId":"09"}],
               "attributes":[{"key":"n","value":{"intValue":"7"}},{"key":"d","value":{"doubleValue":1.5}},
                             {"key":"b","value":{"boolValue":true}},{"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"q"}]}}},
                             {"key":"raw","value":{"bytesValue":"AAE="}}]},
              {"traceId":"03","spanId":"04","name":"y"}]}]}]})")
        << 2 << 1;
    QTest::newRow("v1-empty-data") << QByteArray(R"({"data":[],"errors":null})") << 0 << 0;
}

void TestJaegerJson::documentShapes()
{
    QFETCH(QByteArray, json);
    QFETCH(int, traces);
    QFETCH(int, spans);
    const auto result = jaegerjson::parseTraceDocument(json);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(result->size(), traces);
    if (traces > 0)
        QCOMPARE(result->first().spans.size(), spans);
    if (QByteArray(QTest::currentDataTag()) == "otlp-resourceSpans-two-traces") {
        const Span& s = result->first().spans.first();
        QCOMPARE(s.durationUs, 4);
        QCOMPARE(s.tag(u"n")->value.toLongLong(), 7);
        QCOMPARE(s.tag(u"d")->text(), u"1.5"_s);
        QCOMPARE(s.tag(u"b")->text(), u"true"_s);
        QCOMPARE(s.tag(u"arr")->text(), uR"({"values":[{"stringValue":"q"}]})"_s);
        QCOMPARE(s.tag(u"raw")->type, SpanTag::Type::Binary);
        QCOMPARE(s.references.first().type, SpanReference::Type::FollowsFrom);
        QCOMPARE(s.references.first().spanId, u"0000000000000009"_s);
    }
}

void TestJaegerJson::ugly_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("spans");
    QTest::newRow("empty") << QByteArray() << false << 0;
    QTest::newRow("truncated-json") << fixture("jaeger-trace.json").left(500) << false << 0;
    QTest::newRow("invalid-utf8") << QByteArray(
                                         "{\"data\":[{\"traceID\":\"\xff\xfe\",\"spans\":[]}]}")
                                  << false << 0;
    QTest::newRow("html-page") << QByteArray("<!doctype html><html></html>") << false << 0;
    QTest::newRow("json-number") << QByteArray("42") << false << 0;
    QTest::newRow("jaeger-error-envelope")
        << QByteArray(R"({"data":null,"errors":[{"code":404,"msg":"trace not found"}]})") << false
        << 0;
    QTest::newRow("spans-not-array")
        << QByteArray(R"({"traceID":"1","spans":{"a":1}})") << true << 0;
    QTest::newRow("wrong-types-everywhere")
        << QByteArray(
               R"({"traceID":7,"spans":[{"spanID":[],"startTime":"x","duration":{},"tags":"no",
              "logs":[1,{"timestamp":1e308}],"references":[{"spanID":null}],"processID":3,"warnings":[1]}]})")
        << true << 1;
    QTest::newRow("huge-and-negative-times")
        << QByteArray(R"({"spans":[{"spanID":"1","startTime":1e300,"duration":-5},
                                   {"spanID":"2","startTime":-9e18,"duration":9.2e18},
                                   {"spanID":"3","startTime":"99999999999999999999","duration":"NaN"}]})")
        << true << 3;
    QTest::newRow("otlp-garbage")
        << QByteArray(
               R"({"resourceSpans":[1,{"scopeSpans":[{"spans":[{"startTimeUnixNano":"-1","endTimeUnixNano":1e308,
              "kind":99,"status":{"code":"x"},"events":[2],"attributes":[{"key":"k","value":{}}]}]}]}]})")
        << true << 1;
}

void TestJaegerJson::ugly()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, ok);
    QFETCH(int, spans);
    const auto result = jaegerjson::parseTraceDocument(json);
    QCOMPARE(result.ok(), ok);
    if (!ok) {
        QVERIFY(!result.error().message.isEmpty());
        return;
    }
    int count = 0;
    for (const Trace& t : *result) {
        count += int(t.spans.size());
        for (const Span& s : t.spans) {
            QVERIFY(s.startUs >= 0);
            QVERIFY(s.durationUs >= 0);
            QVERIFY(s.endUs() >= s.startUs);
        }
    }
    QCOMPARE(count, spans);
}

void TestJaegerJson::nameLists_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("v1-services") << QByteArray(R"({"data":["a","b"],"total":2})")
                                 << QStringList{u"a"_s, u"b"_s};
    QTest::newRow("v1-operations-objects")
        << QByteArray(R"({"data":[{"name":"GET /","spanKind":"server"},{"spanKind":"x"}]})")
        << QStringList{u"GET /"_s};
    QTest::newRow("v1-null-data") << QByteArray(R"({"data":null,"total":0})") << QStringList{};
    QTest::newRow("v3-services") << fixture("jaeger-api-v3-GetServices.json")
                                 << QStringList{u"foo"_s};
    QTest::newRow("v3-operations")
        << fixture("jaeger-api-v3-GetOperations.json") << QStringList{u"get_users"_s};
}

void TestJaegerJson::nameLists()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, names);
    const auto result = jaegerjson::parseNameList(json);
    QVERIFY(result.ok());
    QCOMPARE(*result, names);
    QVERIFY(!jaegerjson::parseNameList("{\"status\":1}").ok());
    QVERIFY(!jaegerjson::parseNameList("[").ok());
}

void TestJaegerJson::apiErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("code");
    QTest::newRow("v1-404")
        << QByteArray(
               R"({"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]})"
               "\n")
        << u"trace not found"_s << 404;
    QTest::newRow("v1-400")
        << QByteArray(R"({"errors":[{"code":400,"msg":"parameter 'service' is required"}]})")
        << u"parameter 'service' is required"_s << 400;
    QTest::newRow("v3-404") << QByteArray(
                                   R"({"error":{"httpCode":404,"message":"No traces found"}})")
                            << u"No traces found"_s << 404;
    QTest::newRow("go-404-text") << QByteArray("404 page not found\n") << QString() << 0;
    QTest::newRow("success") << fixture("jaeger-trace.json") << QString() << 0;
}

void TestJaegerJson::apiErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QFETCH(int, code);
    QCOMPARE(jaegerjson::apiErrorMessage(body), message);
    QCOMPARE(jaegerjson::apiErrorCode(body), code);
}

void TestJaegerJson::html_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("isHtml");
    QTest::addColumn<QString>("basePath");
    QTest::newRow("jaeger-1x-index")
        << QByteArray("<!doctype html><html lang=\"en\"><head><base href=\"/jaeger/\" "
                      "data-inject-target=\"BASE_URL\"/></head></html>")
        << true << u"/jaeger"_s;
    QTest::newRow("root-base") << QByteArray(
                                      "\n  <!DOCTYPE html><html><head><base href=\"/\"></head>")
                               << true << QString();
    QTest::newRow("no-base") << QByteArray("<html><body>hi</body></html>") << true << QString();
    QTest::newRow("json") << QByteArray(R"({"data":[]})") << false << QString();
    QTest::newRow("empty") << QByteArray() << false << QString();
}

void TestJaegerJson::html()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, isHtml);
    QFETCH(QString, basePath);
    QCOMPARE(jaegerjson::looksLikeHtml(body), isHtml);
    QCOMPARE(jaegerjson::htmlBasePath(body), basePath);
}

QTEST_GUILESS_MAIN(TestJaegerJson)
#include "tst_jaegerjson.moc"
