#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace obslab {

// Removes secrets before anything is shown or recorded: bearer tokens (`Authorization: Bearer …`,
// `--token=…`/`--token …`, `--password`), kubeconfig `token:`/`client-key-data:` values, and the
// values under `data:`/`stringData:` of any `kind: Secret` YAML document. The replacement is
// the literal `<redacted>`.
namespace Redactor {
QString redactText(const QString& text);
QStringList redactArguments(const QStringList& arguments);
// For stdin documents (manifests): Secret values masked, everything else kept.
QString redactManifest(const QString& yaml);
inline constexpr auto kMask = "<redacted>";
}  // namespace Redactor

}  // namespace obslab
