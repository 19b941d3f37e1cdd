// The Logs area: the table model under QAbstractItemModelTester, and the area driven as a person
// would (open, type a query, switch modes, click a trace id, drag over the histogram, export),
// asserting on what is shown.
#include "GuiTestSupport.h"
#include "LogGenerator.h"
#include "RecordingNavigator.h"
#include "core/common/AppSettings.h"
#include "core/logs/LiveLogStore.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"
#include "gui/common/ThemeManager.h"
#include "gui/logs/FilterBar.h"
#include "gui/logs/HistogramStrip.h"
#include "gui/logs/LogExport.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/LogsArea.h"
#include "gui/logs/TraceLane.h"
#include "gui/widgets/Banner.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSet>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeWidget>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

QString fixture(const char* name)
{
    return QStringLiteral(OBSLAB_FIXTURES_DIR) + u'/' + QLatin1String(name);
}

QList<QByteArray> fileLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = f.readAll().split('\n');
    if (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    return lines;
}

}  // namespace

class TestLogsArea : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void modelPassesTester();
    void modelFollowsAGrowingFile();
    void opensFixtureAndDecodesIt();
    void typedQueryFiltersAndErrorsShowWhere();
    void highlightModeKeepsContextAndJumps();
    void clickingATraceIdOpensTheLane();
    void histogramDragFiltersToTheRange();
    void exportWritesTheShownLines();
    void sampleLogOpens();
    void missingFileShowsBanner();
    void severalFilesMergeByTime();
    void liveSourceFollowsAndMarksReplacedPods();
    void liveSourceMarksEachReplacementOnce();
    void screenshot_data();
    void screenshot();

private:
    std::unique_ptr<LogsArea> makeArea();
    QString generatedLog(int traces);

    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<AppSettings> settings_;
    QString generated_;
    std::vector<QByteArray> traceIds_;
};

void TestLogsArea::initTestCase()
{
    test::isolateSettings();
}

void TestLogsArea::init()
{
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    settings_ = std::make_unique<AppSettings>();
    settings_->raw().clear();
}

std::unique_ptr<LogsArea> TestLogsArea::makeArea()
{
    auto area = std::make_unique<LogsArea>();
    area->setSettings(settings_.get());
    area->resize(1300, 800);
    area->show();
    return area;
}

QString TestLogsArea::generatedLog(int traces)
{
    bench::LogGenerator::Options options;
    options.textPercent = 100;  // TEXT only: every line has a request id and a status
    options.keyValuePercent = 0;
    options.untracedPercent = 0;
    bench::LogGenerator generator(options);
    QByteArray bytes;
    for (int i = 0; i < traces; ++i)
        generator.appendTrace(bytes);
    traceIds_ = generator.traceIds();
    const QString path = dir_->filePath(u"generated.log"_s);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return {};
    return path;
}

void TestLogsArea::modelPassesTester()
{
    const QString path = generatedLog(200);
    QVERIFY(!path.isEmpty());
    LogFile file;
    LogTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLogFile(&file);
    LogFilter filter(&file);
    model.setFilter(&filter);
    QSignalSpy indexed(&file, &LogFile::indexingFinished);
    QVERIFY(file.open(path));
    QVERIFY(indexed.wait());
    const int all = int(fileLines(path).size());
    QCOMPARE(model.rowCount(), all);

    QSignalSpy filtered(&filter, &LogFilter::finished);
    model.setMode(LogTableModel::Mode::Filtered);
    filter.start(LogQuery::parse(u"status:5xx"_s, 0).value());
    QVERIFY(filtered.wait());
    QVERIFY(model.rowCount() > 0 && model.rowCount() < all);
    for (int r = 0; r < model.rowCount(); ++r)
        QVERIFY(model.index(r, LogTableModel::StatusColumn).data().toString().startsWith(u'5'));

    model.setMode(LogTableModel::Mode::Highlighted);
    QCOMPARE(model.rowCount(), all);
    model.setRawMode(true);
    QCOMPARE(model.columnCount(), 2);
    QVERIFY(!model.index(0, 1).data().toString().isEmpty());
    model.setRawMode(false);
    model.setUtc(false);
    QVERIFY(model.headerData(LogTableModel::TimeColumn, Qt::Horizontal)
                .toString()
                .contains(u"local"_s));
    filter.start(LogQuery::parse(u"flag:UF"_s, 0).value());
    QVERIFY(filtered.wait());
    model.setMode(LogTableModel::Mode::All);
    file.close();
    QCOMPARE(model.rowCount(), 0);
}

