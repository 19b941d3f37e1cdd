#pragma once

#include "core/doctor/DoctorChecks.h"
#include "core/doctor/DoctorSnapshot.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace obslab {

// Istio's root namespace: the control plane, its add-ons and the mesh-wide Telemetry live there.
inline const QString kIstioRoot = QStringLiteral("istio-system");
// The Services of the Jaeger add-on: the UI (tracing) and the collectors.
inline const QStringList kAddonServices = {QStringLiteral("tracing"), QStringLiteral("zipkin"),
                                           QStringLiteral("jaeger-collector")};

// What the checks read beyond the snapshot, worked out once from it: the control plane, the mesh
// config, the namespace's pods and the tracer that applies to them. Pure.
struct DoctorFacts
{
    bool istioKnown = false;  // the istio-system objects were read
    std::optional<KubeObject> istiod;
    QString istioVersion;
    int istioMinor = -1;
    double istiodSampling = -1;
    bool meshOk = false;
    QJsonObject mesh;
    QString meshError;
    std::optional<KubeObject> ns;
    bool ambient = false;
    bool ztunnel = false;
    QList<KubeObject> workloadPods;  // not terminating
    QList<KubeObject> sidecarPods;
    QList<KubeObject> missingSidecar;  // no sidecar and not opted out of injection
    int native = 0;                    // pods whose sidecar is a native one
    std::optional<KubeObject> jaegerDeployment;
    bool jaegerReady = false;
    TracerInfo tracer;
    bool tracerKnown = false;
    QString format;  // the access-log format the sidecars use
    bool formatJson = false;
    bool accessLogOn = false;

    static DoctorFacts derive(const DoctorSnapshot& snapshot);

    // The first container of a Deployment's pod template.
    static QJsonObject firstContainer(const KubeObject& deployment);
    // The value of an environment variable of a container (from `get -o json`), else empty.
    static QString envValue(const QJsonObject& container, const QString& name);
};

}  // namespace obslab
