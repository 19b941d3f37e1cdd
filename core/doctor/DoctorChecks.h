#pragma once

#include "core/doctor/DoctorFinding.h"
#include "core/doctor/DoctorSnapshot.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace obslab {

// Where a workload namespace's spans go, worked out from the mesh config and the Telemetry
// resources the way istiod does it (FORMATS.md §9): Telemetry (namespace, else root namespace)
// naming an extensionProvider, else meshConfig.defaultProviders.tracing, else the proxy config's
// Zipkin address, else (Istio < 1.22 only) zipkin.istio-system:9411.
struct TracerInfo
{
    QString kind;      // "zipkin", "opentelemetry", …; empty: no tracer
    QString provider;  // the extensionProvider's name (empty for defaultConfig)
    QString service;   // host as configured
    int port = 0;
    QString source;  // "Telemetry istio-system/mesh-default", "defaultConfig.tracing.zipkin"
    QString reason;  // when kind is empty: why there is none
    bool telemetryProblem = false;       // the reason is a Telemetry naming nothing usable
    QString telemetryNs, telemetryName;  // the Telemetry that decides, if any
    double sampling = 1.0;
    QString samplingSource;
    bool samplingDefault = true;  // nothing sets it: Istio's 1 %

    bool exists() const { return !kind.isEmpty(); }
};

// The doctor's checks: pure functions of a DoctorSnapshot, any thread. Every check yields exactly
// one finding, in a fixed order; a check that cannot run is Skipped with the reason.
namespace DoctorChecks {

struct CheckInfo
{
    QString id;
    QString group;
    QString title;
    QString docsUrl;
};
const QList<CheckInfo>& all();

QList<DoctorFinding> evaluate(const DoctorSnapshot& snapshot);

TracerInfo tracerFor(const QJsonObject& mesh, const QList<KubeObject>& telemetries,
                     const QString& ns, int istioMinor, double istiodSampling = -1);
// The access-log format a sidecar uses: accessLogFormat, else Istio's default for the encoding.
QString accessLogFormat(const QJsonObject& mesh, bool* json = nullptr);
bool formatCarriesTraceId(const QString& format);
// The Deployment that owns a pod (ReplicaSet owner minus its pod-template-hash); empty if none.
QString owningDeployment(const KubeObject& pod);

}  // namespace DoctorChecks

}  // namespace obslab
