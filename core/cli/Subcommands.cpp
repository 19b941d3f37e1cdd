#include "Subcommands.h"

#include "Cli.h"
#include "LogsCommand.h"
#include "TraceCommand.h"

namespace obslab::cli {

void registerBuiltinSubcommands(Dispatcher& dispatcher)
{
    dispatcher.add(logsSubcommand());
    dispatcher.add(traceSubcommand());
}

}  // namespace obslab::cli
