#pragma once

#include "core/kube/KubeTarget.h"
#include "core/process/CommandSpec.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace obslab {

enum class DryRun
{
    None,
    Client,
    Server
};

// kubectl command lines, as CommandSpecs ready for CommandRunner. Pure functions, any thread.
// Every command carries --context (when the target names one) and -n (or -A); manifests go
// through stdin (`-f -`), never a temporary file. Background commands (logs -f, port-forward,
// get -w) have a zero timeout: their owner stops them.
namespace Kubectl {

struct ApplyOptions
{
    DryRun dryRun = DryRun::None;
    bool serverSide = false;
};
// kubectl refuses objects whose metadata.namespace differs from -n (KubeErrorKind::Invalid,
// object `namespaces/NS`): give a manifest for istio-system a target in istio-system.
CommandSpec apply(const KubeTarget& target, const QByteArray& manifest, ApplyOptions options = {});
// Exit 0: no differences, 1: differences (printed as a unified diff), >1: kubectl failed.
CommandSpec diff(const KubeTarget& target, const QByteArray& manifest);
CommandSpec deleteManifest(const KubeTarget& target, const QByteArray& manifest,
                           bool ignoreNotFound = true);

// `get RESOURCE [NAME] -o json`; a selector (-l) only without a name. allNamespaces uses -A.
struct GetOptions
{
    QString name;
    QString selector;
    bool allNamespaces = false;
};
CommandSpec get(const KubeTarget& target, const QString& resource, GetOptions options = {});
// `get RESOURCE -w -o json --output-watch-events`: one JSON event object after another.
CommandSpec watch(const KubeTarget& target, const QString& resource, const QString& selector = {});

// `rollout restart deployment/a deployment/b`.
CommandSpec rolloutRestart(const KubeTarget& target, const QStringList& deployments);
// `rollout status deployment/NAME --timeout=Ns`; the process timeout is a little longer than
// kubectl's own so that kubectl reports the timeout itself.
CommandSpec rolloutStatus(const KubeTarget& target, const QString& deployment,
                          std::chrono::seconds timeout = std::chrono::seconds(120));

struct LogsOptions
{
    QString pod;       // one pod, or
    QString selector;  // every pod matching it
    QString container;
    bool allContainers = false;
    bool follow = false;
    bool timestamps = false;
    bool prefix = false;
    std::optional<int> tail;  // --tail (kubectl's default is 10 per pod with a selector)
    QString sinceTime;        // RFC 3339
    QString since;            // a duration kubectl understands (30s, 5m, 1h); not with sinceTime
    std::optional<int> maxLogRequests;
};
CommandSpec logs(const KubeTarget& target, const LogsOptions& options);

// `port-forward RESOURCE LOCAL:REMOTE --address 127.0.0.1`; LOCAL 0 lets kubectl choose (it
// prints `Forwarding from 127.0.0.1:PORT -> REMOTE`).
CommandSpec portForward(const KubeTarget& target, const QString& resource, int localPort,
                        int remotePort);

// `exec POD [-c C] [-i] -- ARGV…`; stdin data makes it `-i`.
CommandSpec exec(const KubeTarget& target, const QString& pod, const QString& container,
                 const QStringList& argv, const QByteArray& stdinData = {});

// `label RESOURCE NAME k=v k2- --overwrite`: a null value removes the label.
CommandSpec label(const KubeTarget& target, const QString& resource, const QString& name,
                  const QMap<QString, QString>& labels, bool overwrite = true);

// `version -o json` (client and server: how we learn the cluster answers).
CommandSpec version(const KubeTarget& target);
// `config get-contexts -o name`: reads the kubeconfig only.
CommandSpec contexts(const KubeTarget& target);

// Adds --kubeconfig (when the target has one) to a spec built elsewhere (KubeContext's).
CommandSpec withKubeconfig(CommandSpec spec, const KubeTarget& target);

}  // namespace Kubectl

}  // namespace obslab
