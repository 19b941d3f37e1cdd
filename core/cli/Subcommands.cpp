#include "Subcommands.h"

#include "Cli.h"
#include "DoctorCommand.h"
#include "FollowCommand.h"
#include "KubeCommand.h"
#include "LabCommand.h"
#include "LogsCommand.h"
#include "RehearseCommand.h"
#include "TraceCommand.h"

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
