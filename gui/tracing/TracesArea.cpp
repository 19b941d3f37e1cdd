#include "gui/tracing/TracesArea.h"

#include "core/kube/PortForward.h"
#include "core/tracing/JaegerClient.h"
#include "core/tracing/JaegerUrls.h"
#include "gui/common/Navigator.h"
#include "gui/tracing/JaegerWebView.h"
#include "gui/tracing/TraceTimelinePanel.h"
#include "gui/tracing/TraceTimelineView.h"
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
#include <QUrlQuery>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

TracesArea::TracesArea(QWidget* parent)
    : QWidget(parent)
    , header_(new QToolBar(this))
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
    layout->addWidget(stack_, 1);
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
        const QUrl base =
            client_->resolvedBaseUrl().isEmpty() ? client_->baseUrl() : client_->resolvedBaseUrl();
        const JaegerTraceId id = JaegerTraceId::fromString(trace_.traceId);
        if (id.isValid())
            QDesktopServices::openUrl(jaegerurls::join(base, u"trace/"_s + id.toUrlForm()));
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
    if (pending_) {
        pending_->disconnect(this);
        pending_->abort();
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
    // Jaeger's page takes its theme from the URL: ask again with the new one.
    if (web_ && web_->requestedUrl().isValid()) {
        QUrl url = web_->requestedUrl();
        QUrlQuery query(url);
        query.removeAllQueryItems(u"uiTheme"_s);
        query.addQueryItem(u"uiTheme"_s, darkShown_ ? u"dark"_s : u"light"_s);
        url.setQuery(query);
        if (url == awaitedPage_ || stack_->currentWidget() == web_)
            awaitedPage_ = url;
        web_->load(url);
    }
}

// ---- views ----

void TracesArea::setView(View view)
{
    if (view == View::Embedded && !embeddedAvailable_)
        view = View::Native;
    view_ = view;
    (view == View::Embedded ? embeddedAction_ : nativeAction_)->setChecked(true);
    if (trace_.isEmpty())
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
        stack_->setCurrentWidget(panel_);
        updateHeader();
        return;
    }
    const QUrl wanted = embeddedTraceUrl(trace_.traceId);
    if (web_ && web_->requestedUrl() == wanted && !web_->isLoading()) {
        stack_->setCurrentWidget(web_);
        return;
    }
    // A trace from a file (or not yet asked of this Jaeger): ask first, so that a missing
    // trace or a dead port-forward is explained instead of showing Jaeger's error page.
    showTrace(trace_.traceId);
}

bool TracesArea::isShowingTrace() const
{
    return stack_->currentWidget() == panel_ || (web_ && stack_->currentWidget() == web_);
}

void TracesArea::ensureWebView()
{
    if (web_)
        return;
    web_ = new JaegerWebView(stack_);
    web_->setObjectName(u"jaegerWebView"_s);
    stack_->addWidget(web_);
    applyZoom();
    connect(web_, &JaegerWebView::loadSucceeded, this, [this](const QUrl&) {
        if (awaitedPage_.isEmpty() || stack_->currentWidget() != web_)
            return;
        awaitedPage_ = QUrl();
        Q_EMIT traceShown(lookup_ == Lookup::Search ? QString() : trace_.traceId);
    });
    connect(web_, &JaegerWebView::loadFailed, this, &TracesArea::onEmbeddedFailed);
}

QUrl TracesArea::embeddedTraceUrl(const QString& traceId) const
{
    jaegerurls::EmbedOptions options;
    options.theme = isDark() ? jaegerurls::UiTheme::Dark : jaegerurls::UiTheme::Light;
    return jaegerurls::uiTrace(client_->resolvedBaseUrl(), JaegerTraceId::fromString(traceId),
                               options);
}

QString TracesArea::jaegerWhere() const
{
    return client_->baseUrl().toDisplayString();
}

void TracesArea::updateHeader()
{
    header_->setVisible(!trace_.isEmpty() || lookup_ == Lookup::Search);
    const bool haveTrace = !trace_.isEmpty();
    logLinesAction_->setEnabled(haveTrace);
    browserAction_->setEnabled(haveTrace && traceFromJaeger_);
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

void TracesArea::whenForwarded()
{
    // No Jaeger URL in the settings: reach it through a managed port-forward to svc/tracing.
    if (!forward_ || !forward_->isActive())
        forward_ = startForward_();
    if (!forward_) {
        runLookup();  // nothing to forward with (no kubectl context yet): try the default URL
        return;
    }
    if (forward_->state() == PortForward::State::Ready) {
        useForward(forward_->localUrl());
        runLookup();
        return;
    }
    showBusy(tr("Starting a port-forward to Jaeger…"),
             tr("kubectl port-forward %1; the trace is asked for once it answers.")
                 .arg(forward_->title()));
    forwardReady_ = connect(forward_, &PortForward::ready, this, [this](const QUrl& url) {
        QObject::disconnect(forwardReady_);
        QObject::disconnect(forwardFailed_);
        useForward(url);
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

void TracesArea::useForward(const QUrl& localUrl)
{
    if (localUrl.isValid() && localUrl != client_->baseUrl())
        client_->setBaseUrl(localUrl);  // Istio's /jaeger base path is discovered from there
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
        jaegerurls::EmbedOptions options;
        options.theme = isDark() ? jaegerurls::UiTheme::Dark : jaegerurls::UiTheme::Light;
        view_ = View::Embedded;
        embeddedAction_->setChecked(true);
        loadEmbedded(jaegerurls::uiSearch(client_->resolvedBaseUrl(), query,
                                          QDateTime::currentDateTimeUtc(), options));
        return;
    }
    present(reply->traces().first(), true);
}

void TracesArea::present(const Trace& trace, bool fromJaeger)
{
    trace_ = trace;
    traceFromJaeger_ = fromJaeger;
    if (fromJaeger)
        panel_->setTrace(trace);
    if (!fromJaeger || view_ == View::Native || !embeddedAvailable_) {
        if (!fromJaeger) {
            view_ = View::Native;
            nativeAction_->setChecked(true);
        }
        stack_->setCurrentWidget(panel_);
        updateHeader();
        Q_EMIT traceShown(trace.traceId);
        return;
    }
    loadEmbedded(embeddedTraceUrl(trace.traceId));
}

void TracesArea::loadEmbedded(const QUrl& url)
{
    ensureWebView();
    stack_->setCurrentWidget(web_);
    updateHeader();
    awaitedPage_ = url;
    web_->load(url);
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
    if (trace_.isEmpty())
        return;
    QStringList requestIds;
    for (const Span& span : trace_.spans) {
        const QString id = span.requestId();
        if (!id.isEmpty() && !requestIds.contains(id))
            requestIds.append(id);
    }
    if (navigator_)
        navigator_->showTraceLines(JaegerTraceId::fromString(trace_.traceId).toUrlForm(),
                                   requestIds);
}

}  // namespace obslab
