#pragma once

#include "core/kube/AnalyzeFindings.h"
#include "core/kube/IstioVersion.h"
#include "core/kube/KubeContext.h"
#include "core/kube/KubeObjects.h"
#include "core/kube/KubeTarget.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace obslab {

// A port-forward ObsLab runs (the app knows them; the CLI does not): where it points.
struct DoctorForward
{
    QString ns;        // "istio-system"
    QString resource;  // "svc/tracing", "pod/jaeger-…"
    int remotePort = 0;
    QUrl localUrl;
};

// One thing the doctor read: its data, or why it could not (a person's sentence).
template <typename T>
struct DoctorSource
{
    std::optional<T> value;
    QString error;  // empty when value is set or when the source was not asked for
    bool has() const { return value.has_value(); }
};

// Everything the checks look at, read once by Doctor (or built by hand in tests). The checks are
// pure functions of this.
struct DoctorSnapshot
{
    KubeTarget target;  // kubectl, kubeconfig, context (may be empty: kubectl's current), ns
    QString context;    // the context actually used (read from the kubeconfig when not given)
    QString server;

    bool kubectlFound = true;
    QString kubectlError;
    bool noContext = false;  // no context given and the kubeconfig has no current one
    bool reachable = false;
    QString unreachableReason;  // kubectl's words, classified
    KubeContext::Versions versions;

    DoctorSource<QList<KubeObject>> namespaces;
    DoctorSource<QList<KubeObject>> pods;         // in target.ns
    DoctorSource<QList<KubeObject>> deployments;  // in target.ns
    DoctorSource<QList<KubeObject>> istioSystem;  // deployments, services, pods in istio-system
    DoctorSource<QList<KubeObject>> services;     // all namespaces
    DoctorSource<KubeObject> meshConfigMap;       // configmap/istio in istio-system
    bool meshConfigMapMissing = false;            // NotFound (Istio not installed)
    DoctorSource<QList<KubeObject>> telemetries;  // all namespaces; empty when the CRD is absent

    bool istioctlFound = false;
    QString istioctlPath;
    QString istioctlError;
    DoctorSource<IstioVersionInfo> istioVersion;
    DoctorSource<AnalyzeReport> analyze;

    // istio-proxy log lines of the workload pods (kubectl logs --tail), pod name → lines.
    DoctorSource<QMap<QString, QList<QByteArray>>> proxyLogs;
    int logTail = 0;

    QUrl jaegerUrl;          // empty: no Jaeger URL was given
    QUrl jaegerResolvedUrl;  // with the discovered base path
    DoctorSource<QStringList> jaegerServices;
    QString jaegerFailureKind;  // JaegerReply::Status name when it failed ("ConnectionRefused")
    std::optional<QList<DoctorForward>> forwards;  // unset: not known (the CLI)

    // The reads (titles) that failed because the API server stopped answering after it had
    // answered the first call: the run is inconclusive.
    QStringList lostContact;
    int clusterReads = 0;  // reads of the cluster after the first call (kubectl and istioctl)
};

}  // namespace obslab
