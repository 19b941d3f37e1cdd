#include "GzipForTests.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogMerge.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using obslab::LogFile;
using obslab::LogMerge;
using obslab::test::gzip;

namespace {
QByteArray at(int second, const QByteArray& what)
{
    return "[2024-05-02T10:00:" + QByteArray::number(second).rightJustified(2, '0') +
           ".000Z] \"GET /" + what + " HTTP/1.1\" 200 - via_upstream - \"-\" 0 5 3 2 \"-\" " +
           "\"curl/8\" \"rid\" \"svc:80\" \"10.0.0.2:80\" outbound|80||svc.ns.svc.cluster.local " +
           "- - - - default";
}

void write(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

QList<QByteArray> allLines(const LogFile& file)
{
    QList<QByteArray> out;
    for (qint64 i = 0; i < file.lineCount(); ++i)
        out.append(file.line(i));
    return out;
}
}  // namespace

class TestLogMerge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void interleavesByTimeAndNamesTheFile()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(u"frontend.log"_s);
        const QString b = dir.filePath(u"backend.log.gz"_s);
        write(a, at(1, "a1") + '\n' + at(3, "a3") + '\n' + "  a stack line without time\n" +
                     at(5, "a5") + '\n');
        write(b, gzip(at(2, "b2") + '\n' + at(3, "b3") + '\n' + at(4, "b4")));  // no final newline

        LogFile file;
        LogMerge merge;
        QSignalSpy finished(&merge, &LogMerge::finished);
        QVERIFY(merge.open({a, b}, &file));
        QVERIFY(finished.wait());
        QCOMPARE(finished.at(0).at(0).toStringList(), QStringList());
        QCOMPARE(finished.at(0).at(1).toBool(), false);
        QTRY_COMPARE(file.lineCount(), 7);
        const QList<QByteArray> lines = allLines(file);
        const QList<QByteArray> expected = {
            "[pod/frontend.log/file] " + at(1, "a1"),
            "[pod/backend.log.gz/file] " + at(2, "b2"),
            "[pod/frontend.log/file] " + at(3, "a3"),               // same second: file order
            "[pod/frontend.log/file]   a stack line without time",  // stays with its line
            "[pod/backend.log.gz/file] " + at(3, "b3"),
            "[pod/backend.log.gz/file] " + at(4, "b4"),
            "[pod/frontend.log/file] " + at(5, "a5"),
        };
        QCOMPARE(lines, expected);
        QCOMPARE(file.pods().size(), 2);
        QCOMPARE(file.path(), LogMerge::displayName({a, b}));
        QVERIFY(file.timeMs(0) < file.timeMs(1));
    }

    void keepsAnExistingKubectlPrefix()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(u"a.log"_s);
        const QString b = dir.filePath(u"b.log"_s);
        write(a, "[pod/frontend-1/istio-proxy] " + at(1, "x") + '\n');
        write(b, at(2, "y") + '\n');
        LogFile file;
        LogMerge merge;
        QSignalSpy finished(&merge, &LogMerge::finished);
        QVERIFY(merge.open({a, b}, &file));
        QVERIFY(finished.wait());
        QTRY_COMPARE(file.lineCount(), 2);
        QCOMPARE(file.line(0), "[pod/frontend-1/istio-proxy] " + at(1, "x"));
        QCOMPARE(file.line(1), "[pod/b.log/file] " + at(2, "y"));
    }

    void missingAndCorruptFilesAreReportedTheRestMerged()
    {
        QTemporaryDir dir;
        const QString good = dir.filePath(u"good.log"_s);
        const QString corrupt = dir.filePath(u"corrupt.log.gz"_s);
        write(good, at(1, "g") + '\n');
        QByteArray gz = gzip(at(2, "c") + '\n' + QByteArray(200000, 'z') + '\n');
        gz.truncate(gz.size() / 2);
        write(corrupt, gz);
        LogFile file;
        LogMerge merge;
        QSignalSpy finished(&merge, &LogMerge::finished);
        QVERIFY(merge.open({dir.filePath(u"missing.log"_s), good, corrupt}, &file));
        QVERIFY(finished.wait());
        const QStringList problems = finished.at(0).at(0).toStringList();
        QCOMPARE(problems.size(), 2);
        QVERIFY2(problems.at(0).contains(u"missing.log does not exist"_s),
                 qPrintable(problems.at(0)));
        QVERIFY2(problems.at(1).contains(u"corrupt.log.gz"_s), qPrintable(problems.at(1)));
        QTRY_VERIFY(file.lineCount() >= 2);
        QCOMPARE(file.line(0), "[pod/good.log/file] " + at(1, "g"));
        QCOMPARE(file.line(1), "[pod/corrupt.log.gz/file] " + at(2, "c"));
    }

    void nothingOpenableFailsAtOnce()
    {
        QTemporaryDir dir;
        LogFile file;
        LogMerge merge;
        QVERIFY(!merge.open({dir.filePath(u"a"_s), dir.path()}, &file));
        QVERIFY(merge.errorString().contains(u"does not exist"_s));
        QVERIFY(merge.errorString().contains(u"is a folder"_s));
    }

    void bigInputsMergeCompletelyWithProgress()
    {
        QTemporaryDir dir;
        QStringList paths;
        const int files = 3;
        const int perFile = 20000;
        for (int f = 0; f < files; ++f) {
            QByteArray content;
            for (int i = 0; i < perFile; ++i)
                content += at((i * files + f) % 60,
                              "f" + QByteArray::number(f) + "-" + QByteArray::number(i)) +
                           '\n';
            paths.append(dir.filePath(u"f%1.log"_s.arg(f)));
            write(paths.last(), content);
        }
        LogFile file;
        LogMerge merge;
        QSignalSpy progress(&merge, &LogMerge::progressChanged);
        QSignalSpy finished(&merge, &LogMerge::finished);
        QVERIFY(merge.open(paths, &file));
        QVERIFY(finished.wait(20000));
        QTRY_COMPARE_WITH_TIMEOUT(file.lineCount(), qint64(files * perFile), 20000);
        QVERIFY(!progress.isEmpty());
        const QList<QVariant> last = progress.last();
        QCOMPARE(last.at(0).toLongLong(), last.at(1).toLongLong());
    }

    void cancelStopsEarly()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(u"a.log"_s);
        QByteArray content;
        for (int i = 0; i < 200000; ++i)
            content += at(i % 60, QByteArray::number(i)) + '\n';
        write(a, content);
        LogFile file;
        LogMerge merge;
        QSignalSpy finished(&merge, &LogMerge::finished);
        QVERIFY(merge.open({a}, &file));
        merge.cancel();
        QVERIFY(finished.wait());
        QVERIFY(finished.at(0).at(1).toBool());
    }
};

QTEST_GUILESS_MAIN(TestLogMerge)
#include "tst_logmerge.moc"
