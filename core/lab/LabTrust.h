#pragma once

#include "core/lab/CommandPolicy.h"
#include "core/lab/Lab.h"
#include "core/lab/LabLoader.h"

#include <QHash>
#include <QString>

namespace obslab {

// The trust model for labs (shared files, so untrusted), as it applies to one lab: the scope its
// commands are checked against (CommandPolicy) and the rules for its variables and file paths.
// Pure functions, any thread.
namespace LabTrust {

// The values in effect: the lab's defaults overridden by `values`.
QHash<QString, QString> variables(const Lab& lab, const QHash<QString, QString>& values = {});

// Where an action may act: its namespace (else the lab's), the namespaces the lab declares (its
// `namespace` variable and its `namespaces:` list, substituted) and the lab's folder.
CommandPolicy::Scope scope(const Lab& lab, const QHash<QString, QString>& vars,
                           const QString& actionNamespace = {});

// Everything in the lab checked against the trust model with these variable values (after
// substitution): every command through CommandPolicy, every file after realpath, manifests'
// namespaces, selectors and names. Lint runs it with the defaults, `lab plan`/`lab run` and the
// GUI with the values in effect. Each problem has the lab file's line and column.
QList<LabIssue> lint(const Lab& lab, const QHash<QString, QString>& vars);

// The verdict of one kubectl/istioctl action or commandSucceeds check (variables substituted).
CommandPolicy::Verdict checkCommand(const Lab& lab, const QHash<QString, QString>& vars,
                                    LabActionKind kind, const QStringList& args, const QString& ns);

// A manifest path given by a lab: relative, inside the lab's folder (no `..`, no absolute path).
bool isSafeRelativePath(const QString& path);

// A variable's value: letters, digits and . _ - / : = , only, not starting with '-'.
bool isSafeVariableValue(const QString& value);

}  // namespace LabTrust
}  // namespace obslab
