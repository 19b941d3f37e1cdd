#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace obslab {

// The trust model for labs (shared files, so untrusted): which kubectl/istioctl arguments an
// action may carry. Pure functions, any thread.
// - only allow-listed subcommands (so no kubectl plugins, no `config`, no `exec`/`cp`/`run`);
// - no flag that changes who or where (--kubeconfig, --context, --cluster, --user, --as*,
//   --token, --server/-s, credentials, TLS overrides): ObsLab passes context and namespace;
// - no flag that reads local files (-f/--filename, -k/--kustomize, istioctl -c/-d): manifests go
//   through the typed apply/istioInstall actions, which only read files inside the lab's folder.
namespace LabTrust {

struct Violation
{
    int argIndex = -1;  // the offending argument; -1 for the whole command
    QString message;
};

// Checks the arguments that follow `kubectl` (or `istioctl`). Empty: allowed.
QList<Violation> checkKubectl(const QStringList& args);
QList<Violation> checkIstioctl(const QStringList& args);

// A manifest path given by a lab: relative, inside the lab's folder (no `..`, no absolute path).
bool isSafeRelativePath(const QString& path);

// A variable's value: letters, digits and . _ - / : = , only, not starting with '-'.
bool isSafeVariableValue(const QString& value);

QStringList allowedKubectlSubcommands();
QStringList allowedIstioctlSubcommands();

}  // namespace LabTrust
}  // namespace obslab
