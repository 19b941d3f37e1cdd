// JaegerClient against the simulated mesh's stand-in Jaeger (tests/sim, test equipment): base-path
// discovery from a bare URL in both Jaeger generations, and every fault the stand-in can be
// switched to, each ending in a status and a message that says what to do.
#include "SimServer.h"
#include "core/tracing/JaegerClient.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;
using obslab::test::SimServer;
using Status = JaegerReply::Status;

namespace {

const QString kFixtureTrace = u"3ba55609c3cde49649cd77d1f9dcd936"_s;  // jaeger-trace.json
const QString kFixtureRequestId = u"e4e8c177-3962-9359-945e-61e7175cd867"_s;

Status await(JaegerReply* reply, int timeoutMs = 15000)
{
    QSignalSpy spy(reply, &JaegerReply::finished);
    if (!reply->isFinished())
        spy.wait(timeoutMs);
    return reply->status();
}

}  // namespace

class TestJaegerClientSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void discoversBasePathFromBareUrl_data();
    void discoversBasePathFromBareUrl();
    void alreadyPrefixedUrl();
    void unknownTraceIsNotFound();
    void requestIdFindsTheTrace();
    void faults_data();
    void faults();
    void slowButInTime();
    void healthyAgainAfterFault();

private:
    SimServer v1_;
    SimServer v2_;
    std::unique_ptr<JaegerClient> client_;
};

void TestJaegerClientSim::initTestCase()
{
    const QStringList traces{u"--no-traffic"_s, u"--load-traces"_s,
                             SimServer::fixture(u"jaeger-trace.json"_s)};
    if (!v1_.start(u"healthy-telemetry"_s, traces))
        QSKIP(qPrintable(v1_.why()));
    QVERIFY2(v2_.start(u"healthy-telemetry"_s, traces + QStringList{u"--jaeger-mode"_s, u"v2"_s}),
             qPrintable(v2_.why()));
}

void TestJaegerClientSim::init()
{
    client_ = std::make_unique<JaegerClient>();
    client_->setTimeout(std::chrono::milliseconds(5000));
}

void TestJaegerClientSim::cleanup()
{
    client_.reset();
    for (SimServer* sim : {&v1_, &v2_})
        sim->post(u"jaeger/fault"_s, {{u"kind"_s, u"none"_s}});
}

void TestJaegerClientSim::discoversBasePathFromBareUrl_data()
{
    QTest::addColumn<bool>("jaeger2");
    QTest::addColumn<bool>("v1Search");
    QTest::newRow("jaeger1-html-off-base-path") << false << true;
    QTest::newRow("jaeger2-404-off-base-path-v3-only") << true << false;
}

void TestJaegerClientSim::discoversBasePathFromBareUrl()
{
    QFETCH(bool, jaeger2);
    QFETCH(bool, v1Search);
    SimServer& sim = jaeger2 ? v2_ : v1_;
    client_->setBaseUrl(sim.jaegerUrl());  // http://127.0.0.1:PORT, as `port-forward` gives it
    JaegerReply* services = client_->services();
    QCOMPARE(await(services), Status::Ok);
    QVERIFY2(services->names().contains(u"productpage.bookinfo"_s),
             qPrintable(services->names().join(u", ")));
    QCOMPARE(client_->resolvedBaseUrl(), sim.jaegerUiUrl());
    QCOMPARE(client_->hasV1Search(), v1Search);

    JaegerReply* trace = client_->trace(JaegerTraceId::fromString(kFixtureTrace));
    QCOMPARE(await(trace), Status::Ok);
    QCOMPARE(trace->traces().first().spans.size(), 4);
    QCOMPARE(trace->url().path(), u"/jaeger/api/traces/"_s + kFixtureTrace);
}

void TestJaegerClientSim::alreadyPrefixedUrl()
{
    client_->setBaseUrl(v1_.jaegerUiUrl());
    QCOMPARE(await(client_->services()), Status::Ok);
    QCOMPARE(client_->resolvedBaseUrl(), v1_.jaegerUiUrl());
}

void TestJaegerClientSim::unknownTraceIsNotFound()
{
    for (SimServer* sim : {&v1_, &v2_}) {
        client_->setBaseUrl(sim->jaegerUrl());
        JaegerReply* reply = client_->trace(JaegerTraceId::fromString(u"abcdef"_s));
        QCOMPARE(await(reply), Status::NotFound);
        QVERIFY2(reply->error().message.contains(u"was not found"_s),
                 qPrintable(reply->error().message));
        QVERIFY(reply->error().hint.contains(u"traffic"_s));
    }
}