void TestLogsArea::modelFollowsAGrowingFile()
{
    const QString path = dir_->filePath(u"growing.log"_s);
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
    const QList<QByteArray> lines = fileLines(fixture("istio-access-log-text-default.log"));
    out.write(lines.at(0) + '\n');
    LogFile file;
    file.setPollInterval(20);
    LogTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLogFile(&file);
    QVERIFY(file.open(path));
    QTRY_COMPARE(model.rowCount(), 1);
    out.write(lines.at(1) + '\n' + lines.at(2).left(40));  // the last line is still being written
    QTRY_COMPARE(model.rowCount(), 3);
    out.write(lines.at(2).mid(40) + '\n');
    QTRY_VERIFY(model.index(2, LogTableModel::PathColumn).data().toString().isEmpty());  // TCP
    QTRY_COMPARE(model.index(2, LogTableModel::ServiceColumn).data().toString(),
                 u"edition.cnn.com"_s);
}

void TestLogsArea::opensFixtureAndDecodesIt()
{
    auto area = makeArea();
    QSignalSpy shown(area.get(), &LogsArea::fileShown);
    QSignalSpy opened(area.get(), &LogsArea::filesOpened);
    area->openFiles({fixture("istio-access-log-text-default.log")});
    QVERIFY(shown.wait());
    QCOMPARE(opened.count(), 1);
    // The area fits a small window (it is one dock among five).
    QVERIFY2(area->minimumSizeHint().width() <= 560,
             qPrintable(QString::number(area->minimumSizeHint().width())));
    LogTableModel* model = area->model();
    QTRY_COMPARE(model->rowCount(), 3);
    QCOMPARE(model->index(0, LogTableModel::MethodColumn).data().toString(), u"GET"_s);
    QCOMPARE(model->index(0, LogTableModel::PathColumn).data().toString(), u"/status/418"_s);
    QCOMPARE(model->index(0, LogTableModel::StatusColumn).data().toString(), u"418"_s);
    QCOMPARE(model->index(0, LogTableModel::DurationColumn).data().toString(), u"4 ms"_s);
    QCOMPARE(model->index(0, LogTableModel::DirectionColumn).data().toString(), u"→ out"_s);
    QCOMPARE(model->index(1, LogTableModel::DirectionColumn).data().toString(), u"← in"_s);
    QCOMPARE(model->index(0, LogTableModel::ServiceColumn).data().toString(), u"httpbin"_s);
    QCOMPARE(model->index(0, LogTableModel::TimeColumn).data().toString(), u"21:26:18.409"_s);
    QCOMPARE(
        model->index(0, LogTableModel::StatusColumn).data(LogTableModel::StatusClassRole).toInt(),
        4);

    // The side panel decodes the selected line: the cluster name split, the request id a link.
    area->goToLine(0);
    const QString details = area->details()->toPlainText();
    QVERIFY2(details.contains(u"outbound|8000||httpbin.foo.svc.cluster.local"_s),
             qPrintable(details));
    QVERIFY(details.contains(u"httpbin.foo.svc.cluster.local"_s));
    QVERIFY(details.contains(u"8000"_s));
    QVERIFY(details.contains(u"outbound — this pod's sidecar sent the request"_s));
    QVERIFY(details.contains(u"84961386-6d84-929d-98bd-c5aee93b5c88"_s));
    QVERIFY(details.contains(u"none in this line"_s));  // no trace id in the default format

    // UTC / local.
    area->setUtc(false);
    const QString local =
        QDateTime::fromMSecsSinceEpoch(1606339578409, Qt::LocalTime).toString(u"HH:mm:ss.zzz"_s);
    QCOMPARE(model->index(0, LogTableModel::TimeColumn).data().toString(), local);
    area->setUtc(true);

    // Copy as text and as Markdown.
    area->table()->selectRow(0);
    QCOMPARE(area->selectedAsText(),
             QString::fromUtf8(fileLines(fixture("istio-access-log-text-default.log")).at(0)) +
                 u'\n');
    const QStringList md = area->selectedAsMarkdown().split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(md.size(), 3);
    QVERIFY(md.at(0).startsWith(u"| Time | Pod |"_s));
    QVERIFY(md.at(2).contains(u"| /status/418 | 418 | 4 ms |"_s));
    // In raw mode the table holds the whole lines.
    area->setRawMode(true);
    area->table()->selectRow(0);
    const QStringList raw = area->selectedAsMarkdown().split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(raw.size(), 3);
    QCOMPARE(raw.at(0), u"| Line |"_s);
    QVERIFY(raw.at(2).startsWith(u"| [2020-11-25T21:26:18.409Z] \"GET /status/418"_s));
    area->setRawMode(false);
}

