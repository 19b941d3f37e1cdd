#pragma once

#include "core/kube/KubeTarget.h"
#include "core/process/CommandSpec.h"

#include <QByteArray>
#include <QString>

namespace obslab {

// istioctl command lines, as CommandSpecs. Pure functions, any thread. Every command carries
// --context when the target names one (istioctl reads the same kubeconfig as kubectl).
namespace Istioctl {

// `install -f - -y`: the IstioOperator on stdin. Installing takes minutes on a real cluster.
CommandSpec install(const IstioTarget& target, const QByteArray& istioOperator);
// `install -f FILE -y`.
CommandSpec installFile(const IstioTarget& target, const QString& file);
// `version` (client, control plane, data plane), or only the client with `--remote=false`,
// which needs no cluster (the kubeconfig flags are passed all the same).
CommandSpec version(const IstioTarget& target, bool remote = true);
// `analyze -n NS` (or `-A`). Findings below the failure threshold (Error) still exit 0.
CommandSpec analyze(const IstioTarget& target, const QString& ns, bool allNamespaces = false);
// `dashboard jaeger --browser=false`: a background port-forward that prints its URL.
CommandSpec dashboardJaeger(const IstioTarget& target, int port = 0);
// `proxy-config bootstrap POD.NS -o json`: the sidecar's Envoy bootstrap (its tracing config).
CommandSpec proxyConfigBootstrap(const IstioTarget& target, const QString& pod, const QString& ns);

}  // namespace Istioctl

}  // namespace obslab
