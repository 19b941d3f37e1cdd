#pragma once

#include "core/common/Result.h"
#include "core/kube/MutationGuard.h"
#include "core/process/CommandSpec.h"

#include <QString>

#include <functional>

namespace obslab {

class Command;
class CommandRunner;

// The one path by which a command that may change the cluster starts (the Cluster area, labs
// and the doctor's fixes alike): MutationGuard's verdict first, then the runner. Refused gives an
// Error and runs nothing; NeedsConfirmation asks confirm(question, the redacted command line)
// and runs nothing unless it says yes. Read-only commands start at once. The Command reports as
// CommandRunner::start()'s does. Call on the runner's thread.
namespace MutationGate {

using Confirm = std::function<bool(const QString& question, const QString& commandLine)>;

Result<Command*> start(CommandRunner* runner, const CommandSpec& spec,
                       const MutationPolicy& policy, const Confirm& confirm);

// The question MutationGuard would ask before spec runs, or empty when it runs without one.
// For callers that ask once about several commands (a fix of several steps) before any starts.
MutationDecision decide(const CommandSpec& spec, const MutationPolicy& policy);

}  // namespace MutationGate

}  // namespace obslab
