// PortForward/PortForwards: the supervisor's corner cases — ready only after "Forwarding from"
// AND an HTTP answer (a tunnel that listens but reaches nothing), a taken preferred port, death
// and restart on the same port, giving up, stop, a missing kubectl — against
// tests/helpers/kubectl-portforward-standin, a stand-in for `kubectl port-forward` that prints
// kubectl's lines and relays to a local HTTP server: these states are hard to make with the real
// kubectl. The real kubectl against the simulated mesh's port-forward (WebSocket and SPDY,
// dropped tunnels, replaced pods) is tests/integration/tst_portforward_sim.
#include "CannedHttpServer.h"
#include "core/kube/PortForward.h"

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;
using obslab::test::CannedHttpServer;

class TestPortForward : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void readyAfterProbe();
    void preferredPortTaken();
    void probeGatesReady();
    void restartsOnDeathOnSamePort();
    void givesUpAfterRepeatedFailures();
    void missingKubectl();
    void forwardsModelStopsAll();

private:
    KubeTarget target() const;
    PortForwardOptions options(int preferred = 0) const;
    QList<qint64> pids() const;
    static int freePort();

    QTemporaryDir dir_;
    QString standin_;
    CannedHttpServer backend_;
    bool answer_ = true;
};

void TestPortForward::initTestCase()
{
    if (QStandardPaths::findExecutable(u"python3"_s).isEmpty())
        QSKIP("no python3 for the port-forward stand-in");
    standin_ = QStringLiteral(OBSLAB_SOURCE_DIR) + u"/tests/helpers/kubectl-portforward-standin"_s;
    QVERIFY(QFile::exists(standin_));
    backend_.setFallback([this](const CannedHttpServer::Request&) {
        CannedHttpServer::Response r = CannedHttpServer::html();
        r.never = !answer_;
        return r;
    });
    QVERIFY(backend_.listen());
    qputenv("OBSLAB_STANDIN_BACKEND_PORT", QByteArray::number(backend_.url().port()));
    qputenv("OBSLAB_STANDIN_PIDFILE", (dir_.path() + u"/pids"_s).toUtf8());
}

KubeTarget TestPortForward::target() const
{
    KubeTarget t;
    t.kubectl = standin_;
    t.ns = u"istio-system"_s;
    return t;
}

PortForwardOptions TestPortForward::options(int preferred) const
{
    PortForwardOptions o;
    o.resource = u"svc/tracing"_s;
    o.remotePort = 80;
    o.preferredLocalPort = preferred;
    o.probeTimeout = std::chrono::milliseconds(1000);
    return o;
}

QList<qint64> TestPortForward::pids() const
{
    QFile file(dir_.path() + u"/pids"_s);
    QList<qint64> out;
    if (file.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : file.readAll().split('\n'))
            if (!line.isEmpty())
                out << line.toLongLong();
    }
    return out;
}

int TestPortForward::freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

void TestPortForward::readyAfterProbe()
{
    answer_ = true;
    const int preferred = freePort();
    QVERIFY(preferred > 0);
    PortForward forward(target(), options(preferred));
    QSignalSpy ready(&forward, &PortForward::ready);
    QSignalSpy states(&forward, &PortForward::stateChanged);
    const qsizetype requestsBefore = backend_.requests().size();
    forward.start();
    QCOMPARE(forward.state(), PortForward::State::Starting);
    QVERIFY(ready.wait(15000));
    QCOMPARE(forward.state(), PortForward::State::Ready);
    QCOMPARE(ready.first().at(0).toUrl(), QUrl(u"http://127.0.0.1:%1"_s.arg(preferred)));
    QCOMPARE(forward.localPort(), preferred);
    // The probe went through the tunnel to the backend.
    QVERIFY(backend_.requests().size() > requestsBefore);
    QCOMPARE(states.at(0).at(0).value<PortForward::State>(), PortForward::State::Starting);
    QCOMPARE(states.at(1).at(0).value<PortForward::State>(), PortForward::State::Probing);

    const qint64 pid = pids().constLast();
    QSignalSpy stopped(&forward, &PortForward::stopped);
    forward.stop();
    QVERIFY(stopped.wait(10000));
    QCOMPARE(forward.state(), PortForward::State::Stopped);
    QVERIFY(!forward.isActive());
    QCOMPARE(::kill(pid_t(pid), 0), -1);  // the stand-in is gone (and reaped)
    QVERIFY(PortForward::isLocalPortFree(preferred));
}

void TestPortForward::preferredPortTaken()
{
    answer_ = true;
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    const int taken = squatter.serverPort();
    QVERIFY(!PortForward::isLocalPortFree(taken));
    PortForward forward(target(), options(taken));
    QSignalSpy ready(&forward, &PortForward::ready);
    forward.start();
    QVERIFY(ready.wait(15000));
    QVERIFY(forward.localPort() > 0);
    QVERIFY(forward.localPort() != taken);
    QCOMPARE(forward.restarts(), 0);
}

