#pragma once

#include "core/kube/KubeTarget.h"
#include "core/kube/TracedRequest.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

namespace obslab {

class Command;
class CommandRunner;
struct CommandResult;

struct TrafficOptions
{
    TracedRequestOptions request;
    double ratePerSecond = 1.0;      // clamped to 0.05 … 10 (each request is one kubectl exec)
    bool traceHeaders = true;        // fresh trace headers per request; false: plain curl
    int maxConsecutiveFailures = 5;  // then it stops itself and reports failed()
    qint64 count = 0;                // 0: until stopped
};

// The tutorial's endless curl loop as a supervised background activity: one
// `kubectl exec … -- curl` per tick (never two at once: a tick while one runs is skipped and
// counted), until stop(), `count` requests, or too many failures in a row. Thread of the runner.
class TrafficGenerator : public QObject
{
    Q_OBJECT
public:
    TrafficGenerator(KubeTarget target, TrafficOptions options, CommandRunner* runner,
                     QObject* parent = nullptr);
    ~TrafficGenerator() override;

    bool isRunning() const { return running_; }
    qint64 sent() const { return sent_; }
    qint64 failures() const { return failures_; }
    qint64 skipped() const { return skipped_; }
    QString lastTraceId() const { return lastTraceId_; }
    QString title() const;
    const TrafficOptions& options() const { return options_; }

    void start();
    void stop();  // async when a request runs: stopped() after it was cancelled

Q_SIGNALS:
    void requestFinished(const QString& traceId, bool ok);
    void runningChanged(bool running);
    void failed(const QString& message);
    void stopped();

private:
    void tick();
    void onFinished(const QString& traceId, const CommandResult& result);
    void finish();

    KubeTarget target_;
    TrafficOptions options_;
    QPointer<CommandRunner> runner_;
    QPointer<Command> inFlight_;
    QTimer timer_;
    bool running_ = false;
    bool stopping_ = false;
    qint64 sent_ = 0;
    qint64 failures_ = 0;
    qint64 skipped_ = 0;
    int consecutiveFailures_ = 0;
    QString lastTraceId_;
};

}  // namespace obslab
