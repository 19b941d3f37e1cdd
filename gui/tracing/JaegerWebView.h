#pragma once

#include "gui/tracing/JaegerPageScripts.h"

#include <QUrl>
#include <QWidget>

class QProgressBar;
class QWebEngineProfile;
class QWebEngineView;

namespace obslab {

class JaegerPageCheck;
class JaegerWebPage;

// The embedded Jaeger UI: a QWebEngineView on a JaegerWebPage (kept on the Jaeger origin) with
// a thin progress bar while a page loads. It has its own off-the-record profile, so nothing of
// the Jaeger session is written to disk. Before Jaeger's own scripts run, every document gets the
// theme (localStorage, read by Jaeger UI 2.x), the trace ObsLab already fetched (so the page does
// not fetch it again) and, on engines older than Chromium 105 (Qt 6.4), the import map that lets
// Jaeger UI 2.x start (JaegerPageScripts). After each load it checks that the page drew something
// (JaegerPageCheck): rendered() or renderFailed(). Create it only where WebEngine can run
// (isSupported()); load() is asynchronous. GUI thread.
class JaegerWebView : public QWidget
{
    Q_OBJECT
public:
    explicit JaegerWebView(QWidget* parent = nullptr);
    ~JaegerWebView() override;

    // Shows `url`; any URL on its origin may be followed from there.
    void load(const QUrl& url);
    void reload();
    void stop();
    // Leaves the page on screen for an empty one (a broken page must not keep running).
    void clear();
    QUrl requestedUrl() const { return requested_; }
    QUrl currentUrl() const;
    bool isLoading() const { return loading_; }

    // Taken by the next document (a page already shown keeps its theme until reloaded).
    void setDarkTheme(bool dark);
    bool darkTheme() const { return dark_; }
    // The v1 JSON of one trace, served to the page's first request for /api/traces/{id} in each
    // document; an empty id or body forgets it.
    // Search results open embedded with this query (see jaegerpagescripts::embedSearchResults).
    void setSearchResultsQuery(const QString& embedQuery);
    void setPrefetchedTrace(const QString& traceIdUrlForm, const QByteArray& v1Json);
    bool hasPrefetchedTrace(const QString& traceIdUrlForm) const;

    void setZoomFactor(double factor);
    double zoomFactor() const;

    QWebEngineView* view() const { return view_; }
    JaegerWebPage* page() const { return page_; }
    JaegerPageCheck* pageCheck() const { return check_; }

    // Chromium's major version in this QtWebEngine (102 for Qt 6.4).
    static int chromiumMajorVersion();
    // Whether the import map for Jaeger UI 2.x is put into pages: on Chromium < 105, unless the
    // environment says OBSLAB_JAEGER_UI_SHIM=0.
    bool usesModuleGuardMap() const { return moduleGuardMap_; }

    // False on the offscreen and minimal platforms (tests, CI without X) and when the user set
    // OBSLAB_NO_WEBENGINE: there the Traces area uses its native timeline only.
    static bool isSupported();
    // Call before the QApplication exists: the GL context sharing WebEngine needs, and no
    // Chromium sandbox when running as root (it cannot start there) unless the user chose.
    static void prepareApplication();

Q_SIGNALS:
    void loadSucceeded(const QUrl& url);
    void loadFailed(const QUrl& url, const QString& reason);
    // The page drew Jaeger's UI. `looksDark`: its background is dark; `jaegerVersion` as the page
    // knows it (empty when not).
    void rendered(const QUrl& url, bool looksDark, const QString& jaegerVersion);
    // The page arrived but drew nothing (or is not Jaeger's UI); see JaegerPageCheck.
    void renderFailed(const QUrl& url, const QString& reason, bool engineTooOld, qint64 elapsedMs);
    // The page moved to another URL by itself (a link, the React router).
    void pageUrlChanged(const QUrl& url);
    void externalUrlOpened(const QUrl& url);

private:
    void installScript(const QString& name, const QString& source);

    QProgressBar* progress_ = nullptr;
    QWebEngineProfile* profile_ = nullptr;
    JaegerWebPage* page_ = nullptr;
    QWebEngineView* view_ = nullptr;
    JaegerPageCheck* check_ = nullptr;
    QUrl requested_;
    QString prefetchedId_;
    bool loading_ = false;
    bool shownSinceLoad_ = false;
    bool dark_ = false;
    bool moduleGuardMap_ = false;
    double zoom_ = 1.0;
};

}  // namespace obslab
