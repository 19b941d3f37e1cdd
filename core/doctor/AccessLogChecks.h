#pragma once

namespace obslab {
class DoctorEvaluation;
}

namespace obslab::DoctorChecks {
// mesh.access-log, mesh.propagation, logs.trace-headers: the access log is on and carries the
// trace id, clients send the headers the tracer propagates, and recent istio-proxy lines show
// requests with sampled trace headers.
void accessLogChecks(DoctorEvaluation& e);
}  // namespace obslab::DoctorChecks
