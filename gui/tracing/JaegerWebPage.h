#pragma once

#include <QUrl>
#include <QWebEnginePage>

class QWebEngineProfile;

namespace obslab {

// The page of the embedded Jaeger UI. It stays on the Jaeger origin (scheme, host and port of
// the base URL): a link to anywhere else is refused and handed to the system browser
// (QDesktopServices::openUrl). Every new window the page asks for (window.open, a target=_blank
// link, Jaeger's "open in new window" icon) goes to the system browser too, even on the Jaeger
// origin: a new window means Jaeger's full UI, and this pane keeps the embedded trace.
// Uncaught script errors are reported (scriptErrorReported). GUI thread; the profile must
// outlive the page.
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
    // An error the page's scripts did not catch ("Uncaught TypeError: …").
    void scriptErrorReported(const QString& message);

protected:
    bool acceptNavigationRequest(const QUrl& url, NavigationType type, bool isMainFrame) override;
    QWebEnginePage* createWindow(WebWindowType type) override;
    void javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString& message,
                                  int line, const QString& source) override;

private:
    friend class JaegerPopupCatcher;
    // Decides for a URL this page wants to show; true = show it here.
    bool route(const QUrl& url, bool userInitiated);
    // Where a new window the page asked for goes: the system browser, or nowhere.
    void routePopup(const QUrl& url);
    void handOver(const QUrl& url);

    QUrl origin_;
};

}  // namespace obslab