void TestPortForward::probeGatesReady()
{
    // kubectl listens at once, but until something answers through it the forward is not ready.
    answer_ = false;
    PortForward forward(target(), options());
    QSignalSpy ready(&forward, &PortForward::ready);
    forward.start();
    QTRY_COMPARE_WITH_TIMEOUT(forward.state(), PortForward::State::Probing, 15000);
    QVERIFY(!ready.wait(1500));  // a probe is pending and gets no answer
    QCOMPARE(forward.state(), PortForward::State::Probing);
    answer_ = true;
    QVERIFY(ready.wait(20000));
    QCOMPARE(forward.state(), PortForward::State::Ready);
}

void TestPortForward::restartsOnDeathOnSamePort()
{
    answer_ = true;
    PortForward forward(target(), options());
    QSignalSpy ready(&forward, &PortForward::ready);
    forward.start();
    QVERIFY(ready.wait(15000));
    const int port = forward.localPort();
    const qint64 pid = pids().constLast();

    // The pod behind it was replaced: kubectl dies.
    QSignalSpy states(&forward, &PortForward::stateChanged);
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        states.contains(QVariantList{QVariant::fromValue(PortForward::State::Restarting)}), 10000);
    QVERIFY(ready.wait(15000));
    QCOMPARE(forward.state(), PortForward::State::Ready);
    QCOMPARE(forward.localPort(), port);  // same URL for whoever uses it
    QCOMPARE(forward.restarts(), 1);
    QVERIFY(pids().constLast() != pid);
}

void TestPortForward::givesUpAfterRepeatedFailures()
{
    // kubectl fails at once every run (the pod is missing): it gives up with what kubectl said.
    PortForwardOptions o = options();
    o.maxAttempts = 3;
    o.maxBackoff = std::chrono::milliseconds(300);
    KubeTarget t = target();
    PortForward forward(t, o);
    QSignalSpy failed(&forward, &PortForward::failed);
    qputenv("OBSLAB_STANDIN_FAIL", "1");
    forward.start();
    const bool gotFailed = failed.wait(20000);
    qunsetenv("OBSLAB_STANDIN_FAIL");
    QVERIFY(gotFailed);
    QCOMPARE(forward.state(), PortForward::State::Failed);
    QVERIFY2(failed.first().at(0).toString().contains(u"keeps failing"_s),
             qPrintable(failed.first().at(0).toString()));
    QVERIFY2(forward.lastError().contains(u"pods \"tracing\" not found"_s) ||
                 failed.first().at(0).toString().contains(u"not found"_s),
             qPrintable(forward.lastError()));
}

void TestPortForward::missingKubectl()
{
    KubeTarget t = target();
    t.kubectl = dir_.path() + u"/no-such-kubectl"_s;
    PortForward forward(t, options());
    QSignalSpy failed(&forward, &PortForward::failed);
    forward.start();
    QVERIFY(failed.wait(5000));
    QCOMPARE(forward.state(), PortForward::State::Failed);
    QVERIFY(!forward.isActive());
}

void TestPortForward::forwardsModelStopsAll()
{
    answer_ = true;
    qint64 pid = 0;
    {
        PortForwards forwards;
        QSignalSpy active(&forwards, &PortForwards::activeCountChanged);
        PortForward* a = forwards.start(target(), options());
        QCOMPARE(forwards.rowCount(), 1);
        // The same target, resource and port is the same forward.
        QCOMPARE(forwards.start(target(), options()), a);
        QCOMPARE(forwards.rowCount(), 1);
        QSignalSpy ready(a, &PortForward::ready);
        QVERIFY(ready.wait(15000));
        QCOMPARE(forwards.data(forwards.index(0), PortForwards::UrlRole).toUrl(), a->localUrl());
        QCOMPARE(
            forwards.data(forwards.index(0), PortForwards::StateRole).value<PortForward::State>(),
            PortForward::State::Ready);
        QCOMPARE(forwards.activeCount(), 1);
        pid = pids().constLast();
        QVERIFY(!forwards.remove(0));  // still running
        forwards.stop(0);
        QTRY_COMPARE_WITH_TIMEOUT(a->state(), PortForward::State::Stopped, 10000);
        QCOMPARE(forwards.activeCount(), 0);
        QVERIFY(!active.isEmpty());
        QVERIFY(forwards.remove(0));
        QCOMPARE(forwards.rowCount(), 0);

        forwards.start(target(), options());
        QTRY_COMPARE_WITH_TIMEOUT(forwards.forward(0)->state(), PortForward::State::Ready, 15000);
        pid = pids().constLast();
    }
    // Destroyed while running: its kubectl is killed, nothing is left behind.
    QTRY_COMPARE_WITH_TIMEOUT(::kill(pid_t(pid), 0), -1, 10000);
}

QTEST_GUILESS_MAIN(TestPortForward)
#include "tst_portforward.moc"
