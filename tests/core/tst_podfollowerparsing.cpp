// PodFollower's pure parts: RFC 3339 timestamps, `kubectl logs --timestamps` lines, container
// states from pod JSON, the watch-stream JSON splitter and the reconnect de-duplication.
#include "core/kube/PodFollowerParsing.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab::PodFollowerParsing;

class TestPodFollowerParsing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rfc3339_data();
    void rfc3339();
    void timestampedLine();
    void containerStates_data();
    void containerStates();
    void jsonSplitter();
    void dedupAcrossReplay();
};

void TestPodFollowerParsing::rfc3339_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("ns");  // -1: invalid
    QTest::newRow("epoch") << QByteArray("1970-01-01T00:00:00Z") << qint64(0);
    QTest::newRow("nanos") << QByteArray("2026-11-27T10:00:00.123456789Z")
                           << qint64(1795773600123456789);
    QTest::newRow("short-fraction")
        << QByteArray("2026-11-27T10:00:00.5Z") << qint64(1795773600500000000);
    QTest::newRow("offset") << QByteArray("2026-11-27T11:00:00+01:00")
                            << qint64(1795773600000000000);
    QTest::newRow("leap-day") << QByteArray("2024-02-29T00:00:00Z") << qint64(1709164800000000000);
    QTest::newRow("empty") << QByteArray() << qint64(-1);
    QTest::newRow("garbage") << QByteArray("error: unexpected EOF") << qint64(-1);
    QTest::newRow("no-zone") << QByteArray("2026-11-27T10:00:00") << qint64(-1);
    QTest::newRow("bad-month") << QByteArray("2026-13-27T10:00:00Z") << qint64(-1);
    QTest::newRow("dot-no-digits") << QByteArray("2026-11-27T10:00:00.Z") << qint64(-1);
    QTest::newRow("trailing") << QByteArray("2026-11-27T10:00:00Zx") << qint64(-1);
}

void TestPodFollowerParsing::rfc3339()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, ns);
    const auto parsed = parseRfc3339Nano(text);
    if (ns < 0) {
        QVERIFY(!parsed);
    } else {
        QVERIFY(parsed);
        QCOMPARE(*parsed, ns);
    }
}

void TestPodFollowerParsing::timestampedLine()
{
    auto line =
        splitTimestamped("2026-11-27T10:00:00.000000001Z [2026-11-27T10:00:00Z] \"GET /\" 200");
    QCOMPARE(line.timestamp, QByteArray("2026-11-27T10:00:00.000000001Z"));
    QCOMPARE(line.timeNs, qint64(1795773600000000001));
    QCOMPARE(line.text, QByteArray("[2026-11-27T10:00:00Z] \"GET /\" 200"));
    line = splitTimestamped("2026-11-27T10:00:00Z");  // an empty log line
    QCOMPARE(line.timeNs, qint64(1795773600000000000));
    QVERIFY(line.text.isEmpty());
    line = splitTimestamped("not a timestamp \xff\xfe");
    QVERIFY(line.timestamp.isEmpty());
    QCOMPARE(line.timeNs, qint64(0));
    QCOMPARE(line.text, QByteArray("not a timestamp \xff\xfe"));
}

