#pragma once

#include "core/cli/Cli.h"

namespace obslab::cli {
// `obslab kube check [--context C] [--kubectl PATH] [--kubeconfig FILE] [--istioctl PATH]`:
// tools, versions, skew, context, namespace, server and whether the cluster answers.
Subcommand kubeSubcommand();
}  // namespace obslab::cli
