#include "Subcommands.h"

#include "Cli.h"
#include "TraceCommand.h"

namespace obslab::cli {

void registerBuiltinSubcommands(Dispatcher& dispatcher)
{
    dispatcher.add(traceSubcommand());
}

}  // namespace obslab::cli
