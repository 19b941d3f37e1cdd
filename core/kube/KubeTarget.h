#pragma once

#include <QString>

namespace obslab {

// Where a kubectl command goes: which binary, which kubeconfig, which context and namespace.
// Builders put the context and namespace on every command explicitly, so that what ObsLab runs
// never depends on the user's current-context changing behind its back.
struct KubeTarget
{
    QString kubectl = QStringLiteral("kubectl");  // path or bare name
    QString kubeconfig;                           // empty: kubectl's own default
    QString context;                              // empty: no --context (kubectl's current one)
    QString ns = QStringLiteral("default");       // the namespace passed with -n
};

// The same for istioctl, which takes the same --kubeconfig/--context flags.
struct IstioTarget
{
    QString istioctl = QStringLiteral("istioctl");
    QString kubeconfig;
    QString context;
    QString istioNamespace = QStringLiteral("istio-system");
};

}  // namespace obslab
