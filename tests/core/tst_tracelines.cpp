#include "core/logs/TraceLines.h"

#include <QFile>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestTraceLines : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pairsTheFixtureHop();
    void multiHopTrace();
    void unmatchedSidesStayHops();
    void skipsNonRequests();
};

void TestTraceLines::pairsTheFixtureHop()
{
    QFile f(QStringLiteral(OBSLAB_FIXTURES_DIR "/istio-access-log-text-default.log"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    // As kubectl --prefix prints them, server side first (the order lines arrive in is free).
    const QList<QPair<qint64, QByteArray>> input{
        {1, "[pod/httpbin-74fb669cc6-qvlb5/istio-proxy] " + lines.at(1)},
        {0, "[pod/sleep-7b9f8bfcd-2djx5/istio-proxy] " + lines.at(0)},
    };
    const TraceLines t = TraceLines::build(input);
    QCOMPARE(t.lines.size(), size_t(2));
    QCOMPARE(t.lines[0].line, 0);  // the client's outbound line first at the same time
    QCOMPARE(t.lines[0].direction, UpstreamCluster::Direction::Outbound);
    QCOMPARE(t.lines[0].service, u"httpbin.foo.svc.cluster.local"_s);
    QCOMPARE(t.lines[1].direction, UpstreamCluster::Direction::Inbound);
    QCOMPARE(t.hops.size(), size_t(1));
    const TraceHop& hop = t.hops[0];
    QCOMPARE(hop.requestId, u"84961386-6d84-929d-98bd-c5aee93b5c88"_s);
    QCOMPARE(hop.client, 0);
    QCOMPARE(hop.server, 1);
    QCOMPARE(hop.from, u"sleep-7b9f8bfcd-2djx5"_s);
    QCOMPARE(hop.to, u"httpbin-74fb669cc6-qvlb5"_s);
    QCOMPARE(hop.status, 418);
    QCOMPARE(hop.clientMs, 4);
    QCOMPARE(hop.serverMs, 3);
    QCOMPARE(hop.networkMs(), 1);
}

void TestTraceLines::multiHopTrace()
{
    auto line = [](const char* pod, const char* time, const char* path, const char* rid,
                   const char* cluster, int dur) -> QByteArray {
        return QByteArray("[pod/") + pod + "/istio-proxy] [" + time + "] \"GET " + path +
               " HTTP/1.1\" 200 - via_upstream - \"-\" 0 100 " + QByteArray::number(dur) +
               " 1 \"-\" \"curl/8\" \"" + rid + "\" \"svc:9080\" \"10.0.0.1:9080\" " + cluster +
               " 10.0.0.2:1 10.0.0.3:9080 10.0.0.2:2 - default";
    };
    const QList<QPair<qint64, QByteArray>> input{
        {10, line("gw-1", "2025-11-11T10:00:00.000Z", "/productpage", "r1",
                  "outbound|9080||productpage.bookinfo.svc.cluster.local", 30)},
        {11, line("productpage-1", "2025-11-11T10:00:00.001Z", "/productpage", "r1",
                  "inbound|9080||", 28)},
        {12, line("productpage-1", "2025-11-11T10:00:00.005Z", "/reviews/0", "r2",
                  "outbound|9080||reviews.bookinfo.svc.cluster.local", 12)},
        {13,
         line("reviews-1", "2025-11-11T10:00:00.006Z", "/reviews/0", "r2", "inbound|9080||", 10)},
        {14, line("productpage-1", "2025-11-11T10:00:00.002Z", "/details/0", "r3",
                  "outbound|9080||details.bookinfo.svc.cluster.local", 3)},
    };
    const TraceLines t = TraceLines::build(input);
    QCOMPARE(t.lines.size(), size_t(5));
    QCOMPARE(t.hops.size(), size_t(3));
    QCOMPARE(t.hops[0].requestId, u"r1"_s);
    QCOMPARE(t.hops[1].requestId, u"r3"_s);  // started at .002, before r2 at .005
    QCOMPARE(t.hops[1].server, -1);          // details' own sidecar was not followed
    QCOMPARE(t.hops[1].to, u"details.bookinfo.svc.cluster.local"_s);
    QCOMPARE(t.hops[2].requestId, u"r2"_s);
    QCOMPARE(t.hops[2].from, u"productpage-1"_s);
    QCOMPARE(t.hops[2].to, u"reviews-1"_s);
    QCOMPARE(t.hops[2].networkMs(), 2);
}

void TestTraceLines::unmatchedSidesStayHops()
{
    const QList<QPair<qint64, QByteArray>> input{
        {0,
         R"([2025-11-11T10:31:24.746Z] "GET / HTTP/1.1" 200 traceID=e28cfcca4e031099 spanID=07d23de702980446 service=10.96.245.140:80)"},
        {1,
         R"([2025-11-11T10:31:29.766Z] "GET / HTTP/1.1" 503 traceID=e28cfcca4e031099 spanID=9e389a992ffe0207 service=10.96.245.140:80)"},
    };
    const TraceLines t = TraceLines::build(input);
    QCOMPARE(t.lines.size(), size_t(2));
    QCOMPARE(t.hops.size(), size_t(2));  // no request ids: one hop per line
    QCOMPARE(t.hops[1].status, 503);
}

void TestTraceLines::skipsNonRequests()
{
    const QList<QPair<qint64, QByteArray>> input{
        {0, "2025-11-11T10:31:28.049Z\twarning\tenvoy config\tgRPC config stream closed"},
        {1, QByteArray("\xff\xfe garbage \0 here", 17)},
        {2, QByteArray()},
    };
    const TraceLines t = TraceLines::build(input);
    QCOMPARE(t.lines.size(), size_t(0));
    QCOMPARE(t.hops.size(), size_t(0));
}

QTEST_GUILESS_MAIN(TestTraceLines)
#include "tst_tracelines.moc"
