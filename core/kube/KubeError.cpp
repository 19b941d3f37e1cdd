#include "core/kube/KubeError.h"

#include <QRegularExpression>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString kubeErrorKindName(KubeErrorKind kind)
{
    switch (kind) {
    case KubeErrorKind::None:
        return u"none"_s;
    case KubeErrorKind::Unreachable:
        return u"unreachable"_s;
    case KubeErrorKind::NotFound:
        return u"not-found"_s;
    case KubeErrorKind::Forbidden:
        return u"forbidden"_s;
    case KubeErrorKind::Unauthorized:
        return u"unauthorized"_s;
    case KubeErrorKind::MaxLogRequests:
        return u"max-log-requests"_s;
    case KubeErrorKind::UnknownResourceType:
        return u"unknown-resource-type"_s;
    case KubeErrorKind::AlreadyExists:
        return u"already-exists"_s;
    case KubeErrorKind::Invalid:
        return u"invalid"_s;
    case KubeErrorKind::Conflict:
        return u"conflict"_s;
    case KubeErrorKind::Timeout:
        return u"timeout"_s;
    case KubeErrorKind::Other:
        return u"other"_s;
    }
    return {};
}

namespace {

// klog's header: severity, MMDD, time, thread id, file:line] — kubectl ≥ 1.26 prints these
// (memcache.go discovery failures) before its own one-line verdict.
bool isKlogLine(const QString& line)
{
    static const QRegularExpression klog(
        u"^[IWEF]\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d+\\s+\\d+ \\S+:\\d+\\] "_s);
    return klog.match(line).hasMatch();
}

QString stripErrorPrefix(const QString& line)
{
    if (line.startsWith(u"error: "))
        return line.mid(7);
    if (line.startsWith(u"Error: "))
        return line.mid(7);
    return line;
}

KubeError make(KubeErrorKind kind, const QString& line, const QString& object,
               const QString& message)
{
    KubeError error;
    error.kind = kind;
    error.line = line;
    error.object = object;
    error.message = message;
    return error;
}

QString unreachableMessage(const QString& server)
{
    const QString where = server.isEmpty() ? u"The cluster's API server"_s
                                           : u"The cluster's API server (%1)"_s.arg(server);
    return where +
           u" does not answer. Start the cluster (kind, minikube, k3d, …), check that "
           "the context in the toolbar is the one you mean, or check your network or VPN."_s;
}

QString unauthorizedMessage()
{
    return u"The cluster does not accept your credentials (an expired token or login?). Log in "
           "again (for a cloud cluster, refresh its CLI login) and retry."_s;
}

// `deployments.apps "x" not found` → deployments.apps/x.
QString quotedObject(const QString& text, const QString& tail)
{
    const QRegularExpression object(u"(\\S+) \"([^\"]*)\" "_s + tail);
    const auto match = object.match(text);
    if (!match.hasMatch())
        return {};
    return match.captured(1) + u'/' + match.captured(2);
}

KubeError fromServerReason(const QString& line, const QString& reason, const QString& text)
{
    if (reason == u"NotFound") {
        const QString object = quotedObject(text, u"not found"_s);
        if (object.isEmpty()) {
            // "the server could not find the requested resource": an API the server does not
            // serve (a missing CRD, or an older kubectl asking for /openapi/v2).
            return make(KubeErrorKind::NotFound, line, {},
                        u"The server does not serve what kubectl asked for (%1). The API may be "
                        "missing on this cluster (a CRD not installed) or kubectl may be too old "
                        "or too new for it."_s.arg(text));
        }
        return make(KubeErrorKind::NotFound, line, object,
                    u"%1 does not exist. Run the step that creates it first, or check the name "
                    "and the namespace."_s.arg(object));
    }
    if (reason == u"Forbidden") {
        static const QRegularExpression rbac(
            u"User \"([^\"]*)\" cannot (\\S+) resource \"([^\"]*)\""_s);
        const auto match = rbac.match(text);
        const QString object = match.hasMatch() ? match.captured(3) : QString();
        const QString what =
            match.hasMatch()
                ? u"%1 may not %2 %3"_s.arg(match.captured(1), match.captured(2), match.captured(3))
                : text;
        return make(KubeErrorKind::Forbidden, line, object,
                    u"The cluster refused: %1. Use an account with more rights (ask the "
                    "cluster's administrator) or a local cluster you own."_s.arg(what));
    }
    if (reason == u"Unauthorized")
        return make(KubeErrorKind::Unauthorized, line, {}, unauthorizedMessage());
    if (reason == u"AlreadyExists") {
        const QString object = quotedObject(text, u"already exists"_s);
        return make(KubeErrorKind::AlreadyExists, line, object,
                    u"%1 already exists. Apply instead of create, or delete it first."_s.arg(
                        object.isEmpty() ? text : object));
    }
    if (reason == u"Invalid") {
        const QString object = quotedObject(text, u"is invalid"_s);
        return make(KubeErrorKind::Invalid, line, object,
                    u"The cluster rejected the manifest: %1. Fix the manifest and apply it "
                    "again."_s.arg(text));
    }
    if (reason == u"Conflict") {
        static const QRegularExpression on(u"on (\\S+) \"([^\"]*)\""_s);
        const auto match = on.match(text);
        const QString object =
            match.hasMatch() ? match.captured(1) + u'/' + match.captured(2) : QString();
        return make(KubeErrorKind::Conflict, line, object,
                    u"%1 was changed by someone else at the same time. Retry."_s.arg(
                        object.isEmpty() ? u"The object"_s : object));
    }
    if (reason == u"Timeout" || reason == u"ServerTimeout")
        return make(KubeErrorKind::Timeout, line, {},
                    u"The API server timed out: %1. Retry; if it keeps happening the cluster is "
                    "overloaded."_s.arg(text));
    return make(KubeErrorKind::Other, line, {}, u"kubectl failed: %1"_s.arg(text));
}

// One stderr line → an error, or None for lines that are not errors (warnings, progress, the
// continuation lines of a multi-line message).
KubeError classifyLine(const QString& raw)
{
    const QString line = raw.trimmed();
    if (line.isEmpty() || isKlogLine(line) || line.startsWith(u"WARNING:") ||
        line.startsWith(u"Warning:") || line.startsWith(u"No resources found"))
        return {};
    const QString text = stripErrorPrefix(line);

    static const QRegularExpression refused(u"^The connection to the server (\\S+) was refused"_s);
    if (const auto m = refused.match(text); m.hasMatch())
        return make(KubeErrorKind::Unreachable, line, m.captured(1),
                    unreachableMessage(m.captured(1)));
    if (text.startsWith(u"Unable to connect to the server")) {
        static const QRegularExpression url(u"\"(https?://[^/\"]+)"_s);
        const auto m = url.match(text);
        const QString server = m.hasMatch() ? QUrl(m.captured(1)).authority() : QString();
        return make(KubeErrorKind::Unreachable, line, server, unreachableMessage(server));
    }
    // Any other verdict line that carries the transport's own error (kubectl apply's openapi
    // download: "… dial tcp 127.0.0.1:6443: connect: connection refused; if you choose to ignore
    // these errors, turn validation off with --validate=false") is about the server, not the
    // manifest: --validate=false would not help.
    static const QRegularExpression dial(
        u"dial tcp (\\S+?):? (?:connect: )?(?:connection refused|no route to host|i/o timeout)"_s);
    if (const auto m = dial.match(text); m.hasMatch())
        return make(KubeErrorKind::Unreachable, line, m.captured(1),
                    unreachableMessage(m.captured(1)));
    if (text.contains(u"You must be logged in to the server"))
        return make(KubeErrorKind::Unauthorized, line, {}, unauthorizedMessage());

    static const QRegularExpression maxLogs(
        u"you are attempting to follow (\\d+) log streams, but maximum allowed concurrency is "
        "(\\d+)"_s);
    if (const auto m = maxLogs.match(text); m.hasMatch()) {
        KubeError error = make(KubeErrorKind::MaxLogRequests, line, {},
                               u"kubectl was asked to follow %1 log streams, more than its limit "
                               "of %2. Narrow the selector, or raise the limit "
                               "(--max-log-requests)."_s.arg(m.captured(1), m.captured(2)));
        error.streams = m.captured(1).toInt();
        error.limit = m.captured(2).toInt();
        return error;
    }

    static const QRegularExpression unknownType(
        u"the server doesn't have a resource type \"([^\"]+)\""_s);
    if (const auto m = unknownType.match(text); m.hasMatch())
        return make(KubeErrorKind::UnknownResourceType, line, m.captured(1),
                    u"The cluster does not know the resource type \"%1\". If it is an Istio type "
                    "(Telemetry, VirtualService, …) install Istio first; otherwise check the "
                    "spelling."_s.arg(m.captured(1)));
    // apply of a kind whose CRD is missing: `no matches for kind "Telemetry" in version "…"`.
    static const QRegularExpression noMatches(
        u"no matches for kind \"([^\"]+)\" in version \"([^\"]+)\""_s);
    if (const auto m = noMatches.match(text); m.hasMatch())
        return make(KubeErrorKind::UnknownResourceType, line, m.captured(1),
                    u"The cluster does not know %1 (%2): its CRD is not installed. Install Istio "
                    "(or the CRDs of that API) first."_s.arg(m.captured(1), m.captured(2)));

    // Every command carries -n; kubectl refuses manifest objects that name another namespace.
    static const QRegularExpression nsMismatch(
        u"the namespace from the provided object \"([^\"]*)\" does not match the namespace "
        "\"([^\"]*)\""_s);
    if (const auto m = nsMismatch.match(text); m.hasMatch())
        return make(KubeErrorKind::Invalid, line, u"namespaces/"_s + m.captured(1),
                    u"The manifest puts its objects in namespace %1 but the command targets "
                    "namespace %2. Run it in namespace %1, or remove metadata.namespace from the "
                    "manifest."_s.arg(m.captured(1), m.captured(2)));

    static const QRegularExpression server(u"^Error from server \\((\\w+)\\): (.*)$"_s);
    if (const auto m = server.match(text); m.hasMatch())
        return fromServerReason(line, m.captured(1), m.captured(2));

    static const QRegularExpression invalid(u"^The (\\w+) \"([^\"]*)\" is invalid: (.*)$"_s);
    if (const auto m = invalid.match(text); m.hasMatch())
        return make(KubeErrorKind::Invalid, line, m.captured(1).toLower() + u'/' + m.captured(2),
                    u"The cluster rejected %1 \"%2\": %3. Fix the manifest and apply it "
                    "again."_s.arg(m.captured(1), m.captured(2), m.captured(3)));

    static const QRegularExpression badContainer(u"container (\\S+) is not valid for pod (\\S+)"_s);
    if (const auto m = badContainer.match(text); m.hasMatch())
        return make(KubeErrorKind::NotFound, line,
                    u"pods/%1/%2"_s.arg(m.captured(2), m.captured(1)),
                    u"Pod %1 has no container %2 (%3). A pod without an istio-proxy container "
                    "has no sidecar: check the namespace's injection label and restart the "
                    "pod."_s.arg(m.captured(2), m.captured(1), text));

    if (text.contains(u"if restart has already been triggered within the past second"))
        return make(KubeErrorKind::Conflict, line, {},
                    u"A restart was already triggered less than a second ago. Wait a moment and "
                    "retry."_s);
    if (text.contains(u"timed out waiting for the condition") ||
        text.contains(u"exceeded its progress deadline") ||
        text.contains(u"context deadline exceeded"))
        return make(KubeErrorKind::Timeout, line, {},
                    u"kubectl gave up waiting (%1). Look at the pods (kubectl get pods, describe, "
                    "logs) to see why they are not ready."_s.arg(text));
    if (text.startsWith(u"error validating") || text.startsWith(u"error parsing") ||
        text.startsWith(u"unable to decode") || text.contains(u"error converting YAML"))
        return make(KubeErrorKind::Invalid, line, {},
                    u"The manifest is not valid: %1. Fix the manifest."_s.arg(text));

    if (line.startsWith(u"error: ") || line.startsWith(u"Error: ") ||
        line.startsWith(u"failed to "))
        return make(KubeErrorKind::Other, line, {}, u"kubectl failed: %1"_s.arg(text));
    return {};
}

// What the klog lines say when kubectl's own verdict line is missing (a truncated stderr).
KubeError classifyKlog(const QString& line)
{
    if (line.contains(u"connection refused") || line.contains(u"dial tcp") ||
        line.contains(u"no such host"))
        return make(KubeErrorKind::Unreachable, line, {}, unreachableMessage({}));
    if (line.contains(u"provide credentials"))
        return make(KubeErrorKind::Unauthorized, line, {}, unauthorizedMessage());
    return {};
}

}  // namespace

