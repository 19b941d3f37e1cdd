#pragma once

#include "core/common/Result.h"
#include "core/kube/ClusterStatus.h"
#include "core/kube/KubeTarget.h"
#include "core/kube/MutationGuard.h"
#include "core/process/CommandResult.h"
#include "core/process/CommandSpec.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <optional>

namespace obslab {

class Command;
class CommandRunner;

// The kube context and namespace ObsLab passes on every command, and whether commands that
// change the cluster may run there. Reads the kubeconfig through kubectl (async, via the
// runner); switching context only changes what ObsLab passes with --context, never the user's
// kubeconfig. Lives on the runner's thread; refresh()/switchContext() end with refreshed() or
// refreshFailed(), always asynchronously; results of an older refresh are dropped.
// checkStatus() is the app's whole check (kubectl, context, does the cluster answer) behind the
// toolbar, the banner and the areas, reported step by step as a ClusterStatus.
class ClusterContext : public QObject
{
    Q_OBJECT
public:
    explicit ClusterContext(CommandRunner* runner, QObject* parent = nullptr);

    void setKubectl(const QString& kubectl);        // a path, or "kubectl" to use PATH
    void setKubeconfig(const QString& kubeconfig);  // empty: kubectl's default
    QString kubectl() const { return kubectl_; }
    QString kubeconfig() const { return kubeconfig_; }

    // Lists the contexts and reads the chosen (else the current) one's namespace and server.
    void refresh();
    // Finds kubectl from its setting (a path, a name on PATH, or empty for PATH; looked up off
    // this thread), uses it, reads the context like refresh(), then asks the API server whether
    // it answers. statusChanged() reports each step; a newer check supersedes an older one.
    void checkStatus(const QString& kubectlSetting);
    const ClusterStatus& status() const { return status_; }
    // Uses NAME from now on (after checking that the kubeconfig has it), with its namespace.
    void switchContext(const QString& name);
    // The namespace passed with -n from now on (until the next context switch).
    void setNamespace(const QString& ns);

    QStringList contexts() const { return contexts_; }
    QString context() const { return context_; }
    QString ns() const { return ns_; }
    QString server() const { return server_; }
    bool looksLocal() const;
    bool isReady() const { return ready_; }  // a refresh has succeeded

    // Read-only refuses every command that would change the cluster.
    bool isReadOnly() const { return readOnly_; }
    void setReadOnly(bool readOnly);

    KubeTarget target() const;
    IstioTarget istioTarget(const QString& istioctl = QStringLiteral("istioctl")) const;
    MutationPolicy policy() const;
    // Allowed | NeedsConfirmation(question) | Refused(why): ask before running anything.
    MutationDecision checkMutation(const CommandSpec& spec) const;
    // Starts spec through the runner after the mutation check: Refused gives an Error at once;
    // NeedsConfirmation calls confirm(question) first and gives an Error (nothing run) when it
    // returns false or is empty. The Command reports as CommandRunner::start()'s does.
    Result<Command*> start(const CommandSpec& spec,
                           const std::function<bool(const QString& question)>& confirm = {});

Q_SIGNALS:
    void refreshed();
    void refreshFailed(const QString& message, const QString& hint);
    void contextChanged(const QString& context);
    void namespaceChanged(const QString& ns);
    void readOnlyChanged(bool readOnly);
    void statusChanged(const obslab::ClusterStatus& status);

private:
    void run(const CommandSpec& spec, std::function<void(const CommandResult&)> done);
    void onListed();
    void readDetails(const QString& context);
    void fail(const Error& error);
    void failSoon(const Error& error);
    void onStatusContextRead();
    void onStatusContextFailed(const QString& message, const QString& hint);
    void checkReachable(quint64 generation);
    void publishStatus();

    QPointer<CommandRunner> runner_;
    QString kubectl_ = QStringLiteral("kubectl");
    QString kubeconfig_;
    QStringList contexts_;
    QString context_;
    QString chosen_;  // picked in the app; wins over the kubeconfig's current-context
    QString ns_ = QStringLiteral("default");
    bool nsChosen_ = false;
    QString server_;
    bool readOnly_ = false;
    bool ready_ = false;
    quint64 generation_ = 0;
    int pending_ = 0;
    // Results gathered during one refresh.
    QStringList listed_;
    QString current_;
    QString detailNs_;
    QString detailServer_;
    std::optional<Error> error_;
    // checkStatus()
    ClusterStatus status_;
    quint64 statusGeneration_ = 0;
    bool statusReading_ = false;  // the running refresh belongs to the current status check
};

}  // namespace obslab
