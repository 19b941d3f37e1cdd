#include "RecordingNavigator.h"
#include "SimServer.h"
#include "core/kube/PortForward.h"
#include "core/tracing/JaegerClient.h"
#include "gui/tracing/TraceTimelinePanel.h"
#include "gui/tracing/TraceTimelineView.h"
#include "gui/tracing/TracesArea.h"
#include "gui/widgets/EmptyState.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;
using obslab::test::SimServer;

namespace {
const QString kFixtureTrace = u"3ba55609c3cde49649cd77d1f9dcd936"_s;

bool anyLabelContains(const QWidget* widget, const QString& text)
{
    const auto labels = widget->findChildren<QLabel*>();
    return std::any_of(labels.cbegin(), labels.cend(),
                       [&text](const QLabel* l) { return l->text().contains(text); });
}

QPushButton* button(const QWidget* widget, const QString& text)
{
    const auto buttons = widget->findChildren<QPushButton*>();
    for (QPushButton* b : buttons) {
        if (b->text().contains(text))
            return b;
    }
    return nullptr;
}
}  // namespace

class TestTracesArea : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup();
    void opensASavedTrace_data();
    void opensASavedTrace();
    void saysWhyAFileCannotBeOpened();
    void emptyStateOffersToOpenATrace();
    void offscreenUsesTheNativeTimeline();
    void showsATraceFromJaeger();
    void showsTheTraceOfARequestId();
    void unknownTraceSaysWhy();
    void refusedSaysStartThePortForward();
    void retryAfterJaegerRecovers();
    void showItsLogLines();
    void webZoomFollowsFontScaleAndPresenterMode();
    void managedPortForwardWhenNoUrlIsSet();
    void portForwardFailureIsExplained();

private:
    SimServer* sim();
    std::unique_ptr<SimServer> sim_;
};

void TestTracesArea::cleanup()
{
    if (sim_)
        sim_->post(u"jaeger/fault"_s, {{u"kind"_s, u"none"_s}});
}

SimServer* TestTracesArea::sim()
{
    if (!sim_) {
        sim_ = std::make_unique<SimServer>();
        if (!sim_->start(u"healthy-telemetry"_s, {u"--no-traffic"_s, u"--load-traces"_s,
                                                  SimServer::fixture(u"jaeger-trace.json"_s)})) {
            qWarning("%s", qPrintable(sim_->why()));
            sim_.reset();
        }
    }
    return sim_.get();
}

void TestTracesArea::opensASavedTrace_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("traceId");
    QTest::newRow("jaeger-v1") << u"jaeger-trace-bookinfo-8spans.json"_s
                               << u"3ba55609c3cde49649cd77d1f9dcd936"_s;
    QTest::newRow("otlp") << u"kiali-istio-bookinfo-trace-otlp.json"_s
                          << u"3ba55609c3cde49649cd77d1f9dcd936"_s;
}

void TestTracesArea::opensASavedTrace()
{
    QFETCH(QString, file);
    QFETCH(QString, traceId);
    TracesArea area;
    area.resize(1000, 600);
    area.show();
    QVERIFY(!area.isShowingTrace());
    QSignalSpy loaded(area.panel(), &TraceTimelinePanel::traceLoaded);
    area.openTraceFile(QStringLiteral(OBSLAB_FIXTURES_DIR "/") + file);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().first().toString(), traceId);
    QVERIFY(area.isShowingTrace());
    QVERIFY(area.panel()->isVisible());
    QVERIFY(!area.emptyState()->isVisible());
}

void TestTracesArea::saysWhyAFileCannotBeOpened()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"not-a-trace.json"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("<!doctype html><html>this is the Jaeger UI, not its API</html>");
    f.close();
    TracesArea area;
    area.show();
    QSignalSpy failed(area.panel(), &TraceTimelinePanel::loadFailed);
    area.openTraceFile(path);
    QVERIFY(failed.wait(10000));
    QVERIFY(!area.isShowingTrace());
    QVERIFY(area.emptyState()->isVisible());
    // The empty state now carries the reason, in words.
    bool found = false;
    const auto labels = area.emptyState()->findChildren<QLabel*>();
    for (const QLabel* label : labels)
        found = found || label->text().contains(failed.first().first().toString().toHtmlEscaped());
    QVERIFY2(found, qPrintable(failed.first().first().toString()));
}

void TestTracesArea::emptyStateOffersToOpenATrace()
{
    TracesArea area;
    area.show();
    test::RecordingNavigator navigator;
    area.setNavigator(&navigator);
    QSignalSpy requested(&navigator, &test::RecordingNavigator::traceDialogRequested);
    QPushButton* open = nullptr;
    const auto buttons = area.emptyState()->findChildren<QPushButton*>();
    for (QPushButton* b : buttons) {
        if (b->text().contains(u"saved trace"_s))
            open = b;
    }
    QVERIFY(open);
    open->click();
    QCOMPARE(requested.count(), 1);
}

