#pragma once

#include "core/process/CommandResult.h"

#include <QStringList>

namespace obslab {

enum class DiffOutcome
{
    Same,     // exit 0: the cluster already matches the manifest
    Differs,  // exit 1: the differences are on stdout
    Failed,   // anything else (kubectl's exit 1 is not an error here); stderr says why
};

// What a finished `kubectl diff` means. kubectl diff answers through its exit code (0 no
// differences, 1 differences, greater than 1 an error); a command that did not run or was killed
// is a failure. Pure.
namespace DiffResult {
DiffOutcome outcome(const CommandResult& result);
// The same from a finished command's status and exit code (a Transcript entry).
DiffOutcome outcome(CommandStatus status, int exitCode);
// Whether program + arguments is `kubectl … diff …` (the first word that is not an option).
bool isKubectlDiff(const QString& program, const QStringList& arguments);
}  // namespace DiffResult

}  // namespace obslab
