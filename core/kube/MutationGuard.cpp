#include "core/kube/MutationGuard.h"

#include "core/kube/KubeContext.h"

#include <QFileInfo>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace obslab::MutationGuard {

namespace {

// Flags (kubectl's global ones, istioctl's and the common command ones) whose value is the next
// word when not written `--flag=value`. Others are boolean.
bool takesValue(const QString& flag)
{
    static const QSet<QString> flags{
        u"--context"_s,
        u"--namespace"_s,
        u"-n"_s,
        u"--kubeconfig"_s,
        u"--cluster"_s,
        u"--user"_s,
        u"--server"_s,
        u"-s"_s,
        u"--as"_s,
        u"--as-group"_s,
        u"--as-uid"_s,
        u"--token"_s,
        u"--request-timeout"_s,
        u"--cache-dir"_s,
        u"--certificate-authority"_s,
        u"--client-certificate"_s,
        u"--client-key"_s,
        u"--tls-server-name"_s,
        u"-v"_s,
        u"--v"_s,
        u"--vmodule"_s,
        u"--log-file"_s,
        u"--profile"_s,
        u"--profile-output"_s,
        u"--istioNamespace"_s,
        u"-i"_s,
        u"--revision"_s,
        u"-r"_s,
        u"-f"_s,
        u"--filename"_s,
        u"-o"_s,
        u"--output"_s,
        u"-l"_s,
        u"--selector"_s,
        u"-c"_s,
        u"--container"_s,
        u"--field-selector"_s,
        u"--timeout"_s,
        u"--tail"_s,
        u"--since"_s,
        u"--since-time"_s,
        u"--address"_s,
        u"--port"_s,
        u"-p"_s,
        u"--dry-run"_s,
        u"--replicas"_s,
        u"--field-manager"_s,
        u"--max-log-requests"_s,
        u"--set"_s,
        u"--manifests"_s,
        u"-d"_s,
        u"--failure-threshold"_s,
        u"--output-threshold"_s,
        u"--proxy-admin-port"_s,
    };
    return flags.contains(flag);
}

bool isDryRun(const QStringList& arguments)
{
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& a = arguments.at(i);
        if (a == u"--dry-run=client" || a == u"--dry-run=server" || a == u"--dry-run=true")
            return true;
        if (a == u"--dry-run") {
            // kubectl < 1.18 had a boolean --dry-run; later ones need a value.
            const QString next = arguments.value(i + 1);
            if (next.isEmpty() || next.startsWith(u'-') || next == u"client" || next == u"server")
                return true;
        }
    }
    return false;
}

bool kubectlMutates(const QStringList& words)
{
    static const QSet<QString> readOnly{
        u"get"_s,        u"describe"_s,      u"logs"_s,         u"log"_s,       u"top"_s,
        u"explain"_s,    u"api-resources"_s, u"api-versions"_s, u"version"_s,   u"cluster-info"_s,
        u"diff"_s,       u"port-forward"_s,  u"auth"_s,         u"wait"_s,      u"events"_s,
        u"completion"_s, u"options"_s,       u"help"_s,         u"kustomize"_s, u"plugin"_s,
        u"proxy"_s,
    };
    const QString verb = words.value(0);
    if (verb.isEmpty() || readOnly.contains(verb))
        return false;
    if (verb == u"rollout") {
        const QString sub = words.value(1);
        return !(sub == u"status" || sub == u"history");
    }
    if (verb == u"config") {
        // Reading the kubeconfig is harmless; writing it changes the user's own setup.
        static const QSet<QString> reads{u"view"_s, u"get-contexts"_s, u"current-context"_s,
                                         u"get-clusters"_s, u"get-users"_s};
        return !reads.contains(words.value(1));
    }
    return true;
}

bool istioctlMutates(const QStringList& words)
{
    static const QSet<QString> readOnly{
        u"version"_s, u"analyze"_s,        u"dashboard"_s,  u"d"_s,
        u"dash"_s,    u"proxy-config"_s,   u"pc"_s,         u"proxy-status"_s,
        u"ps"_s,      u"verify-install"_s, u"precheck"_s,   u"validate"_s,
        u"v"_s,       u"kube-inject"_s,    u"bug-report"_s, u"completion"_s,
        u"help"_s,
    };
    const QString verb = words.value(0);
    if (verb.isEmpty() || readOnly.contains(verb))
        return false;
    if (verb == u"manifest")
        return words.value(1) != u"generate" && words.value(1) != u"translate";
    return true;
}

}  // namespace

QStringList verbs(const QStringList& arguments)
{
    QStringList words;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& a = arguments.at(i);
        if (a == u"--")
            break;  // exec's command line: not kubectl's words
        if (a.startsWith(u'-')) {
            if (!a.contains(u'=') && takesValue(a))
                ++i;
            continue;
        }
        words << a;
    }
    return words;
}

QString contextOf(const QStringList& arguments)
{
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& a = arguments.at(i);
        if (a == u"--")
            break;
        if (a == u"--context")
            return arguments.value(i + 1);
        if (a.startsWith(u"--context="))
            return a.mid(10);
    }
    return {};
}

bool isMutating(const CommandSpec& spec)
{
    const QString program = QFileInfo(spec.program).fileName();
    const QStringList words = verbs(spec.arguments);
    if (program.startsWith(u"istioctl"))
        return istioctlMutates(words);
    if (isDryRun(spec.arguments))
        return false;
    // kubectl, or a renamed/wrapped kubectl (kubectl-1.32, oc): judge it the same way.
    return kubectlMutates(words);
}

MutationDecision check(const CommandSpec& spec, const MutationPolicy& policy)
{
    if (!isMutating(spec))
        return {};
    const QString own = contextOf(spec.arguments);
    const QString context = own.isEmpty() ? policy.context : own;
    const QString action =
        QFileInfo(spec.program).fileName() + u' ' + verbs(spec.arguments).mid(0, 2).join(u' ');
    if (policy.readOnly) {
        return {MutationDecision::Refused,
                u"Read-only mode is on, so ObsLab does not run `%1`, which would change "
                "context %2. Turn read-only mode off (toolbar) to run it."_s.arg(
                    action, context.isEmpty() ? u"(current)"_s : context)};
    }
    // A command aimed at another context than ours: its server is unknown here, so only its
    // name can make it look local.
    const QString server = own.isEmpty() || own == policy.context ? policy.server : QString();
    if (KubeContext::looksLocal(context, server))
        return {};
    return {MutationDecision::NeedsConfirmation,
            u"Context %1 (%2) does not look like a local test cluster. `%3` will change it. "
            "Run it?"_s.arg(context.isEmpty() ? u"(current)"_s : context,
                            server.isEmpty() ? u"server unknown"_s : server, action)};
}

}  // namespace obslab::MutationGuard
