#pragma once

#include "core/kube/PortForward.h"
#include "core/tracing/Trace.h"

#include <QPointer>

#include <QUrl>
#include <QWidget>
#include <functional>

class QAction;
class QActionGroup;
class QStackedWidget;
class QToolBar;

namespace obslab {

class Banner;
class EmbeddedUiMemory;
class EmptyState;
class JaegerClient;
class JaegerReply;
class JaegerWebView;
class Navigator;
class TraceTimelinePanel;

// The Traces area: one trace at a time, shown in the embedded Jaeger UI (JaegerWebView, when
// WebEngine can run) or in the native span timeline (TraceTimelinePanel, always). Traces come
// from Jaeger (showTrace, showRequestId — asked through JaegerClient, which also diagnoses why a
// page cannot show) or from a saved file (openTraceFile). A trace is fetched once: the embedded
// page is given ObsLab's copy. The trace ObsLab acts on ("Show its log lines", Timeline, "Open in
// browser") is the one on screen, also after the user moved inside Jaeger's page. When Jaeger's
// page draws nothing (Jaeger UI 2.x on an old web engine, a broken Jaeger) the area says so,
// shows the trace in its timeline and remembers that Jaeger (EmbeddedUiMemory). Until a trace
// is open, and whenever a lookup fails, the area says why and what to do, with a Retry. GUI
// thread; all lookups async.
class TracesArea : public QWidget
{
    Q_OBJECT
public:
    enum class View
    {
        Embedded,  // Jaeger's own UI in the web view
        Native     // ObsLab's timeline, drawn from the API's JSON
    };
    Q_ENUM(View)

    explicit TracesArea(QWidget* parent = nullptr);
    ~TracesArea() override;

    // Where "Show its log lines", Settings and "Open a saved trace" go.
    void setNavigator(Navigator* navigator) { navigator_ = navigator; }

    // The Jaeger query service (settings' URL or a port-forward's local address); empty means
    // http://localhost:16686, where `istioctl dashboard jaeger` and the usual port-forward listen.
    // The base path (/jaeger) is discovered.
    void setJaegerUrl(const QUrl& url);
    QUrl jaegerUrl() const;
    // With no Jaeger URL set, lookups first call `start` for a managed port-forward to
    // svc/tracing in istio-system and use its local address once it is ready (and follow it when
    // it restarts); `start` returns the running forward, or null when it cannot start one.
    void setPortForwardStarter(std::function<PortForward*()> start);
    // kubectl has no context: with no Jaeger URL set there is nothing to port-forward through,
    // and the area says so (not kubectl's "localhost:8080 refused" after retries).
    void setNoContext(bool noContext) { setClusterState(true, noContext); }
    // Whether the first cluster check has answered (the app opens at a trace, `--trace ID`,
    // before it has): until then a lookup through the port-forward waits for it instead of
    // trying Jaeger's default address.
    void setClusterState(bool checked, bool noContext);
    bool isWaitingForCluster() const { return waitingForCluster_; }
    PortForward* portForward() const { return forward_; }

    // Loads the file in the background; the timeline shows when it is read, the empty state
    // says why when it cannot be.
    void openTraceFile(const QString& path);
    bool isShowingTrace() const;
    const Trace& currentTrace() const { return trace_; }
    // The id of the trace on screen (follows the embedded page); empty when none.
    QString shownTraceId() const { return shownId_; }

    View view() const { return view_; }
    void setView(View view);
    // Whether the embedded Jaeger UI can be used here (see JaegerWebView::isSupported()).
    bool embeddedAvailable() const { return embeddedAvailable_; }
    void setEmbeddedAvailable(bool available);

    // The web view's zoom follows the app's font scale, and presenter mode makes it at least
    // kPresenterZoom (whichever is larger, so a presenter mode that raises the font scale itself
    // is not applied twice).
    void setFontScale(double scale);
    void setPresenterMode(bool on);
    double webZoomFactor() const;
    static constexpr double kPresenterZoom = 1.5;