void TestLogsArea::typedQueryFiltersAndErrorsShowWhere()
{
    const QString path = generatedLog(300);
    auto area = makeArea();
    QSignalSpy shown(area.get(), &LogsArea::fileShown);
    area->openFiles({path});
    QVERIFY(shown.wait());
    const QList<QByteArray> lines = fileLines(path);
    QTRY_COMPARE(area->model()->rowCount(), int(lines.size()));
    const qsizetype expected = std::count_if(
        lines.cbegin(), lines.cend(), [](const QByteArray& l) { return l.contains("\" 503 "); });
    QVERIFY(expected > 0);

    QueryEdit* edit = area->filterBar()->edit();
    edit->setFocus();
    QTest::keyClicks(edit, u"status:503"_s);
    QTRY_COMPARE(area->model()->rowCount(), int(expected));
    QTRY_COMPARE(area->filterBar()->status(), u"%1 matches"_s.arg(expected));
    for (int r = 0; r < area->model()->rowCount(); ++r)
        QCOMPARE(area->model()->index(r, LogTableModel::StatusColumn).data().toString(), u"503"_s);

    // A broken query: the error is shown with its position, the table keeps the last good filter.
    edit->clear();
    QTest::keyClicks(edit, u"status:abc"_s);
    QTRY_VERIFY(!area->filterBar()->errorText().isEmpty());
    QVERIFY2(area->filterBar()->errorText().contains(u"position 8"_s),
             qPrintable(area->filterBar()->errorText()));
    QCOMPARE(edit->errorPosition(), 7);
    QCOMPARE(area->model()->rowCount(), int(expected));
    // The syntax colouring sees a key and a value.
    const auto tokens = QueryEdit::tokenize(u"status:5xx -pod:x* OR /a b/"_s);
    QCOMPARE(tokens.size(), 7);
    QCOMPARE(tokens.at(0).kind, QueryEdit::Token::Key);
    QCOMPARE(tokens.at(2).kind, QueryEdit::Token::Negation);
    QCOMPARE(tokens.at(5).kind, QueryEdit::Token::Operator);
    QCOMPARE(tokens.at(6).kind, QueryEdit::Token::Regex);

    // Enter records history; clearing shows every line again.
    edit->clear();
    QTest::keyClicks(edit, u"flag:UH"_s);
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(area->filterBar()->history().value(0), u"flag:UH"_s);
    area->filterBar()->saveCurrent();
    QCOMPARE(area->filterBar()->savedFilters(), QStringList{u"flag:UH"_s});
    QCOMPARE(settings_->raw().value(u"logs/savedFilters"_s).toStringList(),
             QStringList{u"flag:UH"_s});
    edit->clear();
    QTRY_COMPARE(area->model()->rowCount(), int(lines.size()));
}