void TestTracesArea::offscreenUsesTheNativeTimeline()
{
    TracesArea area;
    QVERIFY(!area.embeddedAvailable());
    QCOMPARE(area.view(), TracesArea::View::Native);
    QVERIFY(!area.embeddedAction()->isEnabled());
    area.setView(TracesArea::View::Embedded);
    QCOMPARE(area.view(), TracesArea::View::Native);
    QVERIFY(!area.webView());  // no WebEngine started where it cannot run
}

void TestTracesArea::showsATraceFromJaeger()
{
    if (!sim())
        QSKIP("no simulated mesh (python3)");
    TracesArea area;
    area.resize(1000, 600);
    area.show();
    area.setJaegerUrl(sim()->jaegerUrl());  // bare: the /jaeger base path is discovered
    QSignalSpy shown(&area, &TracesArea::traceShown);
    area.showTrace(kFixtureTrace.toUpper());
    QVERIFY(area.emptyState()->isVisible());  // "Opening trace…" while Jaeger is asked
    QVERIFY(shown.wait(15000));
    QCOMPARE(shown.first().first().toString(), kFixtureTrace);
    QVERIFY(area.isShowingTrace());
    QVERIFY(area.panel()->isVisible());
    QCOMPARE(area.currentTrace().spans.size(), 4);
    QCOMPARE(area.client()->resolvedBaseUrl(), sim()->jaegerUiUrl());
}

void TestTracesArea::showsTheTraceOfARequestId()
{
    if (!sim())
        QSKIP("no simulated mesh (python3)");
    // Fresh spans (the fixture's are years old, beyond the 48 h the search looks back).
    QCOMPARE(sim()->post(u"traffic"_s, {{u"count"_s, 2}}).value(u"requests"_s).toInt(), 2);
    JaegerClient client;
    client.setBaseUrl(sim()->jaegerUrl());
    TraceQuery query;
    query.service = u"backend.default"_s;
    JaegerReply* search = client.searchTraces(query);
    QSignalSpy searched(search, &JaegerReply::finished);
    QVERIFY(searched.wait(15000));
    QVERIFY2(search->ok(), qPrintable(search->error().message));
    const Trace expected = search->traces().first();
    QString requestId;
    for (const Span& span : expected.spans)
        requestId = requestId.isEmpty() ? span.requestId() : requestId;
    QVERIFY(!requestId.isEmpty());

    TracesArea area;
    area.show();
    area.setJaegerUrl(sim()->jaegerUrl());
    QSignalSpy shown(&area, &TracesArea::traceShown);
    area.showRequestId(requestId);
    QVERIFY(shown.wait(20000));
    QCOMPARE(JaegerTraceId::fromString(area.currentTrace().traceId),
             JaegerTraceId::fromString(expected.traceId));

    QSignalSpy failed(&area, &TracesArea::lookupFailed);
    area.showRequestId(u"00000000-0000-9000-8000-000000000000"_s);
    QVERIFY(failed.wait(20000));
    QVERIFY(failed.first().first().toString().contains(u"x-request-id"_s));
    QVERIFY(anyLabelContains(area.emptyState(), u"No trace in Jaeger carries"_s));
}

void TestTracesArea::unknownTraceSaysWhy()
{
    if (!sim())
        QSKIP("no simulated mesh (python3)");
    TracesArea area;
    area.show();
    area.setJaegerUrl(sim()->jaegerUrl());
    QSignalSpy failed(&area, &TracesArea::lookupFailed);
    area.showTrace(u"abcdef"_s);
    QVERIFY(failed.wait(15000));
    QVERIFY(!area.isShowingTrace());
    QVERIFY(anyLabelContains(area.emptyState(), u"was not found in Jaeger"_s));
    QVERIFY(anyLabelContains(area.emptyState(), u"send some traffic"_s.toHtmlEscaped()) ||
            anyLabelContains(area.emptyState(), u"Send some traffic"_s));
    QVERIFY(button(area.emptyState(), u"Retry"_s));
}

void TestTracesArea::refusedSaysStartThePortForward()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    QUrl url(u"http://127.0.0.1"_s);
    url.setPort(probe.serverPort());
    probe.close();  // nothing listens there now
    TracesArea area;
    area.show();
    area.setJaegerUrl(url);
    QSignalSpy failed(&area, &TracesArea::lookupFailed);
    area.showTrace(kFixtureTrace);
    QVERIFY(failed.wait(15000));
    QVERIFY(failed.first().first().toString().contains(u"refused"_s));
    QVERIFY(failed.first().at(1).toString().contains(u"port-forward"_s));
    QVERIFY(button(area.emptyState(), u"Retry"_s));
}

void TestTracesArea::retryAfterJaegerRecovers()
{
    if (!sim())
        QSKIP("no simulated mesh (python3)");
    sim()->post(u"jaeger/fault"_s, {{u"kind"_s, u"error"_s}});
    TracesArea area;
    area.show();
    area.setJaegerUrl(sim()->jaegerUiUrl());
    QSignalSpy failed(&area, &TracesArea::lookupFailed);
    QSignalSpy shown(&area, &TracesArea::traceShown);
    area.showTrace(kFixtureTrace);
    QVERIFY(failed.wait(15000));
    QVERIFY2(failed.first().first().toString().contains(u"HTTP 500"_s),
             qPrintable(failed.first().first().toString()));
    sim()->post(u"jaeger/fault"_s, {{u"kind"_s, u"none"_s}});
    QPushButton* retry = button(area.emptyState(), u"Retry"_s);
    QVERIFY(retry);
    retry->click();
    QVERIFY(shown.wait(15000));
    QVERIFY(area.isShowingTrace());
}

