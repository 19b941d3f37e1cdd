#pragma once

#include <QUrl>
#include <QWidget>

class QProgressBar;
class QWebEngineProfile;
class QWebEngineView;

namespace obslab {

class JaegerWebPage;

// The embedded Jaeger UI: a QWebEngineView on a JaegerWebPage (kept on the Jaeger origin) with
// a thin progress bar while a page loads. It has its own off-the-record profile, so nothing of
// the Jaeger session is written to disk. Create it only where WebEngine can run (isSupported());
// load() is asynchronous and ends with loadSucceeded or loadFailed. GUI thread.
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
    QUrl requestedUrl() const { return requested_; }
    bool isLoading() const { return loading_; }

    void setZoomFactor(double factor);
    double zoomFactor() const;

    QWebEngineView* view() const { return view_; }
    JaegerWebPage* page() const { return page_; }

    // False on the offscreen and minimal platforms (tests, CI without X) and when the user set
    // OBSLAB_NO_WEBENGINE: there the Traces area uses its native timeline only.
    static bool isSupported();
    // Call before the QApplication exists: the GL context sharing WebEngine needs, and no
    // Chromium sandbox when running as root (it cannot start there) unless the user chose.
    static void prepareApplication();

Q_SIGNALS:
    void loadSucceeded(const QUrl& url);
    void loadFailed(const QUrl& url, const QString& reason);
    void externalUrlOpened(const QUrl& url);

private:
    QProgressBar* progress_ = nullptr;
    QWebEngineProfile* profile_ = nullptr;
    JaegerWebPage* page_ = nullptr;
    QWebEngineView* view_ = nullptr;
    QUrl requested_;
    bool loading_ = false;
    bool shownSinceLoad_ = false;
    double zoom_ = 1.0;
};

}  // namespace obslab
