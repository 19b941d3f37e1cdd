#include "CannedHttpServer.h"
#include "core/tracing/JaegerClient.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;
using obslab::test::CannedHttpServer;
using Status = JaegerReply::Status;

namespace {

QByteArray fixture(const char* name)
{
    QFile f(QStringLiteral(OBSLAB_FIXTURES_DIR "/") + QString::fromLatin1(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return f.readAll();
}

const QByteArray kServicesV1 =
    R"({"data":["istio-ingressgateway.istio-system","productpage.bookinfo"],"total":2,"limit":0,"offset":0,"errors":null})";
const QByteArray kTraceNotFound =
    R"({"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]})"
    "\n";
const QString kTraceId = u"3ba55609c3cde49649cd77d1f9dcd936"_s;
const QString kRequestId = u"e4e8c177-3962-9359-945e-61e7175cd867"_s;

// Waits for the reply (signal-driven, never a fixed sleep) and returns its status.
Status await(JaegerReply* reply, int timeoutMs = 10000)
{
    QSignalSpy spy(reply, &JaegerReply::finished);
    if (!reply->isFinished())
        spy.wait(timeoutMs);
    return reply->status();
}

}  // namespace

Q_DECLARE_METATYPE(obslab::test::CannedHttpServer::Response)

class TestJaegerClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void servicesFromBareUrl();
    void discovery_data();
    void discovery();
    void discoveryIsCached();
    void failures_data();
    void failures();
    void refused();
    void slowButInTime();
    void timeout();
    void traceById();
    void traceById64Bit();
    void unknownTraceId();
    void badTraceBodies_data();
    void badTraceBodies();
    void invalidTraceId();
    void traceFallsBackToV3_data();
    void traceFallsBackToV3();
    void searchFallsBackToV3_data();
    void searchFallsBackToV3();
    void searchRemovedButServicesKept();
    void operationsV3();
    void requestIdWithService();
    void requestIdAllServices();
    void requestIdV3();
    void requestIdNotFound();
    void abortIgnoresLateAnswer();
    void defaultBaseUrl();

private:
    std::unique_ptr<CannedHttpServer> server_;
    std::unique_ptr<JaegerClient> client_;
};

void TestJaegerClient::init()
{
    server_ = std::make_unique<CannedHttpServer>();
    QVERIFY(server_->listen());
    client_ = std::make_unique<JaegerClient>();
    client_->setBaseUrl(server_->url());
    client_->setTimeout(std::chrono::milliseconds(5000));
}

void TestJaegerClient::servicesFromBareUrl()
{
    server_->on(u"/api/services"_s, CannedHttpServer::json(kServicesV1));
    QSignalSpy resolved(client_.get(), &JaegerClient::baseUrlResolved);
    JaegerReply* reply = client_->services();
    QVERIFY(!reply->isFinished());
    QCOMPARE(await(reply), Status::Ok);
    QCOMPARE(reply->names(),
             (QStringList{u"istio-ingressgateway.istio-system"_s, u"productpage.bookinfo"_s}));
    QCOMPARE(resolved.count(), 1);
    QCOMPARE(client_->resolvedBaseUrl(), server_->url());
    QVERIFY(client_->hasV1Search());
}

// Each row: what the bare URL answers at /api/services, and where the API really is.
void TestJaegerClient::discovery_data()
{
    QTest::addColumn<int>("bareKind");  // 0 = HTML 200 (Jaeger 1.x), 1 = Go 404 (Jaeger 2.x)
    QTest::addColumn<QString>("expectedPath");
    QTest::newRow("jaeger1-html-200-retries-with-prefix") << 0 << u"/jaeger"_s;
    QTest::newRow("jaeger2-plain-404-retries-with-prefix") << 1 << u"/jaeger"_s;
}

void TestJaegerClient::discovery()
{
    QFETCH(int, bareKind);
    QFETCH(QString, expectedPath);
    server_->setFallback([bareKind](const CannedHttpServer::Request&) {
        return bareKind == 0 ? CannedHttpServer::html() : CannedHttpServer::goNotFound();
    });
    server_->on(u"/jaeger/api/services"_s, CannedHttpServer::json(kServicesV1));
    JaegerReply* reply = client_->services();
    QCOMPARE(await(reply), Status::Ok);
    QCOMPARE(reply->names().size(), 2);
    QCOMPARE(client_->resolvedBaseUrl().path(), expectedPath);
    QCOMPARE(server_->requestedPaths().first(), u"/api/services"_s);
    QVERIFY(server_->requestedPaths().contains(u"/jaeger/api/services"_s));
}

