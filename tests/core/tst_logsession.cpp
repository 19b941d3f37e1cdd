// LogSession: file, merged and live sources; the filter, the histogram and the export jobs of the
// current source; a follow's signals (here with a kubectl that does not exist; the simulated mesh
// is in tests/integration/tst_logsession_sim.cpp).
#include "core/logs/LiveLogStore.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"
#include "core/logs/LogQuery.h"
#include "core/logs/LogSession.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <numeric>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

QByteArray request(int second, int status, const QByteArray& path)
{
    return "[2024-05-02T10:00:" + QByteArray::number(second).rightJustified(2, '0') +
           ".000Z] \"GET /" + path + " HTTP/1.1\" " + QByteArray::number(status) +
           " - via_upstream - \"-\" 0 5 3 2 \"-\" \"curl/8\" \"rid-" + path +
           "\" \"svc:80\" \"10.0.0.2:80\" outbound|80||svc.ns.svc.cluster.local - - - - default";
}

bool write(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestLogSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fileSourceWithFilterStatsAndExport();
    void missingFileIsAnErrorNotASource();
    void mergedFilesAreOneSource();
    void liveSourceFedLinesDirectly();
    void followSaysWhenKubectlIsMissing_data();
    void followSaysWhenKubectlIsMissing();
};

void TestLogSession::fileSourceWithFilterStatsAndExport()
{
    QTemporaryDir dir;
    QByteArray all;
    QByteArray failed;
    for (int i = 0; i < 30; ++i) {
        const int status = i % 3 == 0 ? 503 : 200;
        const QByteArray line = request(i, status, "p" + QByteArray::number(i));
        all += line + '\n';
        if (status == 503)
            failed += line + '\n';
    }
    const QString path = dir.filePath(u"a.log"_s);
    QVERIFY(write(path, all));

    LogSession session;
    QString error;
    const int index = session.openFile(path, path, u"a.log"_s, &error);
    QCOMPARE(index, 0);
    QVERIFY(error.isEmpty());
    QCOMPARE(session.count(), 1);
    QCOMPARE(session.indexOf(path), 0);
    QCOMPARE(session.indexOf(u"/elsewhere"_s), -1);
    QCOMPARE(session.source(0).title, u"a.log"_s);
    QVERIFY(!session.source(0).isLive());
    QVERIFY(!session.filter());  // no current source yet

    session.setCurrent(index);
    LogFile* file = session.currentFile();
    QCOMPARE(file, session.source(0).file);
    QVERIFY(session.filter());
    QTRY_COMPARE(file->state(), LogFile::State::Ready);
    QCOMPARE(file->lineCount(), 30);

    // The filter of the current source.
    QSignalSpy filtered(session.filter(), &LogFilter::finished);
    const Result<LogQuery> query = LogQuery::parse(u"status:5xx"_s, 0);
    QVERIFY(query.ok());
    session.filter()->start(query.value());
    QVERIFY(filtered.wait());
    QCOMPARE(session.filter()->matches().size(), size_t(10));

    // Statistics: every line in a bucket, the 503s in the 5xx slot.
    session.setHistogramBuckets([] { return 10; });
    QSignalSpy histogram(&session, &LogSession::histogramReady);
    session.computeHistogram();
    QVERIFY(histogram.wait());
    const auto h = histogram.first().at(0).value<LogHistogram>();
    QVERIFY(!h.isEmpty());
    qint64 total = 0;
    qint64 fives = 0;
    for (const auto& b : h.buckets) {
        total += std::accumulate(b.begin(), b.end(), qint64(0));
        fives += b[4];
    }
    QCOMPARE(total, 30);
    QCOMPARE(fives, 10);

    // Export: only the matches, then everything, byte for byte.
    QSignalSpy exported(&session, &LogSession::exportFinished);
    const QString some = dir.filePath(u"some.log"_s);
    session.exportLines(some, true);
    QVERIFY(exported.wait());
    QCOMPARE(exported.at(0).at(0).toString(), some);
    QCOMPARE(exported.at(0).at(1).toLongLong(), 10);
    QCOMPARE(exported.at(0).at(2).toString(), QString());
    QCOMPARE(readAll(some), failed);
    const QString whole = dir.filePath(u"whole.log"_s);
    session.exportLines(whole, false);
    QVERIFY(exported.wait());
    QCOMPARE(exported.at(1).at(1).toLongLong(), 30);
    QCOMPARE(readAll(whole), all);

    // A folder cannot be written to: the error comes back, not a crash.
    session.exportLines(dir.path(), false);
    QVERIFY(exported.wait());
    QCOMPARE(exported.at(2).at(1).toLongLong(), -1);
    QVERIFY(!exported.at(2).at(2).toString().isEmpty());
}

