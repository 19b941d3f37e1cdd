#pragma once

#include "Cli.h"

namespace obslab::cli {

// `obslab logs FILE|- [--output text|ndjson]`: parses every line of an access log (plain or
// gzip, streamed in blocks, any size; `-` = ctx.in) and prints one summary or JSON object per
// line. Exit 0, or 2 for a usage error or an unreadable file (message on ctx.err).
Subcommand logsSubcommand();

}  // namespace obslab::cli
