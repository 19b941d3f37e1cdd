// TracedRequest and TrafficGenerator with the real kubectl against the simulated mesh (tests/sim,
// test equipment): the trace id ObsLab made before the request ran shows up in the simulated
// sidecars' access-log lines (read with `kubectl logs`) and in the stand-in Jaeger.
#include "SimMesh.h"
#include "core/kube/Kubectl.h"
#include "core/kube/PortForward.h"
#include "core/kube/TracedRequest.h"
#include "core/kube/TrafficGenerator.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/tracing/JaegerClient.h"
#include "core/tracing/JaegerReply.h"
#include "core/tracing/JaegerTraceId.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestTracedRequestSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void headers_data();
    void headers();
    void tracedRequestReachesLogsAndJaeger();
    void trafficGenerator();
    void realKubectlPortForwardGivesUp();

private:
    QByteArray backendLogs();
    bool jaegerHasTrace(const QString& traceId);

    SimMesh sim_;
    CommandRunner runner_;
};

void TestTracedRequestSim::initTestCase()
{
    const QString error = sim_.start(u"healthy-telemetry"_s, {u"--no-traffic"_s});
    if (error.startsWith(u"skip: "))
        QSKIP(qPrintable(error.mid(6)));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestTracedRequestSim::headers_data()
{
    QTest::addColumn<int>("propagation");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("b3") << int(TracePropagation::B3)
                        << QStringList{u"x-b3-traceid: 0af7651916cd43dd8448eb211c80319c"_s,
                                       u"x-b3-spanid: b7ad6b7169203331"_s, u"x-b3-sampled: 1"_s};
    QTest::newRow("w3c")
        << int(TracePropagation::W3C)
        << QStringList{u"traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"_s};
}

void TestTracedRequestSim::headers()
{
    QFETCH(int, propagation);
    QFETCH(QStringList, expected);
    const auto headers =
        TraceHeaders::make(TracePropagation(propagation), u"0AF7651916CD43DD8448EB211C80319C"_s,
                           u"b7ad6b7169203331"_s);
    QCOMPARE(headers.traceId, u"0af7651916cd43dd8448eb211c80319c"_s);
    TracedRequestOptions options;
    options.container = u"frontend"_s;
    const CommandSpec spec = TracedRequest::command(sim_.target(), options, headers);
    const qsizetype dashdash = spec.arguments.indexOf(u"--"_s);
    QVERIFY(dashdash > 0);
    QCOMPARE(spec.arguments.at(0), u"exec"_s);
    QCOMPARE(spec.arguments.at(1), u"deploy/frontend"_s);
    QVERIFY(spec.arguments.mid(0, dashdash).contains(u"frontend"_s));
    QStringList sent;
    const QStringList curl = spec.arguments.mid(dashdash + 1);
    QCOMPARE(curl.mid(0, 3), (QStringList{u"curl"_s, u"-s"_s, u"http://backend"_s}));
    for (qsizetype i = 3; i + 1 < curl.size(); i += 2) {
        QCOMPARE(curl.at(i), u"-H"_s);
        sent << curl.at(i + 1);
    }
    QCOMPARE(sent, expected);

    const auto fresh = TraceHeaders::generate(TracePropagation(propagation));
    QCOMPARE(fresh.traceId.size(), 32);
    QCOMPARE(fresh.spanId.size(), 16);
    QVERIFY(fresh.traceId != TraceHeaders::generate(TracePropagation(propagation)).traceId);
    QCOMPARE(propagationForProvider(u"opentelemetry"_s), TracePropagation::W3C);
    QCOMPARE(propagationForProvider(u"zipkin"_s), TracePropagation::B3);
}

QByteArray TestTracedRequestSim::backendLogs()
{
    Kubectl::LogsOptions logs;
    logs.selector = u"app=backend"_s;
    logs.container = u"istio-proxy"_s;
    logs.tail = -1;
    Command* command = runner_.start(Kubectl::logs(sim_.target(), logs));
    QSignalSpy finished(command, &Command::finished);
    if (!finished.wait(60000))
        return {};
    return finished.first().at(0).value<CommandResult>().stdoutData;
}

bool TestTracedRequestSim::jaegerHasTrace(const QString& traceId)
{
    JaegerClient client;
    client.setBaseUrl(QUrl(sim_.jaegerUrl() + u"/jaeger"_s));
    JaegerReply* reply = client.trace(JaegerTraceId::fromString(traceId));
    QSignalSpy finished(reply, &JaegerReply::finished);
    if (!finished.wait(15000))
        return false;
    reply->deleteLater();
    return reply->ok() && !reply->traces().isEmpty();
}

void TestTracedRequestSim::tracedRequestReachesLogsAndJaeger()
{
    QVERIFY(!backendLogs().isEmpty());  // the sidecar's start-up line at least
    TracedRequest request(&runner_);
    QSignalSpy finished(&request, &TracedRequest::finished);
    TracedRequestOptions options;  // deploy/frontend → http://backend, B3 (a Zipkin provider)
    const QString traceId = request.send(sim_.target(), options);
    // Known before anything ran: the command is queued (nothing launched before the event loop
    // runs) and carries the id.
    QCOMPARE(traceId.size(), 32);
    QVERIFY(finished.isEmpty());
    QCOMPARE(runner_.running().size(), 1);
    QVERIFY(runner_.running().first()->spec().arguments.contains(u"x-b3-traceid: "_s + traceId));

    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().at(0).toString(), traceId);
    const auto result = finished.first().at(1).value<CommandResult>();
    QVERIFY2(result.ok(), result.stderrData.constData());

    QTRY_VERIFY_WITH_TIMEOUT(backendLogs().contains(traceId.toUtf8()), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(jaegerHasTrace(traceId), 30000);
}

void TestTracedRequestSim::trafficGenerator()
{
    TrafficOptions options;
    options.ratePerSecond = 10;
    options.count = 3;
    TrafficGenerator traffic(sim_.target(), options, &runner_);
    QSignalSpy requests(&traffic, &TrafficGenerator::requestFinished);
    QSignalSpy stopped(&traffic, &TrafficGenerator::stopped);
    QSignalSpy failed(&traffic, &TrafficGenerator::failed);
    traffic.start();
    QVERIFY(traffic.isRunning());
    QVERIFY(stopped.wait(60000));
    QVERIFY(!traffic.isRunning());
    QVERIFY(failed.isEmpty());
    QCOMPARE(traffic.sent(), 3);
    QCOMPARE(requests.size(), 3);
    for (const auto& args : requests)
        QVERIFY(args.at(1).toBool());
    const QString last = traffic.lastTraceId();
    QTRY_VERIFY_WITH_TIMEOUT(backendLogs().contains(last.toUtf8()), 30000);

    // An endless generator stops on request, cancelling a request in flight.
    options.count = 0;
    TrafficGenerator endless(sim_.target(), options, &runner_);
    QSignalSpy endlessStopped(&endless, &TrafficGenerator::stopped);
    QSignalSpy endlessRequests(&endless, &TrafficGenerator::requestFinished);
    endless.start();
    QVERIFY(endlessRequests.wait(60000));
    endless.stop();
    QVERIFY(endlessStopped.size() == 1 || endlessStopped.wait(15000));
    QVERIFY(!endless.isRunning());

    // A workload that does not exist: it gives up with kubectl's message.
    options.request.workload = u"deploy/no-such-frontend"_s;
    options.maxConsecutiveFailures = 2;
    TrafficGenerator broken(sim_.target(), options, &runner_);
    QSignalSpy brokenFailed(&broken, &TrafficGenerator::failed);
    broken.start();
    QVERIFY(brokenFailed.wait(60000));
    QVERIFY2(brokenFailed.first().at(0).toString().contains(u"not found"_s),
             qPrintable(brokenFailed.first().at(0).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(!broken.isRunning(), 15000);
}

void TestTracedRequestSim::realKubectlPortForwardGivesUp()
{
    // A forward to a service that does not exist: the supervisor retries, then gives up with
    // kubectl's own message instead of hanging (ready, restarts and reconnects with the real
    // kubectl are in tst_portforward_sim; port and probe corner cases with a stand-in in
    // tst_portforward).
    PortForwardOptions options;
    options.resource = u"svc/nope"_s;
    options.remotePort = 80;
    options.maxAttempts = 2;
    PortForward forward(sim_.target(u"istio-system"_s), options);
    QSignalSpy failed(&forward, &PortForward::failed);
    QSignalSpy ready(&forward, &PortForward::ready);
    forward.start();
    QVERIFY(failed.wait(60000));
    QVERIFY(ready.isEmpty());
    QCOMPARE(forward.state(), PortForward::State::Failed);
    QVERIFY2(failed.first().at(0).toString().contains(u"keeps failing"_s),
             qPrintable(failed.first().at(0).toString()));
    QVERIFY2(forward.lastError().contains(u"services \"nope\" not found"_s),
             qPrintable(forward.lastError()));
}

QTEST_GUILESS_MAIN(TestTracedRequestSim)
#include "tst_tracedrequest_sim.moc"
