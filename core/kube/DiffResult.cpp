#include "core/kube/DiffResult.h"

namespace obslab::DiffResult {

DiffOutcome outcome(const CommandResult& result)
{
    if (result.ok())
        return DiffOutcome::Same;
    if (result.status == CommandStatus::Failed && result.exitCode == 1)
        return DiffOutcome::Differs;
    return DiffOutcome::Failed;
}

}  // namespace obslab::DiffResult
