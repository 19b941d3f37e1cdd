#include "GzipForTests.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/LogFile.h"

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using obslab::LogFile;
using obslab::test::gzip;

namespace {

void writeFile(const QString& path, const QByteArray& bytes,
               QIODevice::OpenMode mode = QIODevice::WriteOnly)
{
    QFile f(path);
    QVERIFY(f.open(mode));
    QCOMPARE(f.write(bytes), bytes.size());
}

// Lines the way LogFile defines them: split on '\n', a trailing '\r' removed, and a last line
// without newline counted.
QList<QByteArray> expectedLines(const QByteArray& content)
{
    QList<QByteArray> lines = content.split('\n');
    if (content.isEmpty() || content.endsWith('\n'))
        lines.removeLast();
    for (QByteArray& l : lines) {
        if (l.endsWith('\r'))
            l.chop(1);
    }
    return lines;
}

QByteArray manyLines(int count, int width)
{
    QByteArray out;
    for (int i = 0; i < count; ++i) {
        QByteArray line = "line " + QByteArray::number(i) + ' ';
        line += QByteArray(std::max(0, width - int(line.size())), char('a' + i % 26));
        out += line + '\n';
    }
    return out;
}

bool waitIndexed(LogFile& file)
{
    if (file.state() != LogFile::State::Indexing)
        return true;
    QSignalSpy finished(&file, &LogFile::indexingFinished);
    return finished.wait(30000);
}

}  // namespace

class TestLogFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void lines_data();
    void lines();
    void gzipLines_data();
    void gzipLines();
    void corruptGzipKeepsWhatWasRead();
    void openErrors_data();
    void openErrors();
    void appendedLinesAreFollowed();
    void partialLastLineGrows();
    void rotatedFileKeepsOldLines();
    void truncatedFileResets();
    void deletedFileStaysReadable();
    void progressAndFirstChunkArriveBeforeTheEnd();
    void cancelStopsIndexing();
    void outOfRange();
    void recordsMatchTheParser();

private:
    QTemporaryDir dir_;
};

void TestLogFile::lines_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("one-line") << QByteArray("hello\n");
    QTest::newRow("no-final-newline") << QByteArray("a\nb");
    QTest::newRow("empty-lines") << QByteArray("\n\n\n");
    QTest::newRow("crlf") << QByteArray("GET /a\r\nGET /b\r\n");
    QTest::newRow("nul-and-binary") << QByteArray("a\0b\n\xff\xfe\x01\n", 9);
    QTest::newRow("invalid-utf8") << QByteArray("\xc3\x28 bad\n\xe2\x82 worse\n");
    QTest::newRow("spans-cache-blocks") << manyLines(20000, 150);  // ~3 MB
    QTest::newRow("spans-scan-blocks") << manyLines(60000, 100);   // ~6 MB
    QTest::newRow("20mb-line") << (QByteArray("start\n") + QByteArray(20 * 1024 * 1024, 'x') +
                                   "\nend\n");
}

void TestLogFile::lines()
{
    QFETCH(QByteArray, content);
    const QString path =
        dir_.filePath(u"lines-%1.log"_s.arg(QString::fromLatin1(QTest::currentDataTag())));
    writeFile(path, content);
    LogFile file;
    file.setFollowing(false);
    QSignalSpy appended(&file, &LogFile::linesAppended);
    QVERIFY(file.open(path));
    QVERIFY(waitIndexed(file));
    QCOMPARE(file.state(), LogFile::State::Ready);
    const QList<QByteArray> expected = expectedLines(content);
    QCOMPARE(file.lineCount(), qint64(expected.size()));
    QCOMPARE(file.bytesIndexed(), qint64(content.size()));
    qint64 announced = 0;
    for (const QList<QVariant>& args : appended) {
        QCOMPARE(args.at(0).toLongLong(), announced);  // contiguous, in order
        announced += args.at(1).toLongLong();
    }
    QCOMPARE(announced, file.lineCount());
    // Read in a scattered order so the cache is exercised, then every line in order.
    // A line over the cap reads as its first lineCap() bytes; its length is the whole one.
    for (qint64 i = file.lineCount() - 1; i >= 0; i -= 997)
        QCOMPARE(file.line(i), expected.at(i).left(file.lineCap()));
    for (qint64 i = 0; i < file.lineCount(); ++i) {
        if (file.line(i) != expected.at(i).left(file.lineCap()) ||
            file.lineLength(i) - expected.at(i).size() > 1 ||  // a '\r' before '\n' counts
            file.lineLength(i) < expected.at(i).size() ||
            file.isTruncated(i) != (expected.at(i).size() > file.lineCap()))
            QFAIL(qPrintable(u"line %1 differs"_s.arg(i)));
    }
}

