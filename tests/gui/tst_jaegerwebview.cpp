// The embedded Jaeger UI (Xvfb, WebEngine) against the stand-in Jaeger's pages (tests/sim, test
// equipment): the URL it loads, the page's DOM, the origin fence (another origin and window.open
// go to the system browser), theme and zoom, and pictures that are not blank.
#include "SimServer.h"
#include "gui/tracing/JaegerWebPage.h"
#include "gui/tracing/JaegerWebView.h"
#include "gui/tracing/TraceTimelinePanel.h"
#include "gui/tracing/TraceTimelineView.h"
#include "gui/tracing/TracesArea.h"
#include "gui/widgets/EmptyState.h"

#include <QApplication>
#include <QDesktopServices>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>
#include <QWebEngineView>

#include <memory>
#include <optional>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;
using obslab::test::SimServer;

namespace {

const QString kTrace = u"3ba55609c3cde49649cd77d1f9dcd936"_s;

// Runs script in the page and returns its value (waits on the callback, no fixed sleep).
QVariant evaluate(QWebEnginePage* page, const QString& script)
{
    // Shared with the callback, which may outlive this call when the script never finishes.
    auto result = std::make_shared<std::optional<QVariant>>();
    page->runJavaScript(script, [result](const QVariant& v) { *result = v; });
    if (!QTest::qWaitFor([&result] { return result->has_value(); }, 10000))
        qWarning("script did not finish: %s", qPrintable(script));
    return result->value_or(QVariant());
}

// How many distinct colours the picture has (a blank or one-colour grab has one or two).
int colourCount(const QImage& image)
{
    QSet<QRgb> colours;
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < img.height(); y += 2) {
        const auto* line = reinterpret_cast<const QRgb*>(img.constScanLine(y));
        for (int x = 0; x < img.width(); x += 2)
            colours.insert(line[x]);
    }
    return int(colours.size());
}

void saveShot(const QImage& image, const QString& name)
{
    const QString dir = qEnvironmentVariable("OBSLAB_SCREENSHOT_OUT");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    image.save(dir + u'/' + name);
}

}  // namespace

class TestJaegerWebView : public QObject
{
    Q_OBJECT
public:
    static void initMain() { JaegerWebView::prepareApplication(); }

public Q_SLOTS:
    // QDesktopServices' handler for http(s): what would have gone to the system browser.
    void openInBrowser(const QUrl& url) { opened_.append(url); }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void loadsTheTraceAtTheEmbedUrl();
    void otherOriginLinkGoesToTheBrowser();
    void windowOpenGoesToTheBrowser();
    void sameOriginPopupStaysInTheView();
    void searchPage();
    void darkThemeAndPresenterZoom();
    void unknownTraceIsExplainedBeforeLoading();
    void picturesAreNotBlank();

private:
    bool showTrace(const QString& id);

    SimServer sim_;
    std::unique_ptr<TracesArea> area_;
    QList<QUrl> opened_;
};

void TestJaegerWebView::initTestCase()
{
    QVERIFY2(JaegerWebView::isSupported(), qPrintable(QGuiApplication::platformName()));
    QVERIFY2(sim_.start(u"healthy-telemetry"_s, {u"--no-traffic"_s, u"--load-traces"_s,
                                                 SimServer::fixture(u"jaeger-trace.json"_s)}),
             qPrintable(sim_.why()));
    QDesktopServices::setUrlHandler(u"https"_s, this, "openInBrowser");
    QDesktopServices::setUrlHandler(u"http"_s, this, "openInBrowser");
}

void TestJaegerWebView::cleanupTestCase()
{
    QDesktopServices::unsetUrlHandler(u"https"_s);
    QDesktopServices::unsetUrlHandler(u"http"_s);
}

void TestJaegerWebView::init()
{
    opened_.clear();
    area_ = std::make_unique<TracesArea>();
    area_->resize(1200, 700);
    area_->setJaegerUrl(sim_.jaegerUrl());
    area_->show();
    QVERIFY(QTest::qWaitForWindowExposed(area_.get()));
    QVERIFY(area_->embeddedAvailable());
    QCOMPARE(area_->view(), TracesArea::View::Embedded);
}