void TestLogsArea::highlightModeKeepsContextAndJumps()
{
    const QString path = generatedLog(300);
    auto area = makeArea();
    QSignalSpy shown(area.get(), &LogsArea::fileShown);
    area->openFiles({path});
    QVERIFY(shown.wait());
    const QList<QByteArray> lines = fileLines(path);
    QTRY_COMPARE(area->model()->rowCount(), int(lines.size()));
    std::vector<int> matching;
    for (int i = 0; i < int(lines.size()); ++i) {
        if (lines.at(i).contains("\" 404 "))
            matching.push_back(i);
    }
    QVERIFY(matching.size() >= 2);

    area->filterBar()->setText(u"status:404"_s);
    QTRY_COMPARE(area->model()->rowCount(), int(matching.size()));
    // Highlight mode: every line again, the matches marked.
    QTest::mouseClick(area->filterBar()->findChild<QToolButton*>(u"filterModeHighlight"_s),
                      Qt::LeftButton);
    QCOMPARE(area->model()->mode(), LogTableModel::Mode::Highlighted);
    QCOMPARE(area->model()->rowCount(), int(lines.size()));
    QTRY_VERIFY(area->model()->index(matching[0], 0).data(LogTableModel::MatchRole).toBool());
    QVERIFY(
        !area->model()->index(matching[0] == 0 ? 1 : 0, 0).data(LogTableModel::MatchRole).toBool());
    QVERIFY(area->model()->index(matching[0], 3).data(Qt::BackgroundRole).isValid());

    // F3 / Shift+F3 walk the matches (and wrap).
    area->goToLine(0);
    area->table()->setFocus();
    QTest::keyClick(area->table(), Qt::Key_F3);
    QCOMPARE(area->table()->currentIndex().row(), matching[0] == 0 ? matching[1] : matching[0]);
    area->goToLine(matching[0]);
    QTest::keyClick(area->table(), Qt::Key_F3);
    QCOMPARE(area->table()->currentIndex().row(), matching[1]);
    QTest::keyClick(area->table(), Qt::Key_F3, Qt::ShiftModifier);
    QCOMPARE(area->table()->currentIndex().row(), matching[0]);

    // Back to filter mode: the current line stays selected.
    QTest::mouseClick(area->filterBar()->findChild<QToolButton*>(u"filterModeFilter"_s),
                      Qt::LeftButton);
    QCOMPARE(area->model()->rowCount(), int(matching.size()));
    QCOMPARE(area->model()->lineAt(area->table()->currentIndex().row()), qint64(matching[0]));

    // Ctrl+G goes to a line.
    QTest::mouseClick(area->filterBar()->findChild<QToolButton*>(u"filterModeHighlight"_s),
                      Qt::LeftButton);
    QTest::keyClick(area->table(), Qt::Key_G, Qt::ControlModifier);
    auto* goTo = area->findChild<QLineEdit*>(u"goToLine"_s);
    QVERIFY(goTo->hasFocus());
    QTest::keyClicks(goTo, u"42"_s);
    QTest::keyClick(goTo, Qt::Key_Return);
    QCOMPARE(area->table()->currentIndex().row(), 41);
}

void TestLogsArea::clickingATraceIdOpensTheLane()
{
    const QString path = generatedLog(120);
    const QList<QByteArray> lines = fileLines(path);
    // A trace of several hops whose id is logged (Istio's default format logs it only when the
    // mesh adds %REQ(X-B3-TRACEID)%).
    QByteArray id;
    QList<int> traceLines;
    for (const QByteArray& candidate : traceIds_) {
        QList<int> found;
        for (int i = 0; i < int(lines.size()); ++i) {
            if (lines.at(i).contains(candidate))
                found << i;
        }
        if (found.size() >= 6) {
            id = candidate;
            traceLines = found;
            break;
        }
    }
    QVERIFY2(!id.isEmpty(), "the generator wrote no trace of 3 hops with its id logged");

    auto area = makeArea();
    QSignalSpy shown(area.get(), &LogsArea::fileShown);
    area->openFiles({path});
    QVERIFY(shown.wait());
    QTRY_COMPARE(area->model()->rowCount(), int(lines.size()));
    area->goToLine(traceLines.at(0));
    const QModelIndex cell = area->model()->index(traceLines.at(0), LogTableModel::TraceColumn);
    QCOMPARE(cell.data().toString(), QString::fromLatin1(id));
    QVERIFY(area->table()->isVisible());
    QTest::mouseClick(area->table()->viewport(), Qt::LeftButton, {},
                      area->table()->visualRect(cell).center());

    TraceLane* lane = area->traceLane();
    QVERIFY(lane->isVisible());
    QTRY_COMPARE(int(lane->lines().lines.size()), int(traceLines.size()));
    QTRY_VERIFY(!lane->isSearching());
    QCOMPARE(lane->lineList()->topLevelItemCount(), int(traceLines.size()));
    // Every hop pairs the client's outbound line with the server's inbound line.
    QCOMPARE(int(lane->lines().hops.size()), int(traceLines.size()) / 2);
    for (const TraceHop& hop : lane->lines().hops) {
        QVERIFY(hop.client >= 0 && hop.server >= 0);
        QVERIFY(hop.clientMs >= hop.serverMs);
    }
    const QStringList hops = lane->hopsView()->hopTexts();
    QCOMPARE(hops.size(), int(traceLines.size()) / 2);
    QVERIFY2(hops.at(0).contains(u" → "_s) && hops.at(0).endsWith(u" ms"_s),
             qPrintable(hops.at(0)));
    // The lane's lines are the file's lines of that trace.
    QList<int> laneLines;
    for (const TraceLine& t : lane->lines().lines)
        laneLines << int(t.line);
    std::sort(laneLines.begin(), laneLines.end());
    QCOMPARE(laneLines, traceLines);

    // Open in Traces and filter to it.
    test::RecordingNavigator navigator;
    area->setNavigator(&navigator);
    QSignalSpy openTrace(&navigator, &test::RecordingNavigator::traceRequested);
    QTest::mouseClick(lane->findChild<QToolButton*>(u"traceLaneOpen"_s), Qt::LeftButton);
    QCOMPARE(openTrace.count(), 1);
    QCOMPARE(openTrace.at(0).at(0).toString(), TraceId::fromHex(id).toString());
    QTest::mouseClick(lane->findChild<QToolButton*>(u"traceLaneFilter"_s), Qt::LeftButton);
    QTRY_COMPARE(area->model()->rowCount(), int(traceLines.size()));

    // Selecting a line in the lane selects it in the table.
    QTreeWidgetItem* last =
        lane->lineList()->topLevelItem(lane->lineList()->topLevelItemCount() - 1);
    lane->lineList()->scrollToItem(last);
    QTest::mouseClick(lane->lineList()->viewport(), Qt::LeftButton, {},
                      lane->lineList()->visualItemRect(last).center());
    QCOMPARE(area->model()->lineAt(area->table()->currentIndex().row()),
             last->data(0, Qt::UserRole).toLongLong());

    // The Traces area asks for a trace's lines.
    area->filterBar()->setText(QString());
    area->showTraceLines(TraceId::fromHex(id).toString(), {});
    QTRY_COMPARE(area->model()->rowCount(), int(traceLines.size()));
}

