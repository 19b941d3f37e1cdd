#pragma once

namespace obslab {
class DoctorEvaluation;
}

namespace obslab::DoctorChecks {
// mesh.tracing-enabled, mesh.telemetry, mesh.tracer, mesh.provider-service, mesh.sampling:
// whether the mesh config and the Telemetry resources give the sidecars a tracer that exists, and
// how much it samples.
void meshChecks(DoctorEvaluation& e);
}  // namespace obslab::DoctorChecks
