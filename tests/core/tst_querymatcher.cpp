#include "core/logs/AccessLogParser.h"
#include "core/logs/LineRecord.h"
#include "core/logs/QueryMatcher.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {
constexpr qint64 kNow = 1762857084000;  // 2025-11-11T10:31:24Z

// Real lines: Istio's default TEXT format (client and server side of one hop), a TCP line, the
// tutorial's custom format with and without trace headers, a JSON line, an Envoy log line.
const QByteArray kOutbound =
    R"([pod/sleep-7b9f8bfcd-2djx5/istio-proxy] [2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 4 4 "-" "curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "10.44.1.27:80" outbound|8000||httpbin.foo.svc.cluster.local 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default)";
const QByteArray kInbound =
    R"([pod/httpbin-74fb669cc6-qvlb5/istio-proxy] [2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 3 1 "-" "curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "127.0.0.1:80" inbound|8000|| 127.0.0.1:41854 10.44.1.27:80 10.44.1.23:37652 outbound_.8000_._.httpbin.foo.svc.cluster.local default)";
const QByteArray kFailure =
    R"([pod/productpage-v1-7d4cd8d5d-2f9xq/istio-proxy] [2025-11-11T10:31:30.100Z] "POST /reviews/0 HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{connection_failure} - "-" 0 91 1250 - "-" "python-requests/2.31.0" "3d1f31f5-6a6d-90d1-b330-316d84692951" "reviews:9080" "10.244.1.38:9080" outbound|9080||reviews.bookinfo.svc.cluster.local - 10.96.77.52:9080 10.244.2.14:53750 - default)";
const QByteArray kTraced =
    R"([2025-11-11T10:31:24.746Z] "GET / HTTP/1.1" 200 traceID=e28cfcca4e031099 spanID=07d23de702980446 service=10.96.245.140:80)";
const QByteArray kUntraced =
    R"([2025-11-11T10:31:23.108Z] "GET / HTTP/1.1" 200 traceID=- spanID=- service=10.96.245.140:80)";
const QByteArray kJson =
    R"({"start_time":"2025-11-11T10:31:25.863Z","method":"GET","path":"/productpage","protocol":"HTTP/1.1","response_code":200,"response_flags":"-","bytes_received":0,"bytes_sent":3768,"duration":11,"upstream_service_time":"8","request_id":"ba4f67d8-a1e4-9b88-4d5d-7c115aed9b8c","authority":"productpage:9080","upstream_cluster":"outbound|9080||productpage.bookinfo.svc.cluster.local","x_b3_traceid":"42d85f2572fd6361e7b5c186247b36b6"})";
const QByteArray kProxyLog = "2025-11-11T10:31:28.049Z\twarning\tenvoy "
                             "config\tStreamAggregatedResources gRPC config stream closed";
}  // namespace

class TestQueryMatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matches_data();
    void matches();
    void ignoreCase_data();
    void ignoreCase();
    void plainText();
};

void TestQueryMatcher::matches_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("expected");
    auto row = [](const char* name, const QString& q, const QByteArray& line, bool expected) {
        QTest::newRow(name) << q << line << expected;
    };
    row("empty-matches-all", u""_s, kProxyLog, true);
    row("text-smart-case", u"curl"_s, kOutbound, true);
    row("text-ignores-case", u"CURL"_s, kOutbound, false);
    row("text-lower-any-case", u"\"get /status\""_s, kOutbound, true);
    row("text-miss", u"ratings"_s, kOutbound, false);
    row("phrase", u"\"418 - via_upstream\""_s, kInbound, true);
    row("regex", u"/status\\/4\\d\\d/"_s, kOutbound, true);
    row("regex-miss", u"/status\\/5\\d\\d/"_s, kOutbound, false);
    row("trace-64-bit-normalised", u"trace:E28CFCCA4E031099"_s, kTraced, true);
    row("trace-padded-form", u"trace:0000000000000000e28cfcca4e031099"_s, kTraced, true);
    row("trace-other", u"trace:f8fd657e618fd308"_s, kTraced, false);
    row("trace-none", u"trace:e28cfcca4e031099"_s, kUntraced, false);
    row("trace-json", u"trace:42d85f2572fd6361e7b5c186247b36b6"_s, kJson, true);
    row("req-client", u"req:84961386-6d84-929d-98bd-c5aee93b5c88"_s, kOutbound, true);
    row("req-server", u"req:84961386-6d84-929d-98bd-c5aee93b5c88"_s, kInbound, true);
    row("req-other", u"req:84961386-6d84-929d-98bd-c5aee93b5c89"_s, kInbound, false);
    row("status-class", u"status:4xx"_s, kOutbound, true);
    row("status-class-miss", u"status:5xx"_s, kOutbound, false);
    row("status-exact", u"status:503"_s, kFailure, true);
    row("status-ge", u"status:>=500"_s, kFailure, true);
    row("status-lt", u"status:<400"_s, kTraced, true);
    row("status-none", u"status:200"_s, kProxyLog, false);
    row("flag", u"flag:UF"_s, kFailure, true);
    row("flag-second", u"flag:urx"_s, kFailure, true);
    row("flag-absent", u"flag:UF"_s, kOutbound, false);
    row("pod-glob", u"pod:sleep-*"_s, kOutbound, true);
    row("pod-glob-miss", u"pod:httpbin-*"_s, kOutbound, false);
    row("pod-none", u"pod:*"_s, kTraced, false);
    row("svc-short", u"svc:httpbin"_s, kOutbound, true);
    row("svc-fqdn", u"svc:httpbin.foo.svc.cluster.local"_s, kOutbound, true);
    row("svc-inbound-authority", u"svc:httpbin"_s, kInbound, true);
    row("svc-prefix-not-a-name", u"svc:http"_s, kOutbound, false);
    row("svc-glob", u"svc:rev*"_s, kFailure, true);
    row("method", u"method:post"_s, kFailure, true);
    row("method-miss", u"method:POST"_s, kOutbound, false);
    row("path-glob", u"path:/status/*"_s, kOutbound, true);
    row("path-glob-miss", u"path:/reviews/*"_s, kOutbound, false);
    row("dur-gt", u"dur>1s"_s, kFailure, true);
    row("dur-gt-miss", u"dur>1s"_s, kOutbound, false);
    row("dur-le", u"dur<=4ms"_s, kOutbound, true);
    row("dur-none", u"dur>0"_s, kProxyLog, false);
    row("since", u"since:2025-11-11T10:31:24Z"_s, kTraced, true);
    row("since-miss", u"since:2025-11-11T10:31:24Z"_s, kUntraced, false);
    row("until", u"until:2021-01-01"_s, kOutbound, true);
    row("since-relative", u"since:1h"_s, kFailure, true);
    row("and", u"status:503 flag:UF pod:product*"_s, kFailure, true);
    row("and-miss", u"status:503 flag:UH"_s, kFailure, false);
    row("or", u"status:200 OR flag:UF"_s, kFailure, true);
    row("not", u"-status:200"_s, kFailure, true);
    row("not-miss", u"-svc:reviews"_s, kFailure, false);
    row("nested", u"(status:5xx OR status:418) -pod:httpbin*"_s, kOutbound, true);
    row("nested-miss", u"(status:5xx OR status:418) -pod:sleep*"_s, kOutbound, false);
}

