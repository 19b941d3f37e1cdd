#include "core/logs/LogFile.h"
#include "core/logs/LogStats.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <numeric>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestLogStats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void workloadOfPod_data();
    void workloadOfPod();
    void figures();
    void emptyFile();
};

void TestLogStats::workloadOfPod_data()
{
    QTest::addColumn<QString>("pod");
    QTest::addColumn<QString>("workload");
    QTest::newRow("deployment") << u"reviews-v2-7f9b8c5d4-9xk2w"_s << u"reviews-v2"_s;
    QTest::newRow("short-rs-hash") << u"frontend-5f7c9d8b6-kq2wz"_s << u"frontend"_s;
    QTest::newRow("statefulset") << u"db-0"_s << u"db-0"_s;
    QTest::newRow("plain") << u"sleep"_s << u"sleep"_s;
    QTest::newRow("hash-without-digits") << u"backend-ntspmjfpdw-bpfr7"_s << u"backend"_s;
    QTest::newRow("suffix-without-digits") << u"frontend-5f7c9d8b6-bpfrx"_s << u"frontend"_s;
    QTest::newRow("words-not-hashes") << u"web-strength-abcde"_s << u"web-strength-abcde"_s;
    QTest::newRow("digits-kubernetes-never-uses")
        << u"api-1234567-0a1b3"_s << u"api-1234567-0a1b3"_s;
    QTest::newRow("not-hashes") << u"my-nice-name"_s << u"my-nice-name"_s;
    QTest::newRow("gateway") << u"istio-ingressgateway-6b7b4f9c8d-q2x7l"_s
                             << u"istio-ingressgateway"_s;
}

void TestLogStats::workloadOfPod()
{
    QFETCH(QString, pod);
    QFETCH(QString, workload);
    QCOMPARE(LogStats::workloadOfPod(pod), workload);
}

void TestLogStats::figures()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"stats.log"_s);
    QByteArray content;
    // 10 requests from two workloads: durations 1..10 ms, one 503 UF, one 404, and noise.
    for (int i = 1; i <= 10; ++i) {
        const QByteArray pod =
            i % 2 ? "productpage-v1-7d4cd8d5d-2f9xq" : "reviews-v2-7f9b8c5d4-9xk2w";
        const QByteArray status = i == 3 ? "503 UF" : i == 7 ? "404 -" : "200 -";
        content += "[pod/" + pod + "/istio-proxy] [2025-11-11T10:0" + QByteArray::number(i - 1) +
                   ":00.000Z] \"GET /x HTTP/1.1\" " + status + " via_upstream - \"-\" 0 10 " +
                   QByteArray::number(i) + " 1 \"-\" \"curl\" \"rid-" + QByteArray::number(i) +
                   "\" \"x:80\" \"1.2.3.4:80\" outbound|80||x.default.svc.cluster.local 1.1.1.1:1 "
                   "2.2.2.2:80 1.1.1.1:2 - default\n";
    }
    content += "2025-11-11T10:31:28.049Z\twarning\tenvoy config\tstream closed\n";
    content += "complete garbage\n";
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();

    LogFile file;
    file.setFollowing(false);
    QSignalSpy done(&file, &LogFile::indexingFinished);
    QVERIFY(file.open(path));
    QVERIFY(done.wait());
    const std::atomic<bool> never{false};
    const LogStats s = LogStats::compute(file.snapshot(), never);
    QCOMPARE(s.lines, 12);
    QCOMPARE(s.requests, 10);
    QCOMPARE(s.proxyLogs, 1);
    QCOMPARE(s.unknown, 1);
    QCOMPARE(s.statusClasses[2], 8);
    QCOMPARE(s.statusClasses[4], 1);
    QCOMPARE(s.statusClasses[5], 1);
    QCOMPARE(s.flags.value(u"UF"_s), 1);
    QCOMPARE(s.flags.size(), 1);
    QCOMPARE(s.workloads.value(u"productpage-v1"_s), 5);
    QCOMPARE(s.workloads.value(u"reviews-v2"_s), 5);
    QCOMPARE(s.p50Ms, 6);
    QCOMPARE(s.p90Ms, 10);
    QCOMPARE(s.p99Ms, 10);
    QCOMPARE(s.firstMs, 1762855200000);  // 10:00:00
    QCOMPARE(s.lastMs, 1762855740000);   // 10:09:00

    qint64 start = 0;
    const std::vector<qint64> perFiveMinutes = LogStats::histogram(file.snapshot(), 300000, &start);
    QCOMPARE(start, 1762855200000);
    QCOMPARE(perFiveMinutes.size(), size_t(2));
    QCOMPARE(perFiveMinutes[0], 5);
    QCOMPARE(perFiveMinutes[1], 5);
    const std::vector<qint64> perMinute = LogStats::histogram(file.snapshot(), 60000, &start);
    QCOMPARE(perMinute.size(), size_t(10));
    QCOMPARE(std::accumulate(perMinute.begin(), perMinute.end(), qint64(0)), 10);
    QVERIFY(LogStats::histogram(file.snapshot(), 0, &start).empty());
    QVERIFY(LogStats::histogram(file.snapshot(), 1, &start).size() <= 10'000'000);
}

void TestLogStats::emptyFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"empty.log"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    LogFile file;
    QVERIFY(file.open(path));
    QTRY_COMPARE(file.state(), LogFile::State::Ready);
    const std::atomic<bool> never{false};
    const LogStats s = LogStats::compute(file.snapshot(), never);
    QCOMPARE(s.lines, 0);
    QCOMPARE(s.p50Ms, -1);
    qint64 start = 0;
    QVERIFY(LogStats::histogram(file.snapshot(), 1000, &start).empty());
}

QTEST_GUILESS_MAIN(TestLogStats)
#include "tst_logstats.moc"
