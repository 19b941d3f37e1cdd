#pragma once

#include "core/cli/Cli.h"

namespace obslab::cli {

// `obslab rehearse FILE|ID [--speed N|--real-time] [--handout [--no-results]] [--yes]` replays a
// recorded lab run (an ObsLab rehearsal, .ndjson) without touching any cluster and prints what
// the run printed: each step, its commands and their output, the followed log lines, the traces
// opened and the check results. ID names a rehearsal shipped with ObsLab (resources/rehearsals).
// Exit 0 when every recorded check passed, 1 when one failed or the file is unreadable, 2 usage.
// Spins a local event loop.
Subcommand rehearseSubcommand();

// The same, for `obslab lab run FILE|ID --rehearse`: args are what follows `run`, with or without
// --rehearse.
int runRehearsal(const QStringList& args, const CliContext& ctx);

// `obslab lab run FILE|ID --rehearse [--speed N|--real-time] [--yes]` (FILE|ID: a rehearsal, or a
// lab whose id names a shipped rehearsal) and `obslab lab run FILE|ID --record OUT [run options]`,
// which runs the lab like `lab run` and writes what happened to OUT as a rehearsal. args are the
// words after `run`.
int labRunWithRehearsal(const QStringList& args, const CliContext& ctx);

}  // namespace obslab::cli
