#include "gui/tracing/JaegerWebPage.h"

#include "core/common/Logging.h"

#include <QDesktopServices>
#include <QPointer>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

// The page Qt asks for when the Jaeger UI opens a window: it never shows anything. Its first
// navigation names where the popup wanted to go; the owner hands that URL to the system browser
// and the catcher goes away.
class JaegerPopupCatcher : public QWebEnginePage
{
public:
    JaegerPopupCatcher(JaegerWebPage* owner)
        : QWebEnginePage(owner->profile(), owner)
        , owner_(owner)
    {
        // window.open() without a URL (or one that never navigates) must not leak the page.
        QTimer::singleShot(std::chrono::seconds(30), this, &QObject::deleteLater);
    }

protected:
    bool acceptNavigationRequest(const QUrl& url, NavigationType, bool isMainFrame) override
    {
        if (!isMainFrame || url.isEmpty() || url.scheme() == u"about")
            return true;
        if (!done_ && owner_) {
            done_ = true;
            owner_->routePopup(url);
        }
        deleteLater();
        return false;
    }

private:
    QPointer<JaegerWebPage> owner_;
    bool done_ = false;
};

JaegerWebPage::JaegerWebPage(QWebEngineProfile* profile, QObject* parent)
    : QWebEnginePage(profile, parent)
{}

void JaegerWebPage::setAllowedOrigin(const QUrl& base)
{
    origin_ = base.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                            QUrl::RemoveUserInfo);
}

bool JaegerWebPage::sameOrigin(const QUrl& a, const QUrl& b)
{
    const auto defaultPort = [](const QUrl& u) { return u.scheme() == u"https" ? 443 : 80; };
    return !a.scheme().isEmpty() && a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 &&
           a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           a.port(defaultPort(a)) == b.port(defaultPort(b));
}

bool JaegerWebPage::isAllowed(const QUrl& url) const
{
    return origin_.isValid() && !origin_.isEmpty() && sameOrigin(url, origin_);
}

bool JaegerWebPage::acceptNavigationRequest(const QUrl& url, NavigationType type, bool isMainFrame)
{
    if (!isMainFrame && (url.scheme() == u"about" || url.scheme() == u"data"))
        return true;  // blank or inline frames the page makes for itself
    if (isMainFrame && url == QUrl(u"about:blank"_s))
        return true;  // the view leaving a page (JaegerWebView::clear)
    // A frame that loads another origin by itself (not a click) is dropped, not handed over:
    // only what the user asked for reaches the browser.
    return route(url, isMainFrame || type == NavigationTypeLinkClicked);
}

QWebEnginePage* JaegerWebPage::createWindow(WebWindowType type)
{
    Q_UNUSED(type);
    return new JaegerPopupCatcher(this);
}

void JaegerWebPage::javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level,
                                             const QString& message, int line,
                                             const QString& source)
{
    if (level != ErrorMessageLevel)
        return;
    qCDebug(lcTracing) << "embedded Jaeger UI:" << source << line << message;
    if (message.startsWith(u"Uncaught"_s))
        Q_EMIT scriptErrorReported(message);
}

void JaegerWebPage::routePopup(const QUrl& url)
{
    const QString scheme = url.scheme().toLower();
    if (scheme == u"http" || scheme == u"https" || scheme == u"mailto") {
        handOver(url);
        return;
    }
    qCInfo(lcTracing) << "embedded Jaeger UI: blocked a new window for" << url.toDisplayString();
    Q_EMIT navigationBlocked(url);
}

bool JaegerWebPage::route(const QUrl& url, bool userInitiated)
{
    if (isAllowed(url))
        return true;
    const QString scheme = url.scheme().toLower();
    if (userInitiated && (scheme == u"http" || scheme == u"https" || scheme == u"mailto")) {
        handOver(url);
    } else {
        qCInfo(lcTracing) << "embedded Jaeger UI: blocked" << url.toDisplayString();
        Q_EMIT navigationBlocked(url);
    }
    return false;
}

void JaegerWebPage::handOver(const QUrl& url)
{
    qCInfo(lcTracing) << "embedded Jaeger UI: opening in the system browser"
                      << url.toDisplayString();
    Q_EMIT externalUrlOpened(url);
    QDesktopServices::openUrl(url);
}

}  // namespace obslab
