#pragma once

#include "core/doctor/DoctorFinding.h"
#include "core/doctor/DoctorSnapshot.h"
#include "core/process/CommandResult.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <optional>

namespace obslab {

class Command;
class CommandRunner;
class JaegerClient;
class JaegerReply;

// What the doctor is pointed at.
struct DoctorOptions
{
    KubeTarget target;  // kubectl, kubeconfig, context (empty: kubectl's current), namespace
    QString istioctl = QStringLiteral("istioctl");  // path or bare name; missing → checks skipped
    // Empty: the Jaeger UI forward among `forwards` when there is one (the app), else the Jaeger
    // API checks are skipped with the same words in the CLI and the app.
    QUrl jaegerUrl;
    std::optional<QList<DoctorForward>> forwards;  // the app's port-forwards, when known
    int logTail = 200;                             // istio-proxy lines read per pod
    int maxLogPods = 8;
    int maxConcurrent = 4;  // commands (and the Jaeger request) running at once
};

// What a whole run says: a check failed, none failed, or the cluster stopped answering during
// the run so that the checks cannot be trusted (inconclusive wins: the cure is to check again).
struct DoctorOutcome
{
    enum class Verdict
    {
        Passed,  // no check failed (warnings and skipped checks allowed)
        Failed,
        Inconclusive
    };
    Verdict verdict = Verdict::Passed;
    QString reason;  // Inconclusive: what went wrong and what to do; else empty

    static QString verdictName(Verdict verdict);  // "pass", "fail", "inconclusive"
};

// The tracing doctor: reads the cluster with read-only commands through the CommandRunner (and
// Jaeger's API), then runs DoctorChecks on what it read. Lives on the runner's thread (the GUI
// thread in the app); never blocks. run() ends with exactly one finished(), always asynchronously;
// a run started while one is going cancels it (its results are dropped). An unreachable cluster
// ends the run after the first kubectl call.
class Doctor : public QObject
{
    Q_OBJECT
public:
    explicit Doctor(CommandRunner* runner, QObject* parent = nullptr);
    ~Doctor() override;

    void run(const DoctorOptions& options);
    // The local URL of a forward to Jaeger's UI/query service (svc/tracing, jaeger-query, or
    // remote port 16686; never a collector), empty when there is none.
    static QUrl jaegerForwardUrl(const QList<DoctorForward>& forwards);
    void cancel();
    bool isRunning() const { return running_; }

    const QList<DoctorFinding>& findings() const { return findings_; }
    const DoctorSnapshot& snapshot() const { return snapshot_; }
    qint64 lastDurationMs() const { return durationMs_; }
    DoctorOutcome outcome() const { return outcomeOf(findings_, snapshot_); }
    static DoctorOutcome outcomeOf(const QList<DoctorFinding>& findings,
                                   const DoctorSnapshot& snapshot);

Q_SIGNALS:
    void progressed(int done, int total, const QString& what);
    void finished(const QList<obslab::DoctorFinding>& findings);

private:
    using Handler = std::function<void(const CommandResult&)>;
    struct Job
    {
        CommandSpec spec;
        Handler done;
    };
    void enqueue(const CommandSpec& spec, Handler done);
    void pump();
    void startPhaseTwo();
    void readLogs();
    void askJaeger();
    void maybeFinish();
    void finish();

    QPointer<CommandRunner> runner_;
    JaegerClient* jaeger_ = nullptr;
    QPointer<JaegerReply> jaegerReply_;
    DoctorOptions options_;
    DoctorSnapshot snapshot_;
    QList<DoctorFinding> findings_;
    QList<Job> queue_;
    QList<QPointer<Command>> active_;
    int outstanding_ = 0;  // queued + running commands and the Jaeger request
    int done_ = 0;
    int total_ = 0;
    bool running_ = false;
    bool phaseTwo_ = false;
    bool logsQueued_ = false;
    quint64 generation_ = 0;
    qint64 startedMs_ = 0;
    qint64 durationMs_ = 0;
};

}  // namespace obslab
