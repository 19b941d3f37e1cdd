#pragma once

#include "core/cli/Cli.h"

namespace obslab::cli {
// `obslab doctor [--context C] [--namespace N] [--output text|json] [--jaeger URL] …`: runs the
// tracing doctor (core/doctor) and prints every check. Exit 0, 1 when a check failed, 2 usage.
// An unreachable cluster answers after the first kubectl call. Spins a local event loop.
Subcommand doctorSubcommand();
}  // namespace obslab::cli
