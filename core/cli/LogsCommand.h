#pragma once

#include "core/cli/Cli.h"

namespace obslab::cli {

// `obslab logs FILE…|- [--query Q] [--trace ID] [--output text|ndjson] [--stats]`: parses every
// line of access logs (plain or gzip, streamed in blocks, any size; `-` = ctx.in) and prints one
// summary or JSON object per (matching) line, or, with --stats, indexes each file and prints its
// figures. Exit 0; 1 when a filter matched nothing; 2 for a usage error or an unreadable file
// (message on ctx.err). --stats runs a local event loop.
Subcommand logsSubcommand();

}  // namespace obslab::cli