void TestLogsArea::histogramDragFiltersToTheRange()
{
    const QString path = generatedLog(400);
    auto area = makeArea();
    QSignalSpy histogramUpdated(area.get(), &LogsArea::histogramUpdated);
    area->openFiles({path});
    QVERIFY(histogramUpdated.wait());
    HistogramStrip* strip = area->histogram();
    const LogHistogram& h = strip->histogram();
    QVERIFY(!h.isEmpty());
    qint64 total = 0;
    for (const auto& b : h.buckets)
        for (qint64 c : b)
            total += c;
    LogFile* file = area->logFile();
    QCOMPARE(total, file->lineCount());

    const int x1 = strip->width() / 4;
    const int x2 = strip->width() / 2;
    const int y = strip->height() / 3;
    QTest::mousePress(strip, Qt::LeftButton, {}, QPoint(x1, y));
    QTest::mouseMove(strip, QPoint((x1 + x2) / 2, y));
    QTest::mouseMove(strip, QPoint(x2, y));
    QTest::mouseRelease(strip, Qt::LeftButton, {}, QPoint(x2, y));
    const qint64 from = strip->timeForX(x1);
    const qint64 to = strip->timeForX(x2);
    QVERIFY(area->filterBar()->text().contains(u"since:"_s));
    QVERIFY(area->filterBar()->text().contains(u"until:"_s));
    int expected = 0;
    for (qint64 i = 0; i < file->lineCount(); ++i) {
        const qint64 t = file->timeMs(i);
        expected += t >= from && t <= to ? 1 : 0;
    }
    QVERIFY(expected > 0 && expected < file->lineCount());
    QTRY_VERIFY(!area->logFilter()->isRunning());
    QCOMPARE(area->model()->rowCount(), expected);
    for (int r = 0; r < area->model()->rowCount(); ++r) {
        const qint64 t = file->timeMs(area->model()->lineAt(r));
        QVERIFY(t >= from && t <= to);
    }

    // A click jumps to the first line at that moment.
    area->filterBar()->setText(QString());
    QTRY_COMPARE(area->model()->rowCount(), int(file->lineCount()));
    const int x3 = strip->width() * 3 / 4;
    QTest::mouseClick(strip, Qt::LeftButton, {}, QPoint(x3, y));
    const qint64 at = strip->timeForX(x3);
    const qint64 line = area->model()->lineAt(area->table()->currentIndex().row());
    QVERIFY(file->timeMs(line) >= at);
    QVERIFY(line == 0 || file->timeMs(line - 1) < at);
}

