#pragma once

#include "core/kube/KubeObjects.h"
#include "core/kube/KubeTarget.h"
#include "core/process/CommandSpec.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace obslab {

// The commands behind the doctor's "Fix" buttons, built with core/kube's builders so that they
// carry the same --kubeconfig/--context/-n as everything else. Pure, any thread.
namespace DoctorFixes {

// `kubectl apply -n istio-system -f -` with configmap/istio whose `mesh` is newMesh (the other data
// keys, e.g. meshNetworks, kept). istiod picks the change up at once; a later `istioctl install`
// rewrites the configmap, so fixYaml also shows the IstioOperator meshConfig to keep.
CommandSpec applyMeshConfig(const KubeTarget& target, const KubeObject& configMap,
                            const QJsonObject& newMesh);
// `kubectl apply -n NS -f -` of a manifest.
CommandSpec applyManifest(const KubeTarget& target, const QString& ns, const QByteArray& manifest,
                          const QString& title);
// `rollout restart` of the deployments, then `rollout status` of each (so a re-check sees the
// new pods).
QList<CommandSpec> restartDeployments(const KubeTarget& target, const QStringList& deployments);
// `kubectl label namespace NS k=v …` (a null value removes the label).
CommandSpec labelNamespace(const KubeTarget& target, const QString& ns,
                           const QMap<QString, QString>& labels);
// `istioctl install --set profile=demo -y`.
CommandSpec installIstio(const KubeTarget& target, const QString& istioctl);

// A mesh-wide Telemetry naming a tracing provider, at the given sampling.
QByteArray telemetryManifest(const QString& name, const QString& ns, const QString& provider,
                             double samplingPercent);
// The Jaeger add-on's objects (Deployment jaeger, Services tracing, zipkin, jaeger-collector in
// istio-system): the built-in tracing lab's manifests/jaeger.yaml, compiled in.
QByteArray jaegerAddonManifest();

// The steps as a person would type them: one line per command, stdin as a heredoc.
QString describe(const QList<CommandSpec>& steps);

}  // namespace DoctorFixes

}  // namespace obslab
