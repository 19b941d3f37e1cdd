#include "gui/tracing/TracesArea.h"

#include "core/common/Logging.h"
#include "core/kube/ClusterGuidance.h"
#include "core/kube/PortForward.h"
#include "core/tracing/JaegerClient.h"
#include "core/tracing/JaegerUrls.h"
#include "gui/common/Navigator.h"
#include "gui/tracing/EmbeddedUiMemory.h"
#include "gui/tracing/JaegerPageCheck.h"
#include "gui/tracing/JaegerWebView.h"
#include "gui/tracing/TraceTimelinePanel.h"
#include "gui/tracing/TraceTimelineView.h"
#include "gui/widgets/Banner.h"
#include "gui/widgets/EmptyState.h"
#include "gui/widgets/Icons.h"
#include "gui/widgets/Tone.h"

#include <QAction>
#include <QActionGroup>
#include <QDateTime>
#include <QDesktopServices>
#include <QEvent>
#include <QFileInfo>
#include <QStackedWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
QString sameId(const QString& id)
{
    return JaegerTraceId::fromString(id).toUrlForm();
}
}  // namespace

TracesArea::TracesArea(QWidget* parent)
    : QWidget(parent)
    , header_(new QToolBar(this))
    , notice_(new Banner(this))
    , stack_(new QStackedWidget(this))
    , state_(new EmptyState(stack_))
    , panel_(new TraceTimelinePanel(stack_))
    , client_(new JaegerClient(this))
{
    setObjectName(u"tracesArea"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(header_);
    layout->addWidget(notice_);
    layout->addWidget(stack_, 1);
    notice_->setMessage(Tone::Info, u"info"_s, QString());
    notice_->hide();
    stack_->addWidget(state_);
    stack_->addWidget(panel_);

    header_->setObjectName(u"tracesHeader"_s);
    header_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    header_->setMovable(false);
    viewGroup_ = new QActionGroup(this);
    embeddedAction_ = header_->addAction(Icons::icon(u"traces"_s), tr("Jaeger UI"));
    embeddedAction_->setToolTip(tr("Show the trace in Jaeger's own UI, embedded"));
    nativeAction_ = header_->addAction(Icons::icon(u"logs"_s), tr("Timeline"));
    nativeAction_->setToolTip(tr("Show ObsLab's span timeline (needs only Jaeger's API)"));
    for (QAction* a : {embeddedAction_, nativeAction_}) {
        a->setCheckable(true);
        viewGroup_->addAction(a);
    }
    nativeAction_->setChecked(true);
    connect(embeddedAction_, &QAction::triggered, this, [this] { setView(View::Embedded); });
    connect(nativeAction_, &QAction::triggered, this, [this] { setView(View::Native); });
    header_->addSeparator();
    logLinesAction_ = header_->addAction(Icons::icon(u"logs"_s), tr("Show its log lines"));
    logLinesAction_->setToolTip(
        tr("Filter the Logs to this trace's id and the request ids of its spans"));
    connect(logLinesAction_, &QAction::triggered, this, &TracesArea::requestLogLines);
    searchAction_ = header_->addAction(Icons::icon(u"open"_s), tr("Search"));
    searchAction_->setToolTip(tr("Jaeger's search page for this trace's root service"));
    connect(searchAction_, &QAction::triggered, this, [this] {
        showSearch(trace_.isEmpty() ? QString() : trace_.spans.first().serviceName);
    });
    browserAction_ = header_->addAction(Icons::icon(u"external"_s), tr("Open in browser"));
    browserAction_->setToolTip(tr("Open this trace in Jaeger in your web browser"));
    connect(browserAction_, &QAction::triggered, this, [this] {
        const JaegerTraceId id = JaegerTraceId::fromString(shownId_);
        if (id.isValid())
            QDesktopServices::openUrl(jaegerurls::join(jaegerBase(), u"trace/"_s + id.toUrlForm()));
    });

    connect(panel_, &TraceTimelinePanel::traceLoaded, this, [this] {
        // A saved file: it may not be in this Jaeger at all, so it opens in the timeline.
        lookup_ = Lookup::None;
        present(panel_->timeline()->layout().trace(), false);
    });
    connect(
        panel_, &TraceTimelinePanel::loadFailed, this,
        [this](const QString& message, const QString& hint) { showFailure(message, hint, false); });

    setEmbeddedAvailable(JaegerWebView::isSupported());
    darkShown_ = isDark();
    setJaegerUrl({});
    showIntro();
}

TracesArea::~TracesArea()
{
    for (JaegerReply* reply : {pending_.data(), shownFetch_.data()}) {
        if (reply) {
            reply->disconnect(this);
            reply->abort();
        }
    }
}

// ---- settings ----

void TracesArea::setJaegerUrl(const QUrl& url)
{
    jaegerUrl_ = url;
    // Unchanged (settings emit changed() for any preference): keep what discovery found.
    QUrl base = url.isEmpty() ? JaegerClient::defaultBaseUrl(nullptr) : url;
    if (url.isEmpty() && forward_ && forward_->state() == PortForward::State::Ready)
        base = forward_->localUrl();
    if (!url.isEmpty())
        client_->followForward(nullptr);
    if (base != client_->baseUrl())
        client_->setBaseUrl(base);
    jaegerNote_ =
        url.isEmpty() && startForward_
            ? tr("Jaeger: through a port-forward to <code>svc/tracing</code> in "
                 "<code>istio-system</code> that ObsLab starts when a trace is asked for (or set "
                 "its URL in Settings).")
        : url.isEmpty()
            ? tr("Jaeger: <code>%1</code> — start <code>istioctl dashboard jaeger "
                 "--browser=false</code> or a port-forward to <code>svc/tracing</code> in "
                 "<code>istio-system</code>, or set its URL in Settings.")
                  .arg(client_->baseUrl().toDisplayString().toHtmlEscaped())
            : tr("Jaeger: <code>%1</code>").arg(url.toDisplayString().toHtmlEscaped());
    if (stack_->currentWidget() == state_ && lookup_ == Lookup::None && trace_.isEmpty())
        state_->setFootnote(jaegerNote_);
}

QUrl TracesArea::jaegerUrl() const
{
    return client_->baseUrl();
}

QUrl TracesArea::jaegerBase() const
{
    return client_->resolvedBaseUrl().isEmpty() ? client_->baseUrl() : client_->resolvedBaseUrl();
}

void TracesArea::setPortForwardStarter(std::function<PortForward*()> start)
{
    startForward_ = std::move(start);
    setJaegerUrl(jaegerUrl_);  // the note says how Jaeger is reached
}

void TracesArea::setEmbeddedAvailable(bool available)
{
    embeddedAvailable_ = available;
    embeddedAction_->setEnabled(available);
    searchAction_->setEnabled(available);
    if (!available) {
        embeddedAction_->setToolTip(
            tr("The embedded Jaeger UI needs a graphical display (not available here)"));
        setView(View::Native);
    } else if (view_ == View::Native && trace_.isEmpty()) {
        view_ = View::Embedded;  // the default where it can run
        embeddedAction_->setChecked(true);
    }
    if (available && !memory_)
        memory_ = std::make_unique<EmbeddedUiMemory>(JaegerWebView::chromiumMajorVersion());
}

void TracesArea::setFontScale(double scale)
{
    fontScale_ = scale > 0 ? scale : 1.0;
    applyZoom();
}

void TracesArea::setPresenterMode(bool on)
{
    presenter_ = on;
    applyZoom();
}

double TracesArea::webZoomFactor() const
{
    return std::max(fontScale_, presenter_ ? kPresenterZoom : 1.0);
}

void TracesArea::applyZoom()
{
    if (web_)
        web_->setZoomFactor(webZoomFactor());
}

bool TracesArea::isDark() const
{
    return isDarkPalette(palette());
}

void TracesArea::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::PaletteChange || isDark() == darkShown_)
        return;
    darkShown_ = isDark();
    if (!web_)
        return;
    // Jaeger UI 2.x reads its theme when it starts: give the next document the new one and show
    // the page on screen again.
    web_->setDarkTheme(darkShown_);
    const QUrl current = web_->currentUrl();
    if (current.isValid() && current != QUrl(u"about:blank"_s)) {
        if (awaitedPage_.isValid() || stack_->currentWidget() == web_)
            awaitedPage_ = current;
        web_->load(current);
    }
}

