#include "core/kube/MutationGate.h"

#include "core/process/CommandRunner.h"
#include "core/process/Redactor.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab::MutationGate {

MutationDecision decide(const CommandSpec& spec, const MutationPolicy& policy)
{
    return MutationGuard::check(spec, policy);
}

Result<Command*> start(CommandRunner* runner, const CommandSpec& spec, const MutationPolicy& policy,
                       const Confirm& confirm)
{
    if (!runner)
        return Error{u"No command runner."_s, {}};
    const MutationDecision decision = decide(spec, policy);
    if (decision.verdict == MutationDecision::Refused)
        return Error{decision.message, {}};
    if (decision.verdict == MutationDecision::NeedsConfirmation) {
        const QString line = Redactor::redactSpec(spec).toShellLine();
        if (!confirm || !confirm(decision.message, line)) {
            const QString own = MutationGuard::contextOf(spec.arguments);
            const QString context = own.isEmpty() ? policy.context : own;
            return Error{u"Not run: you did not confirm a change to context %1."_s.arg(context),
                         decision.message};
        }
    }
    return runner->start(spec);
}

}  // namespace obslab::MutationGate
