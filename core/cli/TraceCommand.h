#pragma once

#include "core/cli/Cli.h"

namespace obslab::cli {

// `obslab trace ID [--jaeger URL] [--output text|json] [--timeout SECONDS]` fetches a trace from
// Jaeger's query API and prints it as an indented timeline; `obslab trace --file FILE` prints a
// saved trace (Jaeger or OTLP JSON). Exit 0, 1 when the trace is not found or Jaeger cannot be
// reached (message and what to do on ctx.err), 2 for a usage error. Spins a local event loop.
Subcommand traceSubcommand();

}  // namespace obslab::cli