// ---- views ----

void TracesArea::setView(View view)
{
    if (view == View::Embedded && !embeddedAvailable_)
        view = View::Native;
    view_ = view;
    (view == View::Embedded ? embeddedAction_ : nativeAction_)->setChecked(true);
    if (shownId_.isEmpty() && trace_.isEmpty())
        return;
    if (view == View::Native) {
        if (pending_) {
            // The timeline has what it needs: drop the lookup that was for the web view.
            JaegerReply* old = pending_;
            pending_ = nullptr;
            old->abort();
            old->deleteLater();
        }
        awaitedPage_ = QUrl();
        withShownTrace([this] { showPanel(); });
        return;
    }
    notice_->hide();
    // Always back to the embedded trace on screen, wherever the page went meanwhile.
    const QUrl wanted = embeddedTraceUrl(shownId_);
    if (web_ && web_->currentUrl() == wanted && web_->requestedUrl() == wanted &&
        !web_->isLoading() && !awaitedPage_.isValid()) {
        stack_->setCurrentWidget(web_);
        updateHeader();
        return;
    }
    if (traceMatchesShown() && traceFromJaeger_) {
        showEmbedded();
        return;
    }
    // A trace from a file (or not yet asked of this Jaeger): ask first, so that a missing
    // trace or a dead port-forward is explained instead of showing Jaeger's error page.
    showTrace(shownId_);
}

