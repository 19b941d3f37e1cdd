// The embedded Jaeger UI (Xvfb, WebEngine) against the REAL Jaeger UI builds 1.70 and 2.17
// (../shared/jaeger-ui, served by the simulated mesh as jaeger-query serves them; the data is
// test equipment): the trace's span rows and the embed parameters read from the page's DOM, the
// trace fetched once, the search page and a click on a result, an unknown id, links and new
// windows going to the system browser, the theme as each version understands it, a page that
// draws nothing (2.17 without ObsLab's import map on Qt 6.4, or a Jaeger whose scripts are
// missing) falling back to ObsLab's timeline and being remembered, and pictures that are not
// blank. Without the builds the test is skipped, except under CI, where that fails.
#include "RecordingNavigator.h"
#include "SimServer.h"
#include "core/common/AppSettings.h"
#include "gui/tracing/JaegerPageCheck.h"
#include "gui/tracing/JaegerWebPage.h"
#include "gui/tracing/JaegerWebView.h"
#include "gui/tracing/TraceTimelinePanel.h"
#include "gui/tracing/TraceTimelineView.h"
#include "gui/tracing/TracesArea.h"
#include "gui/widgets/Banner.h"
#include "gui/widgets/EmptyState.h"

#include <QApplication>
#include <QDesktopServices>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
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

QString jsString(const QString& text)
{
    QString out = text;
    out.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
    return u'"' + out + u'"';
}

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

int count(QWebEnginePage* page, const QString& selector)
{
    return evaluate(page, u"document.querySelectorAll(%1).length"_s.arg(jsString(selector)))
        .toInt();
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

QPalette darkPalette(QPalette p)
{
    p.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    p.setColor(QPalette::WindowText, Qt::white);
    p.setColor(QPalette::Base, QColor(0x18, 0x18, 0x18));
    p.setColor(QPalette::Text, Qt::white);
    return p;
}

QPushButton* noticeButton(Banner* banner, const QString& text)
{
    for (QPushButton* b : banner->findChildren<QPushButton*>()) {
        if (b->text().contains(text))
            return b;
    }
    return nullptr;
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
    void engineAndShim();
    void traceRowsAndEmbedParameters_data();
    void traceRowsAndEmbedParameters();
    void searchAndInPageNavigation_data();
    void searchAndInPageNavigation();
    void dependenciesPage_data();
    void dependenciesPage();
    void unknownTraceIsExplainedBeforeLoading();
    void linksAndNewWindowsGoToTheBrowser_data();
    void linksAndNewWindowsGoToTheBrowser();
    void themeAsEachVersionKnowsIt_data();
    void themeAsEachVersionKnowsIt();
    void blankPageFallsBackToTheTimelineAndIsRemembered();
    void brokenJaegerFallsBack();
    void picturesAreNotBlank_data();
    void picturesAreNotBlank();

private:
    void useUi(const QString& version);
    void loadFixture(const QString& name);
    bool showTrace(const QString& id, int timeoutMs = 30000);
    int pageRequests(const QString& prefix);
    void forgetBrokenUis();
    void newArea();

    SimServer sim_;
    std::unique_ptr<TracesArea> area_;
    QList<QUrl> opened_;
};

void TestJaegerWebView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(JaegerWebView::isSupported(), qPrintable(QGuiApplication::platformName()));
    QVERIFY2(sim_.start(u"healthy-telemetry"_s,
                        {u"--no-traffic"_s, u"--jaeger-ui"_s, u"1.70"_s, u"--load-traces"_s,
                         SimServer::fixture(u"jaeger-trace.json"_s)}),
             qPrintable(sim_.why()));
    if (sim_.uiVersion() != u"1.70") {
        const QString why = u"this test needs the real Jaeger UI builds: "_s + sim_.whyNoRealUi();
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(qPrintable(why + u" (CI needs ../shared/jaeger-ui beside the clone)"_s));
        QSKIP(qPrintable(why));
    }
    QVERIFY(sim_.post(u"traffic"_s, {{u"count"_s, 3}}).value(u"requests"_s).toInt() == 3);
    QDesktopServices::setUrlHandler(u"https"_s, this, "openInBrowser");
    QDesktopServices::setUrlHandler(u"http"_s, this, "openInBrowser");
}

