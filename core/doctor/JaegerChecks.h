#pragma once

namespace obslab {
class DoctorEvaluation;
}

namespace obslab::DoctorChecks {
// jaeger.addon, jaeger.k8s-services, jaeger.reachable, jaeger.workload-services: the add-on runs
// with its Services, its query API answers (not a collector port), and it has spans from every
// workload. Runs after the other groups: it names the failures that explain missing spans.
void jaegerChecks(DoctorEvaluation& e);
}  // namespace obslab::DoctorChecks