void TestJaegerWebView::cleanup()
{
    area_.reset();
}

bool TestJaegerWebView::showTrace(const QString& id)
{
    QSignalSpy shown(area_.get(), &TracesArea::traceShown);
    area_->showTrace(id);
    return shown.wait(30000) && area_->webView() && area_->webView()->isVisible();
}

void TestJaegerWebView::loadsTheTraceAtTheEmbedUrl()
{
    QVERIFY(showTrace(kTrace));
    JaegerWebView* web = area_->webView();
    const QUrl expected(sim_.jaegerUiUrl().toString() + u"/trace/"_s + kTrace +
                        u"?uiEmbed=v0&uiTimelineCollapseTitle=1&uiTimelineHideMinimap=1"
                        u"&uiTheme=light"_s);
    QCOMPARE(web->requestedUrl(), expected);
    QCOMPARE(web->page()->url(), expected);
    QWebEnginePage* page = web->page();
    QCOMPARE(evaluate(page, u"document.body.dataset.route"_s).toString(), u"trace"_s);
    QCOMPARE(evaluate(page, u"document.body.dataset.traceId"_s).toString(), kTrace);
    QCOMPARE(evaluate(page, u"document.body.dataset.embed"_s).toString(), u"v0"_s);
    QCOMPARE(evaluate(page, u"document.body.dataset.collapseTitle"_s).toString(), u"1"_s);
    QCOMPARE(evaluate(page, u"document.querySelectorAll('#spans .span').length"_s).toInt(), 4);
    QVERIFY(evaluate(page, u"document.getElementById('sim-banner').textContent"_s)
                .toString()
                .contains(u"test equipment"_s));
    QVERIFY(area_->panel()->timeline()->layout().rows().size() == 4);  // native view ready too
}

void TestJaegerWebView::otherOriginLinkGoesToTheBrowser()
{
    QVERIFY(showTrace(kTrace));
    JaegerWebPage* page = area_->webView()->page();
    const QUrl before = page->url();
    QSignalSpy handed(page, &JaegerWebPage::externalUrlOpened);
    evaluate(page, u"document.getElementById('external-link').click(); true"_s);
    QTRY_COMPARE_WITH_TIMEOUT(opened_.size(), 1, 10000);
    QCOMPARE(opened_.first(), QUrl(u"https://www.jaegertracing.io/docs/"_s));
    QCOMPARE(handed.count(), 1);
    QCOMPARE(page->url(), before);  // refused here: the view stays on Jaeger
    QCOMPARE(evaluate(page, u"document.body.dataset.traceId"_s).toString(), kTrace);
}

void TestJaegerWebView::windowOpenGoesToTheBrowser()
{
    QVERIFY(showTrace(kTrace));
    JaegerWebPage* page = area_->webView()->page();
    const QUrl before = page->url();
    evaluate(page, u"document.getElementById('open-window').click(); true"_s);
    QTRY_COMPARE_WITH_TIMEOUT(opened_.size(), 1, 10000);
    QCOMPARE(opened_.first(), QUrl(u"https://github.com/jaegertracing/jaeger-ui"_s));
    QCOMPARE(page->url(), before);
    // A script-made link to another origin, not clicked by anyone: same fence.
    evaluate(page, u"window.open('http://example.invalid/x'); true"_s);
    QTRY_COMPARE_WITH_TIMEOUT(opened_.size(), 2, 10000);
    QCOMPARE(opened_.last().host(), u"example.invalid"_s);
    QCOMPARE(page->url(), before);
}