void TestLogsArea::exportWritesTheShownLines()
{
    const QString path = generatedLog(300);
    auto area = makeArea();
    QSignalSpy shown(area.get(), &LogsArea::fileShown);
    area->openFiles({path});
    QVERIFY(shown.wait());
    QTRY_VERIFY(area->logFile()->state() == LogFile::State::Ready);
    area->filterBar()->setText(u"pod:reviews-* status:200"_s);
    QTRY_VERIFY(!area->logFilter()->isRunning());
    const int rows = area->model()->rowCount();
    QVERIFY(rows > 0);

    const QString out = dir_->filePath(u"exported.log"_s);
    QSignalSpy finished(area.get(), &LogsArea::exportFinished);
    area->exportLines(out);
    QVERIFY(finished.wait());
    QCOMPARE(finished.at(0).at(1).toLongLong(), qint64(rows));
    const QList<QByteArray> written = fileLines(out);
    QCOMPARE(int(written.size()), rows);
    for (int r = 0; r < rows; ++r)
        QCOMPARE(QString::fromUtf8(written.at(r)),
                 area->model()->index(r, 0).data(LogTableModel::RawTextRole).toString());
    for (const QByteArray& l : written)
        QVERIFY(l.contains("[pod/reviews-") && l.contains("\" 200 "));

    // Nowhere to write: said in the banner, nothing crashes.
    area->exportLines(u"/nonexistent-dir/x.log"_s);
    QVERIFY(finished.wait());
    QVERIFY(!finished.last().at(2).toString().isEmpty());
    QVERIFY(area->banner()->isVisible());
}

void TestLogsArea::sampleLogOpens()
{
    auto area = makeArea();
    QSignalSpy shown(area.get(), &LogsArea::fileShown);
    area->openFiles({LogsArea::sampleLogPath()});
    QVERIFY(shown.wait());
    QCOMPARE(area->files(), QStringList{LogsArea::sampleLogPath()});
    QTRY_VERIFY(area->logFile()->state() == LogFile::State::Ready);
    QVERIFY(area->model()->rowCount() > 500);
    QVERIFY(area->visibleText(0, 200).contains(u"GET /productpage HTTP/1.1"_s));
    QVERIFY(area->visibleText(0, 200).contains(u"[pod/"_s));
    // Several pods, traces, errors with flags: the sample shows what the viewer does.
    area->filterBar()->setText(u"flag:UF"_s);
    QTRY_VERIFY(!area->logFilter()->isRunning());
    QVERIFY(area->model()->rowCount() > 0);
    QVERIFY(area->model()
                ->index(0, LogTableModel::FlagsColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(u"upstream connection failure"_s, Qt::CaseInsensitive));
}

void TestLogsArea::missingFileShowsBanner()
{
    auto area = makeArea();
    area->openFiles({dir_->filePath(u"missing.log"_s)});
    QVERIFY(area->banner()->isVisible());
    QVERIFY(area->banner()->message().contains(u"missing.log"_s));
    QVERIFY(area->files().isEmpty());
    // Garbage opens and shows as unrecognised lines.
    const QString garbage = dir_->filePath(u"garbage.bin"_s);
    QFile f(garbage);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QByteArray bytes;
    for (int i = 0; i < 5000; ++i)
        bytes.append(char((i * 7919) % 256));
    f.write(bytes);
    f.close();
    QSignalSpy shown(area.get(), &LogsArea::fileShown);
    area->openFiles({garbage});
    QVERIFY(shown.wait());
    QVERIFY(area->model()->rowCount() > 0);
    area->setRawMode(true);
    QVERIFY(!area->model()->index(0, 1).data().toString().isNull());
}

void TestLogsArea::severalFilesMergeByTime()
{
    const QString a = dir_->filePath(u"a.log"_s);
    const QString b = dir_->filePath(u"b.log"_s);
    for (const auto& [path, lines] :
         {std::pair{a, QByteArray(
                           "[2025-11-11T10:00:01.000Z] \"GET /a1 HTTP/1.1\" 200 - via_upstream\n"
                           "[2025-11-11T10:00:03.000Z] \"GET /a2 HTTP/1.1\" 200 - via_upstream\n")},
          std::pair{
              b, QByteArray(
                     "[2025-11-11T10:00:02.000Z] \"GET /b1 HTTP/1.1\" 503 UF via_upstream\n")}}) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(lines);
    }
    auto area = makeArea();
    QSignalSpy opened(area.get(), &LogsArea::filesOpened);
    area->openFiles({a, b});
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.at(0).at(0).toStringList(), (QStringList{a, b}));
    QTRY_COMPARE(area->model()->rowCount(), 3);
    QCOMPARE(area->model()->index(0, LogTableModel::PathColumn).data().toString(), u"/a1"_s);
    QCOMPARE(area->model()->index(1, LogTableModel::PathColumn).data().toString(), u"/b1"_s);
    QCOMPARE(area->model()->index(2, LogTableModel::PathColumn).data().toString(), u"/a2"_s);
    QVERIFY(
        area->model()->index(1, LogTableModel::PodColumn).data().toString().contains(u"b.log"_s));
}