void TestJaegerClientSim::requestIdFindsTheTrace()
{
    for (SimServer* sim : {&v1_, &v2_}) {
        client_->setBaseUrl(sim->jaegerUrl());
        // The fixture's spans are from 2020: look back far enough to reach them.
        JaegerReply* reply =
            client_->findTraceByRequestId({}, kFixtureRequestId, std::chrono::hours(24 * 365 * 10));
        QCOMPARE(await(reply, 30000), Status::Ok);
        QCOMPARE(JaegerTraceId::fromString(reply->traces().first().traceId),
                 JaegerTraceId::fromString(kFixtureTrace));
        JaegerReply* none =
            client_->findTraceByRequestId({}, u"00000000-0000-9000-8000-000000000000"_s);
        QCOMPARE(await(none, 30000), Status::NotFound);
        QVERIFY(none->error().message.contains(u"x-request-id"_s));
    }
}

void TestJaegerClientSim::faults_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<double>("delay");
    QTest::addColumn<Status>("expected");
    QTest::addColumn<QString>("messageContains");
    QTest::addColumn<QString>("hintContains");
    QTest::newRow("malformed-json") << u"malformed"_s << 0.0 << Status::MalformedJson
                                    << u"not usable JSON"_s << u"query service"_s;
    QTest::newRow("html-200") << u"html"_s << 0.0 << Status::HtmlInsteadOfJson << u"web page"_s
                              << u"/jaeger"_s;
    QTest::newRow("http-500") << u"error"_s << 0.0 << Status::HttpError
                              << u"injected storage failure"_s << u"logs deploy/jaeger"_s;
    QTest::newRow("too-slow") << u"slow"_s << 3.0 << Status::Timeout << u"did not answer"_s
                              << u"port-forward"_s;
}

void TestJaegerClientSim::faults()
{
    QFETCH(QString, kind);
    QFETCH(double, delay);
    QFETCH(Status, expected);
    QFETCH(QString, messageContains);
    QFETCH(QString, hintContains);
    client_->setBaseUrl(v1_.jaegerUrl());
    QCOMPARE(await(client_->services()), Status::Ok);  // base path found while healthy
    const QJsonObject fault = v1_.post(u"jaeger/fault"_s, {{u"kind"_s, kind}, {u"delay"_s, delay}});
    QCOMPARE(fault.value(u"kind"_s).toString(), kind);
    if (kind == u"slow")
        client_->setTimeout(std::chrono::milliseconds(500));
    JaegerReply* reply = client_->trace(JaegerTraceId::fromString(kFixtureTrace));
    QCOMPARE(await(reply), expected);
    QVERIFY2(reply->error().message.contains(messageContains), qPrintable(reply->error().message));
    QVERIFY2(reply->error().hint.contains(hintContains), qPrintable(reply->error().hint));
}

void TestJaegerClientSim::slowButInTime()
{
    client_->setBaseUrl(v2_.jaegerUrl());
    v2_.post(u"jaeger/fault"_s, {{u"kind"_s, u"slow"_s}, {u"delay"_s, 0.4}});
    client_->setTimeout(std::chrono::milliseconds(5000));
    QElapsedTimer timer;
    timer.start();
    JaegerReply* reply = client_->trace(JaegerTraceId::fromString(kFixtureTrace));
    QCOMPARE(await(reply), Status::Ok);
    QVERIFY(timer.elapsed() >= 400);  // discovery and the call were both slowed, and waited for
}

void TestJaegerClientSim::healthyAgainAfterFault()
{
    // A failed discovery is not cached: once the fault is gone the same client recovers.
    v1_.post(u"jaeger/fault"_s, {{u"kind"_s, u"error"_s}, {u"scope"_s, u"all"_s}});
    client_->setBaseUrl(v1_.jaegerUiUrl());
    JaegerReply* failed = client_->trace(JaegerTraceId::fromString(kFixtureTrace));
    QCOMPARE(await(failed), Status::HttpError);
    v1_.post(u"jaeger/fault"_s, {{u"kind"_s, u"none"_s}});
    QCOMPARE(await(client_->trace(JaegerTraceId::fromString(kFixtureTrace))), Status::Ok);
}

QTEST_GUILESS_MAIN(TestJaegerClientSim)
#include "tst_jaegerclient_sim.moc"