bool TracesArea::isShowingTrace() const
{
    return stack_->currentWidget() == panel_ || (web_ && stack_->currentWidget() == web_);
}

bool TracesArea::traceMatchesShown() const
{
    return !trace_.isEmpty() && !shownId_.isEmpty() && sameId(trace_.traceId) == sameId(shownId_);
}

void TracesArea::ensureWebView()
{
    if (web_)
        return;
    web_ = new JaegerWebView(stack_);
    web_->setObjectName(u"jaegerWebView"_s);
    web_->setDarkTheme(isDark());
    stack_->addWidget(web_);
    applyZoom();
    connect(
        web_, &JaegerWebView::rendered, this,
        [this](const QUrl& url, bool looksDark, const QString&) { onRendered(url, looksDark); });
    connect(web_, &JaegerWebView::renderFailed, this,
            [this](const QUrl& url, const QString& reason, bool engineTooOld) {
                onRenderFailed(url, reason, engineTooOld);
            });
    connect(web_, &JaegerWebView::loadFailed, this, &TracesArea::onEmbeddedFailed);
    connect(web_, &JaegerWebView::pageUrlChanged, this, &TracesArea::onPageUrlChanged);
    web_->setSearchResultsQuery(embeddedTraceUrl(u"1"_s).query(QUrl::FullyEncoded));
}

QUrl TracesArea::embeddedTraceUrl(const QString& traceId) const
{
    return jaegerurls::uiTrace(jaegerBase(), JaegerTraceId::fromString(traceId), {});
}

QString TracesArea::jaegerWhere() const
{
    return client_->baseUrl().toDisplayString();
}

void TracesArea::updateHeader()
{
    const bool onSearch = lookup_ == Lookup::Search && web_ && stack_->currentWidget() == web_;
    header_->setVisible(!shownId_.isEmpty() || !trace_.isEmpty() || onSearch);
    const bool haveTrace = !shownId_.isEmpty() && !onSearch;
    logLinesAction_->setEnabled(haveTrace);
    nativeAction_->setEnabled(haveTrace);
    browserAction_->setEnabled(haveTrace && (traceFromJaeger_ || !traceMatchesShown()));
}

// ---- lookups ----

void TracesArea::showTrace(const QString& traceId)
{
    startLookup(Lookup::Trace, traceId.trimmed());
}

void TracesArea::showRequestId(const QString& requestId)
{
    startLookup(Lookup::RequestId, requestId.trimmed());
}

