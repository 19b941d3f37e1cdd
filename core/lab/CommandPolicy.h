#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace obslab {

// The one command policy for labs (the trust model), used by LabLoader (lint), LabPlan, LabRunner
// and so by the GUI and rehearsals: an allow-list of the kubectl and istioctl subcommands a lab
// may run, the flags each may take and the type of every value. Anything not described is
// refused with a reason. Flags are parsed as kubectl's and istioctl's flag library (pflag) does:
// `_` and `-` alike in names, `--flag=value` and `--flag value`, short flags with attached values
// (`-oyaml`, `-n=x`), compacted boolean shorts (`-Aw`), everything after `--` positional, repeated
// flags. Pure functions; any thread.
namespace CommandPolicy {

enum class Tool
{
    Kubectl,
    Istioctl
};

// Where a command may act, and where its files may come from.
struct Scope
{
    QString labDir;                   // files must resolve (realpath) inside it; empty: unchecked
    QString defaultNamespace;         // what ObsLab adds as -n when the command has none
    QStringList mutableNamespaces;    // where the lab may change things (declared by the lab)
    bool istioInstallAllowed = true;  // istioctl install may change istio-system
};

struct Finding
{
    int argIndex = -1;  // the offending argument; -1: the command as a whole
    QString message;
};

struct Verdict
{
    QList<Finding> refusals;  // empty: allowed
    bool mutates = false;
    bool destructive = false;    // deletes something
    bool clusterScoped = false;  // acts on cluster-scoped objects or across namespaces
    QStringList filesRead;       // lab files it reads (canonical paths when the dir is known)
    QStringList namespaces;      // namespaces it reads or changes

    bool ok() const { return refusals.isEmpty(); }
};

Verdict check(Tool tool, const QStringList& args, const Scope& scope);

// A file a lab reads: relative, and after symlinks are resolved inside `labDir`, a regular file.
// Empty: fine (and *canonical is set when labDir is given); else why not.
QString checkLabFile(const QString& path, const QString& labDir, QString* canonical = nullptr);

// Why the namespace may not be changed by the lab (empty: it may).
QString checkMutableNamespace(const QString& ns, const Scope& scope, bool deleting = false);

// What in a manifest the lab may not apply or delete: objects in namespaces it does not declare,
// cluster-scoped kinds, namespaces it may not change, List wrappers. Empty: none.
QStringList manifestProblems(const QByteArray& yaml, const QString& fallbackNs, const Scope& scope,
                             bool deleting);

// A label selector (k=v, k!=v, k, !k, k in (a,b), comma-separated). Empty: fine; else why not.
QString checkSelector(const QString& selector);
// A Kubernetes object name (DNS subdomain). Empty: fine; else why not.
QString checkName(const QString& name);

// Text fit to be an argument: no control, bidi, zero-width, format or look-alike characters.
// Empty: fine; else why not.
QString checkText(const QString& text);

// For the README and `lab lint --policy`: the allow table, one line per subcommand.
QStringList allowTable();

}  // namespace CommandPolicy
}  // namespace obslab
