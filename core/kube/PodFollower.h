#pragma once

#include "core/kube/KubeTarget.h"
#include "core/kube/PodFollowerParsing.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <QVector>
#include <optional>

#include <chrono>
#include <map>
#include <memory>

namespace obslab {

class BackgroundJob;
class Transcript;
struct CommandResult;

namespace kube {

// One log line of a followed pod.
struct FollowedLine
{
    QString pod;
    QString container;
    QByteArray timestamp;  // RFC3339Nano as kubectl --timestamps prints it
    qint64 timeNs;         // the same, as nanoseconds since the epoch (0 when kubectl printed none)
    QByteArray text;
};

}  // namespace kube

struct FollowOptions
{
    QString selector;                                   // label selector, e.g. app=frontend
    QString container = QStringLiteral("istio-proxy");  // native-sidecar init containers count
    // Like kubectl's --max-log-requests (default 5): at most this many `kubectl logs -f` run at
    // once; pods beyond it are queued (state Queued) and get a stream when one ends.
    int maxStreams = 5;
    std::chrono::milliseconds flushInterval{50};  // lines are handed out in batches
    std::chrono::milliseconds maxBackoff{10000};  // between reconnect attempts
    // Where the first stream of a pod that already ran when following started begins (kubectl
    // logs --tail / --since); pods created later are still followed from their first line.
    std::optional<int> tail;
    QString since;
    // Give up (failed(), then stopped()) when the pod watch has failed for this long without the
    // API server answering in between; 0 = retry for ever.
    std::chrono::milliseconds giveUpAfter{0};
};

// Follows one container in every pod matching a selector, like stern: a pod watch
// (`kubectl get pods -l SEL -w -o json --output-watch-events`, restarted when it ends) and one
// `kubectl logs POD -c C -f --timestamps` per pod. Pods created later (a rollout restart) are
// followed from their first line, old pods' streams run until their container ends, and a dropped
// stream is reconnected with --since-time and de-duplicated: no line lost while the pod exists,
// none twice. Lines of one pod arrive in order. GUI (or any event-loop) thread; never blocks.
// start() is async; stop() ends every kubectl and emits stopped() once they have exited.
class PodFollower : public QObject
{
    Q_OBJECT
public:
    enum class PodState
    {
        Waiting,       // the container has not started (or is not in the pod yet)
        Queued,        // ready, but maxStreams streams run already
        Following,     // `kubectl logs -f` runs
        Reconnecting,  // its stream dropped; a new one starts after a back-off
        Ended,         // the pod is gone or its container stopped for good
    };
    Q_ENUM(PodState)

    struct PodStatus
    {
        QString pod;
        PodState state = PodState::Waiting;
        QString message;  // why (the container's waiting reason, kubectl's error)
        qint64 lines = 0;
        int reconnects = 0;
    };

    PodFollower(KubeTarget target, FollowOptions options, Transcript* transcript = nullptr,
                QObject* parent = nullptr);
    ~PodFollower() override;  // kills what still runs

    const KubeTarget& target() const { return target_; }
    const FollowOptions& options() const { return options_; }
    bool isRunning() const { return running_; }
    QList<PodStatus> pods() const;  // in the order they appeared
    qint64 linesDelivered() const { return delivered_; }
    qint64 duplicatesDropped() const { return duplicates_; }
    int activeStreams() const;
    // failed() was about giving up on an API server that stopped answering (giveUpAfter).
    bool gaveUp() const { return gaveUp_; }

    void start();
    void stop();

Q_SIGNALS:
    void linesReady(const QVector<obslab::kube::FollowedLine>& lines);
    void podAppeared(const QString& pod);
    void podStateChanged(const QString& pod, obslab::PodFollower::PodState state,
                         const QString& message);
    // Something the user should know that does not stop following (the watch failed and is
    // retried, a pod has no such container).
    void warning(const QString& message);
    // Following cannot go on (kubectl missing). stopped() follows.
    void failed(const QString& message);
    void stopped();

private:
    struct Stream
    {
        PodStatus status;
        QString uid;  // a later pod may reuse the name (StatefulSets)
        PodFollowerParsing::LineDeduper dedup;
        QByteArray lastTimestamp;  // the newest line's, for --since-time
        QPointer<BackgroundJob> job;
        std::unique_ptr<QTimer> retry;
        QByteArray lastError;
        int attempts = 0;  // consecutive attempts without a line
        bool podDeleted = false;
        bool existedAtStart = false;  // created before start(): tail/since apply
        bool containerReady = false;  // running or terminated: its log can be read
        qint64 linesThisConnection = 0;
    };

    void startWatch();
    void onWatchObject(const QByteArray& json);
    void onWatchFinished(const CommandResult& result);
    void podSeen(const QString& name, const QJsonObject& pod, bool deleted);
    void setState(Stream& stream, PodState state, const QString& message = {});
    void schedule();
    void startStream(Stream& stream);
    void onStreamLine(const QString& pod, const QByteArray& line);
    void onStreamFinished(const QString& pod, const CommandResult& result);
    void retryLater(Stream& stream);
    void flush();
    void checkStopped();
    std::chrono::milliseconds backoff(int attempts) const;

    KubeTarget target_;
    FollowOptions options_;
    QPointer<Transcript> transcript_;
    QPointer<BackgroundJob> watch_;
    PodFollowerParsing::JsonObjectSplitter watchSplitter_;
    QByteArray watchError_;
    int watchAttempts_ = 0;
    qint64 startedMs_ = 0;          // when start() ran (pods created before it get tail/since)
    qint64 unansweredSinceMs_ = 0;  // first watch failure since the API server last answered
    int watchFailures_ = 0;         // … and how many since
    bool gaveUp_ = false;
    QTimer watchRetry_;
    std::map<QString, std::unique_ptr<Stream>> streams_;
    QList<QString> order_;  // pod names, in the order they appeared
    QVector<kube::FollowedLine> pending_;
    QTimer flushTimer_;
    qint64 delivered_ = 0;
    qint64 duplicates_ = 0;
    bool running_ = false;
    bool stopping_ = false;
    bool stoppedEmitted_ = true;
};

}  // namespace obslab

Q_DECLARE_METATYPE(obslab::kube::FollowedLine)