void TracesArea::showSearch(const QString& service)
{
    startLookup(Lookup::Search, service.trimmed());
}

void TracesArea::retry()
{
    if (lookup_ != Lookup::None)
        startLookup(lookup_, lookupValue_);
}

void TracesArea::startLookup(Lookup kind, const QString& value)
{
    if (pending_) {
        JaegerReply* old = pending_;
        pending_ = nullptr;
        old->abort();
        old->deleteLater();
    }
    awaitedPage_ = QUrl();  // a page still loading is no longer what the user waits for
    if (web_ && web_->isLoading())
        web_->stop();
    QObject::disconnect(forwardReady_);
    QObject::disconnect(forwardFailed_);
    lookup_ = kind;
    lookupValue_ = value;
    notice_->hide();
    if (kind == Lookup::Search && !embeddedAvailable_) {
        showFailure(tr("Jaeger's search page needs the embedded Jaeger UI, which cannot run "
                       "on this display."),
                    tr("Open Jaeger in your browser instead: %1").arg(jaegerWhere()), false);
        return;
    }
    if (jaegerUrl_.isEmpty() && startForward_)
        whenForwarded();
    else
        runLookup();
}

void TracesArea::setClusterState(bool checked, bool noContext)
{
    clusterChecked_ = checked;
    noContext_ = noContext;
    if (checked && waitingForCluster_) {
        waitingForCluster_ = false;
        whenForwarded();
    }
}

void TracesArea::whenForwarded()
{
    // No Jaeger URL in the settings: reach it through a managed port-forward to svc/tracing.
    if (!clusterChecked_ && (!forward_ || !forward_->isActive())) {
        waitingForCluster_ = true;
        showBusy(tr("Checking the cluster…"),
                 tr("Jaeger is reached through a port-forward in the kube context; the trace is "
                    "asked for once the context is known."));
        return;
    }
    if (noContext_ && (!forward_ || !forward_->isActive())) {
        showFailure(ClusterGuidance::noContextSentence(),
                    tr("Jaeger is reached through a port-forward in the cluster. Choose a context, "
                       "or set Jaeger's URL in Settings."),
                    true);
        return;
    }
    if (!forward_ || !forward_->isActive())
        forward_ = startForward_();
    if (!forward_) {
        runLookup();  // nothing to forward with (no kubectl context yet): try the default URL
        return;
    }
    if (forward_->state() == PortForward::State::Ready) {
        useForward(forward_);
        runLookup();
        return;
    }
    showBusy(tr("Starting a port-forward to Jaeger…"),
             tr("kubectl port-forward %1; the trace is asked for once it answers.")
                 .arg(forward_->title()));
    forwardReady_ = connect(forward_, &PortForward::ready, this, [this] {
        QObject::disconnect(forwardReady_);
        QObject::disconnect(forwardFailed_);
        useForward(forward_);
        runLookup();
    });
    forwardFailed_ = connect(forward_, &PortForward::failed, this, [this](const QString& why) {
        QObject::disconnect(forwardReady_);
        QObject::disconnect(forwardFailed_);
        showFailure(tr("The port-forward to Jaeger failed: %1").arg(why),
                    tr("Check that Jaeger is deployed (kubectl -n istio-system get svc tracing) "
                       "and that the kube context is right, or set Jaeger's URL in Settings."),
                    true);
    });
}

void TracesArea::useForward(PortForward* forward)
{
    // The client follows the forward's address (Istio's /jaeger base path is discovered from
    // there) and waits for it when a restart is under way.
    if (client_->forward() != forward)
        client_->followForward(forward);
}

