#include "gui/tracing/JaegerWebView.h"

#include "gui/tracing/JaegerWebPage.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QProgressBar>
#include <QVBoxLayout>
#include <QWebEngineProfile>
#include <QWebEngineSettings>
#include <QWebEngineView>

#include <algorithm>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

JaegerWebView::JaegerWebView(QWidget* parent)
    : QWidget(parent)
    , progress_(new QProgressBar(this))
    , profile_(new QWebEngineProfile(this))  // no storage name: off the record
    , page_(new JaegerWebPage(profile_, this))
    , view_(new QWebEngineView(this))
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

    connect(page_, &JaegerWebPage::externalUrlOpened, this, &JaegerWebView::externalUrlOpened);
    connect(page_, &QWebEnginePage::loadStarted, this, [this] {
        loading_ = true;
        progress_->setValue(0);
        progress_->show();
    });
    connect(page_, &QWebEnginePage::loadProgress, progress_, &QProgressBar::setValue);
    connect(page_, &QWebEnginePage::loadFinished, this, [this](bool ok) {
        loading_ = false;
        progress_->hide();
        if (ok) {
            shownSinceLoad_ = true;
            page_->setZoomFactor(zoom_);  // a new document may start at Chromium's default
            Q_EMIT loadSucceeded(page_->url());
        } else if (!shownSinceLoad_) {
            // Only a failure of the page we were asked for; a later navigation that stopped or
            // was refused leaves the page that is on screen.
            Q_EMIT loadFailed(requested_, tr("The page did not load."));
        }
    });
    connect(page_, &QWebEnginePage::renderProcessTerminated, this,
            [this](QWebEnginePage::RenderProcessTerminationStatus, int code) {
                loading_ = false;
                progress_->hide();
                Q_EMIT loadFailed(requested_,
                                  tr("The web view's renderer stopped (exit code %1).").arg(code));
            });
}

JaegerWebView::~JaegerWebView()
{
    // The page must go before its profile, or WebEngine warns and may crash at exit.
    delete view_;
    view_ = nullptr;
    delete page_;
    page_ = nullptr;
}

void JaegerWebView::load(const QUrl& url)
{
    requested_ = url;
    shownSinceLoad_ = false;
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
    page_->triggerAction(QWebEnginePage::Stop);
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