void TestPodFollowerParsing::containerStates_data()
{
    QTest::addColumn<QByteArray>("pod");
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("native");
    QTest::newRow("running-sidecar")
        << QByteArray(R"({"spec":{"containers":[{"name":"app"},{"name":"istio-proxy"}]},
            "status":{"containerStatuses":[{"name":"istio-proxy","state":{"running":{}}}]}})")
        << int(ContainerState::Running) << false;
    QTest::newRow("native-sidecar") << QByteArray(R"({"spec":{"containers":[{"name":"app"}],
            "initContainers":[{"name":"istio-proxy","restartPolicy":"Always"}]},
            "status":{"initContainerStatuses":[{"name":"istio-proxy","state":{"running":{}}}]}})")
                                    << int(ContainerState::Running) << true;
    QTest::newRow("creating") << QByteArray(R"({"spec":{"containers":[{"name":"istio-proxy"}]},
            "status":{"containerStatuses":[{"name":"istio-proxy",
            "state":{"waiting":{"reason":"ContainerCreating"}}}]}})")
                              << int(ContainerState::Waiting) << false;
    QTest::newRow("no-status-yet")
        << QByteArray(R"({"spec":{"containers":[{"name":"istio-proxy"}]}})")
        << int(ContainerState::Waiting) << false;
    QTest::newRow("crashloop-has-log")
        << QByteArray(R"({"spec":{"containers":[{"name":"istio-proxy"}]},
            "status":{"containerStatuses":[{"name":"istio-proxy",
            "state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{}}}]}})")
        << int(ContainerState::Terminated) << false;
    QTest::newRow("no-sidecar") << QByteArray(R"({"spec":{"containers":[{"name":"app"}]}})")
                                << int(ContainerState::Absent) << false;
    QTest::newRow("empty") << QByteArray("{}") << int(ContainerState::Absent) << false;
}

void TestPodFollowerParsing::containerStates()
{
    QFETCH(QByteArray, pod);
    QFETCH(int, kind);
    QFETCH(bool, native);
    const auto state = containerState(QJsonDocument::fromJson(pod).object(), u"istio-proxy"_s);
    QCOMPARE(int(state.kind), kind);
    QCOMPARE(state.nativeSidecar, native);
}

void TestPodFollowerParsing::jsonSplitter()
{
    // kubectl 1.20 pretty-prints, newer ones print one object per line; braces in strings and
    // escaped quotes must not confuse it; text between objects is skipped.
    JsonObjectSplitter splitter;
    QList<QByteArray> objects;
    auto collect = [&](const QByteArray& o) { objects << o; };
    splitter.feed("{\"type\":\"ADDED\",\n", collect);
    splitter.feed("  \"object\":{\"s\":\"a } \\\" {\"}}\n", collect);
    splitter.feed("warning text\n{\"type\":\"DELETED\",\"object\":{}}{\"a\":1}", collect);
    QCOMPARE(objects.size(), 3);
    QVERIFY(QJsonDocument::fromJson(objects.at(0)).isObject());
    QCOMPARE(QJsonDocument::fromJson(objects.at(0))
                 .object()
                 .value(u"object"_s)
                 .toObject()
                 .value(u"s"_s)
                 .toString(),
             u"a } \" {"_s);
    QCOMPARE(objects.at(2), QByteArray("{\"a\":1}"));
    splitter.feed("{\"partial\":", collect);
    QCOMPARE(objects.size(), 3);
    splitter.reset();
    splitter.feed("{}", collect);
    QCOMPARE(objects.size(), 4);
}

void TestPodFollowerParsing::dedupAcrossReplay()
{
    const qint64 s = 1795773600LL * 1000000000LL;
    LineDeduper dedup;
    QVERIFY(dedup.accept(s - 500, "old second"));
    QVERIFY(dedup.accept(s + 1, "a"));
    QVERIFY(dedup.accept(s + 2, "b"));
    QVERIFY(dedup.accept(s + 2, "b"));  // two identical lines: both are real
    QVERIFY(dedup.accept(s + 3, "c"));
    QCOMPARE(dedup.lastTimeNs(), s + 3);
    // The stream drops; the reconnect (--since-time = the second of s+3) replays that second.
    dedup.beginReplay();
    QVERIFY(!dedup.accept(s - 500, "old second"));  // before the window: already delivered
    QVERIFY(!dedup.accept(s + 1, "a"));
    QVERIFY(!dedup.accept(s + 2, "b"));
    QVERIFY(!dedup.accept(s + 2, "b"));
    QVERIFY(!dedup.accept(s + 3, "c"));
    QVERIFY(dedup.accept(s + 4, "d"));  // written while the stream was down
    QVERIFY(dedup.accept(s + 2, "b"));  // a third identical one after the replay: new
    QVERIFY(dedup.accept(s + 2000000000, "next second"));
    QCOMPARE(dedup.windowSize(), 1);  // memory: the last second only
    // A second reconnect with nothing new.
    dedup.beginReplay();
    QVERIFY(!dedup.accept(s + 2000000000, "next second"));
    QVERIFY(dedup.accept(s + 2000000001, "after"));
}

QTEST_GUILESS_MAIN(TestPodFollowerParsing)
#include "tst_podfollowerparsing.moc"
