#pragma once

#include "core/process/CommandSpec.h"

#include <QString>
#include <QStringList>

namespace obslab {

// Whether a command may run against the cluster ObsLab points at. Pure, any thread.
struct MutationDecision
{
    enum Verdict
    {
        Allowed,
        NeedsConfirmation,
        Refused
    };
    Verdict verdict = Allowed;
    QString message;  // for NeedsConfirmation (the question) and Refused (why, what to do)
};

struct MutationPolicy
{
    QString context;  // the context ObsLab uses (a command's own --context wins)
    QString server;   // that context's API server URL (decides looksLocal with the name)
    bool readOnly = false;
};

namespace MutationGuard {
// The words that say what a kubectl/istioctl command does, flags and their values skipped:
// `kubectl --context c -n ns rollout restart deployment/x` → ["rollout", "restart",
// "deployment/x"].
QStringList verbs(const QStringList& arguments);
// True when the command may change the cluster (or the user's kubeconfig): apply, delete,
// create, patch, label, annotate, scale, edit, replace, set, exec, rollout restart/undo/pause/
// resume, …; istioctl install/uninstall/upgrade/…. Dry runs (client or server) and read-only
// verbs (get, diff, logs, port-forward, describe, version, analyze, dashboard, proxy-config…)
// do not; anything unknown counts as mutating.
bool isMutating(const CommandSpec& spec);
// Allowed when the command does not mutate or the context looks local; Refused in read-only
// mode; otherwise NeedsConfirmation with a question naming the context and the server.
MutationDecision check(const CommandSpec& spec, const MutationPolicy& policy);
// The value of --context in the arguments, if any.
QString contextOf(const QStringList& arguments);
}  // namespace MutationGuard

}  // namespace obslab