void TestJaegerClient::discoveryIsCached()
{
    server_->setFallback([](const CannedHttpServer::Request&) { return CannedHttpServer::html(); });
    server_->on(u"/jaeger/api/services"_s, CannedHttpServer::json(kServicesV1));
    QCOMPARE(await(client_->services()), Status::Ok);
    const qsizetype before = server_->requests().size();
    QCOMPARE(await(client_->services()), Status::Ok);
    QCOMPARE(server_->requests().size(), before + 1);  // no second probe
    QCOMPARE(server_->requestedPaths().last(), u"/jaeger/api/services"_s);
}

void TestJaegerClient::failures_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<Status>("expected");
    QTest::addColumn<QString>("hintContains");
    QTest::newRow("html-200-everywhere")
        << CannedHttpServer::html().body << 200 << QByteArray("text/html")
        << Status::HtmlInsteadOfJson << u"/jaeger"_s;
    QTest::newRow("malformed-json")
        << QByteArray(R"({"data":["a",)") << 200 << QByteArray("application/json")
        << Status::MalformedJson << u"query service"_s;
    QTest::newRow("json-but-not-jaeger")
        << QByteArray(R"({"status":"ok"})") << 200 << QByteArray("application/json")
        << Status::MalformedJson << u"collector"_s;
    QTest::newRow("404-everywhere")
        << QByteArray("404 page not found\n") << 404 << QByteArray("text/plain")
        << Status::NoQueryApi << u"svc/tracing"_s;
    QTest::newRow("empty-body-200") << QByteArray() << 200 << QByteArray("application/json")
                                    << Status::MalformedJson << u"query service"_s;
}

void TestJaegerClient::failures()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(Status, expected);
    QFETCH(QString, hintContains);
    server_->setFallback([=](const CannedHttpServer::Request&) {
        CannedHttpServer::Response r;
        r.status = status;
        r.body = body;
        r.contentType = contentType;
        return r;
    });
    JaegerReply* reply = client_->trace(JaegerTraceId::fromString(kTraceId));
    QCOMPARE(await(reply), expected);
    QVERIFY(!reply->error().message.isEmpty());
    QVERIFY2(reply->error().hint.contains(hintContains), qPrintable(reply->error().hint));
}

void TestJaegerClient::refused()
{
    const QUrl url = server_->url();
    server_->close();  // the port is now free: connecting is refused
    client_->setBaseUrl(url);
    JaegerReply* reply = client_->services();
    QCOMPARE(await(reply), Status::ConnectionRefused);
    QVERIFY(reply->error().message.contains(u"refused"_s));
    QVERIFY(reply->error().hint.contains(u"port-forward"_s));
    // Not cached: once something listens again, the next call succeeds.
    CannedHttpServer again;
    QVERIFY(again.listen());
    again.on(u"/api/services"_s, CannedHttpServer::json(kServicesV1));
    client_->setBaseUrl(again.url());
    QCOMPARE(await(client_->services()), Status::Ok);
}

void TestJaegerClient::slowButInTime()
{
    CannedHttpServer::Response slow = CannedHttpServer::json(kServicesV1);
    slow.delayMs = 300;
    server_->on(u"/api/services"_s, slow);
    client_->setTimeout(std::chrono::milliseconds(4000));
    QCOMPARE(await(client_->services()), Status::Ok);
}

void TestJaegerClient::timeout()
{
    CannedHttpServer::Response never;
    never.never = true;
    server_->on(u"/api/services"_s, never);
    client_->setTimeout(std::chrono::milliseconds(300));
    JaegerReply* reply = client_->services();
    QCOMPARE(await(reply), Status::Timeout);
    QVERIFY(reply->error().message.contains(u"did not answer"_s));
    QVERIFY(reply->error().hint.contains(u"port-forward"_s));
}