void TestTracesArea::showItsLogLines()
{
    TracesArea area;
    area.show();
    QVERIFY(!area.showLogLinesAction()->isEnabled() || area.currentTrace().isEmpty());
    QSignalSpy loaded(area.panel(), &TraceTimelinePanel::traceLoaded);
    area.openTraceFile(QStringLiteral(OBSLAB_FIXTURES_DIR "/jaeger-trace.json"));
    QVERIFY(loaded.wait(10000));
    QVERIFY(area.showLogLinesAction()->isEnabled());
    test::RecordingNavigator navigator;
    area.setNavigator(&navigator);
    QSignalSpy requested(&navigator, &test::RecordingNavigator::traceLinesRequested);
    area.showLogLinesAction()->trigger();
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.first().first().toString(), kFixtureTrace);
    QStringList ids = requested.first().at(1).toStringList();
    QVERIFY(ids.contains(u"e4e8c177-3962-9359-945e-61e7175cd867"_s));
    QCOMPARE(ids.removeDuplicates(), 0);
}

void TestTracesArea::webZoomFollowsFontScaleAndPresenterMode()
{
    TracesArea area;
    QCOMPARE(area.webZoomFactor(), 1.0);
    area.setFontScale(1.25);
    QCOMPARE(area.webZoomFactor(), 1.25);
    area.setPresenterMode(true);
    QCOMPARE(area.webZoomFactor(), TracesArea::kPresenterZoom);
    area.setFontScale(2.0);  // a presenter mode that raises the font itself is not doubled
    QCOMPARE(area.webZoomFactor(), 2.0);
    area.setPresenterMode(false);
    area.setFontScale(1.0);
    QCOMPARE(area.webZoomFactor(), 1.0);
}

// The port-forward fallback against tests/helpers/kubectl-portforward-standin (the sim serves no
// port-forward): it relays to the stand-in Jaeger as `kubectl port-forward svc/tracing` would.
void TestTracesArea::managedPortForwardWhenNoUrlIsSet()
{
    if (!sim())
        QSKIP("no simulated mesh (python3)");
    qputenv("OBSLAB_STANDIN_BACKEND_PORT", QByteArray::number(sim()->jaegerUrl().port()));
    PortForwards forwards;
    KubeTarget target;
    target.kubectl = QStringLiteral(OBSLAB_SOURCE_DIR "/tests/helpers/kubectl-portforward-standin");
    target.ns = u"istio-system"_s;
    int starts = 0;
    TracesArea area;
    area.show();
    area.setJaegerUrl({});
    area.setPortForwardStarter([&]() -> PortForward* {
        ++starts;
        PortForwardOptions options;
        options.resource = u"svc/tracing"_s;
        return forwards.start(target, options);
    });
    QSignalSpy shown(&area, &TracesArea::traceShown);
    area.showTrace(kFixtureTrace);
    QVERIFY(shown.wait(30000));
    QVERIFY(area.portForward());
    QCOMPARE(area.portForward()->state(), PortForward::State::Ready);
    QCOMPARE(area.client()->baseUrl(), area.portForward()->localUrl());
    QCOMPARE(area.client()->resolvedBaseUrl().path(), u"/jaeger"_s);  // found through it
    QCOMPARE(area.currentTrace().spans.size(), 4);
    // The next lookup reuses the running forward.
    area.showTrace(kFixtureTrace);
    QVERIFY(shown.wait(15000));
    QCOMPARE(starts, 1);
    QCOMPARE(forwards.rowCount(), 1);
    forwards.stopAll();
    qunsetenv("OBSLAB_STANDIN_BACKEND_PORT");
}

void TestTracesArea::portForwardFailureIsExplained()
{
    qputenv("OBSLAB_STANDIN_FAIL", "1");
    PortForwards forwards;
    KubeTarget target;
    target.kubectl = QStringLiteral(OBSLAB_SOURCE_DIR "/tests/helpers/kubectl-portforward-standin");
    target.ns = u"istio-system"_s;
    TracesArea area;
    area.show();
    area.setPortForwardStarter([&]() -> PortForward* {
        PortForwardOptions options;
        options.resource = u"svc/tracing"_s;
        options.maxAttempts = 1;
        options.maxBackoff = std::chrono::milliseconds(100);
        return forwards.start(target, options);
    });
    QSignalSpy failed(&area, &TracesArea::lookupFailed);
    area.showTrace(kFixtureTrace);
    QVERIFY(failed.wait(30000));
    QVERIFY2(failed.first().first().toString().contains(u"port-forward"_s),
             qPrintable(failed.first().first().toString()));
    QVERIFY(button(area.emptyState(), u"Retry"_s));
    qunsetenv("OBSLAB_STANDIN_FAIL");
}

QTEST_MAIN(TestTracesArea)
#include "tst_tracesarea.moc"
