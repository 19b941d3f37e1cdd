#pragma once

#include <QUrl>
#include <QWebEnginePage>

class QWebEngineProfile;

namespace obslab {

// The page of the embedded Jaeger UI. It stays on the Jaeger origin (scheme, host and port of
// the base URL): a link or window.open() to anywhere else is refused and handed to the system
// browser (QDesktopServices::openUrl); a popup on the Jaeger origin opens in this page instead of
// a new window. GUI thread; the profile must outlive the page.
class JaegerWebPage : public QWebEnginePage
{
    Q_OBJECT
public:
    explicit JaegerWebPage(QWebEngineProfile* profile, QObject* parent = nullptr);

    // Any URL on the same origin as `base` is allowed; everything else leaves the app.
    void setAllowedOrigin(const QUrl& base);
    QUrl allowedOrigin() const { return origin_; }
    bool isAllowed(const QUrl& url) const;

    static bool sameOrigin(const QUrl& a, const QUrl& b);

Q_SIGNALS:
    // Refused here and given to the system browser (http, https and mailto only).
    void externalUrlOpened(const QUrl& url);
    // Refused and dropped: another scheme, or a frame loading another origin by itself.
    void navigationBlocked(const QUrl& url);

protected:
    bool acceptNavigationRequest(const QUrl& url, NavigationType type, bool isMainFrame) override;
    QWebEnginePage* createWindow(WebWindowType type) override;

private:
    friend class JaegerPopupCatcher;
    // Decides for a URL this page (or one of its popups) wants to show; true = show it here.
    bool route(const QUrl& url, bool userInitiated);
    void handOver(const QUrl& url);

    QUrl origin_;
};

}  // namespace obslab
