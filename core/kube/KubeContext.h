#pragma once

#include "core/common/Result.h"
#include "core/process/CommandSpec.h"

#include <QByteArrayView>
#include <QString>

namespace obslab {

// Which cluster kubectl points at, and whether it answers: the commands that find out and pure
// parsers for what they print. Everything here is safe on any thread.
namespace KubeContext {

// kubectl's version as printed by `kubectl version -o json` ("v1.32.4" → 1, 32).
struct Version
{
    QString gitVersion;  // "v1.32.4"; empty when unknown
    int major = -1;
    int minor = -1;
    bool isValid() const { return major >= 0 && minor >= 0; }
};

struct Versions
{
    Version client;
    Version server;  // invalid when the server did not answer
};

// `kubectl config current-context`: exit 1 and "current-context is not set" when there is none.
CommandSpec currentContextCommand(const QString& kubectl);
// `kubectl config view --minify -o jsonpath={..namespace}`: empty output means "default".
CommandSpec namespaceCommand(const QString& kubectl, const QString& context);
// `kubectl config view --minify -o jsonpath={.clusters[0].cluster.server}`.
CommandSpec serverCommand(const QString& kubectl, const QString& context);
// `kubectl version -o json` against the context, with a short request timeout: it is how we
// learn that the cluster answers, and both versions.
CommandSpec versionCommand(const QString& kubectl, const QString& context);

// The context name, trimmed; an Error when the output is empty (no current context).
Result<QString> parseCurrentContext(QByteArrayView stdoutData);
// The namespace of the current context; "default" when kubectl printed nothing.
QString parseMinifiedNamespace(QByteArrayView stdoutData);
// The API server URL, trimmed (may be empty).
QString parseMinifiedServer(QByteArrayView stdoutData);
// `kubectl version -o json` output: the client part is always there; serverVersion only when the
// server answered. An Error for anything that is not that JSON.
Result<Versions> parseVersionJson(QByteArrayView stdoutData);
Version parseGitVersion(const QString& gitVersion);
// kubectl supports one minor version of skew either way; a sentence saying what to do when the
// skew is larger, else empty.
QString versionSkewWarning(const Versions& versions);

// True for contexts of local development clusters (kind-, k3d-, minikube, docker-desktop,
// rancher-desktop) and API servers on localhost/127.0.0.1/[::1]; mutating actions elsewhere ask
// for confirmation.
bool looksLocal(const QString& context, const QString& server);

}  // namespace KubeContext

}  // namespace obslab