void TestJaegerWebView::cleanupTestCase()
{
    QDesktopServices::unsetUrlHandler(u"https"_s);
    QDesktopServices::unsetUrlHandler(u"http"_s);
    forgetBrokenUis();
}

void TestJaegerWebView::forgetBrokenUis()
{
    AppSettings settings;
    settings.raw().remove(u"tracing"_s);
}

void TestJaegerWebView::init()
{
    opened_.clear();
    forgetBrokenUis();
    newArea();
}

void TestJaegerWebView::newArea()
{
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
    qunsetenv("OBSLAB_JAEGER_UI_SHIM");
    sim_.post(u"jaeger/fault"_s, {{u"kind"_s, u"none"_s}});
}

void TestJaegerWebView::useUi(const QString& version)
{
    QCOMPARE(sim_.post(u"jaeger/ui"_s, {{u"version"_s, version}})[u"version"_s].toString(),
             version);
}

void TestJaegerWebView::loadFixture(const QString& name)
{
    sim_.post(u"jaeger/clear"_s);
    QCOMPARE(
        sim_.post(u"jaeger/load"_s, {{u"path"_s, SimServer::fixture(name)}})[u"traces"_s].toInt(),
        1);
    QVERIFY(sim_.post(u"traffic"_s, {{u"count"_s, 2}}).value(u"requests"_s).toInt() == 2);
}

bool TestJaegerWebView::showTrace(const QString& id, int timeoutMs)
{
    QSignalSpy shown(area_.get(), &TracesArea::traceShown);
    area_->showTrace(id);
    return shown.wait(timeoutMs) && area_->webView() && area_->webView()->isVisible();
}

int TestJaegerWebView::pageRequests(const QString& prefix)
{
    int n = 0;
    for (const QJsonValue& r : sim_.get(u"jaeger/requests"_s)[u"requests"_s].toArray())
        n += r.toString().startsWith(prefix) ? 1 : 0;
    return n;
}

void TestJaegerWebView::engineAndShim()
{
    // Qt 6.4 is Chromium 102: Jaeger UI 2.x needs the import map there, and gets it.
    const int chromium = JaegerWebView::chromiumMajorVersion();
    QVERIFY(chromium > 0);
    area_->showTrace(kTrace);
    QTRY_VERIFY_WITH_TIMEOUT(area_->webView() != nullptr, 30000);
    QCOMPARE(area_->webView()->usesModuleGuardMap(), chromium < 105);
    qInfo("QtWebEngine %s, Chromium %d: module-guard map %s", qVersion(), chromium,
          area_->webView()->usesModuleGuardMap() ? "on" : "off");
}

void TestJaegerWebView::traceRowsAndEmbedParameters_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("spans");
    for (const QString& v : {u"1.70"_s, u"2.17"_s}) {
        QTest::addRow("%s-4-spans", qPrintable(v)) << v << u"jaeger-trace.json"_s << 4;
        QTest::addRow("%s-8-spans", qPrintable(v))
            << v << u"jaeger-trace-bookinfo-8spans.json"_s << 8;
    }
}

void TestJaegerWebView::traceRowsAndEmbedParameters()
{
    QFETCH(QString, version);
    QFETCH(QString, fixture);
    QFETCH(int, spans);
    useUi(version);
    loadFixture(fixture);
    sim_.post(u"jaeger/requests/clear"_s);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(showTrace(kTrace));
    qInfo("Jaeger UI %s: %d span rows drawn %lld ms after the click", qPrintable(version), spans,
          clock.elapsed());
    JaegerWebView* web = area_->webView();
    const QUrl expected(sim_.jaegerUiUrl().toString() + u"/trace/"_s + kTrace +
                        u"?uiEmbed=v0&uiTimelineCollapseTitle=1&uiTimelineHideMinimap=1"_s);
    QCOMPARE(web->requestedUrl(), expected);
    QCOMPARE(web->currentUrl(), expected);
    QWebEnginePage* page = web->page();
    QTRY_COMPARE_WITH_TIMEOUT(count(page, u".span-row"_s), spans, 10000);
    QCOMPARE(count(page, u".Page--topNav"_s), 0);                    // uiEmbed=v0
    QCOMPARE(count(page, u".TracePageHeader--overviewItems"_s), 0);  // collapsed title
    QCOMPARE(count(page, u".CanvasSpanGraph"_s), 0);                 // no minimap
    QVERIFY(evaluate(page, u"document.querySelector('.TracePageHeader--title').innerText"_s)
                .toString()
                .contains(u"productpage"_s));
    QCOMPARE(area_->shownTraceId(), kTrace);
    QCOMPARE(area_->panel()->timeline()->layout().rows().size(), spans);  // timeline ready too
    // Fetched once: by ObsLab; the page got ObsLab's copy.
    QCOMPARE(pageRequests(u"GET /jaeger/api/traces/"_s), 1);
    QCOMPARE(pageRequests(u"GET /jaeger/trace/"_s), 1);
}

