#pragma once

#include "core/process/CommandSpec.h"

#include <QString>

#include <functional>

class QWidget;

namespace obslab {

class ClusterContext;
class Command;

// How the Cluster area runs a command: the exact (redacted) command line is shown first, then
// ClusterContext applies the context-safety rules. A Confirmer answers the question for a change
// on a context that does not look local; false means nothing runs. GUI thread.
namespace ClusterActions {

using Confirmer = std::function<bool(const QString& question, const QString& commandLine)>;

// A modal yes/no dialog naming the context and showing the command (No is the default).
Confirmer dialogConfirmer(QWidget* parent);
// The command as shown to people and recorded: Secrets and tokens masked.
QString shownCommand(const CommandSpec& spec);

struct Started
{
    Command* command = nullptr;  // null when nothing runs
    QString error;               // why not (refused, not confirmed, no cluster)
};
// Starts spec through the context (confirmation first when needed). A null context or one not
// yet read refuses with a message saying what to do.
Started start(ClusterContext* context, const CommandSpec& spec, const Confirmer& confirm);

}  // namespace ClusterActions

}  // namespace obslab
