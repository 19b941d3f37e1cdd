// PortForward (core/kube) with the real kubectl against the simulated mesh's port-forward
// (tests/sim, test equipment): ready through the WebSocket tunnel (kubectl >= 1.31) and through
// plain SPDY (KUBECTL_PORT_FORWARD_WEBSOCKETS=false); when the sim drops the tunnel or replaces
// the Jaeger pod, kubectl exits and the supervisor starts a new one on the same local port; a
// JaegerClient request issued while the forward is down is not lost: it waits for the forward and
// succeeds once it is back (JaegerClient::followForward). Prints the reconnect times it measured.
#include "SimMesh.h"
#include "core/cli/Cli.h"
#include "core/kube/PortForward.h"
#include "core/tracing/JaegerClient.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

const QString kTrace = u"3ba55609c3cde49649cd77d1f9dcd936"_s;

QString fixture(const QString& name)
{
    return QStringLiteral(OBSLAB_SOURCE_DIR "/tests/fixtures/") + name;
}

PortForwardOptions tracingOptions()
{
    PortForwardOptions o;
    o.resource = u"svc/tracing"_s;
    o.remotePort = 80;
    o.probePath = u"/jaeger/api/services"_s;
    return o;
}

}  // namespace

class TestPortForwardSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void readyOverWebSocketAndSpdy_data();
    void readyOverWebSocketAndSpdy();
    void droppedTunnelReconnectsAndNoRequestIsLost();
    void replacedPodReconnectsAndNoRequestIsLost();
    void requestFailsWhenTheForwardCannotComeBack();
    void obslabTraceThroughTheForward();

private:
    QJsonArray sessions() const
    {
        return sim_.control(u"portforward"_s, {}, true)[u"sessions"_s].toArray();
    }
    bool fetchTrace(JaegerClient& client, JaegerReply::Status* status = nullptr);
    bool kubectl(const QStringList& args);

    SimMesh sim_;
};

void TestPortForwardSim::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    const QString why =
        sim_.start(u"healthy-telemetry"_s,
                   {u"--no-traffic"_s, u"--jaeger-ui"_s, u"standin"_s, u"--rollout-delay"_s, u"0"_s,
                    u"--load-traces"_s, fixture(u"jaeger-trace.json"_s)});
    if (why.startsWith(u"skip: "_s))
        QSKIP(qPrintable(why.mid(6)));
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestPortForwardSim::cleanup()
{
    qunsetenv("KUBECTL_PORT_FORWARD_WEBSOCKETS");
}

bool TestPortForwardSim::fetchTrace(JaegerClient& client, JaegerReply::Status* status)
{
    JaegerReply* reply = client.trace(JaegerTraceId::fromString(kTrace));
    QSignalSpy done(reply, &JaegerReply::finished);
    const bool finished = done.wait(30000);
    if (status)
        *status = reply->status();
    const bool ok = finished && reply->ok() && reply->traces().first().spans.size() == 4;
    if (!ok)
        qWarning() << "trace lookup:" << reply->status() << reply->error().message;
    reply->deleteLater();
    return ok;
}

void TestPortForwardSim::readyOverWebSocketAndSpdy_data()
{
    QTest::addColumn<bool>("webSocket");
    QTest::newRow("websocket-tunnel") << true;
    QTest::newRow("plain-spdy") << false;
}