void TestJaegerWebView::searchAndInPageNavigation_data()
{
    QTest::addColumn<QString>("version");
    QTest::newRow("1.70") << u"1.70"_s;
    QTest::newRow("2.17") << u"2.17"_s;
}

void TestJaegerWebView::searchAndInPageNavigation()
{
    QFETCH(QString, version);
    useUi(version);
    loadFixture(u"jaeger-trace.json"_s);
    QVERIFY(showTrace(kTrace));
    QSignalSpy shown(area_.get(), &TracesArea::traceShown);
    area_->showSearch(u"frontend.default"_s);
    QVERIFY(shown.wait(30000));
    QWebEnginePage* page = area_->webView()->page();
    QCOMPARE(page->url().path(), u"/jaeger/search"_s);
    QCOMPARE(QUrlQuery(page->url()).queryItemValue(u"uiEmbed"_s), u"v0"_s);
    QTRY_VERIFY_WITH_TIMEOUT(count(page, u".ResultItem"_s) >= 2, 10000);
    QCOMPARE(count(page, u".Page--topNav"_s), 0);

    // A click on a result opens that trace embedded (not Jaeger's full trace page); ObsLab
    // follows it and acts on it from then on. The trace is fetched once, by the page.
    const QString href =
        evaluate(page, u"document.querySelector('a.ResultItemTitle--item').getAttribute('href')"_s)
            .toString();
    const QString clicked = href.section(u'/', -1);
    QVERIFY2(clicked != kTrace && clicked.size() >= 16, qPrintable(href));
    shown.clear();
    sim_.post(u"jaeger/requests/clear"_s);
    evaluate(page, u"document.querySelector('a.ResultItemTitle--item').click(); true"_s);
    QVERIFY(shown.wait(30000));
    QCOMPARE(shown.last().first().toString(), clicked);
    QCOMPARE(area_->shownTraceId(), clicked);
    QCOMPARE(QUrlQuery(page->url()).queryItemValue(u"uiEmbed"_s), u"v0"_s);
    QTRY_COMPARE_WITH_TIMEOUT(count(page, u".span-row"_s), 2, 10000);
    QCOMPARE(count(page, u".Page--topNav"_s), 0);
    QCOMPARE(pageRequests(u"GET /jaeger/api/traces/"_s), 1);
    test::RecordingNavigator navigator;
    area_->setNavigator(&navigator);
    QSignalSpy logLines(&navigator, &test::RecordingNavigator::traceLinesRequested);
    area_->showLogLinesAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(logLines.count(), 1, 10000);
    QCOMPARE(logLines.first().at(0).toString(), clicked);
    QCOMPARE(logLines.first().at(1).toStringList().size(), 1);  // its x-request-id
    QCOMPARE(area_->currentTrace().traceId.right(16), clicked.right(16));

    // Away to the search page again; the Jaeger UI toggle comes back to the embedded trace.
    shown.clear();
    area_->showSearch({});
    QVERIFY(shown.wait(30000));
    QCOMPARE(page->url().path(), u"/jaeger/search"_s);
    shown.clear();
    area_->embeddedAction()->trigger();
    QVERIFY(shown.wait(30000));
    QCOMPARE(page->url().path(), u"/jaeger/trace/"_s + clicked);
    QCOMPARE(QUrlQuery(page->url()).queryItemValue(u"uiEmbed"_s), u"v0"_s);
}

void TestJaegerWebView::dependenciesPage_data()
{
    QTest::addColumn<QString>("version");
    QTest::newRow("1.70") << u"1.70"_s;
    QTest::newRow("2.17") << u"2.17"_s;
}

