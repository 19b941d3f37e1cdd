#include "core/cli/Subcommands.h"

#include "core/cli/Cli.h"
#include "core/cli/DoctorCommand.h"
#include "core/cli/FollowCommand.h"
#include "core/cli/KubeCommand.h"
#include "core/cli/LabCommand.h"
#include "core/cli/LogsCommand.h"
#include "core/cli/RehearseCommand.h"
#include "core/cli/TraceCommand.h"

namespace obslab::cli {

void registerBuiltinSubcommands(Dispatcher& dispatcher)
{
    dispatcher.add(logsSubcommand());
    dispatcher.add(followSubcommand());
    dispatcher.add(kubeSubcommand());
    dispatcher.add(doctorSubcommand());
    dispatcher.add(labSubcommand());
    dispatcher.add(traceSubcommand());
    dispatcher.add(rehearseSubcommand());
}

}  // namespace obslab::cli