void TracesArea::runLookup()
{
    const Lookup kind = lookup_;
    const QString value = lookupValue_;
    JaegerReply* reply = nullptr;
    switch (kind) {
    case Lookup::Trace:
        showBusy(tr("Opening trace %1…").arg(value),
                 tr("Asking Jaeger at %1 for it.").arg(jaegerWhere()));
        reply = client_->trace(JaegerTraceId::fromString(value));
        break;
    case Lookup::RequestId:
        showBusy(tr("Finding the trace of request %1…").arg(value),
                 tr("Searching Jaeger at %1 for spans tagged guid:x-request-id = %2.")
                     .arg(jaegerWhere(), value));
        reply = client_->findTraceByRequestId({}, value);
        break;
    case Lookup::Search:
        showBusy(tr("Opening Jaeger's search…"), tr("Checking Jaeger at %1.").arg(jaegerWhere()));
        reply = client_->services();  // finds the base path and says why when it cannot
        break;
    case Lookup::None:
        return;
    }
    pending_ = reply;
    connect(reply, &JaegerReply::finished, this, [this, reply] { onTraceReply(reply); });
}

void TracesArea::onTraceReply(JaegerReply* reply)
{
    reply->deleteLater();
    if (reply != pending_)
        return;  // superseded by a newer lookup
    pending_ = nullptr;
    if (!reply->ok()) {
        showFailure(reply->error().message, reply->error().hint, true);
        return;
    }
    if (lookup_ == Lookup::Search) {
        TraceQuery query;
        query.service = lookupValue_;
        view_ = View::Embedded;
        embeddedAction_->setChecked(true);
        loadEmbedded(jaegerurls::uiSearch(client_->resolvedBaseUrl(), query,
                                          QDateTime::currentDateTimeUtc(), {}));
        return;
    }
    present(reply->traces().first(), true, reply->v1Body());
}

void TracesArea::present(const Trace& trace, bool fromJaeger, const QByteArray& v1Json)
{
    trace_ = trace;
    traceJson_ = v1Json;
    traceFromJaeger_ = fromJaeger;
    shownId_ = trace.traceId;
    panel_->setTrace(trace);
    if (!fromJaeger || view_ == View::Native || !embeddedAvailable_) {
        if (!fromJaeger) {
            view_ = View::Native;
            nativeAction_->setChecked(true);
        }
        notice_->hide();
        showPanel();
        return;
    }
    showEmbedded();
}

void TracesArea::showPanel()
{
    stack_->setCurrentWidget(panel_);
    updateHeader();
    Q_EMIT traceShown(trace_.traceId);
}

void TracesArea::showEmbedded()
{
    // A Jaeger whose page drew nothing before: straight to the timeline, saying why.
    if (memory_) {
        if (const auto known = memory_->broken(jaegerBase())) {
            fallBack(fallbackText(known->reason, known->engineTooOld), true);
            return;
        }
    }
    ensureWebView();
    web_->setPrefetchedTrace(JaegerTraceId::fromString(trace_.traceId).toUrlForm(), traceJson_);
    loadEmbedded(embeddedTraceUrl(trace_.traceId));
}

void TracesArea::loadEmbedded(const QUrl& url)
{
    ensureWebView();
    web_->setDarkTheme(isDark());
    stack_->setCurrentWidget(web_);
    notice_->hide();
    updateHeader();
    awaitedPage_ = url;
    web_->load(url);
}

void TracesArea::withShownTrace(std::function<void()> then)
{
    if (traceMatchesShown() || shownId_.isEmpty()) {
        then();
        return;
    }
    // The page moved to another trace: ObsLab asks Jaeger for it only now that it needs it.
    if (shownFetch_)
        shownFetch_->abort();
    JaegerReply* reply = client_->trace(JaegerTraceId::fromString(shownId_));
    shownFetch_ = reply;
    connect(reply, &JaegerReply::finished, this, [this, reply, then = std::move(then)] {
        reply->deleteLater();
        if (reply != shownFetch_)
            return;
        shownFetch_ = nullptr;
        if (!reply->ok()) {
            showFailure(reply->error().message, reply->error().hint, true);
            return;
        }
        trace_ = reply->traces().first();
        traceJson_ = reply->v1Body();
        traceFromJaeger_ = true;
        panel_->setTrace(trace_);
        then();
    });
}