void TestJaegerWebView::sameOriginPopupStaysInTheView()
{
    QVERIFY(showTrace(kTrace));
    JaegerWebPage* page = area_->webView()->page();
    QSignalSpy loaded(page, &QWebEnginePage::loadFinished);
    evaluate(page, u"window.open('search?uiEmbed=v0&service=details.bookinfo'); true"_s);
    QVERIFY(loaded.wait(15000));
    QCOMPARE(page->url().path(), u"/jaeger/search"_s);
    QCOMPARE(evaluate(page, u"document.body.dataset.service"_s).toString(), u"details.bookinfo"_s);
    QVERIFY(opened_.isEmpty());
}

void TestJaegerWebView::searchPage()
{
    QSignalSpy shown(area_.get(), &TracesArea::traceShown);
    area_->showSearch(u"productpage.bookinfo"_s);
    QVERIFY(shown.wait(30000));
    QWebEnginePage* page = area_->webView()->page();
    const QUrlQuery query(page->url());
    QCOMPARE(page->url().path(), u"/jaeger/search"_s);
    QCOMPARE(query.queryItemValue(u"service"_s), u"productpage.bookinfo"_s);
    QCOMPARE(query.queryItemValue(u"uiEmbed"_s), u"v0"_s);
    QCOMPARE(evaluate(page, u"document.body.dataset.service"_s).toString(),
             u"productpage.bookinfo"_s);
    QVERIFY(evaluate(page, u"document.querySelectorAll('#results .result').length"_s).toInt() >= 1);
}

void TestJaegerWebView::darkThemeAndPresenterZoom()
{
    QPalette dark = area_->palette();
    dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::WindowText, Qt::white);
    dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x18));
    dark.setColor(QPalette::Text, Qt::white);
    area_->setPalette(dark);
    area_->setPresenterMode(true);
    QVERIFY(showTrace(kTrace));
    QWebEnginePage* page = area_->webView()->page();
    QCOMPARE(QUrlQuery(page->url()).queryItemValue(u"uiTheme"_s), u"dark"_s);
    QCOMPARE(evaluate(page, u"document.body.dataset.theme"_s).toString(), u"dark"_s);
    QCOMPARE(area_->webView()->zoomFactor(), TracesArea::kPresenterZoom);
    // Back to light while the page is open: it is asked for again in the light theme.
    QSignalSpy loaded(page, &QWebEnginePage::loadFinished);
    area_->setPalette(QPalette());
    area_->setPalette(QApplication::palette());
    QVERIFY(loaded.wait(15000));
    QCOMPARE(evaluate(page, u"document.body.dataset.theme"_s).toString(), u"light"_s);
    area_->setPresenterMode(false);
    QCOMPARE(area_->webView()->zoomFactor(), 1.0);
}

void TestJaegerWebView::unknownTraceIsExplainedBeforeLoading()
{
    QSignalSpy failed(area_.get(), &TracesArea::lookupFailed);
    area_->showTrace(u"abcdef"_s);
    QVERIFY(failed.wait(15000));
    QVERIFY(failed.first().first().toString().contains(u"was not found"_s));
    QVERIFY(area_->emptyState()->isVisible());
    QVERIFY(!area_->webView() || !area_->webView()->isVisible());
}

void TestJaegerWebView::picturesAreNotBlank()
{
    QVERIFY(showTrace(kTrace));
    // Let the compositor put the page on screen before grabbing.
    JaegerWebView* web = area_->webView();
    QImage page;
    QTRY_VERIFY_WITH_TIMEOUT((page = web->view()->grab().toImage(), colourCount(page) > 12), 15000);
    saveShot(area_->grab().toImage(), u"traces-embedded.png"_s);

    area_->nativeAction()->trigger();
    QVERIFY(area_->panel()->isVisible());
    QApplication::processEvents();
    const QImage timeline = area_->panel()->timeline()->grab().toImage();
    QVERIFY2(colourCount(timeline) > 12, qPrintable(QString::number(colourCount(timeline))));
    saveShot(area_->grab().toImage(), u"traces-timeline.png"_s);

    // And back: the page is still there, not asked for again.
    area_->embeddedAction()->trigger();
    QVERIFY(web->isVisible());
}

QTEST_MAIN(TestJaegerWebView)
#include "tst_jaegerwebview.moc"