void TestJaegerClient::traceById()
{
    server_->on(u"/api/services"_s, CannedHttpServer::json(kServicesV1));
    server_->on(u"/api/traces/"_s + kTraceId, CannedHttpServer::json(fixture("jaeger-trace.json")));
    JaegerReply* reply = client_->trace(JaegerTraceId::fromString(kTraceId.toUpper()));
    QCOMPARE(await(reply), Status::Ok);
    QCOMPARE(reply->traces().size(), 1);
    QCOMPARE(reply->traces().first().spans.size(), 4);
    QCOMPARE(reply->url().path(), u"/api/traces/"_s + kTraceId);
}

void TestJaegerClient::traceById64Bit()
{
    server_->on(u"/api/services"_s, CannedHttpServer::json(kServicesV1));
    server_->on(u"/api/traces/463ac35c9f6413ad"_s,
                CannedHttpServer::json(fixture("jaeger-trace.json")));
    // A B3 64-bit id from a log, as Jaeger's 128-bit key: asked for in Jaeger's 16-char form.
    JaegerReply* reply =
        client_->trace(JaegerTraceId::fromString(u"0000000000000000463AC35C9F6413AD"_s));
    QCOMPARE(await(reply), Status::Ok);
}

void TestJaegerClient::unknownTraceId()
{
    server_->on(u"/api/services"_s, CannedHttpServer::json(kServicesV1));
    server_->on(u"/api/traces/00000000000000ab"_s, CannedHttpServer::json(kTraceNotFound, 404));
    JaegerReply* reply = client_->trace(JaegerTraceId::fromString(u"ab"_s));
    QCOMPARE(await(reply), Status::NotFound);
    QVERIFY(reply->error().message.contains(u"00000000000000ab"_s));
    QVERIFY(reply->error().hint.contains(u"sampled"_s));
    QVERIFY(reply->error().hint.contains(u"traffic"_s));
}

void TestJaegerClient::badTraceBodies_data()
{
    QTest::addColumn<CannedHttpServer::Response>("response");
    QTest::addColumn<Status>("expected");
    QTest::newRow("truncated-json")
        << CannedHttpServer::json(R"({"data":[{"traceID":)") << Status::MalformedJson;
    QTest::newRow("invalid-utf8") << CannedHttpServer::json("\xff\xfe{\x80}")
                                  << Status::MalformedJson;
    QTest::newRow("html-200") << CannedHttpServer::html() << Status::HtmlInsteadOfJson;
    QTest::newRow("empty-data") << CannedHttpServer::json(R"({"data":[],"errors":null})")
                                << Status::NotFound;
    QTest::newRow("server-error-500")
        << CannedHttpServer::json(R"({"data":null,"errors":[{"code":500,"msg":"storage down"}]})",
                                  500)
        << Status::HttpError;
}

void TestJaegerClient::badTraceBodies()
{
    QFETCH(CannedHttpServer::Response, response);
    QFETCH(Status, expected);
    server_->on(u"/api/services"_s, CannedHttpServer::json(kServicesV1));
    server_->on(u"/api/traces/"_s + kTraceId, response);
    JaegerReply* reply = client_->trace(JaegerTraceId::fromString(kTraceId));
    QCOMPARE(await(reply), expected);
    QVERIFY(!reply->error().message.isEmpty());
}

void TestJaegerClient::invalidTraceId()
{
    JaegerReply* reply = client_->trace(JaegerTraceId::fromString(u"not-a-trace"_s));
    QVERIFY(!reply->isFinished());  // reported later, so the caller can connect first
    QCOMPARE(await(reply), Status::NotFound);
    QVERIFY(server_->requests().isEmpty());
}

// How a removed v1 route answers: Go's plain text, or wrapped in Jaeger's error envelope.
static void removedRouteRows()
{
    QTest::addColumn<CannedHttpServer::Response>("removed");
    QTest::newRow("plain-text-404") << CannedHttpServer::goNotFound();
    QTest::newRow("envelope-404") << CannedHttpServer::json(
        R"({"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"404 page not found"}]})",
        404);
}

void TestJaegerClient::traceFallsBackToV3_data()
{
    removedRouteRows();
}

void TestJaegerClient::traceFallsBackToV3()
{
    QFETCH(CannedHttpServer::Response, removed);
    server_->setFallback([removed](const CannedHttpServer::Request&) { return removed; });
    server_->on(u"/api/v3/services"_s,
                CannedHttpServer::json(fixture("jaeger-api-v3-GetServices.json")));
    server_->on(u"/api/v3/traces/00000000000000000000000000000001"_s,
                CannedHttpServer::json(fixture("jaeger-api-v3-GetTrace.json")));
    JaegerReply* reply = client_->trace(JaegerTraceId::fromString(u"1"_s));
    QCOMPARE(await(reply), Status::Ok);
    QCOMPARE(reply->traces().first().spans.first().operationName, u"foobar"_s);
    QVERIFY(!client_->hasV1Search());
}