void TestQueryMatcher::matches()
{
    QFETCH(QString, query);
    QFETCH(QByteArray, line);
    QFETCH(bool, expected);
    const auto q = LogQuery::parse(query, kNow);
    QVERIFY2(q.ok(), qPrintable(q.ok() ? QString() : q.error().message));
    PodTable pods;
    ParsedLine parsed;
    AccessLogParser::parse(line, parsed);
    qint64 time = 0;
    const LineRecord record = makeRecord(parsed, line, &pods, &time);
    QueryMatcher matcher(*q, pods);
    QCOMPARE(matcher.matches(record, time, line), expected);
    // Asking twice gives the same answer (the matcher caches per line).
    QCOMPARE(matcher.matches(record, time, line), expected);
}

void TestQueryMatcher::ignoreCase_data()
{
    QTest::addColumn<QByteArray>("haystack");
    QTest::addColumn<QByteArray>("needle");
    QTest::addColumn<bool>("found");
    QTest::newRow("empty-needle") << "abc"_ba
                                  << ""_ba << true;
    QTest::newRow("empty-haystack") << ""_ba
                                    << "a"_ba << false;
    QTest::newRow("exact") << "Upstream"_ba
                           << "upstream"_ba << true;
    QTest::newRow("at-end") << "xxxUPSTREAM"_ba
                            << "upstream"_ba << true;
    QTest::newRow("overlap") << "aaab"_ba
                             << "aab"_ba << true;
    QTest::newRow("longer-needle") << "ab"_ba
                                   << "abc"_ba << false;
    QTest::newRow("non-letters") << "a-1_b"_ba
                                 << "-1_"_ba << true;
    QTest::newRow("binary") << QByteArray("\0\xffX\0", 4) << "x"_ba << true;
    QTest::newRow("miss") << "productpage"_ba
                          << "ratings"_ba << false;
    // Candidates of both cases of the first letter, interleaved, before and after the match.
    QTest::newRow("upper-after-lowers") << "e e1 E eE e9e E9EA e"_ba
                                        << "e9ea"_ba << true;
    QTest::newRow("lower-after-uppers") << "E E1 e Ee E9E e9ea E"_ba
                                        << "e9ea"_ba << true;
    QTest::newRow("only-lower-candidates") << "e1e2e3e9e"_ba
                                           << "e9ea"_ba << false;
    QTest::newRow("only-upper-candidates") << "E1E2E3E9EA"_ba
                                           << "e9ea"_ba << true;
}

void TestQueryMatcher::ignoreCase()
{
    QFETCH(QByteArray, haystack);
    QFETCH(QByteArray, needle);
    QFETCH(bool, found);
    QCOMPARE(QueryMatcher::containsIgnoreCase(haystack, needle), found);
}

void TestQueryMatcher::plainText()
{
    PodTable pods;
    QueryMatcher text(*LogQuery::parse(u"Upstream"_s, kNow), pods);
    QVERIFY(text.isPlainText());
    QCOMPARE(text.plainText(), "Upstream"_ba);
    QVERIFY(text.plainTextCaseSensitive());
    QueryMatcher notText(*LogQuery::parse(u"status:5xx"_s, kNow), pods);
    QVERIFY(!notText.isPlainText());
    QueryMatcher two(*LogQuery::parse(u"a b"_s, kNow), pods);
    QVERIFY(!two.isPlainText());
}

QTEST_GUILESS_MAIN(TestQueryMatcher)
#include "tst_querymatcher.moc"