void TestJaegerWebView::dependenciesPage()
{
    // The page of 2.x that needs the most of the engine (a layout worker, a canvas-free graph),
    // in the web view alone.
    QFETCH(QString, version);
    useUi(version);
    loadFixture(u"jaeger-trace.json"_s);
    JaegerWebView web;
    web.resize(1000, 700);
    web.show();
    QVERIFY(QTest::qWaitForWindowExposed(&web));
    QSignalSpy rendered(&web, &JaegerWebView::rendered);
    QSignalSpy failed(&web, &JaegerWebView::renderFailed);
    web.load(QUrl(sim_.jaegerUiUrl().toString() + u"/dependencies?uiEmbed=v0"_s));
    QVERIFY(rendered.wait(30000));
    QVERIFY(failed.isEmpty());
    QCOMPARE(rendered.first().at(2).toString(),
             u"v%1.0-obslab-sim"_s.arg(version));  // its JAEGER_VERSION
    QTRY_VERIFY_WITH_TIMEOUT(count(web.page(), u".plexus-MiniMap"_s) == 1, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(evaluate(web.page(), u"document.body.innerText"_s)
                                 .toString()
                                 .contains(u"details.bookinfo"_s),
                             15000);
    QVERIFY(web.pageCheck()->errors().isEmpty());
}

void TestJaegerWebView::unknownTraceIsExplainedBeforeLoading()
{
    useUi(u"1.70"_s);
    sim_.post(u"jaeger/requests/clear"_s);
    QSignalSpy failed(area_.get(), &TracesArea::lookupFailed);
    area_->showTrace(u"abcdef"_s);
    QVERIFY(failed.wait(15000));
    QVERIFY(failed.first().first().toString().contains(u"was not found"_s));
    QVERIFY(area_->emptyState()->isVisible());
    QVERIFY(!area_->webView() || !area_->webView()->isVisible());
    QCOMPARE(pageRequests(u"GET /jaeger/trace/"_s), 0);  // Jaeger's page never asked for
}

void TestJaegerWebView::linksAndNewWindowsGoToTheBrowser_data()
{
    QTest::addColumn<QString>("version");
    QTest::newRow("1.70") << u"1.70"_s;
    QTest::newRow("2.17") << u"2.17"_s;
}

void TestJaegerWebView::linksAndNewWindowsGoToTheBrowser()
{
    QFETCH(QString, version);
    useUi(version);
    loadFixture(u"jaeger-trace.json"_s);
    QVERIFY(showTrace(kTrace));
    JaegerWebPage* page = area_->webView()->page();
    const QUrl before = page->url();
    // Jaeger's own "open in a new window" icon (target=_blank, same origin): the full UI in the
    // system browser; the pane keeps the embedded trace.
    QVERIFY(count(page, u"a[target=_blank][href$='/trace/%1']"_s.arg(kTrace)) == 1);
    evaluate(page,
             u"document.querySelector(\"a[target=_blank][href$='/trace/%1']\").click(); true"_s.arg(
                 kTrace));
    QTRY_COMPARE_WITH_TIMEOUT(opened_.size(), 1, 10000);
    QCOMPARE(opened_.first().path(), u"/jaeger/trace/"_s + kTrace);
    QCOMPARE(opened_.first().port(), sim_.jaegerUrl().port());
    QCOMPARE(page->url(), before);
    QCOMPARE(count(page, u".span-row"_s), 4);
    // A link to another origin (span tags can hold URLs): refused here, handed to the browser.
    QSignalSpy handed(page, &JaegerWebPage::externalUrlOpened);
    evaluate(page,
             u"var a = document.createElement('a'); a.href = 'https://www.jaegertracing.io/docs/';"
             u"a.textContent = 'docs'; document.body.appendChild(a); a.click(); true"_s);
    QTRY_COMPARE_WITH_TIMEOUT(opened_.size(), 2, 10000);
    QCOMPARE(opened_.last(), QUrl(u"https://www.jaegertracing.io/docs/"_s));
    QCOMPARE(handed.count(), 1);
    // window.open to anywhere: the browser too.
    evaluate(page, u"window.open('http://example.invalid/x'); true"_s);
    QTRY_COMPARE_WITH_TIMEOUT(opened_.size(), 3, 10000);
    QCOMPARE(opened_.last().host(), u"example.invalid"_s);
    QCOMPARE(page->url(), before);
}

void TestJaegerWebView::themeAsEachVersionKnowsIt_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("hasDarkTheme");
    QTest::newRow("1.70") << u"1.70"_s << false;
    QTest::newRow("2.17") << u"2.17"_s << true;
}