void TestPortForwardSim::readyOverWebSocketAndSpdy()
{
    QFETCH(bool, webSocket);
    if (webSocket && sim_.kubectlMinor() < 31)
        QSKIP("kubectl before 1.31 has no WebSocket port-forward");
    if (!webSocket)
        qputenv("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false");
    PortForward forward(sim_.target(u"istio-system"_s), tracingOptions());
    QSignalSpy ready(&forward, &PortForward::ready);
    QElapsedTimer clock;
    clock.start();
    forward.start();
    QVERIFY(ready.wait(30000));
    qInfo("ready after %lld ms (%s)", clock.elapsed(), webSocket ? "websocket" : "spdy");
    QCOMPARE(forward.state(), PortForward::State::Ready);
    const QJsonArray open = sessions();
    QVERIFY(!open.isEmpty());
    QCOMPARE(open.last()[u"protocol"_s].toString(), webSocket ? u"websocket"_s : u"spdy"_s);
    QVERIFY(open.last()[u"pod"_s].toString().startsWith(u"jaeger-"_s));

    JaegerClient client;
    client.followForward(&forward);
    QCOMPARE(client.baseUrl(), forward.localUrl());
    QVERIFY(fetchTrace(client));
    QCOMPARE(client.resolvedBaseUrl().path(), u"/jaeger"_s);  // found through the tunnel

    QSignalSpy stopped(&forward, &PortForward::stopped);
    forward.stop();
    QVERIFY(stopped.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(sessions().isEmpty(), 10000);  // kubectl is gone, its session too
}

void TestPortForwardSim::droppedTunnelReconnectsAndNoRequestIsLost()
{
    PortForward forward(sim_.target(u"istio-system"_s), tracingOptions());
    QSignalSpy ready(&forward, &PortForward::ready);
    forward.start();
    QVERIFY(ready.wait(30000));
    const int port = forward.localPort();
    JaegerClient client;
    client.followForward(&forward);
    QVERIFY(fetchTrace(client));

    for (int round = 0; round < 3; ++round) {
        ready.clear();
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(
            sim_.control(u"portforward/drop"_s, {{u"namespace"_s, u"istio-system"_s}})[u"dropped"_s]
                .toInt(),
            1);
        // Asked at once, while kubectl is dying or the new one starting: it waits, then succeeds.
        JaegerReply::Status status = JaegerReply::Status::Pending;
        QVERIFY(fetchTrace(client, &status));
        const qint64 answered = clock.elapsed();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
        qInfo(
            "dropped tunnel, round %d: request answered after %lld ms; forward restarted %d times",
            round + 1, answered, forward.restarts());
        QCOMPARE(forward.localPort(), port);  // the same URL for whoever holds it
        QCOMPARE(forward.state(), PortForward::State::Ready);
    }
    QCOMPARE(forward.restarts(), 3);
    QVERIFY(forward.lastError().contains(u"lost connection to pod"_s));
    forward.stop();
}

void TestPortForwardSim::replacedPodReconnectsAndNoRequestIsLost()
{
    PortForward forward(sim_.target(u"istio-system"_s), tracingOptions());
    QSignalSpy ready(&forward, &PortForward::ready);
    forward.start();
    QVERIFY(ready.wait(30000));
    JaegerClient client;
    client.followForward(&forward);
    QVERIFY(fetchTrace(client));
    const QString oldPod = sessions().last()[u"pod"_s].toString();

    ready.clear();
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(sim_.control(u"pods/kill"_s,
                          {{u"namespace"_s, u"istio-system"_s}, {u"pod"_s, oldPod}})[u"killed"_s]
                 .toString(),
             oldPod);
    // The add-on keeps traces in memory: the new pod starts empty; put the trace back.
    QCOMPARE(
        sim_.control(u"jaeger/load"_s, {{u"path"_s, fixture(u"jaeger-trace.json"_s)}})[u"traces"_s]
            .toInt(),
        1);
    // kubectl still runs and listens: this request goes into the tunnel, meets the gone pod
    // ("failed to find sandbox"), kubectl exits; the client waits for the new forward.
    QVERIFY(fetchTrace(client));
    qInfo("replaced pod: request answered after %lld ms", clock.elapsed());
    QCOMPARE(ready.count(), 1);
    QCOMPARE(forward.restarts(), 1);
    // Either the kept-alive connection of the first request was reset with the pod, or the new
    // one met the gone pod ("failed to find sandbox"); both come from the old pod.
    QVERIFY2(forward.lastError().contains(u"to pod %1"_s.arg(oldPod)) ||
                 forward.lastError().contains(u"lost connection to pod"_s),
             qPrintable(forward.lastError()));
    const QString newPod = sessions().last()[u"pod"_s].toString();
    QVERIFY(newPod.startsWith(u"jaeger-"_s));
    QVERIFY(newPod != oldPod);
    forward.stop();
}

bool TestPortForwardSim::kubectl(const QStringList& args)
{
    QProcess p;
    const KubeTarget t = sim_.target(u"istio-system"_s);
    p.start(t.kubectl, QStringList{u"--kubeconfig"_s, t.kubeconfig, u"-n"_s, t.ns} + args);
    return p.waitForFinished(60000) && p.exitCode() == 0;
}

void TestPortForwardSim::requestFailsWhenTheForwardCannotComeBack()
{
    // No Jaeger pod at all: the new kubectl waits for one, the forward stays down, and the
    // request waits for it within its own timeout, then reports the connection failure.
    PortForward forward(sim_.target(u"istio-system"_s), tracingOptions());
    QSignalSpy ready(&forward, &PortForward::ready);
    forward.start();
    QVERIFY(ready.wait(30000));
    JaegerClient client;
    client.setTimeout(std::chrono::seconds(4));
    client.followForward(&forward);
    QVERIFY(fetchTrace(client));
    QVERIFY(kubectl({u"scale"_s, u"deploy/jaeger"_s, u"--replicas=0"_s}));
    QTRY_VERIFY_WITH_TIMEOUT(forward.state() != PortForward::State::Ready, 15000);
    JaegerReply::Status status = JaegerReply::Status::Pending;
    QElapsedTimer clock;
    clock.start();
    QVERIFY(!fetchTrace(client, &status));
    qInfo("no Jaeger pod: the request gave up after %lld ms (timeout 4 s)", clock.elapsed());
    QCOMPARE(status, JaegerReply::Status::ConnectionRefused);
    QVERIFY(clock.elapsed() >= 3000);
    QVERIFY(forward.isActive());  // still trying, as it should

    // Stopped on purpose: nothing to wait for, the request fails at once.
    QSignalSpy stopped(&forward, &PortForward::stopped);
    forward.stop();
    QVERIFY(stopped.count() == 1 || stopped.wait(10000));
    clock.restart();
    QVERIFY(!fetchTrace(client, &status));
    QCOMPARE(status, JaegerReply::Status::ConnectionRefused);
    QVERIFY(clock.elapsed() < 2000);
    QVERIFY(kubectl({u"scale"_s, u"deploy/jaeger"_s, u"--replicas=1"_s}));
}

void TestPortForwardSim::obslabTraceThroughTheForward()
{
    // `obslab trace ID --jaeger URL` with the URL of a port-forward to svc/tracing (the one the
    // lab starts, or `kubectl -n istio-system port-forward svc/tracing 16686:80`): Istio's
    // /jaeger base path is found through the tunnel and the trace printed.
    sim_.control(u"jaeger/clear"_s, {});
    QCOMPARE(
        sim_.control(u"jaeger/load"_s, {{u"path"_s, fixture(u"jaeger-trace.json"_s)}})[u"traces"_s]
            .toInt(),
        1);
    PortForward forward(sim_.target(u"istio-system"_s), tracingOptions());
    QSignalSpy ready(&forward, &PortForward::ready);
    forward.start();
    QVERIFY(ready.wait(30000));
    QBuffer in, out, err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    cli::Dispatcher d;
    const int code = d.run({u"trace"_s, kTrace, u"--jaeger"_s, forward.localUrl().toString()},
                           {&in, &out, &err});
    const QString text = QString::fromUtf8(out.data());
    QVERIFY2(code == 0, err.data().constData());
    QVERIFY2(text.startsWith(u"Trace %1  4 spans  3 services"_s.arg(kTrace)), qPrintable(text));
    QVERIFY(text.contains(u"istio-ingressgateway.istio-system"_s));
    QVERIFY(text.contains(u"details.bookinfo"_s));
    QVERIFY(sessions().last()[u"pairs"_s].toInt() >= 1);  // it went through the tunnel
    forward.stop();
}

QTEST_GUILESS_MAIN(TestPortForwardSim)
#include "tst_portforward_sim.moc"