void TestJaegerClient::searchFallsBackToV3_data()
{
    removedRouteRows();
}

void TestJaegerClient::searchFallsBackToV3()
{
    QFETCH(CannedHttpServer::Response, removed);
    server_->setFallback([removed](const CannedHttpServer::Request&) { return removed; });
    server_->on(u"/api/v3/services"_s,
                CannedHttpServer::json(fixture("jaeger-api-v3-GetServices.json")));
    // Jaeger after v2.20 (PR #9260): v1 search removed, api_v3 search answers.
    server_->on(u"/api/v3/traces"_s, [](const CannedHttpServer::Request& r) {
        if (r.query(u"query.serviceName"_s) != u"frontend" ||
            r.query(u"query.startTimeMin"_s).isEmpty() ||
            r.query(u"query.startTimeMax"_s).isEmpty())
            return CannedHttpServer::json(R"({"error":{"httpCode":400,"message":"bad"}})", 400);
        return CannedHttpServer::json(fixture("jaeger-api-v3-FindTraces.json"));
    });
    TraceQuery query;
    query.service = u"frontend"_s;
    JaegerReply* reply = client_->searchTraces(query);
    QCOMPARE(await(reply), Status::Ok);
    QCOMPARE(reply->traces().size(), 1);
    QVERIFY(!client_->hasV1Search());
    QCOMPARE(server_->requestedPaths().last(), u"/api/v3/traces"_s);

    // A later search goes straight to v3; a v3 404 "No traces found" is an empty result.
    server_->on(
        u"/api/v3/traces"_s,
        CannedHttpServer::json(R"({"error":{"httpCode":404,"message":"No traces found"}})", 404));
    const qsizetype before = server_->requests().size();
    JaegerReply* empty = client_->searchTraces(query);
    QCOMPARE(await(empty), Status::Ok);
    QVERIFY(empty->traces().isEmpty());
    QCOMPARE(server_->requests().size(), before + 1);
}

void TestJaegerClient::searchRemovedButServicesKept()
{
    // Discovery finds v1 /api/services; only the search answers 404: fall back then.
    server_->on(u"/api/services"_s, CannedHttpServer::json(kServicesV1));
    server_->on(u"/api/traces"_s, CannedHttpServer::goNotFound());
    server_->on(u"/api/v3/traces"_s,
                CannedHttpServer::json(fixture("jaeger-api-v3-FindTraces.json")));
    TraceQuery query;
    query.service = u"frontend"_s;
    JaegerReply* reply = client_->searchTraces(query);
    QVERIFY(client_->hasV1Search());
    QCOMPARE(await(reply), Status::Ok);
    QCOMPARE(reply->traces().size(), 1);
    QVERIFY(!client_->hasV1Search());
    QCOMPARE(server_->requestedPaths(),
             (QStringList{u"/api/services"_s, u"/api/traces"_s, u"/api/v3/traces"_s}));
}

void TestJaegerClient::operationsV3()
{
    server_->on(u"/api/v3/services"_s,
                CannedHttpServer::json(fixture("jaeger-api-v3-GetServices.json")));
    server_->on(u"/api/v3/operations"_s,
                CannedHttpServer::json(fixture("jaeger-api-v3-GetOperations.json")));
    JaegerReply* reply = client_->operations(u"foo"_s);
    QCOMPARE(await(reply), Status::Ok);
    QCOMPARE(reply->names(), QStringList{u"get_users"_s});
    QCOMPARE(server_->requests().last().query(u"service"_s), u"foo"_s);
}

