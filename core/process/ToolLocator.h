#pragma once

#include "core/common/Result.h"

#include <QString>

namespace obslab {

enum class Tool
{
    Kubectl,
    Istioctl
};

// Finds the external tools. Pure lookups on PATH (QStandardPaths::findExecutable) or the user's
// configured path; safe on any thread.
namespace ToolLocator {
QString toolName(Tool tool);  // "kubectl"
// The configured path when set and executable, else the one on PATH; the Error says how to get it.
Result<QString> locate(Tool tool, const QString& configuredPath = {});
// For a program name or path that was not found: a message saying what to install. Generic for
// programs other than kubectl/istioctl.
QString notFoundMessage(const QString& program);
}  // namespace ToolLocator

}  // namespace obslab