void TestLogSession::missingFileIsAnErrorNotASource()
{
    LogSession session;
    QString error;
    QCOMPARE(session.openFile(u"/nonexistent/x.log"_s, u"/nonexistent/x.log"_s, u"x"_s, &error),
             -1);
    QVERIFY(!error.isEmpty());
    QCOMPARE(session.count(), 0);
    QCOMPARE(session.openMerged({u"/nonexistent/a"_s, u"/nonexistent/b"_s},
                                {u"/nonexistent/a"_s, u"/nonexistent/b"_s}, &error),
             -1);
    QCOMPARE(session.count(), 0);
}

void TestLogSession::mergedFilesAreOneSource()
{
    QTemporaryDir dir;
    const QString a = dir.filePath(u"frontend.log"_s);
    const QString b = dir.filePath(u"backend.log"_s);
    QVERIFY(write(a, request(1, 200, "a1") + '\n' + request(3, 200, "a3") + '\n'));
    QVERIFY(write(b, request(2, 200, "b2") + '\n'));

    LogSession session;
    QSignalSpy finished(&session, &LogSession::mergeFinished);
    QString error;
    const int index = session.openMerged({a, b}, {a, b}, &error);
    QCOMPARE(index, 0);
    QCOMPARE(session.source(index).path, a + u'\n' + b);
    QVERIFY(session.source(index).merge);
    QVERIFY(finished.wait());
    QCOMPARE(finished.at(0).at(0).toInt(), index);
    QCOMPARE(finished.at(0).at(1).toStringList(), QStringList());
    LogFile* file = session.source(index).file;
    QTRY_COMPARE(file->lineCount(), 3);
    QVERIFY(file->line(1).contains("/b2"));  // merged by time
}

void TestLogSession::liveSourceFedLinesDirectly()
{
    QTemporaryDir dir;
    LogSession session;
    auto* store = new LiveLogStore;
    QVERIFY(store->start(u"live test"_s));
    const int index = session.addLive(u"Live: app=x"_s, store, nullptr);
    QCOMPARE(store->parent(), &session);
    const LogSession::Source& source = session.source(index);
    QCOMPARE(source.path, u"live:Live: app=x"_s);
    QVERIFY(source.isLive());
    QCOMPARE(source.file, store->logFile());
    QVERIFY(!session.isFollowing(index));

    session.setCurrent(index);
    store->append("backend-1", "istio-proxy", "2024-05-02T10:00:01.000000000Z",
                  request(1, 200, "one"));
    store->append("backend-1", "istio-proxy", "2024-05-02T10:00:02.000000000Z",
                  request(2, 503, "two"));
    store->flush();
    QTRY_COMPARE(session.currentFile()->lineCount(), 2);

    QSignalSpy saved(&session, &LogSession::liveSaved);
    const QString path = dir.filePath(u"session.log"_s);
    QVERIFY(session.saveLive(index, path));
    QVERIFY(saved.wait());
    QCOMPARE(saved.at(0).at(0).toInt(), index);
    QCOMPARE(saved.at(0).at(1).toString(), path);
    QCOMPARE(saved.at(0).at(2).toString(), QString());
    const QByteArray text = readAll(path);
    QVERIFY(text.startsWith("[pod/backend-1/istio-proxy] 2024-05-02T10:00:01.000000000Z "));
    QCOMPARE(text.count('\n'), 2);
    QVERIFY(!session.saveLive(99, path));
}

void TestLogSession::followSaysWhenKubectlIsMissing_data()
{
    QTest::addColumn<bool>("disk");
    QTest::newRow("spooled to disk") << true;
    QTest::newRow("lines only") << false;
}

void TestLogSession::followSaysWhenKubectlIsMissing()
{
    QFETCH(bool, disk);
    LogSession session;
    QSignalSpy failed(&session, &LogSession::followFailed);
    QSignalSpy stopped(&session, &LogSession::followStopped);
    KubeTarget target;
    target.kubectl = u"/nonexistent/kubectl"_s;
    FollowOptions options;
    options.selector = u"app=backend"_s;
    QString error;
    const int index =
        session.follow(u"Live: app=backend"_s, target, options, nullptr,
                       disk ? LogSession::Spool::Disk : LogSession::Spool::LinesOnly, &error);
    QCOMPARE(index, 0);
    const LogSession::Source& source = session.source(index);
    QVERIFY(source.follower);
    QCOMPARE(source.live != nullptr, disk);
    QCOMPARE(source.file != nullptr, disk);
    QVERIFY(failed.isEmpty());  // not started yet
    session.startFollowing(index);
    QTRY_COMPARE(stopped.size(), 1);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(0).toInt(), index);
    QVERIFY2(failed.at(0).at(1).toString().contains(u"kubectl"_s),
             qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(failed.at(0).at(2).toBool(), false);  // not a give-up on the API server
    QCOMPARE(stopped.at(0).at(0).toInt(), index);
    QVERIFY(!session.isFollowing(index));
}

QTEST_GUILESS_MAIN(TestLogSession)
#include "tst_logsession.moc"