void TestJaegerWebView::themeAsEachVersionKnowsIt()
{
    QFETCH(QString, version);
    QFETCH(bool, hasDarkTheme);
    useUi(version);
    loadFixture(u"jaeger-trace.json"_s);
    area_->setPalette(darkPalette(area_->palette()));
    area_->setPresenterMode(true);
    QVERIFY(showTrace(kTrace));
    QWebEnginePage* page = area_->webView()->page();
    QVERIFY(!page->url().toString().contains(u"uiTheme"_s));
    QCOMPARE(evaluate(page, u"localStorage.getItem('jaeger-ui-theme')"_s).toString(), u"dark"_s);
    const auto probe =
        jaegerpagescripts::parseProbe(evaluate(page, jaegerpagescripts::probeScript()));
    QVERIFY(probe.valid);
    QCOMPARE(probe.luminance < 0.35, hasDarkTheme);
    // 1.x has no dark theme: said so, plainly.
    QCOMPARE(area_->notice()->isVisible(), !hasDarkTheme);
    if (!hasDarkTheme)
        QVERIFY(area_->notice()->message().contains(u"no dark theme"_s));
    QCOMPARE(area_->webView()->zoomFactor(), TracesArea::kPresenterZoom);

    // Back to light while the page is open: the page is shown again, light.
    QSignalSpy shown(area_.get(), &TracesArea::traceShown);
    area_->setPalette(QApplication::palette());
    QVERIFY(shown.wait(30000));
    QCOMPARE(evaluate(page, u"localStorage.getItem('jaeger-ui-theme')"_s).toString(), u"light"_s);
    const auto light =
        jaegerpagescripts::parseProbe(evaluate(page, jaegerpagescripts::probeScript()));
    QVERIFY(light.luminance > 0.65);
    QVERIFY(!area_->notice()->isVisible());
    area_->setPresenterMode(false);
    QCOMPARE(area_->webView()->zoomFactor(), 1.0);
}

void TestJaegerWebView::blankPageFallsBackToTheTimelineAndIsRemembered()
{
    if (JaegerWebView::chromiumMajorVersion() >= 105)
        QSKIP("this web engine runs Jaeger UI 2.x without help; nothing draws blank here");
    // Jaeger UI 2.17 as Qt 6.4 runs it without ObsLab's import map: a blank page.
    area_.reset();
    qputenv("OBSLAB_JAEGER_UI_SHIM", "0");
    newArea();
    useUi(u"2.17"_s);
    loadFixture(u"jaeger-trace.json"_s);
    QSignalSpy fellBack(area_.get(), &TracesArea::embeddedFellBack);
    QSignalSpy shown(area_.get(), &TracesArea::traceShown);
    QElapsedTimer clock;
    clock.start();
    area_->showTrace(kTrace);
    QVERIFY(fellBack.wait(20000));
    const qint64 detected = clock.elapsed();
    QVERIFY(fellBack.first().at(1).toBool());  // the engine is too old for it
    QVERIFY(area_->webView()->pageCheck()->errors().join(u'\n').contains(
        u"import.meta.resolve not supported"_s));
    QTRY_VERIFY_WITH_TIMEOUT(area_->panel()->isVisible(), 10000);
    QVERIFY(!shown.isEmpty());
    QCOMPARE(shown.last().first().toString(), kTrace);
    QCOMPARE(area_->view(), TracesArea::View::Native);
    QCOMPARE(area_->panel()->timeline()->layout().rows().size(), 4);
    QVERIFY(area_->notice()->isVisible());
    const QString qt = QString::fromLatin1(qVersion()).section(u'.', 0, 1);
    QVERIFY2(area_->notice()->message().contains(
                 u"needs a newer web engine than Qt %1 provides"_s.arg(qt)),
             qPrintable(area_->notice()->message()));
    QVERIFY(noticeButton(area_->notice(), u"Open in browser"_s));
    QCOMPARE(area_->webView()->currentUrl(), QUrl(u"about:blank"_s));  // the broken page is gone
    saveShot(area_->grab().toImage(), u"traces-fallback.png"_s);
    qInfo("blank Jaeger UI 2.17 page detected %lld ms after the click", detected);
    QVERIFY(detected < 10000);

    // Remembered: the next trace of this Jaeger opens in the timeline without loading the page.
    area_.reset();
    newArea();
    sim_.post(u"jaeger/requests/clear"_s);
    QSignalSpy again(area_.get(), &TracesArea::traceShown);
    clock.restart();
    area_->showTrace(kTrace);
    QVERIFY(again.wait(15000));
    qInfo("remembered: timeline shown %lld ms after the click", clock.elapsed());
    QVERIFY(area_->panel()->isVisible());
    QVERIFY(area_->notice()->isVisible());
    QCOMPARE(pageRequests(u"GET /jaeger/trace/"_s), 0);
    // "Try the Jaeger UI again" forgets it and tries (and, still without the map, fails again).
    QSignalSpy fellAgain(area_.get(), &TracesArea::embeddedFellBack);
    QPushButton* retry = noticeButton(area_->notice(), u"Try the Jaeger UI again"_s);
    QVERIFY(retry);
    retry->click();
    QVERIFY(fellAgain.wait(20000));
    QCOMPARE(pageRequests(u"GET /jaeger/trace/"_s), 1);
}

