#pragma once

#include "core/lab/Lab.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace obslab {

// What a lab will do to the cluster, shown before it first runs (the trust model): objects it
// creates or changes, what it deletes (teardown included), and what else it does (requests,
// port-forwards). Built from the lab alone, without running anything. Pure; any thread.
struct LabPlan
{
    QStringList creates;  // "Deployment frontend (namespace default)" — apply may also change
    QStringList changes;  // "label namespace default istio-injection=enabled", "restart …"
    QStringList deletes;
    QStringList other;       // requests sent, port-forwards, URLs fetched
    QStringList needs;       // before Start: a tool that is missing and the steps that need it
    QStringList filesRead;   // every local file the lab reads (resolved, inside its folder)
    QStringList namespaces;  // every namespace it reads or changes
    // What the trust model refuses with these values (LabTrust::lint): the lab does not run.
    QStringList problems;
    // Items of creates/changes/deletes carry a mark: "[deletes]", "[cluster-wide]".
    static constexpr auto kDestructiveMark = "[deletes]";
    static constexpr auto kClusterMark = "[cluster-wide]";

    // Plain text for the terminal (and the dialog's details).
    QString toText(const Lab& lab) const;

    // variables: the values in effect (defaults when empty).
    static LabPlan build(const Lab& lab, const QHash<QString, QString>& variables = {});
};

// Objects named in a YAML manifest: "Kind name (namespace NS)" per document; `fallbackNs` for
// namespaced objects without one. Unparsable text gives one entry saying so.
QStringList describeManifest(const QByteArray& yaml, const QString& fallbackNs);

// `${name}` replaced by its value; unknown names are left as they are.
QString substituteVariables(const QString& text, const QHash<QString, QString>& values);

}  // namespace obslab
