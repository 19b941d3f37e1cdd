#include "core/tracing/JaegerJson.h"
#include "gui/tracing/TraceSpanDetails.h"
#include "gui/tracing/TraceTimelinePanel.h"
#include "gui/tracing/TraceTimelineView.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QScrollBar>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

QString fixturePath(const char* name)
{
    return QStringLiteral(OBSLAB_FIXTURES_DIR "/") + QString::fromLatin1(name);
}

Trace loadFixture(const char* name)
{
    QFile f(fixturePath(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    auto traces = jaegerjson::parseTraceDocument(f.readAll());
    if (!traces || traces->isEmpty())
        qFatal("no trace in %s", name);
    return traces->first();
}

// Distinct colours, with the low bits dropped so antialiasing shades do not count.
int distinctColours(const QImage& image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2) {
        const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(line[x] & 0xf0f0f0);
    }
    return int(colours.size());
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x20, 0x22, 0x27));
    p.setColor(QPalette::Base, QColor(0x1b, 0x1d, 0x22));
    p.setColor(QPalette::AlternateBase, QColor(0x25, 0x28, 0x2e));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x2a, 0x2d, 0x33));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8b, 0xfd));
    return p;
}

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("OBSLAB_SCREENSHOT_OUT", QDir::tempPath());
    QDir().mkpath(dir);
    return dir;
}

}  // namespace

class TestTraceTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rowsAndGeometry();
    void clickSelectsSpan();
    void keyboard();
    void selectingBeforeLayoutKeepsTheRowInView();
    void tooltip();
    void scalesWithFont();
    void emptyIsNotBlank();
    void grabIsColourful_data();
    void grabIsColourful();
    void details();
    void panelOpensFiles_data();
    void panelOpensFiles();
    void panelScreenshot();
};

void TestTraceTimeline::rowsAndGeometry()
{
    TraceTimelineView view;
    view.resize(1200, 600);
    view.setTrace(loadFixture("jaeger-trace-bookinfo-8spans.json"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.layout().rows().size(), 8);
    for (int r = 1; r < 8; ++r) {
        QVERIFY(view.rowRect(r).top() == view.rowRect(r - 1).bottom() + 1);
        QVERIFY(view.barRect(r).top() > view.barRect(r - 1).top());
    }
    // Bars sit on one time axis: the root spans nearly all of it, details precedes reviews, and
    // every child starts no earlier than its parent.
    QVERIFY(view.barRect(0).width() > view.barRect(1).width());
    QVERIFY(view.barRect(2).left() < view.barRect(4).left());
    for (int r = 1; r < 8; ++r) {
        const int parent = view.layout().rows()[r].parentRow;
        QVERIFY(view.barRect(r).left() >= view.barRect(parent).left());
        QVERIFY(view.barRect(r).right() <= view.barRect(parent).right() + 1);
    }
    QVERIFY(view.barRect(0).right() < view.viewport()->width());
    QCOMPARE(view.rowAt(view.rowRect(3).center()), 3);
    QCOMPARE(view.rowAt(QPoint(5, 1)), -1);  // the header
}

void TestTraceTimeline::clickSelectsSpan()
{
    TraceTimelineView view;
    view.resize(1000, 500);
    view.setTrace(loadFixture("jaeger-trace-bookinfo-8spans.json"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy spy(&view, &TraceTimelineView::spanSelected);
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.barRect(5).center());
    QCOMPARE(spy.count(), 1);
    const int spanIndex = spy.first().first().toInt();
    QCOMPARE(view.layout().trace().spans[spanIndex].spanId, u"77191048cb7dadc4"_s);
    QCOMPARE(view.currentRow(), 5);
    // Clicking the name column of another row works too; the same row again emits nothing.
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                      QPoint(10, view.rowRect(7).center().y()));
    QCOMPARE(spy.count(), 2);
    QCOMPARE(view.layout().trace().spans[spy.last().first().toInt()].spanId, u"e9d3d5f02056e0bc"_s);
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                      QPoint(10, view.rowRect(7).center().y()));
    QCOMPARE(spy.count(), 2);
}

