#pragma once

namespace obslab {
class DoctorEvaluation;
}

namespace obslab::DoctorChecks {
// istio.installed, istio.mode, istio.analyze: istiod is there and ready, sidecar or ambient
// mode, what `istioctl analyze` reports. Skips the rest when Istio is not installed.
void istioChecks(DoctorEvaluation& e);
}  // namespace obslab::DoctorChecks
