#pragma once

#include "core/lab/Lab.h"
#include "core/lab/LabPlan.h"
#include "core/lab/LabProgress.h"

#include "core/common/Result.h"
#include "core/kube/KubeTarget.h"
#include "core/kube/MutationGuard.h"
#include "core/process/CommandResult.h"
#include "core/process/CommandSpec.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

class QTemporaryDir;

namespace obslab {

class PortForward;
class PortForwards;
class Command;
class CommandRunner;
class JaegerClient;
class LabHost;

struct LabRunnerOptions
{
    KubeTarget kube;  // kubectl, kubeconfig and context (the namespace comes from the lab)
    IstioTarget istio;
    MutationPolicy policy;       // decides which changes need confirm()
    bool guardMutations = true;  // ask before changing a context that does not look local
    QUrl jaegerUrl;              // known already (settings, --jaeger-url); else a portForward's
    // The app's port-forwards: the lab's forward is listed (status bar) and shared with the
    // Traces area, and left running when the lab stops. Null: the runner owns a private one.
    PortForwards* forwards = nullptr;
    QHash<QString, QString> variables;  // overrides of the lab's defaults
};

// Runs a lab: a step's actions through the CommandRunner (the port-forward as a background job,
// traffic as one request per interval), then its checks, each retried every `every` until it
// passes or its timeout ends. States per step: pending, running, passed, failed, skipped; saved
// to a LabProgressStore when one is set, so that a restarted app resumes.
// Refuses to run anything until acceptPlan() (the person has seen plan()). One operation at a
// time: run/check/runAll/teardown while busy are ignored (isBusy()). Each operation ends with
// finished(). Lives on the GUI (or the CLI's main) thread; never blocks.
class LabRunner : public QObject
{
    Q_OBJECT
public:
    static inline const QString kTeardownStep = QStringLiteral("#teardown");

    LabRunner(Lab lab, CommandRunner* runner, LabHost* host, LabRunnerOptions options,
              QObject* parent = nullptr);
    ~LabRunner() override;

    const Lab& lab() const { return lab_; }
    const LabRunnerOptions& options() const { return options_; }
    QHash<QString, QString> variables() const { return vars_; }

    // Loads the saved progress now and saves after every change. Not owned; may be null.
    void setProgressStore(LabProgressStore* store);
    LabPlan plan() const;
    bool planAccepted() const { return progress_.planAccepted; }
    void acceptPlan();

    LabStepState stepState(const QString& stepId) const;
    int doneCount() const;          // passed or skipped
    QString currentStepId() const;  // the first step not passed or skipped; empty when all are
    bool isBusy() const { return busy_; }
    QString traceId(const QString& actionId) const { return progress_.traceIds.value(actionId); }
    QUrl jaegerUrl() const { return jaegerUrl_; }
    QString istioVersion() const { return istioVersion_; }
    bool trafficRunning() const { return traffic_.isActive(); }

    // The exact command line an action runs (for the GUI's cards and the CLI), with variables
    // substituted; for actions that run no command, a description. stepId may be kTeardownStep.
    QString actionCommandLine(const QString& stepId, int index) const;
    const LabAction* action(const QString& stepId, int index) const;

    void runStep(const QString& stepId);               // its actions, then its checks
    void runAction(const QString& stepId, int index);  // one action only
    void checkStep(const QString& stepId);             // its checks only
    void skipStep(const QString& stepId);
    void runAll();    // every step not yet passed or skipped, in order; stops at a failure
    void teardown();  // stops traffic and forwards, runs the teardown actions
    void cancel();    // stops what runs; the step returns to failed
    void resetProgress();

Q_SIGNALS:
    void stepStateChanged(const QString& stepId, obslab::LabStepState state);
    void actionStarted(const QString& stepId, int index, const QString& commandLine);
    void actionOutput(const QString& stepId, int index, const QString& line, bool isError);
    void actionFinished(const QString& stepId, int index, bool ok, const QString& message);
    void checkStarted(const QString& stepId, int index);
    void checkAttemptFailed(const QString& stepId, int index, const QString& reason);
    void checkFinished(const QString& stepId, int index, bool passed, const QString& message);
    void traceIdProduced(const QString& actionId, const QString& traceId);
    void jaegerUrlChanged(const QUrl& url);
    void refused(const QString& why);  // nothing was run (plan not accepted, busy, unknown step)
    void busyChanged(bool busy);
    void finished(bool ok);

private:
    using Done = std::function<void(bool ok)>;
    using Task = std::function<void(Done)>;
    using AttemptDone = std::function<void(bool ok, const QString& reason)>;