void TestTraceTimeline::keyboard()
{
    TraceTimelineView view;
    view.resize(800, 200);  // smaller than the trace: selection must scroll
    view.setTrace(loadFixture("jaeger-trace-bookinfo-8spans.json"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy selected(&view, &TraceTimelineView::spanSelected);
    QSignalSpy activated(&view, &TraceTimelineView::spanActivated);
    QTest::keyClick(&view, Qt::Key_Down);
    QCOMPARE(view.currentRow(), 0);
    QTest::keyClick(&view, Qt::Key_End);
    QCOMPARE(view.currentRow(), 7);
    QVERIFY(view.verticalScrollBar()->value() > 0);
    QVERIFY(view.rowRect(7).bottom() <= view.viewport()->height());
    QTest::keyClick(&view, Qt::Key_Home);
    QCOMPARE(view.currentRow(), 0);
    QCOMPARE(view.verticalScrollBar()->value(), 0);
    QTest::keyClick(&view, Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(selected.count(), 3);
}

void TestTraceTimeline::selectingBeforeLayoutKeepsTheRowInView()
{
    // The panel selects the root span as soon as a trace is set, before the view has its final
    // size: the root row must still be the one in view afterwards.
    TraceTimelineView view;
    view.resize(800, 20);  // shorter than its header: no row fits yet
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setTrace(loadFixture("jaeger-trace-bookinfo-8spans.json"));
    view.setCurrentRow(0);
    QCOMPARE(view.verticalScrollBar()->value(), 0);
    view.resize(800, 200);
    QTRY_COMPARE(view.viewport()->height() > 100, true);
    QCOMPARE(view.verticalScrollBar()->value(), 0);
    QVERIFY(view.rowRect(0).top() >= 0);
}

void TestTraceTimeline::tooltip()
{
    TraceTimelineView view;
    view.resize(1000, 500);
    view.setTrace(loadFixture("jaeger-trace-bookinfo-8spans.json"));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QPoint pos = view.barRect(7).center();
    QHelpEvent help(QEvent::ToolTip, pos, view.viewport()->mapToGlobal(pos));
    QApplication::sendEvent(view.viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY(QToolTip::text().contains(u"ratings.bookinfo"_s));
    QVERIFY(QToolTip::text().contains(u"434 µs"_s));
    QVERIFY(QToolTip::text().contains(u"inbound|9080||"_s));
    QToolTip::hideText();
}

void TestTraceTimeline::scalesWithFont()
{
    TraceTimelineView view;
    view.resize(1000, 500);
    view.setTrace(loadFixture("jaeger-trace.json"));
    const int before = view.rowRect(0).height();
    QFont big = view.font();
    big.setPointSizeF(big.pointSizeF() * 2);
    view.setFont(big);
    QVERIFY(view.rowRect(0).height() > before * 3 / 2);
}

void TestTraceTimeline::emptyIsNotBlank()
{
    TraceTimelineView view;
    view.resize(600, 300);
    const QImage image = view.grab().toImage();
    QVERIFY(distinctColours(image) >= 2);  // the hint text
}

void TestTraceTimeline::grabIsColourful_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light-palette") << false;
    QTest::newRow("dark-palette") << true;
}

void TestTraceTimeline::grabIsColourful()
{
    QFETCH(bool, dark);
    TraceTimelineView view;
    if (dark)
        view.setPalette(darkPalette());
    view.resize(1200, 500);
    view.setTrace(loadFixture("jaeger-trace-bookinfo-8spans.json"));
    const QImage image = view.grab().toImage();
    QVERIFY(distinctColours(image) > 20);
    // Every service's colour appears (its bar), and the background matches the palette.
    const auto& rows = view.layout().rows();
    for (int r = 0; r < rows.size(); ++r) {
        const QRect bar = view.barRect(r);
        const QColor expected =
            TraceTimelineView::serviceColor(rows[r].serviceIndex, view.palette());
        const QColor atBar = image.pixelColor(bar.left() + 2, bar.top() + 2);
        QVERIFY2(std::abs(atBar.hue() - expected.hue()) < 8,
                 qPrintable(u"row %1: %2 vs %3"_s.arg(r).arg(atBar.name(), expected.name())));
    }
    const QColor corner = image.pixelColor(image.width() - 2, image.height() - 2);
    QCOMPARE(corner.lightness() < 128, dark);
    image.save(screenshotDir() +
               (dark ? u"/trace-timeline-view-dark.png"_s : u"/trace-timeline-view-light.png"_s));
}

void TestTraceTimeline::details()
{
    TraceTimelinePanel panel;
    panel.resize(1000, 700);
    panel.setTrace(loadFixture("jaeger-trace-bookinfo-8spans.json"));
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    // setTrace selects the root; a click shows another span.
    QVERIFY(panel.details()->topLevelItemCount() > 0);
    TraceTimelineView* view = panel.timeline();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->barRect(3).center());
    TraceSpanDetails* d = panel.details();
    QStringList sections;
    for (int i = 0; i < d->topLevelItemCount(); ++i)
        sections.append(d->topLevelItem(i)->text(0));
    QCOMPARE(sections.first(), u"Span"_s);
    QVERIFY(sections.contains(u"Logs (1)"_s));
    QVERIFY(std::any_of(sections.begin(), sections.end(),
                        [](const QString& s) { return s.startsWith(u"Tags ("); }));
    const auto found = d->findItems(u"e4e8c177-3962-9359-945e-61e7175cd867"_s,
                                    Qt::MatchExactly | Qt::MatchRecursive, 1);
    QVERIFY(!found.isEmpty());  // x-request-id shown
    QVERIFY(
        !d->findItems(u"d23de5feae19a76d"_s, Qt::MatchExactly | Qt::MatchRecursive, 1).isEmpty());
    QVERIFY(!d->findItems(u"inbound|9080||"_s, Qt::MatchExactly | Qt::MatchRecursive, 1).isEmpty());
}

void TestTraceTimeline::panelOpensFiles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("rows");
    QTest::newRow("v1-every-tag-type")
        << fixturePath("jaeger-ui-model-trace-ui_01.json") << true << 5;
    QTest::newRow("otlp") << fixturePath("kiali-istio-bookinfo-trace-otlp.json") << true << 8;
    QTest::newRow("follows-from-and-cycles")
        << QStringLiteral(OBSLAB_TEST_DATA_DIR "/tracing/follows-from-and-cycles.json") << true
        << 7;
    QTest::newRow("missing") << u"/no/such/trace.json"_s << false << 0;
    QTest::newRow("access-log") << fixturePath("istio-access-log-text-default.log") << false << 0;
    QTest::newRow("empty-search") << fixturePath("jaeger-api-v3-GetServices.json") << false << 0;
}

void TestTraceTimeline::panelOpensFiles()
{
    QFETCH(QString, path);
    QFETCH(bool, ok);
    QFETCH(int, rows);
    TraceTimelinePanel panel;
    QSignalSpy loaded(&panel, &TraceTimelinePanel::traceLoaded);
    QSignalSpy failed(&panel, &TraceTimelinePanel::loadFailed);
    panel.openFile(path);
    QTRY_COMPARE(loaded.count() + failed.count(), 1);
    QCOMPARE(loaded.count(), ok ? 1 : 0);
    QCOMPARE(panel.timeline()->layout().rows().size(), rows);
    if (!ok)
        QVERIFY(!failed.first().first().toString().isEmpty());
}

void TestTraceTimeline::panelScreenshot()
{
    TraceTimelinePanel panel;
    panel.resize(1280, 760);
    panel.setTrace(loadFixture("jaeger-trace-bookinfo-8spans.json"));
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    TraceTimelineView* view = panel.timeline();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->barRect(5).center());
    const QImage image = panel.grab().toImage();
    QVERIFY(distinctColours(image) > 20);
    QVERIFY(image.save(screenshotDir() + u"/trace-timeline.png"_s));
    // The timeline gets the height its rows need, the details the rest.
    QVERIFY(view->height() >= view->contentHeight());
    QVERIFY(view->height() < panel.height() * 2 / 3 + 1);

    // An error trace with FOLLOWS_FROM and broken references, on a dark palette.
    panel.setPalette(darkPalette());
    panel.setTrace(loadFixture("jaeger-ui-model-trace-ui_01.json"));
    QFile data(QStringLiteral(OBSLAB_TEST_DATA_DIR "/tracing/follows-from-and-cycles.json"));
    QVERIFY(data.open(QIODevice::ReadOnly));
    panel.setTrace(jaegerjson::parseTraceDocument(data.readAll())->first());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->barRect(2).center());
    QTRY_VERIFY(!view->verticalScrollBar()->isVisible());  // every row fits
    const QImage errors = panel.grab().toImage();
    QVERIFY(distinctColours(errors) > 20);
    QVERIFY(errors.save(screenshotDir() + u"/trace-timeline-errors-dark.png"_s));
}

QTEST_MAIN(TestTraceTimeline)
#include "tst_tracetimeline.moc"