// During a rollout the old and the new pod both log: only the new pod's first line is marked,
// whatever letters the generated names have, and a second workload's first pod is not a
// replacement.
void TestLogsArea::liveSourceMarksEachReplacementOnce()
{
    auto area = makeArea();
    auto* store = new LiveLogStore;
    QVERIFY(store->start(u"test"_s));
    area->addLiveSource(u"Live: app=backend in default"_s, store, nullptr);
    const QByteArray oldPod = "backend-n56wws46t2-dw97q";
    const QByteArray newPod = "backend-ntspmjfpdw-bpfr7";  // a hash without digits
    const QByteArray other = "frontend-5f7c9d8b6-kq2wz";
    const QList<QByteArray> pods{oldPod, oldPod, other, newPod, oldPod, newPod, oldPod, newPod};
    for (int i = 0; i < pods.size(); ++i)
        store->append(QByteArrayView(pods.at(i)), QByteArrayView("istio-proxy"),
                      "2025-11-11T10:00:10.000000000Z",
                      QByteArray("[2025-11-11T10:00:10.000Z] \"GET /" + QByteArray::number(i) +
                                 " HTTP/1.1\" 200 - via_upstream"));
    store->flush();
    QTRY_COMPARE(area->model()->rowCount(), int(pods.size()));
    QList<int> marked;
    for (int r = 0; r < area->model()->rowCount(); ++r) {
        if (area->model()->index(r, 0).data(LogTableModel::NewPodRole).toBool())
            marked << r;
    }
    QCOMPARE(marked, QList<int>{3});
}

void TestLogsArea::liveSourceFollowsAndMarksReplacedPods()
{
    auto area = makeArea();
    auto* store = new LiveLogStore;
    QVERIFY(store->start(u"test"_s));
    area->addLiveSource(u"Live: app=reviews in default"_s, store, nullptr);
    QVERIFY(area->isFollowing());
    auto line = [](int i) -> QByteArray {
        return QByteArray("[2025-11-11T10:00:") + QByteArray::number(10 + i % 40) +
               ".000Z] \"GET /reviews/" + QByteArray::number(i) + " HTTP/1.1\" 200 - via_upstream";
    };
    for (int i = 0; i < 300; ++i)
        store->append(QByteArrayView("reviews-v1-5c8f7b6d9-4hz8n"), QByteArrayView("istio-proxy"),
                      "2025-11-11T10:00:10.000000000Z", line(i));
    store->flush();
    QTRY_COMPARE(area->model()->rowCount(), 300);
    // The view follows the end…
    QTRY_COMPARE(area->table()->verticalScrollBar()->value(),
                 area->table()->verticalScrollBar()->maximum());
    // …a rollout restart: the new pod's first line is marked…
    for (int i = 300; i < 310; ++i)
        store->append(QByteArrayView("reviews-v1-5c8f7b6d9-zz9qp"), QByteArrayView("istio-proxy"),
                      "2025-11-11T10:00:50.000000000Z", line(i));
    store->flush();
    QTRY_COMPARE(area->model()->rowCount(), 310);
    QVERIFY(!area->model()->index(299, 0).data(LogTableModel::NewPodRole).toBool());
    QVERIFY(area->model()->index(300, 0).data(LogTableModel::NewPodRole).toBool());
    QVERIFY(!area->model()->index(301, 0).data(LogTableModel::NewPodRole).toBool());
    QCOMPARE(area->model()->index(300, LogTableModel::PodColumn).data().toString(),
             u"reviews-v1-5c8f7b6d9-zz9qp"_s);
    QTRY_COMPARE(area->table()->verticalScrollBar()->value(),
                 area->table()->verticalScrollBar()->maximum());
    // …scrolling up pauses, Space follows again.
    area->table()->verticalScrollBar()->setValue(0);
    QVERIFY(!area->isFollowing());
    for (int i = 310; i < 320; ++i)
        store->append(QByteArrayView("reviews-v1-5c8f7b6d9-zz9qp"), QByteArrayView("istio-proxy"),
                      QByteArrayView(), line(i));
    store->flush();
    QTRY_COMPARE(area->model()->rowCount(), 320);
    QCOMPARE(area->table()->verticalScrollBar()->value(), 0);
    area->table()->setFocus();
    QTest::keyClick(area->table(), Qt::Key_Space);
    QVERIFY(area->isFollowing());
    QCOMPARE(area->table()->verticalScrollBar()->value(),
             area->table()->verticalScrollBar()->maximum());
    // Save session.
    QSignalSpy saved(area.get(), &LogsArea::sessionSaved);
    QVERIFY(area->saveSession(dir_->filePath(u"session.log"_s)));
    QVERIFY(saved.wait());
    QVERIFY(saved.at(0).at(1).toString().isEmpty());
    QCOMPARE(fileLines(dir_->filePath(u"session.log"_s)).size(), 320);
}