void TestLogFile::gzipLines_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("members");
    QTest::newRow("small") << QByteArray("a\nb\nc") << 1;
    QTest::newRow("empty") << QByteArray() << 1;
    QTest::newRow("large") << manyLines(80000, 120) << 1;
    QTest::newRow("two-members") << manyLines(1000, 80) << 2;
}

void TestLogFile::gzipLines()
{
    QFETCH(QByteArray, content);
    QFETCH(int, members);
    QByteArray compressed;
    QByteArray all;
    for (int m = 0; m < members; ++m) {
        compressed += gzip(content);
        all += content;
    }
    // The name says .log: gzip is recognised by its magic bytes, not by the extension.
    const QString path =
        dir_.filePath(u"gz-%1.log"_s.arg(QString::fromLatin1(QTest::currentDataTag())));
    writeFile(path, compressed);
    LogFile file;
    QVERIFY(file.open(path));
    QVERIFY(file.isCompressed());
    QVERIFY(waitIndexed(file));
    QCOMPARE(file.state(), LogFile::State::Ready);
    const QList<QByteArray> expected = expectedLines(all);
    QCOMPARE(file.lineCount(), qint64(expected.size()));
    for (qint64 i = 0; i < file.lineCount(); ++i)
        QCOMPARE(file.line(i), expected.at(i));
}

void TestLogFile::corruptGzipKeepsWhatWasRead()
{
    const QByteArray content = manyLines(200000, 100);  // ~20 MB, compresses to well over 64 KiB
    QByteArray compressed = gzip(content);
    QVERIFY(compressed.size() > 200 * 1024);
    const qsizetype middle = compressed.size() / 2;
    for (qsizetype i = middle; i < middle + 64; ++i)
        compressed[i] = char(compressed[i] ^ 0x5a);
    const QString path = dir_.filePath(u"corrupt.log.gz"_s);
    writeFile(path, compressed);
    LogFile file;
    QSignalSpy failed(&file, &LogFile::failed);
    QVERIFY(file.open(path));
    QVERIFY(waitIndexed(file));
    QCOMPARE(file.state(), LogFile::State::Failed);
    QCOMPARE(failed.count(), 1);
    QVERIFY2(failed.first().first().toString().contains(u"corrupt"_s),
             qPrintable(failed.first().first().toString()));
    QVERIFY(file.lineCount() > 0);
    QVERIFY(file.lineCount() < 200000);
    QCOMPARE(file.line(0), expectedLines(content).at(0));

    const QString truncatedPath = dir_.filePath(u"truncated.log.gz"_s);
    writeFile(truncatedPath, gzip(content).left(middle));
    LogFile truncated;
    QSignalSpy truncatedFailed(&truncated, &LogFile::failed);
    QVERIFY(truncated.open(truncatedPath));
    QVERIFY(waitIndexed(truncated));
    QCOMPARE(truncatedFailed.count(), 1);
    QVERIFY(truncatedFailed.first().first().toString().contains(u"truncated"_s));
    QVERIFY(truncated.lineCount() > 0);
}

void TestLogFile::openErrors_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing") << dir_.filePath(u"nope.log"_s) << u"does not exist"_s;
    QTest::newRow("directory") << dir_.path() << u"is a folder"_s;
}

void TestLogFile::openErrors()
{
    QFETCH(QString, path);
    QFETCH(QString, message);
    LogFile file;
    QVERIFY(!file.open(path));
    QCOMPARE(file.state(), LogFile::State::Failed);
    QVERIFY2(file.errorString().contains(message), qPrintable(file.errorString()));
    QCOMPARE(file.lineCount(), 0);
}