QList<KubeError> KubeErrors::classifyAll(QByteArrayView stderrData)
{
    QList<KubeError> errors;
    const QStringList lines = QString::fromUtf8(stderrData).split(u'\n');
    for (const QString& line : lines) {
        KubeError error = classifyLine(line);
        if (error.isError())
            errors.append(error);
    }
    if (errors.isEmpty()) {
        for (const QString& line : lines) {
            if (isKlogLine(line.trimmed())) {
                KubeError error = classifyKlog(line.trimmed());
                if (error.isError()) {
                    errors.append(error);
                    break;
                }
            }
        }
    }
    return errors;
}

KubeError KubeErrors::classify(QByteArrayView stderrData)
{
    const QList<KubeError> errors = classifyAll(stderrData);
    for (const KubeError& error : errors) {
        if (error.kind == KubeErrorKind::Unreachable || error.kind == KubeErrorKind::Unauthorized)
            return error;
    }
    return errors.value(0);
}

KubeError KubeErrors::classify(const CommandResult& result)
{
    switch (result.status) {
    case CommandStatus::Succeeded:
        return {};
    case CommandStatus::NotFound:
    case CommandStatus::FailedToStart:
        return make(KubeErrorKind::Other, {}, {}, result.message);
    case CommandStatus::TimedOut:
        return make(KubeErrorKind::Timeout, {}, {},
                    u"The command took too long and was stopped. The cluster may be slow or "
                    "unreachable: check it with `obslab kube check`."_s);
    case CommandStatus::Cancelled:
    case CommandStatus::Crashed:
    case CommandStatus::Failed:
        break;
    }
    KubeError error = classify(result.stderrData);
    if (!error.isError() && result.status != CommandStatus::Cancelled) {
        QString first;
        for (const QString& line : QString::fromUtf8(result.stderrData).split(u'\n')) {
            if (!line.trimmed().isEmpty() && !isKlogLine(line.trimmed())) {
                first = line.trimmed();
                break;
            }
        }
        error = make(
            KubeErrorKind::Other, first, {},
            first.isEmpty()
                ? u"The command failed (exit code %1) without saying why."_s.arg(result.exitCode)
                : u"The command failed: %1"_s.arg(first));
    }
    return error;
}

QString KubeErrors::lastLine(const CommandResult& result)
{
    const QStringList lines = QString::fromUtf8(result.stderrData).split(u'\n', Qt::SkipEmptyParts);
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QString line = it->trimmed();
        if (!line.isEmpty())
            return line;
    }
    return result.message;
}

bool KubeErrors::isNoResourcesFound(QByteArrayView stderrData)
{
    return QString::fromUtf8(stderrData).contains(u"No resources found");
}

}  // namespace obslab
