#pragma once

namespace obslab {
class DoctorEvaluation;
}

namespace obslab::DoctorChecks {
// cluster.reachable, cluster.context, cluster.version-skew: kubectl reaches the cluster, the
// namespace exists, kubectl and the server are within one minor version.
void clusterChecks(DoctorEvaluation& e);
}  // namespace obslab::DoctorChecks
