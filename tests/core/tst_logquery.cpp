#include "core/logs/LogQuery.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

using namespace Qt::Literals::StringLiterals;
using obslab::LogQuery;
using obslab::parseQueryDuration;
using obslab::parseQueryTime;

namespace {
// 2025-11-11T10:31:24Z, the tutorial's log time.
constexpr qint64 kNow = 1762857084000;
}  // namespace

class TestLogQuery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data();
    void parses();
    void errors_data();
    void errors();
    void requiredTraceId_data();
    void requiredTraceId();
    void durations_data();
    void durations();
    void times_data();
    void times();
    void garbageNeverCrashes();
};

void TestLogQuery::parses_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("described");
    QTest::newRow("empty") << u""_s << u"(ALL)"_s;
    QTest::newRow("blank") << u"   "_s << u"(ALL)"_s;
    QTest::newRow("word") << u"productpage"_s << u"text/i:\"productpage\""_s;
    QTest::newRow("smart-case") << u"GET"_s << u"text:\"GET\""_s;
    QTest::newRow("phrase") << u"\"curl/7.73 x\""_s << u"text/i:\"curl/7.73 x\""_s;
    QTest::newRow("escaped-quote") << u"\"say \\\"hi\\\"\""_s << u"text/i:\"say \"hi\"\""_s;
    QTest::newRow("url-is-text") << u"http://x:80/y"_s << u"text/i:\"http://x:80/y\""_s;
    QTest::newRow("unknown-key-is-text") << u"foo:bar"_s << u"text/i:\"foo:bar\""_s;
    QTest::newRow("regex") << u"/GET \\/status\\/4\\d\\d/"_s << u"/GET /status/4\\d\\d/"_s;
    QTest::newRow("trace-16") << u"trace:E28CFCCA4E031099"_s
                              << u"trace:0000000000000000e28cfcca4e031099"_s;
    QTest::newRow("trace-32") << u"trace:3ba55609c3cde49649cd77d1f9dcd936"_s
                              << u"trace:3ba55609c3cde49649cd77d1f9dcd936"_s;
    QTest::newRow("trace-traceparent")
        << u"trace:00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"_s
        << u"trace:4bf92f3577b34da6a3ce929d0e0e4736"_s;
    QTest::newRow("trace-b3-single")
        << u"trace:80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1"_s
        << u"trace:80f198ee56343ba864fe8b2a57d3eff7"_s;
    QTest::newRow("trace-uber") << u"trace:4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1"_s
                                << u"trace:4bf92f3577b34da6a3ce929d0e0e4736"_s;
    QTest::newRow("req") << u"req:84961386-6d84-929d-98bd-c5aee93b5c88"_s
                         << u"req:84961386-6d84-929d-98bd-c5aee93b5c88"_s;
    QTest::newRow("status-class") << u"status:5XX"_s << u"status:5xx"_s;
    QTest::newRow("status-exact") << u"status:404"_s << u"status:=404"_s;
    QTest::newRow("status-compare") << u"status:>=400"_s << u"status:>=400"_s;
    QTest::newRow("flag") << u"flag:uf"_s << u"flag:UF"_s;
    QTest::newRow("method") << u"method:post"_s << u"method:POST"_s;
    QTest::newRow("pod-glob") << u"pod:frontend-*"_s << u"pod:\"frontend-*\""_s;
    QTest::newRow("pod-quoted") << u"pod:\"a b*\""_s << u"pod:\"a b*\""_s;
    QTest::newRow("svc") << u"svc:httpbin"_s << u"svc:\"httpbin\""_s;
    QTest::newRow("path") << u"path:/status/*"_s << u"path:\"/status/*\""_s;
    QTest::newRow("dur-gt") << u"dur>100ms"_s << u"dur>100ms"_s;
    QTest::newRow("dur-ge-seconds") << u"dur>=1.5s"_s << u"dur>=1500ms"_s;
    QTest::newRow("dur-colon") << u"dur:<2s"_s << u"dur<2000ms"_s;
    QTest::newRow("dur-bare-ms") << u"dur=250"_s << u"dur=250ms"_s;
    QTest::newRow("duration-word-is-text") << u"duration"_s << u"text/i:\"duration\""_s;
    QTest::newRow("since-rfc3339")
        << u"since:2025-11-11T10:31:24.746Z"_s << u"since:2025-11-11T10:31:24.746Z"_s;
    QTest::newRow("since-relative") << u"since:15m"_s << u"since:2025-11-11T10:16:24.000Z"_s;
    QTest::newRow("until-date") << u"until:2025-11-12"_s << u"until:2025-11-12T00:00:00.000Z"_s;
    QTest::newRow("implicit-and") << u"status:5xx pod:front*"_s
                                  << u"(AND status:5xx pod:\"front*\")"_s;
    QTest::newRow("negation") << u"-status:200"_s << u"(NOT status:=200)"_s;
    QTest::newRow("or-binds-looser")
        << u"a b OR c"_s << u"(OR (AND text/i:\"a\" text/i:\"b\") text/i:\"c\")"_s;
    QTest::newRow("parentheses") << u"(status:5xx OR flag:UF) -pod:sleep*"_s
                                 << u"(AND (OR status:5xx flag:UF) (NOT pod:\"sleep*\"))"_s;
    QTest::newRow("or-lowercase-is-text")
        << u"a or b"_s << u"(AND text/i:\"a\" text/i:\"or\" text/i:\"b\")"_s;
    QTest::newRow("double-negation") << u"--x"_s << u"(NOT (NOT text/i:\"x\"))"_s;
}

void TestLogQuery::parses()
{
    QFETCH(QString, query);
    QFETCH(QString, described);
    const auto result = LogQuery::parse(query, kNow);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(result->describe(), described);
}

