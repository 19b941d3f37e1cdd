#pragma once

// The data of the command policy (CommandPolicy.h): which subcommands, which flags, which value
// types. Internal to core/lab.
#include "core/lab/CommandPolicy.h"

#include <QList>
#include <QString>

namespace obslab::CommandPolicy::table {

enum class Value
{
    Bool,           // no value (or =true/=false)
    Namespace,      // a DNS label
    Selector,       // a label selector: k=v, k!=v, k, !k, k in (a,b)
    FieldSelector,  // metadata.name=x, status.phase!=Running
    Duration,       // 30s, 2m, 1h30m (a Go duration, not negative)
    Int,            // a whole number within min..max
    Output,         // an output format from a fixed list (inline jsonpath/custom-columns only)
    LabFile,        // a file inside the lab's folder
    Name,           // a DNS name (container, revision…)
    Enum,           // one of a fixed list
    WaitFor,        // condition=X[=Y], delete, create, jsonpath=…
    Time,           // an RFC 3339 time
    IstioSet,       // key=value for istioctl --set: no paths
    Text,           // free text (a patch, a sort key), no hazardous characters
};

struct Flag
{
    QString name;     // long name without dashes
    QChar shortName;  // null: none
    Value value;
    QStringList enumValues;  // Enum; Output: the formats allowed
    int min = 0;             // Int
    int max = 0;
    bool optionalValue = false;  // takes a value only through `=` (pflag NoOptDefVal)
};

enum class Args
{
    None,
    Resources,    // TYPE[,TYPE] [NAME…] or TYPE/NAME…
    Labels,       // TYPE NAME… key=value|key-…  (label, annotate)
    Logs,         // POD|TYPE/NAME [CONTAINER]
    Top,          // [NAME]
    Explain,      // RESOURCE[.field…]
    NewName,      // one name (create namespace)
    CanI,         // VERB RESOURCE[/NAME]
    ProxyTarget,  // [POD[.NS] | TYPE/NAME[.NS]]
};

enum class Effect
{
    Read,
    Change,
    Delete,
};

struct Subcommand
{
    Tool tool;
    QStringList path;  // {"rollout", "status"}
    Args args;
    Effect effect;
    QList<Flag> flags;
    QString note;  // for the allow table
};

const QList<Subcommand>& subcommands();
const QList<Flag>& globalFlags(Tool tool);
// Namespaced kinds a lab may change (lower-case plural, singular and short names).
bool isChangeableNamespacedType(const QString& type);
bool isClusterScopedType(const QString& type);
QString canonicalType(const QString& type);  // "deploy" → "deployments", "Secret" → "secrets"

}  // namespace obslab::CommandPolicy::table
