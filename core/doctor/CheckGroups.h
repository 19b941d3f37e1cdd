#pragma once

namespace obslab {
class DoctorEvaluation;
}

// The doctor's checks by group, in the order DoctorChecks::evaluate() runs them; each group adds
// one finding per check of its own (ids as in DoctorChecks::all()). One file per group.
namespace obslab::DoctorChecks {

// cluster.reachable, cluster.context, cluster.version-skew: kubectl reaches the cluster, the
// namespace exists, kubectl and the server are within one minor version.
void clusterChecks(DoctorEvaluation& e);

// istio.installed, istio.mode, istio.analyze: istiod is there and ready, sidecar or ambient
// mode, what `istioctl analyze` reports. Skips the rest when Istio is not installed.
void istioChecks(DoctorEvaluation& e);

// mesh.tracing-enabled, mesh.telemetry, mesh.tracer, mesh.provider-service, mesh.sampling:
// whether the mesh config and the Telemetry resources give the sidecars a tracer that exists, and
// how much it samples.
void meshChecks(DoctorEvaluation& e);

// mesh.access-log, mesh.propagation, logs.trace-headers: the access log is on and carries the
// trace id, clients send the headers the tracer propagates, and recent istio-proxy lines show
// requests with sampled trace headers.
void accessLogChecks(DoctorEvaluation& e);

// workloads.injection, workloads.sidecars, workloads.restart: the namespace is enabled for the
// mesh, every pod has a sidecar, and the sidecars run the current meshConfig.defaultConfig.
void workloadChecks(DoctorEvaluation& e);

// jaeger.addon, jaeger.k8s-services, jaeger.reachable, jaeger.workload-services: the add-on runs
// with its Services, its query API answers (not a collector port), and it has spans from every
// workload. Runs after the other groups: it names the failures that explain missing spans.
void jaegerChecks(DoctorEvaluation& e);

}  // namespace obslab::DoctorChecks