    JaegerClient* client() const { return client_; }
    JaegerWebView* webView() const { return web_; }  // null until the embedded UI is first used
    EmptyState* emptyState() const { return state_; }
    TraceTimelinePanel* panel() const { return panel_; }
    // Across the area when Jaeger's page could not draw, or it has no dark theme.
    Banner* notice() const { return notice_; }
    QAction* showLogLinesAction() const { return logLinesAction_; }
    QAction* embeddedAction() const { return embeddedAction_; }
    QAction* nativeAction() const { return nativeAction_; }
    QAction* browserAction() const { return browserAction_; }

public Q_SLOTS:
    // Fetches the trace from Jaeger and shows it in the current view.
    void showTrace(const QString& traceId);
    // Finds the trace whose spans carry tag guid:x-request-id = requestId and shows it.
    void showRequestId(const QString& requestId);
    // Jaeger's search page for a service (empty: all), in the embedded UI.
    void showSearch(const QString& service);
    // Repeats the last lookup (after the port-forward was started, traffic sent…).
    void retry();
    // "Show its log lines": asks the Navigator for the lines of the trace on screen in the Logs
    // area (fetching that trace first when the page moved to one ObsLab has not fetched).
    void requestLogLines();

Q_SIGNALS:
    // The trace (or search page) is on screen: native timeline drawn or Jaeger's page drawn.
    void traceShown(const QString& traceId);
    // A lookup or page load failed; the area shows the same words.
    void lookupFailed(const QString& message, const QString& hint);
    // Jaeger's page drew nothing; the trace went to the timeline instead.
    void embeddedFellBack(const QString& reason, bool engineTooOld);

protected:
    void changeEvent(QEvent* event) override;

private:
    enum class Lookup
    {
        None,
        Trace,
        RequestId,
        Search
    };

    void startLookup(Lookup kind, const QString& value);
    void whenForwarded();
    void useForward(PortForward* forward);
    void runLookup();
    void onTraceReply(JaegerReply* reply);
    void present(const Trace& trace, bool fromJaeger, const QByteArray& v1Json = {});
    void showEmbedded();
    void loadEmbedded(const QUrl& url);
    void withShownTrace(std::function<void()> then);
    void onPageUrlChanged(const QUrl& url);
    void onRendered(const QUrl& url, bool looksDark);
    void onRenderFailed(const QUrl& url, const QString& reason, bool engineTooOld);
    void fallBack(const QString& message, bool remembered);
    void onEmbeddedFailed(const QUrl& url, const QString& reason);
    void showBusy(const QString& title, const QString& text);
    void showFailure(const QString& message, const QString& hint, bool canRetry);
    void showIntro();
    void showPanel();
    void ensureWebView();
    void updateHeader();
    void applyZoom();
    QUrl embeddedTraceUrl(const QString& traceId) const;
    QUrl jaegerBase() const;
    QString jaegerWhere() const;
    QString fallbackText(const QString& reason, bool engineTooOld) const;
    bool traceMatchesShown() const;
    bool isDark() const;

    QToolBar* header_ = nullptr;
    QActionGroup* viewGroup_ = nullptr;
    QAction* embeddedAction_ = nullptr;
    QAction* nativeAction_ = nullptr;
    QAction* logLinesAction_ = nullptr;
    QAction* searchAction_ = nullptr;
    QAction* browserAction_ = nullptr;
    Banner* notice_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    EmptyState* state_ = nullptr;
    TraceTimelinePanel* panel_ = nullptr;
    JaegerWebView* web_ = nullptr;
    JaegerClient* client_ = nullptr;
    std::unique_ptr<EmbeddedUiMemory> memory_;

    QUrl jaegerUrl_;
    QString jaegerNote_;
    Trace trace_;
    QByteArray traceJson_;  // trace_ as Jaeger's v1 API gave it (handed to the page)
    QString shownId_;
    bool traceFromJaeger_ = false;
    View view_ = View::Native;
    bool embeddedAvailable_ = false;
    bool darkShown_ = false;
    bool themeNote_ = false;  // the notice says the page has no dark theme
    double fontScale_ = 1.0;
    bool presenter_ = false;
    Lookup lookup_ = Lookup::None;
    QUrl awaitedPage_;  // the embedded page being loaded for the current lookup
    QString lookupValue_;
    QPointer<JaegerReply> pending_;
    QPointer<JaegerReply> shownFetch_;  // the shown trace, when the page moved to another one
    std::function<PortForward*()> startForward_;
    bool noContext_ = false;
    bool clusterChecked_ = true;  // the app sets false until its first cluster check answers
    bool waitingForCluster_ = false;
    QPointer<PortForward> forward_;
    Navigator* navigator_ = nullptr;
    QMetaObject::Connection forwardReady_;
    QMetaObject::Connection forwardFailed_;
};

}  // namespace obslab
