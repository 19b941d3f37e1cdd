#include "Subcommands.h"

#include "Cli.h"

namespace obslab::cli {

void registerBuiltinSubcommands(Dispatcher& dispatcher)
{
    Q_UNUSED(dispatcher);
}

}  // namespace obslab::cli