void TracesArea::onPageUrlChanged(const QUrl& url)
{
    const jaegerurls::UiRoute route = jaegerurls::parseUiRoute(jaegerBase(), url);
    if (route.kind == jaegerurls::UiRoute::Kind::Search) {
        lookup_ = Lookup::Search;
        updateHeader();
        return;
    }
    if (route.kind != jaegerurls::UiRoute::Kind::Trace)
        return;
    if (!route.embedded) {
        // A search result opens the trace page without the embed parameters (Jaeger's top
        // navigation and all): show that trace embedded instead.
        showTrace(route.traceId);
        return;
    }
    if (sameId(route.traceId) == sameId(shownId_))
        return;
    // Another trace, embedded, opened by the page (a search result): ObsLab acts on it from now
    // on and fetches it only when asked to (timeline, log lines).
    lookup_ = Lookup::Trace;
    lookupValue_ = route.traceId;
    shownId_ = route.traceId;
    awaitedPage_ = url;
    updateHeader();
}

void TracesArea::onRendered(const QUrl& url, bool looksDark)
{
    if (url != awaitedPage_ || stack_->currentWidget() != web_)
        return;
    awaitedPage_ = QUrl();
    if (isDark() && !looksDark) {
        notice_->setMessage(Tone::Info, u"info"_s,
                            tr("This Jaeger UI has no dark theme (Jaeger UI 1.x has none; 2.x "
                               "follows ObsLab's theme), so it stays light."));
        notice_->clearActions();
        notice_->setToolTip({});
        notice_->show();
        themeNote_ = true;
    } else if (themeNote_) {
        notice_->hide();
        themeNote_ = false;
    }
    updateHeader();
    Q_EMIT traceShown(lookup_ == Lookup::Search ? QString() : shownId_);
}

void TracesArea::onRenderFailed(const QUrl& url, const QString& reason, bool engineTooOld)
{
    if (!web_ || stack_->currentWidget() != web_)
        return;
    awaitedPage_ = QUrl();
    if (memory_) {
        EmbeddedUiMemory::Entry entry;
        entry.reason = reason;
        entry.jaegerVersion = web_->pageCheck()->jaegerVersion();
        entry.engineTooOld = engineTooOld;
        entry.when = QDateTime::currentDateTimeUtc();
        memory_->rememberBroken(jaegerBase(), entry);
    }
    qCWarning(lcTracing) << "embedded Jaeger UI at" << url.toDisplayString()
                         << "fell back to the timeline:" << reason;
    web_->clear();  // the broken page must not keep running
    fallBack(fallbackText(reason, engineTooOld), false);
    Q_EMIT embeddedFellBack(reason, engineTooOld);
}

QString TracesArea::fallbackText(const QString& reason, bool engineTooOld) const
{
    const QString qt = QString::fromLatin1(qVersion()).section(u'.', 0, 1);
    if (engineTooOld)
        return tr("This Jaeger UI needs a newer web engine than Qt %1 provides — opened in "
                  "ObsLab's timeline. Open it in your browser for Jaeger's own view.")
            .arg(qt);
    return tr("Jaeger's page at %1 drew nothing (%2) — opened in ObsLab's timeline.")
        .arg(jaegerBase().toDisplayString(), reason);
}

void TracesArea::fallBack(const QString& message, bool remembered)
{
    themeNote_ = false;
    notice_->setMessage(Tone::Warning, u"warning"_s, message.toHtmlEscaped());
    notice_->clearActions();
    notice_->addAction(tr("Open in browser"), [this] {
        const JaegerTraceId id = JaegerTraceId::fromString(shownId_);
        const QUrl base = jaegerBase();
        QDesktopServices::openUrl(
            id.isValid() ? jaegerurls::join(base, u"trace/"_s + id.toUrlForm()) : base);
    });
    notice_->addAction(tr("Try the Jaeger UI again"), [this] {
        if (memory_)
            memory_->forget(jaegerBase());
        setView(View::Embedded);
    });
    notice_->setToolTip(remembered ? tr("ObsLab remembered this from an earlier try; "
                                        "\"Try the Jaeger UI again\" forgets it.")
                                   : QString());
    notice_->show();
    if (lookup_ == Lookup::Search || shownId_.isEmpty()) {
        // Jaeger's search page: ObsLab has nothing of its own to show it in.
        notice_->hide();
        showFailure(message, tr("Open Jaeger in your browser: %1").arg(jaegerWhere()), false);
        return;
    }
    view_ = View::Native;
    nativeAction_->setChecked(true);
    withShownTrace([this] { showPanel(); });
}