void TestJaegerClient::requestIdWithService()
{
    server_->on(u"/api/services"_s, CannedHttpServer::json(kServicesV1));
    server_->on(u"/api/traces"_s, [](const CannedHttpServer::Request& r) {
        const QJsonObject tags = QJsonDocument::fromJson(r.query(u"tags"_s).toUtf8()).object();
        if (r.query(u"service"_s) != u"productpage.bookinfo" ||
            tags.value(u"guid:x-request-id").toString() != kRequestId ||
            r.query(u"start"_s).isEmpty())
            return CannedHttpServer::json(R"({"data":[],"errors":null})");
        return CannedHttpServer::json(fixture("jaeger-trace.json"));
    });
    JaegerReply* reply = client_->findTraceByRequestId(u"productpage.bookinfo"_s, kRequestId);
    QCOMPARE(await(reply), Status::Ok);
    QCOMPARE(reply->traces().size(), 1);
    QCOMPARE(reply->traces().first().traceId, kTraceId);
    // `tags` is JSON; its ':' and quotes must reach the server intact.
    QVERIFY(server_->requests().last().url.toEncoded().contains("guid%3Ax-request-id"));
}

void TestJaegerClient::requestIdAllServices()
{
    server_->on(
        u"/api/services"_s,
        CannedHttpServer::json(
            R"({"data":["details.bookinfo","istio-ingressgateway.istio-system","reviews.bookinfo"]})"));
    server_->on(u"/api/traces"_s, [](const CannedHttpServer::Request& r) {
        if (r.query(u"service"_s) != u"reviews.bookinfo")
            return CannedHttpServer::json(R"({"data":[],"errors":null})");
        return CannedHttpServer::json(fixture("jaeger-trace.json"));
    });
    JaegerReply* reply = client_->findTraceByRequestId(QString(), kRequestId);
    QCOMPARE(await(reply), Status::Ok);
    QStringList searched;
    for (const auto& r : server_->requests()) {
        if (r.path == u"/api/traces")
            searched.append(r.query(u"service"_s));
    }
    // The gateway first, then the rest in Jaeger's order, stopping at the first hit.
    QCOMPARE(searched, (QStringList{u"istio-ingressgateway.istio-system"_s, u"details.bookinfo"_s,
                                    u"reviews.bookinfo"_s}));
}

void TestJaegerClient::requestIdV3()
{
    server_->on(u"/api/v3/services"_s,
                CannedHttpServer::json(fixture("jaeger-api-v3-GetServices.json")));
    server_->on(u"/api/v3/traces"_s, [](const CannedHttpServer::Request& r) {
        const QJsonObject attrs =
            QJsonDocument::fromJson(r.query(u"query.attributes"_s).toUtf8()).object();
        if (attrs.value(u"guid:x-request-id").toString() != kRequestId)
            return CannedHttpServer::json(
                R"({"error":{"httpCode":404,"message":"No traces found"}})", 404);
        return CannedHttpServer::json(fixture("jaeger-api-v3-FindTraces.json"));
    });
    JaegerReply* reply = client_->findTraceByRequestId(u"foo"_s, kRequestId);
    QCOMPARE(await(reply), Status::Ok);
    QCOMPARE(reply->traces().first().spans.size(), 1);
}

void TestJaegerClient::requestIdNotFound()
{
    server_->on(u"/api/services"_s, CannedHttpServer::json(kServicesV1));
    server_->on(u"/api/traces"_s, CannedHttpServer::json(R"({"data":[],"errors":null})"));
    JaegerReply* reply = client_->findTraceByRequestId(QString(), kRequestId);
    QCOMPARE(await(reply), Status::NotFound);
    QVERIFY(reply->error().message.contains(kRequestId));
    QVERIFY(reply->error().hint.contains(u"traffic"_s));

    JaegerReply* dash = client_->findTraceByRequestId(QString(), u"-"_s);
    QCOMPARE(await(dash), Status::NotFound);
}

void TestJaegerClient::abortIgnoresLateAnswer()
{
    CannedHttpServer::Response slow = CannedHttpServer::json(kServicesV1);
    slow.delayMs = 200;
    server_->on(u"/api/services"_s, slow);
    JaegerReply* reply = client_->services();
    QSignalSpy spy(reply, &JaegerReply::finished);
    reply->abort();
    QCOMPARE(reply->status(), Status::Cancelled);
    // A second call still works and the aborted one never finishes twice.
    QCOMPARE(await(client_->services()), Status::Ok);
    QCOMPARE(spy.count(), 1);
}

void TestJaegerClient::defaultBaseUrl()
{
    QCOMPARE(JaegerClient::defaultBaseUrl(nullptr), QUrl(u"http://localhost:16686"_s));
}

QTEST_GUILESS_MAIN(TestJaegerClient)
#include "tst_jaegerclient.moc"
