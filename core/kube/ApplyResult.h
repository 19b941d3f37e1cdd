#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace obslab {

enum class ObjectOperation
{
    Created,
    Configured,
    Unchanged,
    ServerSideApplied,
    Deleted,
    Restarted,
    Labeled,
    NotLabeled,
    Unlabeled,
    Annotated,
    Patched,
    Scaled,
    Other
};

enum class DryRunMark
{
    None,
    Client,
    Server
};

// One line of what kubectl did to one object: `deployment.apps/frontend created`,
// `service "backend" deleted`, `deployment.apps/backend unchanged (server dry run)`.
struct AppliedObject
{
    QString resource;  // "deployment.apps", "service", "telemetry.telemetry.istio.io"
    QString name;
    ObjectOperation operation = ObjectOperation::Other;
    QString operationText;  // as printed: "created", "serverside-applied", "not labeled"
    DryRunMark dryRun = DryRunMark::None;
    QString line;
};

// The per-object stdout lines of apply, delete, rollout restart, label, annotate, patch and
// scale (the same text in kubectl 1.20 and 1.32). Lines that are not such a line are skipped.
namespace ApplyResult {
QList<AppliedObject> parse(QByteArrayView stdoutData);
QString operationName(ObjectOperation operation);  // "created", …
}  // namespace ApplyResult

}  // namespace obslab