void TestLogsArea::screenshot_data()
{
    QTest::addColumn<int>("theme");
    QTest::addColumn<QString>("file");
    QTest::newRow("light") << int(ThemeChoice::Light) << u"logs-light.png"_s;
    QTest::newRow("dark") << int(ThemeChoice::Dark) << u"logs-dark.png"_s;
}

// The Logs area with the sample log, a highlight query and a trace lane open, as the README
// shows it; written to OBSLAB_SCREENSHOT_OUT when set. Asserts it is not blank.
void TestLogsArea::screenshot()
{
    QFETCH(int, theme);
    QFETCH(QString, file);
    settings_->setTheme(ThemeChoice(theme));
    ThemeManager themes(settings_.get());
    themes.apply();
    auto area = makeArea();
    area->resize(1500, 900);
    QSignalSpy shown(area.get(), &LogsArea::fileShown);
    area->openFiles({LogsArea::sampleLogPath()});
    QVERIFY(shown.wait());
    QTRY_VERIFY(area->logFile()->state() == LogFile::State::Ready);
    QSignalSpy histogram(area.get(), &LogsArea::histogramUpdated);
    QVERIFY(histogram.count() > 0 || histogram.wait());
    area->filterBar()->setMode(FilterBar::Mode::Highlight);
    area->filterBar()->setText(u"status:5xx OR flag:UF"_s);
    QTRY_VERIFY(!area->logFilter()->isRunning());
    // A line of a traced request with a failing hop, so the lane shows something worth seeing.
    qint64 pick = -1;
    for (qint64 m : area->logFilter()->matches()) {
        const QModelIndex i = area->model()->index(int(m), 0);
        if (!i.data(LogTableModel::TraceIdRole).toString().isEmpty() &&
            !i.data(LogTableModel::RequestIdRole).toString().isEmpty() && m > 20) {
            pick = m;
            break;
        }
    }
    QVERIFY(pick >= 0);
    area->goToLine(pick);
    area->openTraceLaneForCurrent();
    QTRY_VERIFY(!area->traceLane()->isSearching() && !area->traceLane()->lines().hops.empty());
    QTRY_VERIFY(area->filterBar()->status().endsWith(u"matches"_s));
    QTRY_VERIFY(area->findChild<QLabel*>(u"logStatus"_s)->text().startsWith(u"1,930 lines"_s));
    QCoreApplication::processEvents();
    const QImage image = area->grab().toImage().convertToFormat(QImage::Format_RGB32);
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    QVERIFY(colours.size() > 200);
    const QString out = qEnvironmentVariable("OBSLAB_SCREENSHOT_OUT");
    if (!out.isEmpty()) {
        QDir().mkpath(out);
        QVERIFY(image.save(out + u'/' + file));
    }
    settings_->setTheme(ThemeChoice::Light);
    themes.apply();
}

QTEST_MAIN(TestLogsArea)
#include "tst_logsarea.moc"
