#pragma once

#include "core/cli/Cli.h"

namespace obslab::cli {
// `obslab follow SELECTOR [-c CONTAINER] [-n NAMESPACE] [--context C] [--output text|ndjson]`:
// PodFollower headless, like stern — one line per log line with its pod — until SIGINT/SIGTERM.
Subcommand followSubcommand();
}  // namespace obslab::cli
