#pragma once

namespace obslab::cli {
class Dispatcher;
// Adds every subcommand ObsLab has (logs, …). One line per module in Subcommands.cpp.
void registerBuiltinSubcommands(Dispatcher& dispatcher);
}  // namespace obslab::cli