void TracesArea::onEmbeddedFailed(const QUrl& url, const QString& reason)
{
    if (url != awaitedPage_ || pending_)
        return;  // a page nobody waits for any more (stopped for a newer lookup)
    awaitedPage_ = QUrl();
    // Say why: ask the API, which tells a dead port-forward from a wrong base path.
    JaegerReply* check = client_->services();
    pending_ = check;
    connect(check, &JaegerReply::finished, this, [this, check, url, reason] {
        check->deleteLater();
        if (check != pending_)
            return;
        pending_ = nullptr;
        if (!check->ok()) {
            showFailure(check->error().message, check->error().hint, true);
            return;
        }
        showFailure(
            tr("Jaeger answers at %1, but its page %2 did not load: %3")
                .arg(client_->resolvedBaseUrl().toDisplayString(), url.toDisplayString(), reason),
            tr("Retry; if it keeps failing, switch to Timeline, which needs only "
               "Jaeger's API."),
            true);
    });
}

// ---- states ----

void TracesArea::showIntro()
{
    stack_->setCurrentWidget(state_);
    header_->hide();
    state_->clearActions();
    state_->setIconName(u"traces"_s);
    state_->setTitle(tr("Follow a request across services"));
    state_->setText(tr("Click a trace id in the Logs or in the lab, and its spans open here in "
                       "your cluster's Jaeger UI — one bar per service the request passed "
                       "through, with where the time went."));
    state_->addAction(tr("Open a saved trace…"), u"open"_s, [this] {
        if (navigator_)
            navigator_->openTraceDialog();
    });
    state_->addAction(tr("Jaeger settings…"), u"settings"_s, [this] {
        if (navigator_)
            navigator_->showSettings();
    });
    state_->setFootnote(jaegerNote_);
}

void TracesArea::showBusy(const QString& title, const QString& text)
{
    stack_->setCurrentWidget(state_);
    state_->clearActions();
    state_->setIconName(u"running"_s);
    state_->setTitle(title);
    state_->setText(text.toHtmlEscaped());
    state_->setFootnote({});
}

void TracesArea::showFailure(const QString& message, const QString& hint, bool canRetry)
{
    stack_->setCurrentWidget(state_);
    state_->clearActions();
    state_->setIconName(u"warning"_s);
    state_->setTitle(canRetry ? tr("Jaeger could not show this") : tr("Could not open the trace"));
    QString html = u"<b>%1</b>"_s.arg(message.toHtmlEscaped());
    if (!hint.isEmpty())
        html += u"<br>"_s + hint.toHtmlEscaped();
    state_->setText(html);
    if (canRetry)
        state_->addAction(tr("Retry"), u"refresh"_s, [this] { retry(); });
    if (!trace_.isEmpty())
        state_->addAction(tr("Back to the timeline"), u"logs"_s, [this] { setView(View::Native); });
    state_->addAction(tr("Jaeger settings…"), u"settings"_s, [this] {
        if (navigator_)
            navigator_->showSettings();
    });
    state_->addAction(tr("Open a saved trace…"), u"open"_s, [this] {
        if (navigator_)
            navigator_->openTraceDialog();
    });
    state_->setFootnote(jaegerNote_);
    Q_EMIT lookupFailed(message, hint);
}

void TracesArea::openTraceFile(const QString& path)
{
    showBusy(tr("Opening %1…").arg(QFileInfo(path).fileName()), {});
    panel_->openFile(path);
}

void TracesArea::requestLogLines()
{
    withShownTrace([this] {
        if (trace_.isEmpty() || !navigator_)
            return;
        QStringList requestIds;
        for (const Span& span : trace_.spans) {
            const QString id = span.requestId();
            if (!id.isEmpty() && !requestIds.contains(id))
                requestIds.append(id);
        }
        navigator_->showTraceLines(JaegerTraceId::fromString(trace_.traceId).toUrlForm(),
                                   requestIds);
    });
}

}  // namespace obslab