void TestLogFile::appendedLinesAreFollowed()
{
    const QString path = dir_.filePath(u"grow.log"_s);
    writeFile(path, "one\ntwo\n");
    LogFile file;
    file.setPollInterval(10);
    QVERIFY(file.open(path));
    QVERIFY(waitIndexed(file));
    QCOMPARE(file.lineCount(), 2);
    writeFile(path, "three\nfour\n", QIODevice::Append);
    QTRY_COMPARE(file.lineCount(), 4);
    QCOMPARE(file.line(2), "three"_ba);
    QCOMPARE(file.line(3), "four"_ba);
    writeFile(path, "five\n", QIODevice::Append);
    QTRY_COMPARE(file.lineCount(), 5);
    QCOMPARE(file.line(4), "five"_ba);
}

void TestLogFile::partialLastLineGrows()
{
    const QString path = dir_.filePath(u"partial.log"_s);
    writeFile(path, "done\nhal");
    LogFile file;
    file.setPollInterval(10);
    QSignalSpy changed(&file, &LogFile::lastLineChanged);
    QVERIFY(file.open(path));
    QVERIFY(waitIndexed(file));
    QCOMPARE(file.lineCount(), 2);
    QCOMPARE(file.line(1), "hal"_ba);
    writeFile(path, "f a line\nnext\n", QIODevice::Append);
    QTRY_COMPARE(file.lineCount(), 3);
    QCOMPARE(file.line(1), "half a line"_ba);  // completed, not duplicated
    QCOMPARE(file.line(2), "next"_ba);
    QVERIFY(!changed.isEmpty());
    QCOMPARE(changed.first().first().toLongLong(), 1);
}

void TestLogFile::rotatedFileKeepsOldLines()
{
    const QString path = dir_.filePath(u"rotate.log"_s);
    writeFile(path, "old 1\nold 2\n");
    LogFile file;
    file.setPollInterval(10);
    QSignalSpy rotated(&file, &LogFile::rotated);
    QVERIFY(file.open(path));
    QVERIFY(waitIndexed(file));
    // logrotate's default: the last lines land in the old file, which is then renamed.
    writeFile(path, "old 3\n", QIODevice::Append);
    QVERIFY(QFile::rename(path, path + u".1"_s));
    writeFile(path, "new 1\nnew 2\n");
    QTRY_COMPARE(file.lineCount(), 5);
    QCOMPARE(rotated.count(), 1);
    const QList<QByteArray> all{"old 1", "old 2", "old 3", "new 1", "new 2"};
    for (int i = 0; i < all.size(); ++i)
        QCOMPARE(file.line(i), all.at(i));
    writeFile(path, "new 3\n", QIODevice::Append);
    QTRY_COMPARE(file.lineCount(), 6);
    QCOMPARE(file.line(5), "new 3"_ba);
}

void TestLogFile::truncatedFileResets()
{
    const QString path = dir_.filePath(u"truncate.log"_s);
    writeFile(path, "a fairly long first line\nand a second one\n");
    LogFile file;
    file.setPollInterval(10);
    QSignalSpy reset(&file, &LogFile::reset);
    QVERIFY(file.open(path));
    QVERIFY(waitIndexed(file));
    QCOMPARE(file.lineCount(), 2);
    writeFile(path, "short\n");  // WriteOnly truncates: copytruncate-style rotation
    QTRY_COMPARE(reset.count(), 1);
    QVERIFY(reset.first().first().toString().contains(u"truncated"_s));
    QTRY_COMPARE(file.lineCount(), 1);
    QCOMPARE(file.line(0), "short"_ba);
}

void TestLogFile::deletedFileStaysReadable()
{
    const QString path = dir_.filePath(u"deleted.log"_s);
    writeFile(path, "still\nhere\n");
    LogFile file;
    file.setPollInterval(10);
    QVERIFY(file.open(path));
    QVERIFY(waitIndexed(file));
    QVERIFY(QFile::remove(path));
    QSignalSpy reset(&file, &LogFile::reset);
    QSignalSpy appended(&file, &LogFile::linesAppended);
    QVERIFY(!appended.wait(100));  // a few polls go by without incident
    QCOMPARE(reset.count(), 0);
    QCOMPARE(file.lineCount(), 2);
    QCOMPARE(file.line(1), "here"_ba);
}

void TestLogFile::progressAndFirstChunkArriveBeforeTheEnd()
{
    const QByteArray content = manyLines(300000, 100);  // ~30 MB: several scan blocks
    const QString path = dir_.filePath(u"big.log"_s);
    writeFile(path, content);
    LogFile file;
    QSignalSpy appended(&file, &LogFile::linesAppended);
    QSignalSpy progress(&file, &LogFile::progressChanged);
    QVERIFY(file.open(path));
    QVERIFY(waitIndexed(file));
    QVERIFY(appended.count() > 1);
    QVERIFY(appended.first().at(1).toLongLong() < 300000);  // the first screen came early
    QVERIFY(progress.count() > 1);
    QCOMPARE(progress.last().at(0).toLongLong(), qint64(content.size()));
    QCOMPARE(file.lineCount(), 300000);
}