void TestLogQuery::errors_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad-status") << u"pod:x status:abc"_s << u"position 14: unknown status 'abc'"_s;
    QTest::newRow("bad-trace") << u"trace:xyz"_s << u"position 7: 'xyz' is not a trace id"_s;
    QTest::newRow("zero-trace") << u"trace:0000000000000000"_s << u"position 7:"_s;
    QTest::newRow("too-long-trace") << u"trace:%1"_s.arg(QString(33, u'a')) << u"position 7:"_s;
    QTest::newRow("bad-duration") << u"dur>fast"_s << u"position 5: 'fast' is not a duration"_s;
    QTest::newRow("bad-time") << u"since:yesterday"_s << u"position 7: 'yesterday' is not a time"_s;
    QTest::newRow("empty-value") << u"pod:"_s << u"position 5: 'pod:' needs a value"_s;
    QTest::newRow("unclosed-quote") << u"a \"b c"_s << u"position 3: the quote is never closed"_s;
    QTest::newRow("unclosed-regex")
        << u"/abc"_s << u"position 1: the regular expression is never closed"_s;
    QTest::newRow("invalid-regex") << u"/a(b/"_s << u"invalid regular expression"_s;
    QTest::newRow("empty-regex") << u"//"_s << u"position 1: the regular expression is empty"_s;
    QTest::newRow("lone-minus") << u"a - b"_s << u"position 3: '-' must be followed"_s;
    QTest::newRow("dangling-or") << u"a OR"_s << u"position 3: OR needs a term on both sides"_s;
    QTest::newRow("leading-or") << u"OR a"_s << u"position 1: expected a term"_s;
    QTest::newRow("unclosed-paren") << u"(a b"_s << u"position 1: '(' is never closed"_s;
    QTest::newRow("stray-paren") << u"a)"_s << u"position 2: ')' without a matching '('"_s;
    QTest::newRow("empty-parens") << u"()"_s << u"position 2: expected a term"_s;
    QTest::newRow("bad-flag") << u"flag:U-F"_s << u"position 6: 'U-F' is not a response flag"_s;
}

void TestLogQuery::errors()
{
    QFETCH(QString, query);
    QFETCH(QString, message);
    const auto result = LogQuery::parse(query, kNow);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().message.startsWith(message) || result.error().message.contains(message),
             qPrintable(result.error().message));
    QVERIFY(!result.error().hint.isEmpty());
}

void TestLogQuery::requiredTraceId_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QByteArray>("trace");
    QTest::newRow("alone") << u"trace:e28cfcca4e031099"_s << "0000000000000000e28cfcca4e031099"_ba;
    QTest::newRow("anded") << u"status:5xx trace:e28cfcca4e031099"_s
                           << "0000000000000000e28cfcca4e031099"_ba;
    QTest::newRow("or-not-required") << u"trace:e28cfcca4e031099 OR x"_s << QByteArray();
    QTest::newRow("negated") << u"-trace:e28cfcca4e031099"_s << QByteArray();
    QTest::newRow("none") << u"status:5xx"_s << QByteArray();
}

void TestLogQuery::requiredTraceId()
{
    QFETCH(QString, query);
    QFETCH(QByteArray, trace);
    const auto result = LogQuery::parse(query, kNow);
    QVERIFY(result.ok());
    QCOMPARE(result->requiredTraceId(), trace);
}

void TestLogQuery::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("ms") << u"100ms"_s << qint64(100);
    QTest::newRow("bare") << u"7"_s << qint64(7);
    QTest::newRow("seconds") << u"2s"_s << qint64(2000);
    QTest::newRow("fraction") << u"1.25s"_s << qint64(1250);
    QTest::newRow("minutes") << u"3m"_s << qint64(180000);
    QTest::newRow("micro") << u"1500us"_s << qint64(2);
    QTest::newRow("invalid") << u"-1s"_s << qint64(-1);
    QTest::newRow("huge") << u"99999999999999999h"_s << qint64(-1);
}

void TestLogQuery::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    const auto result = parseQueryDuration(text);
    if (ms < 0) {
        QVERIFY(!result.ok());
        return;
    }
    QVERIFY(result.ok());
    QCOMPARE(*result, ms);
}

void TestLogQuery::times_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("zulu") << u"2025-11-11T10:31:24Z"_s << kNow;
    QTest::newRow("millis") << u"2025-11-11T10:31:24.746Z"_s << kNow + 746;
    QTest::newRow("offset") << u"2025-11-11T11:31:24+01:00"_s << kNow;
    QTest::newRow("no-zone-is-utc") << u"2025-11-11T10:31:24"_s << kNow;
    QTest::newRow("relative-seconds") << u"30s"_s << kNow - 30000;
    QTest::newRow("relative-days") << u"1d"_s << kNow - 86400000;
    QTest::newRow("garbage") << u"soon"_s << qint64(-1);
}

void TestLogQuery::times()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    const auto result = parseQueryTime(text, kNow);
    if (ms < 0) {
        QVERIFY(!result.ok());
        return;
    }
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(*result, ms);
}

void TestLogQuery::garbageNeverCrashes()
{
    // Every prefix of a busy query parses or fails cleanly.
    const QString query = u"(status:5xx OR flag:\"UF\") -pod:front* /a\\/b/ dur>=1.5s since:15m"_s;
    for (int n = 0; n <= query.size(); ++n) {
        const auto result = LogQuery::parse(query.left(n), kNow);
        if (!result.ok())
            QVERIFY(result.error().message.startsWith(u"position "_s));
    }
    const auto full = LogQuery::parse(query, kNow);
    QVERIFY(full.ok());
    QCOMPARE(full->terms().size(), 6);
}

QTEST_GUILESS_MAIN(TestLogQuery)
#include "tst_logquery.moc"
