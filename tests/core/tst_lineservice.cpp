#include "core/logs/AccessLogParser.h"
#include "core/logs/LineService.h"
#include "core/logs/TraceLines.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

// The one "service of a line" rule: what the Service column, the trace lane and `svc:` read.
class TestLineService : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void serviceOfLine_data();
    void serviceOfLine();
    void shortName_data();
    void shortName();
    void traceLinesUseTheSameRule();
};

namespace {

const QByteArray kOutbound =
    R"([2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 4 4 "-" "curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "10.44.1.27:80" outbound|8000||httpbin.foo.svc.cluster.local 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default)";
const QByteArray kInbound =
    R"([2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 3 1 "-" "curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "127.0.0.1:80" inbound|8000|| 127.0.0.1:41854 10.44.1.27:80 10.44.1.23:37652 outbound_.8000_._.httpbin.foo.svc.cluster.local default)";
const QByteArray kExternal =
    R"([2024-01-11T21:09:42.835Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 10 5 5 "-" "curl" "1" "edition.cnn.com" "151.101.195.5:80" outbound|80||edition.cnn.com 172.30.239.8:34470 151.101.195.5:80 172.30.239.15:43956 - -)";

QByteArray inboundWithAuthority(const QByteArray& authority)
{
    QByteArray line = kInbound;
    line.replace(QByteArrayView("\"httpbin:8000\""), QByteArray("\"" + authority + "\""));
    return line;
}

}  // namespace

void TestLineService::serviceOfLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("service");
    QTest::newRow("outbound: the cluster's FQDN")
        << kOutbound << "httpbin.foo.svc.cluster.local"_ba;
    QTest::newRow("inbound: the authority's host") << kInbound << "httpbin"_ba;
    QTest::newRow("external host") << kExternal << "edition.cnn.com"_ba;
    QTest::newRow("authority without port") << inboundWithAuthority("httpbin") << "httpbin"_ba;
    QTest::newRow("IPv4 authority") << inboundWithAuthority("10.0.0.7:9080") << "10.0.0.7"_ba;
    QTest::newRow("IPv6 literal with port")
        << inboundWithAuthority("[fd00::7]:9080") << "[fd00::7]"_ba;
    QTest::newRow("IPv6 literal without port")
        << inboundWithAuthority("[fd00::7]") << "[fd00::7]"_ba;
    QTest::newRow("bare IPv6 address") << inboundWithAuthority("fd00::7") << "fd00::7"_ba;
    QTest::newRow("no authority") << inboundWithAuthority("-") << ""_ba;
    // The tutorial's own format: no cluster, no authority, its `service=` (the service's
    // address and port, %DOWNSTREAM_LOCAL_ADDRESS%).
    QTest::newRow("tutorial's service=")
        << R"([2025-11-11T10:31:24.746Z] "GET / HTTP/1.1" 200 traceID=e28cfcca4e031099 spanID=07d23de702980446 service=10.96.245.140:80)"_ba
        << "10.96.245.140:80"_ba;
    QTest::newRow("tutorial's service=-")
        << R"([2025-11-11T10:31:24.746Z] "GET / HTTP/1.1" 200 traceID=e28cfcca4e031099 spanID=07d23de702980446 service=-)"_ba
        << ""_ba;
}

void TestLineService::serviceOfLine()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, service);
    ParsedLine p;
    AccessLogParser::parse(line, p);
    QCOMPARE(p.kind, LineKind::Request);
    QCOMPARE(serviceOf(p, line).toByteArray(), service);
}

void TestLineService::shortName_data()
{
    QTest::addColumn<QByteArray>("service");
    QTest::addColumn<QByteArray>("shortName");
    QTest::newRow("cluster FQDN") << "reviews.default.svc.cluster.local"_ba
                                  << "reviews"_ba;
    QTest::newRow("service.ns.svc") << "httpbin.foo.svc"_ba
                                    << "httpbin"_ba;
    QTest::newRow("plain name") << "productpage"_ba
                                << "productpage"_ba;
    QTest::newRow("external DNS name stays whole") << "edition.cnn.com"_ba
                                                   << "edition.cnn.com"_ba;
    QTest::newRow("IPv4 stays whole") << "10.0.0.7"_ba
                                      << "10.0.0.7"_ba;
    QTest::newRow("IPv6 stays whole") << "[fd00::7]"_ba
                                      << "[fd00::7]"_ba;
    QTest::newRow("empty") << ""_ba
                           << ""_ba;
}

void TestLineService::shortName()
{
    QFETCH(QByteArray, service);
    QFETCH(QByteArray, shortName);
    QCOMPARE(shortServiceName(service).toByteArray(), shortName);
}

void TestLineService::traceLinesUseTheSameRule()
{
    const QList<QPair<qint64, QByteArray>> input = {
        {1, kOutbound}, {2, kInbound}, {3, kExternal}, {4, inboundWithAuthority("[fd00::7]:80")}};
    const TraceLines lines = TraceLines::build(input);
    QCOMPARE(lines.lines.size(), input.size());
    // TraceLines orders its lines by time: match them back to the input by line number.
    for (const TraceLine& t : lines.lines) {
        const QByteArray& bytes = input[qsizetype(t.line - 1)].second;
        ParsedLine p;
        AccessLogParser::parse(bytes, p);
        QCOMPARE(t.service, QString::fromUtf8(serviceOf(p, bytes)));
    }
}

QTEST_GUILESS_MAIN(TestLineService)
#include "tst_lineservice.moc"
