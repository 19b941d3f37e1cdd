#include "core/logs/AccessLogParser.h"
#include "core/logs/LiveLogStore.h"
#include "core/logs/LogFile.h"
#include "core/logs/ParsedLine.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using obslab::LiveLogStore;
using obslab::LogFile;

namespace {
// What PodFollower hands over (its FollowedLine has these members).
struct Line
{
    QString pod;
    QString container;
    QByteArray timestamp;
    QByteArray text;
};

QByteArray accessLine(int n)
{
    return "[2024-05-02T10:00:0" + QByteArray::number(n % 10) + ".000Z] \"GET /item/" +
           QByteArray::number(n) +
           " HTTP/1.1\" 200 - via_upstream - \"-\" 0 5 3 2 \"-\" \"curl/8\" \"rid-" +
           QByteArray::number(n) +
           "\" \"backend:8080\" \"10.0.0.2:8080\" "
           "outbound|8080||backend.default.svc.cluster.local - - - - default";
}
}  // namespace

class TestLiveLogStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void linesShowWithPodAndContainer()
    {
        LiveLogStore store;
        QVERIFY(store.start(u"live: app=frontend"_s));
        LogFile* file = store.logFile();
        QVERIFY(file);
        QCOMPARE(file->path(), u"live: app=frontend"_s);

        QList<Line> batch;
        for (int i = 0; i < 5; ++i)
            batch.append({i % 2 ? u"frontend-b"_s : u"frontend-a"_s, u"istio-proxy"_s,
                          "2024-05-02T10:00:0" + QByteArray::number(i) + ".123456789Z",
                          accessLine(i)});
        store.appendAll(batch);
        QCOMPARE(store.linesWritten(), 5);
        QTRY_COMPARE(file->lineCount(), 5);

        for (int i = 0; i < 5; ++i) {
            const QByteArray line = file->line(i);
            QVERIFY2(line.endsWith(accessLine(i)), line.constData());
            obslab::ParsedLine parsed;
            obslab::AccessLogParser::parse(line, parsed);
            QCOMPARE(parsed.view(line, obslab::Field::Pod).toByteArray(),
                     i % 2 ? "frontend-b"_ba : "frontend-a"_ba);
            QCOMPARE(parsed.view(line, obslab::Field::Container).toByteArray(), "istio-proxy"_ba);
            QCOMPARE(file->record(i).status, quint16(200));
        }
        QCOMPARE(file->pods().size(), 2);
    }

    void embeddedNewlinesAndCarriageReturnsKeepEveryPart()
    {
        LiveLogStore store;
        QVERIFY(store.start(u"live"_s));
        store.append("p", "c", QByteArrayView(), "first\nsecond\r");
        store.append("p]x", "", QByteArrayView(), "third");
        store.flush();
        QCOMPARE(store.linesWritten(), 3);
        QTRY_COMPARE(store.logFile()->lineCount(), 3);
        QCOMPARE(store.logFile()->line(0), "[pod/p/c] first"_ba);
        QCOMPARE(store.logFile()->line(1), "[pod/p/c] second"_ba);
        QCOMPARE(store.logFile()->line(2), "[pod/p_x/-] third"_ba);
    }

    void manyBatchesLoseNothing()
    {
        LiveLogStore store;
        QVERIFY(store.start(u"live"_s));
        const int batches = 200;
        const int perBatch = 500;
        for (int b = 0; b < batches; ++b) {
            QList<Line> batch;
            for (int i = 0; i < perBatch; ++i)
                batch.append({u"pod-%1"_s.arg(i % 7), u"istio-proxy"_s, QByteArray(),
                              "n=" + QByteArray::number(b * perBatch + i)});
            store.appendAll(batch);
        }
        QTRY_COMPARE_WITH_TIMEOUT(store.logFile()->lineCount(), qint64(batches * perBatch), 20000);
        LogFile* file = store.logFile();
        for (qint64 i : {qint64(0), qint64(12345), qint64(batches * perBatch - 1)})
            QVERIFY(file->line(i).endsWith(QByteArray("n=" + QByteArray::number(i))));
    }

    void saveAsWritesEverythingFollowed()
    {
        QTemporaryDir dir;
        LiveLogStore store;
        QVERIFY(store.start(u"live"_s));
        for (int i = 0; i < 1000; ++i)
            store.append("pod", "istio-proxy", QByteArrayView(), accessLine(i));
        QSignalSpy saved(&store, &LiveLogStore::saved);
        const QString path = dir.filePath(u"session.log"_s);
        QVERIFY(store.saveAs(path));  // flushes the buffer first
        QVERIFY(saved.wait());
        QCOMPARE(saved.at(0).at(0).toString(), path);
        QCOMPARE(saved.at(0).at(1).toString(), QString());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.size(), 1001);  // the last split is the empty rest after the final newline
        QCOMPARE(lines.at(999), "[pod/pod/istio-proxy] " + accessLine(999));

        // The saved session reopens with its pods.
        LogFile reopened;
        QVERIFY(reopened.open(path));
        QTRY_COMPARE(reopened.lineCount(), 1000);
        QCOMPARE(reopened.pods().size(), 1);
    }

    void saveToAnUnwritablePlaceSaysWhy()
    {
        LiveLogStore store;
        QVERIFY(store.start(u"live"_s));
        store.append("p", "c", QByteArrayView(), "x");
        QSignalSpy saved(&store, &LiveLogStore::saved);
        QVERIFY(store.saveAs(u"/nonexistent-dir/x/session.log"_s));
        QVERIFY(saved.wait());
        QVERIFY(!saved.at(0).at(1).toString().isEmpty());
    }

    void restartStartsEmpty()
    {
        LiveLogStore store;
        QVERIFY(store.start(u"one"_s));
        store.append("p", "c", QByteArrayView(), "x");
        store.flush();
        QTRY_COMPARE(store.logFile()->lineCount(), 1);
        QVERIFY(store.start(u"two"_s));
        QCOMPARE(store.linesWritten(), 0);
        QCOMPARE(store.logFile()->lineCount(), 0);
        store.append("p", "c", QByteArrayView(), "y");
        store.flush();
        QTRY_COMPARE(store.logFile()->lineCount(), 1);
        QCOMPARE(store.logFile()->line(0), "[pod/p/c] y"_ba);
    }
};

QTEST_GUILESS_MAIN(TestLiveLogStore)
#include "tst_livelogstore.moc"
