#pragma once

#include "core/process/CommandSpec.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace obslab {

// Removes secrets before anything is shown or recorded: bearer tokens (`Authorization: Bearer …`,
// `--token=…`/`--token …`, `--password`), kubeconfig `token:`/`client-key-data:` values, and the
// values under `data:`/`stringData:` of any `kind: Secret` YAML document. The replacement is
// the literal `<redacted>`. Pure functions, any thread.
namespace Redactor {
// Whole text (several YAML/JSON documents allowed): Secret data values, tokens, passwords. A
// multi-line masked value (a block scalar) becomes one `key: <redacted>` line.
QString redactText(const QString& text);
// An argument list: `--token x`, `--token=x`, `--password …`, `--from-literal=k=v` of
// `create secret`, `-p`/`--patch` of a secret, and whatever redactText() finds in each argument.
QStringList redactArguments(const QStringList& arguments);
// For stdin documents (manifests): Secret values masked, everything else kept.
QString redactManifest(const QString& yaml);
// One line without YAML context: tokens, passwords, kubeconfig credential keys.
QString redactLine(const QString& line);
// A copy fit to show: arguments as redactArguments(), environment values masked when the name
// looks secret (…TOKEN, …PASSWORD, …SECRET, …_KEY) and redacted otherwise, stdin redacted. Show
// a command before it runs with redactSpec(spec).toShellLine(); never run the copy.
CommandSpec redactSpec(const CommandSpec& spec);
inline constexpr auto kMask = "<redacted>";
}  // namespace Redactor

}  // namespace obslab
