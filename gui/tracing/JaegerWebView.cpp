#include "gui/tracing/JaegerWebView.h"

#include "gui/tracing/JaegerPageCheck.h"
#include "gui/tracing/JaegerWebPage.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QProgressBar>
#include <QVBoxLayout>
#include <QWebEngineProfile>
#include <QWebEngineScript>
#include <QWebEngineScriptCollection>
#include <QWebEngineSettings>
#include <QWebEngineView>

#include <algorithm>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
const QString kThemeScript = u"obslab-theme"_s;
const QString kPrefetchScript = u"obslab-prefetched-trace"_s;
const QString kEmbedResultsScript = u"obslab-embed-search-results"_s;
const QString kGuardMapScript = u"obslab-module-guard-map"_s;
}  // namespace

JaegerWebView::JaegerWebView(QWidget* parent)
    : QWidget(parent)
    , progress_(new QProgressBar(this))
    , profile_(new QWebEngineProfile(this))  // no storage name: off the record
    , page_(new JaegerWebPage(profile_, this))
    , view_(new QWebEngineView(this))
    , check_(new JaegerPageCheck(page_, this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    progress_->setTextVisible(false);
    progress_->setRange(0, 100);
    progress_->setMaximumHeight(std::max(3, fontMetrics().height() / 5));
    progress_->hide();
    layout->addWidget(progress_);
    layout->addWidget(view_, 1);

    profile_->setHttpCacheType(QWebEngineProfile::MemoryHttpCache);
    profile_->setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    QWebEngineSettings* settings = page_->settings();
    settings->setAttribute(QWebEngineSettings::JavascriptCanOpenWindows, true);  // caught
    settings->setAttribute(QWebEngineSettings::LocalContentCanAccessRemoteUrls, false);
    settings->setAttribute(QWebEngineSettings::PluginsEnabled, false);
    settings->setAttribute(QWebEngineSettings::FocusOnNavigationEnabled, false);
    view_->setPage(page_);
    view_->setContextMenuPolicy(Qt::NoContextMenu);  // no "open in new window"/"save page"

    moduleGuardMap_ = jaegerpagescripts::needsModuleGuardMap(chromiumMajorVersion()) &&
                      qEnvironmentVariable("OBSLAB_JAEGER_UI_SHIM") != u"0";
    if (moduleGuardMap_)
        installScript(kGuardMapScript, jaegerpagescripts::moduleGuardMap());
    setDarkTheme(false);

    connect(page_, &JaegerWebPage::externalUrlOpened, this, &JaegerWebView::externalUrlOpened);
    connect(page_, &QWebEnginePage::urlChanged, this, &JaegerWebView::pageUrlChanged);
    connect(page_, &QWebEnginePage::loadStarted, this, [this] {
        loading_ = true;
        progress_->setValue(0);
        progress_->show();
    });
    connect(page_, &QWebEnginePage::loadProgress, progress_, &QProgressBar::setValue);
    connect(page_, &QWebEnginePage::loadFinished, this, [this](bool ok) {
        loading_ = false;
        progress_->hide();
        if (page_->url() == QUrl(u"about:blank"_s))
            return;
        if (ok) {
            shownSinceLoad_ = true;
            page_->setZoomFactor(zoom_);  // a new document may start at Chromium's default
            Q_EMIT loadSucceeded(page_->url());
            check_->start(page_->url());
        } else if (!shownSinceLoad_) {
            // Only a failure of the page we were asked for; a later navigation that stopped or
            // was refused leaves the page that is on screen.
            Q_EMIT loadFailed(requested_, tr("The page did not load."));
        }
    });
    connect(check_, &JaegerPageCheck::rendered, this,
            [this](const QUrl& url, const jaegerpagescripts::PageProbe& probe) {
                Q_EMIT rendered(url, probe.luminance >= 0 && probe.luminance < 0.35,
                                probe.jaegerVersion);
            });
    connect(check_, &JaegerPageCheck::failed, this, &JaegerWebView::renderFailed);
    connect(page_, &QWebEnginePage::renderProcessTerminated, this,
            [this](QWebEnginePage::RenderProcessTerminationStatus, int code) {
                loading_ = false;
                progress_->hide();
                check_->cancel();
                Q_EMIT loadFailed(requested_,
                                  tr("The web view's renderer stopped (exit code %1).").arg(code));
            });
}

JaegerWebView::~JaegerWebView()
{
    // The page must go before its profile, or WebEngine warns and may crash at exit.
    delete check_;
    check_ = nullptr;
    delete view_;
    view_ = nullptr;
    delete page_;
    page_ = nullptr;
}

void JaegerWebView::installScript(const QString& name, const QString& source)
{
    QWebEngineScriptCollection& scripts = page_->scripts();
    for (const QWebEngineScript& old : scripts.find(name))
        scripts.remove(old);
    if (source.isEmpty())
        return;
    QWebEngineScript script;
    script.setName(name);
    script.setSourceCode(source);
    script.setInjectionPoint(QWebEngineScript::DocumentCreation);
    script.setWorldId(QWebEngineScript::MainWorld);  // Jaeger's own world: its fetch, its storage
    script.setRunsOnSubFrames(false);
    scripts.insert(script);
}

void JaegerWebView::setDarkTheme(bool dark)
{
    dark_ = dark;
    installScript(kThemeScript, jaegerpagescripts::theme(dark));
}

void JaegerWebView::setSearchResultsQuery(const QString& embedQuery)
{
    installScript(kEmbedResultsScript, embedQuery.isEmpty()
                                           ? QString()
                                           : jaegerpagescripts::embedSearchResults(embedQuery));
}

void JaegerWebView::setPrefetchedTrace(const QString& traceIdUrlForm, const QByteArray& v1Json)
{
    const bool have = !traceIdUrlForm.isEmpty() && !v1Json.isEmpty();
    prefetchedId_ = have ? traceIdUrlForm.toLower() : QString();
    installScript(kPrefetchScript,
                  have ? jaegerpagescripts::prefetchedTrace(traceIdUrlForm, v1Json) : QString());
}

bool JaegerWebView::hasPrefetchedTrace(const QString& traceIdUrlForm) const
{
    return !prefetchedId_.isEmpty() && prefetchedId_ == traceIdUrlForm.toLower();
}

void JaegerWebView::load(const QUrl& url)
{
    requested_ = url;
    shownSinceLoad_ = false;
    check_->cancel();
    page_->setAllowedOrigin(url);
    page_->setUrl(url);
}

void JaegerWebView::reload()
{
    if (requested_.isValid())
        load(requested_);
}

void JaegerWebView::stop()
{
    check_->cancel();
    page_->triggerAction(QWebEnginePage::Stop);
}

void JaegerWebView::clear()
{
    check_->cancel();
    requested_ = QUrl();
    page_->setUrl(QUrl(u"about:blank"_s));
}

QUrl JaegerWebView::currentUrl() const
{
    return page_->url();
}

void JaegerWebView::setZoomFactor(double factor)
{
    zoom_ = std::clamp(factor, 0.25, 5.0);  // Chromium's limits
    page_->setZoomFactor(zoom_);
}

double JaegerWebView::zoomFactor() const
{
    return page_->zoomFactor();
}

int JaegerWebView::chromiumMajorVersion()
{
    static const int major =
        jaegerpagescripts::chromiumMajor(QWebEngineProfile::defaultProfile()->httpUserAgent());
    return major;
}

bool JaegerWebView::isSupported()
{
    if (qEnvironmentVariableIntValue("OBSLAB_NO_WEBENGINE") != 0)
        return false;
    const QString platform = QGuiApplication::platformName();
    return platform != u"offscreen" && platform != u"minimal";
}

void JaegerWebView::prepareApplication()
{
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    // Chromium refuses to start its sandbox as root; a user who set the variable has decided.
    if (::geteuid() == 0 && !qEnvironmentVariableIsSet("QTWEBENGINE_DISABLE_SANDBOX"))
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
}

}  // namespace obslab