    // Operations (LabRunner.cpp): one at a time, a sequence of tasks each.
    bool begin(const QString& what);
    void end(bool ok);
    void sequence(QList<Task> tasks, Done done);
    void setState(const QString& stepId, LabStepState state);
    void save();

    QList<Task> actionTasks(const QString& stepId, const QList<LabAction>& actions);
    QList<Task> checkTasks(const QString& stepId, const LabStep& step);
    void ensureIstioVersion(Done done);
    bool needsIstioVersion() const;
    bool applies(const VersionCondition& when) const;

    // Actions (LabActions.cpp): execAction picks the kind's function; each ends with finish.
    using Finish = std::function<void(bool ok, const QString& message)>;
    void execAction(const QString& stepId, int index, const LabAction& a, Done done);
    void finishLater(const Finish& finish, bool ok, const QString& message);
    void runToFinish(const QString& stepId, int index, const CommandSpec& spec,
                     const Finish& finish);
    void execManifest(const QString& stepId, int index, const LabAction& a, const Finish& finish);
    void execFetchedManifest(const QString& stepId, int index, const LabAction& a,
                             const Finish& finish);
    void applyFetchedManifest(const QString& stepId, int index, const LabAction& a,
                              const QByteArray& text, const Finish& finish);
    void execCommandAction(const QString& stepId, int index, const LabAction& a,
                           const Finish& finish);
    void execWaitRollout(const QString& stepId, int index, const LabAction& a,
                         const Finish& finish);
    void execFollowLogs(const QString& stepId, int index, const LabAction& a, const Finish& finish);
    void execTracedRequest(const QString& stepId, int index, const LabAction& a,
                           const Finish& finish);
    void execTraffic(const LabAction& a, const Finish& finish);
    void execOpenTrace(const LabAction& a, const Finish& finish);
    void execOpenSearch(const LabAction& a, const Finish& finish);
    void execDoctor(const QString& stepId, int index, const LabAction& a, const Finish& finish);
    void startPortForward(const QString& stepId, int index, const LabAction& a,
                          const Finish& finish);
    void sendTrafficRequest();
    void setJaegerUrl(const QUrl& url);

    // Checks (LabChecks.cpp): execCheck retries attemptCheck, which picks the kind's function.
    void execCheck(const QString& stepId, int index, const LabCheck& c, Done done);
    void attemptCheck(const LabCheck& c, AttemptDone done);
    void checkRollout(const LabCheck& c, const AttemptDone& done);
    void checkSidecars(const LabCheck& c, const AttemptDone& done);
    void checkLogs(const LabCheck& c, const AttemptDone& done);
    void checkJaeger(const LabCheck& c, const AttemptDone& done);
    void checkResource(const LabCheck& c, const AttemptDone& done);
    void checkCommand(const LabCheck& c, const AttemptDone& done);

    // Commands (LabCommands.cpp). runCommand starts spec through the mutation gate; output
    // goes to actionOutput, redacted, when stepId is set.
    void runCommand(const QString& stepId, int index, const CommandSpec& spec,
                    std::function<void(const CommandResult&)> done);
    CommandSpec rawSpec(const QString& tool, const QStringList& args, const QString& ns) const;
    KubeTarget target(const QString& ns) const;
    QString nsOf(const QString& ns) const;
    QString sub(const QString& text) const;
    QStringList sub(const QStringList& list) const;
    Result<QByteArray> manifest(const LabAction& a) const;
    CommandSpec specFor(const QString& stepId, const LabAction& a) const;  // empty program: none
    CommandSpec requestSpec(const LabAction& a, const QString& traceId,
                            const QString& spanId) const;
    void stopBackground();

    Lab lab_;
    QPointer<CommandRunner> runner_;
    LabHost* host_ = nullptr;
    LabRunnerOptions options_;
    QHash<QString, QString> vars_;
    LabProgressStore* store_ = nullptr;
    LabProgress progress_;
    JaegerClient* jaeger_ = nullptr;
    QUrl jaegerUrl_;
    QString istioVersion_;
    bool busy_ = false;
    quint64 generation_ = 0;
    bool mutationConfirmed_ = false;
    QList<QPointer<Command>> running_;
    QPointer<PortForward> forward_;
    bool ownsForward_ = false;
    QTimer traffic_;
    LabAction trafficAction_;
    QPointer<Command> trafficCommand_;
    std::unique_ptr<QTemporaryDir> tempDir_;
};

}  // namespace obslab