void TestLogFile::cancelStopsIndexing()
{
    const QString path = dir_.filePath(u"cancel.log"_s);
    writeFile(path, manyLines(400000, 100));
    LogFile file;
    QVERIFY(file.open(path));
    file.cancelIndexing();
    QVERIFY(waitIndexed(file));
    QVERIFY(file.lineCount() <= 400000);
    QCOMPARE(file.state(), LogFile::State::Ready);
    if (file.lineCount() > 0)
        QVERIFY(file.line(0).startsWith("line 0 "));
}

void TestLogFile::outOfRange()
{
    const QString path = dir_.filePath(u"range.log"_s);
    writeFile(path, "x\n");
    LogFile file;
    QCOMPARE(file.line(0), QByteArray());
    QVERIFY(file.open(path));
    QVERIFY(waitIndexed(file));
    QCOMPARE(file.line(-1), QByteArray());
    QCOMPARE(file.line(1), QByteArray());
    QCOMPARE(file.line(0), "x"_ba);
    file.close();
    QCOMPARE(file.lineCount(), 0);
    QCOMPARE(file.line(0), QByteArray());
}

// The index is built by two threads over parts of each block: every line's record must still be
// the one the parser gives for that line, in order, with its pod and time. 14 MiB of the fixtures'
// layouts (TEXT, legacy, Envoy default, the tutorial's, JSON), with and without kubectl prefixes.
void TestLogFile::recordsMatchTheParser()
{
    QList<QByteArray> samples;
    for (const char* name :
         {"istio-access-log-text-default.log", "istio-access-log-text-legacy.log",
          "envoy-default-format.log", "seed-custom-format.log"}) {
        QFile f(QStringLiteral(OBSLAB_FIXTURES_DIR "/") + QString::fromLatin1(name));
        QVERIFY2(f.open(QIODevice::ReadOnly), name);
        for (const QByteArray& line : expectedLines(f.readAll())) {
            if (!line.trimmed().isEmpty())
                samples << line;
        }
    }
    samples << R"({"start_time":"2025-11-11T10:31:26.257Z","method":"GET","response_code":503,)"
               R"("response_flags":"UF","duration":12,"x_b3_traceid":"1a4bf575b4c637b1"})";
    QVERIFY(samples.size() > 10);
    QByteArray content;
    for (int i = 0; content.size() < 14 * 1024 * 1024; ++i) {
        if (i % 3 != 0)
            content += "[pod/app-v" + QByteArray::number(i % 11) + "-5f7c9d8b6-kq2wz/istio-proxy] ";
        content += samples.at(i % samples.size()) + '\n';
    }
    const QString path = dir_.filePath(u"records.log"_s);
    writeFile(path, content);
    LogFile file;
    file.setFollowing(false);
    QVERIFY(file.open(path));
    QVERIFY(waitIndexed(file));
    const QList<QByteArray> lines = expectedLines(content);
    QCOMPARE(file.lineCount(), qint64(lines.size()));
    obslab::ParsedLine parsed;
    obslab::PodTable pods;
    for (qint64 i = 0; i < file.lineCount(); ++i) {
        const QByteArray& line = lines.at(i);
        obslab::AccessLogParser::parse(line, parsed);
        qint64 timeMs = 0;
        const obslab::LineRecord want = obslab::makeRecord(parsed, line, &pods, &timeMs);
        const obslab::LineRecord got = file.record(i);
        const bool same =
            got.traceHash == want.traceHash && got.durationMs == want.durationMs &&
            got.flags == want.flags && got.status == want.status && got.kind == want.kind &&
            got.level == want.level && got.direction == want.direction &&
            file.pods().name(got.pod) == pods.name(want.pod) && file.timeMs(i) == timeMs;
        if (!same)
            QFAIL(qPrintable(
                u"line %1's record differs: %2"_s.arg(i).arg(QString::fromUtf8(line.left(200)))));
    }
}

QTEST_GUILESS_MAIN(TestLogFile)
#include "tst_logfile.moc"
