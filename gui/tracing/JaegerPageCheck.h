#pragma once

#include "gui/tracing/JaegerPageScripts.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <chrono>

namespace obslab {

class JaegerWebPage;

// Whether the Jaeger UI page in a web view drew anything: loadFinished(true) only says the
// document arrived. After start() it reads the page's DOM every 200 ms: rendered as soon as
// #jaeger-ui-root holds elements with text (a loading spinner alone is not enough); failed when the
// page has no #jaeger-ui-root (not Jaeger's UI), when the root is still empty `timeout` after the
// load (default 4 s), or 1 s after the page reported an uncaught script error with the root still
// empty. GUI thread; the page must outlive it.
class JaegerPageCheck : public QObject
{
    Q_OBJECT
public:
    explicit JaegerPageCheck(JaegerWebPage* page, QObject* parent = nullptr);

    void setTimeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
    // Checks the page now on screen (call when its load finished); a new start() or cancel()
    // ends a check still running.
    void start(const QUrl& url);
    void cancel();
    bool isRunning() const { return !url_.isEmpty(); }
    // The uncaught errors the page reported since its load began.
    const QStringList& errors() const { return errors_; }
    // The Jaeger version the last page read said (getJaegerVersion()), even a blank one.
    QString jaegerVersion() const { return version_; }

Q_SIGNALS:
    void rendered(const QUrl& url, const obslab::jaegerpagescripts::PageProbe& probe);
    // `reason` is for the user; `engineTooOld` when the errors say the web engine lacks what the
    // page needs (Jaeger UI 2.x on Chromium < 105 without ObsLab's module-guard map);
    // `elapsedMs` from the start of the load.
    void failed(const QUrl& url, const QString& reason, bool engineTooOld, qint64 elapsedMs);

private:
    void poll();
    void onProbe(quint64 generation, const jaegerpagescripts::PageProbe& probe);
    void fail(const QString& reason);

    JaegerWebPage* page_ = nullptr;
    std::chrono::milliseconds timeout_{4000};
    QTimer timer_;
    QElapsedTimer clock_;
    QUrl url_;
    QStringList errors_;
    QString version_;
    qint64 loadedAt_ = 0;
    qint64 firstErrorAt_ = -1;
    quint64 generation_ = 0;
};

}  // namespace obslab