void TestJaegerWebView::brokenJaegerFallsBack()
{
    // Any Jaeger whose page draws nothing (here: its scripts are missing, no error thrown).
    useUi(u"1.70"_s);
    loadFixture(u"jaeger-trace.json"_s);
    sim_.post(u"jaeger/fault"_s, {{u"kind"_s, u"blank"_s}});
    QSignalSpy fellBack(area_.get(), &TracesArea::embeddedFellBack);
    QElapsedTimer clock;
    clock.start();
    area_->showTrace(kTrace);
    QVERIFY(fellBack.wait(20000));
    qInfo("Jaeger page without its scripts detected %lld ms after the click", clock.elapsed());
    QVERIFY(!fellBack.first().at(1).toBool());  // not the engine's fault
    QVERIFY(area_->notice()->message().contains(u"drew nothing"_s));
    QTRY_VERIFY_WITH_TIMEOUT(area_->panel()->isVisible(), 10000);
}

void TestJaegerWebView::picturesAreNotBlank_data()
{
    QTest::addColumn<QString>("version");
    QTest::newRow("1.70") << u"1.70"_s;
    QTest::newRow("2.17") << u"2.17"_s;
}

void TestJaegerWebView::picturesAreNotBlank()
{
    QFETCH(QString, version);
    useUi(version);
    loadFixture(u"jaeger-trace-bookinfo-8spans.json"_s);
    QVERIFY(showTrace(kTrace));
    // Let the page draw the rows, and the compositor put them on screen, before grabbing.
    JaegerWebView* web = area_->webView();
    QTRY_COMPARE_WITH_TIMEOUT(count(web->page(), u".span-row"_s), 8, 15000);
    QImage page;
    QTRY_VERIFY_WITH_TIMEOUT((page = web->view()->grab().toImage(), colourCount(page) > 12), 15000);
    saveShot(area_->grab().toImage(), u"traces-embedded-jaeger-%1.png"_s.arg(version));

    area_->nativeAction()->trigger();
    QVERIFY(area_->panel()->isVisible());
    QApplication::processEvents();
    const QImage timeline = area_->panel()->timeline()->grab().toImage();
    QVERIFY2(colourCount(timeline) > 12, qPrintable(QString::number(colourCount(timeline))));
    saveShot(area_->grab().toImage(), u"traces-timeline.png"_s);

    // And back: the page is still there, not asked for again.
    sim_.post(u"jaeger/requests/clear"_s);
    area_->embeddedAction()->trigger();
    QVERIFY(web->isVisible());
    QCOMPARE(pageRequests(u"GET /jaeger/"_s), 0);
}

QTEST_MAIN(TestJaegerWebView)
#include "tst_jaegerwebview.moc"
