#include "LogGenerator.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"
#include "core/logs/QueryMatcher.h"

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

constexpr qint64 kNow = 1762857084000 + 3600 * 1000;

// The answer worked out the slow way: every line parsed and matched on its own.
std::vector<qint64> bruteForce(const QByteArray& content, const LogQuery& query)
{
    std::vector<qint64> out;
    PodTable pods;
    QList<QByteArray> lines = content.split('\n');
    if (content.endsWith('\n'))
        lines.removeLast();
    std::vector<LineRecord> records;
    std::vector<qint64> times;
    for (const QByteArray& line : lines) {
        ParsedLine parsed;
        AccessLogParser::parse(line, parsed);
        qint64 t = 0;
        records.push_back(makeRecord(parsed, line, &pods, &t));
        times.push_back(t);
    }
    QueryMatcher matcher(query, pods);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (matcher.matches(records[size_t(i)], times[size_t(i)], lines.at(i)))
            out.push_back(i);
    }
    return out;
}

}  // namespace

class TestLogFilter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sameAsBruteForce_data();
    void sameAsBruteForce();
    void appendedLinesAreFiltered();
    void closingResets();
    void restartReplacesResults();

private:
    QTemporaryDir dir_;
    QString path_;
    QByteArray content_;
    QByteArray traceProbe_;
};

void TestLogFilter::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    bench::LogGenerator::Options options;
    options.timestamps = true;
    bench::LogGenerator generator(options);
    content_ = generator.generate(6 * 1024 * 1024);  // > one read block, > one round
    // A trace that is in the log (the default TEXT format may not log its id).
    for (size_t i = generator.traceIds().size() / 3; traceProbe_.isEmpty(); ++i) {
        if (content_.contains(generator.traceIds().at(i)))
            traceProbe_ = generator.traceIds().at(i);
    }
    content_ += "a last line without newline, Upstream";
    path_ = dir_.filePath(u"mesh.log"_s);
    QFile f(path_);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content_);
}

void TestLogFilter::sameAsBruteForce_data()
{
    QTest::addColumn<QString>("query");
    QTest::newRow("plain-text") << u"reviews"_s;
    QTest::newRow("plain-text-case-sensitive") << u"POST"_s;
    QTest::newRow("plain-text-ignore-case") << u"upstream"_s;
    QTest::newRow("plain-text-rare") << u"Go-http-client"_s;
    QTest::newRow("plain-text-none") << u"no-such-text-anywhere"_s;
    QTest::newRow("status") << u"status:5xx"_s;
    QTest::newRow("flags-or") << u"flag:UF OR flag:UH"_s;
    QTest::newRow("pod-and-dur") << u"pod:productpage-* dur>20ms"_s;
    QTest::newRow("svc-not-status") << u"svc:reviews -status:200"_s;
    QTest::newRow("method-path") << u"method:POST path:/productpage"_s;
    QTest::newRow("regex") << u"/details\\/[0-9]/"_s;
    QTest::newRow("time-window") << u"since:2025-11-11T10:35:00Z until:2025-11-11T10:40:00Z"_s;
    QTest::newRow("warnings") << u"\"\\twarning\\t\" OR grpc"_s;
    QTest::newRow("one-trace") << u"trace:%1"_s.arg(QString::fromLatin1(traceProbe_));
    QTest::newRow("one-trace-and-pod")
        << u"trace:%1 pod:istio-ingressgateway-*"_s.arg(QString::fromLatin1(traceProbe_));
}

void TestLogFilter::sameAsBruteForce()
{
    QFETCH(QString, query);
    const auto q = LogQuery::parse(query, kNow);
    QVERIFY2(q.ok(), qPrintable(q.ok() ? QString() : q.error().message));
    LogFile file;
    file.setFollowing(false);
    QSignalSpy indexed(&file, &LogFile::indexingFinished);
    QVERIFY(file.open(path_));
    QVERIFY(indexed.wait(60000));
    LogFilter filter(&file);
    QSignalSpy finished(&filter, &LogFilter::finished);
    QSignalSpy appended(&filter, &LogFilter::matchesAppended);
    filter.start(*q);
    QVERIFY(finished.wait(60000));
    const std::vector<qint64> expected = bruteForce(content_, *q);
    QCOMPARE(filter.matches().size(), expected.size());
    QVERIFY(filter.matches() == expected);
    if (query.startsWith(u"trace:"_s))
        QVERIFY(!expected.empty());
    qint64 announced = 0;
    for (const auto& args : appended)
        announced += args.at(1).toLongLong();
    QCOMPARE(announced, qint64(expected.size()));
    QCOMPARE(filter.linesFiltered(), file.lineCount());
}

void TestLogFilter::appendedLinesAreFiltered()
{
    const QString path = dir_.filePath(u"grow.log"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GET /a 200\nGET /b 503\n");
    }
    LogFile file;
    file.setPollInterval(10);
    QSignalSpy indexed(&file, &LogFile::indexingFinished);
    QVERIFY(file.open(path));
    QVERIFY(indexed.wait());
    LogFilter filter(&file);
    filter.start(*LogQuery::parse(u"503"_s, kNow));
    QTRY_COMPARE(filter.matches().size(), size_t(1));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write("GET /c 200\nGET /d 503\n");
    }
    QTRY_COMPARE(filter.matches().size(), size_t(2));
    QCOMPARE(filter.matches().at(1), qint64(3));
}

void TestLogFilter::closingResets()
{
    LogFile file;
    QSignalSpy indexed(&file, &LogFile::indexingFinished);
    QVERIFY(file.open(path_));
    QVERIFY(indexed.wait(60000));
    LogFilter filter(&file);
    QSignalSpy reset(&filter, &LogFilter::reset);
    filter.start(*LogQuery::parse(u"status:200"_s, kNow));
    file.close();  // while the filter may still run: it must stop and forget, not crash
    QVERIFY(reset.count() >= 2);
    QVERIFY(filter.matches().empty());
    QVERIFY(!filter.isRunning());
}

void TestLogFilter::restartReplacesResults()
{
    LogFile file;
    QSignalSpy indexed(&file, &LogFile::indexingFinished);
    QVERIFY(file.open(path_));
    QVERIFY(indexed.wait(60000));
    LogFilter filter(&file);
    QSignalSpy finished(&filter, &LogFilter::finished);
    filter.start(*LogQuery::parse(u"status:200"_s, kNow));
    filter.start(*LogQuery::parse(u"status:404"_s, kNow));  // replaces the first at once
    QVERIFY(finished.wait(60000));
    QVERIFY(!filter.matches().empty());
    QVERIFY(filter.matches() == bruteForce(content_, *LogQuery::parse(u"status:404"_s, kNow)));
}

QTEST_GUILESS_MAIN(TestLogFilter)
#include "tst_logfilter.moc"
