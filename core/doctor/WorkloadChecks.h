#pragma once

namespace obslab {
class DoctorEvaluation;
}

namespace obslab::DoctorChecks {
// workloads.injection, workloads.sidecars, workloads.restart: the namespace is enabled for the
// mesh, every pod has a sidecar, and the sidecars run the current meshConfig.defaultConfig.
void workloadChecks(DoctorEvaluation& e);
}  // namespace obslab::DoctorChecks
