#include "core/kube/Kubectl.h"

#include "core/kube/KubeContext.h"

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab::Kubectl {

namespace {

QStringList targetFlags(const KubeTarget& target, bool namespaced, bool allNamespaces = false)
{
    QStringList flags;
    if (!target.kubeconfig.isEmpty())
        flags << u"--kubeconfig"_s << target.kubeconfig;
    if (!target.context.isEmpty())
        flags << u"--context"_s << target.context;
    if (allNamespaces)
        flags << u"-A"_s;
    else if (namespaced && !target.ns.isEmpty())
        flags << u"-n"_s << target.ns;
    return flags;
}

CommandSpec make(const KubeTarget& target, const QStringList& verb, const QStringList& rest,
                 const QString& title, bool namespaced = true, bool allNamespaces = false)
{
    CommandSpec spec;
    spec.program = target.kubectl;
    spec.arguments = verb + targetFlags(target, namespaced, allNamespaces) + rest;
    spec.title = title;
    return spec;
}

QString dryRunFlag(DryRun dryRun)
{
    switch (dryRun) {
    case DryRun::None:
        return {};
    case DryRun::Client:
        return u"--dry-run=client"_s;
    case DryRun::Server:
        return u"--dry-run=server"_s;
    }
    return {};
}

QString where(const KubeTarget& target)
{
    return target.ns.isEmpty() ? QString() : u" in namespace %1"_s.arg(target.ns);
}

}  // namespace

CommandSpec apply(const KubeTarget& target, const QByteArray& manifest, ApplyOptions options)
{
    QStringList rest{u"-f"_s, u"-"_s};
    if (options.serverSide)
        rest << u"--server-side"_s;
    if (options.dryRun != DryRun::None)
        rest << dryRunFlag(options.dryRun);
    const QString title =
        options.dryRun == DryRun::None
            ? u"Apply the manifest%1"_s.arg(where(target))
            : u"Check the manifest against the cluster (dry run)%1"_s.arg(where(target));
    CommandSpec spec = make(target, {u"apply"_s}, rest, title);
    spec.stdinData = manifest;
    spec.timeout = 120s;
    return spec;
}

CommandSpec diff(const KubeTarget& target, const QByteArray& manifest)
{
    CommandSpec spec = make(target, {u"diff"_s}, {u"-f"_s, u"-"_s},
                            u"Show what applying the manifest would change%1"_s.arg(where(target)));
    spec.stdinData = manifest;
    spec.timeout = 120s;
    return spec;
}

CommandSpec deleteManifest(const KubeTarget& target, const QByteArray& manifest,
                           bool ignoreNotFound)
{
    QStringList rest{u"-f"_s, u"-"_s};
    if (ignoreNotFound)
        rest << u"--ignore-not-found"_s;
    CommandSpec spec = make(target, {u"delete"_s}, rest,
                            u"Delete what the manifest created%1"_s.arg(where(target)));
    spec.stdinData = manifest;
    // Deleting waits for finalizers (a namespace can take a while).
    spec.timeout = 180s;
    return spec;
}

CommandSpec get(const KubeTarget& target, const QString& resource, GetOptions options)
{
    QStringList verb{u"get"_s, resource};
    if (!options.name.isEmpty())
        verb << options.name;
    QStringList rest;
    if (options.name.isEmpty() && !options.selector.isEmpty())
        rest << u"-l"_s << options.selector;
    rest << u"-o"_s << u"json"_s;
    const QString what = options.name.isEmpty() ? resource : resource + u'/' + options.name;
    CommandSpec spec = make(target, verb, rest,
                            options.allNamespaces ? u"Read %1 in all namespaces"_s.arg(what)
                                                  : u"Read %1%2"_s.arg(what, where(target)),
                            true, options.allNamespaces);
    spec.timeout = 30s;
    return spec;
}

CommandSpec watch(const KubeTarget& target, const QString& resource, const QString& selector)
{
    QStringList rest;
    if (!selector.isEmpty())
        rest << u"-l"_s << selector;
    rest << u"-w"_s << u"-o"_s << u"json"_s << u"--output-watch-events"_s;
    CommandSpec spec =
        make(target, {u"get"_s, resource}, rest, u"Watch %1%2"_s.arg(resource, where(target)));
    spec.timeout = 0ms;
    return spec;
}

CommandSpec rolloutRestart(const KubeTarget& target, const QStringList& deployments)
{
    QStringList verb{u"rollout"_s, u"restart"_s};
    for (const QString& name : deployments)
        verb << (name.contains(u'/') ? name : u"deployment/"_s + name);
    CommandSpec spec =
        make(target, verb, {}, u"Restart %1%2"_s.arg(deployments.join(u", "_s), where(target)));
    spec.timeout = 60s;
    return spec;
}

CommandSpec rolloutStatus(const KubeTarget& target, const QString& deployment,
                          std::chrono::seconds timeout)
{
    const QString object = deployment.contains(u'/') ? deployment : u"deployment/"_s + deployment;
    CommandSpec spec =
        make(target, {u"rollout"_s, u"status"_s, object}, {u"--timeout=%1s"_s.arg(timeout.count())},
             u"Wait until %1 has rolled out%2"_s.arg(object, where(target)));
    spec.timeout = timeout + 15s;
    return spec;
}

CommandSpec logs(const KubeTarget& target, const LogsOptions& options)
{
    QStringList verb{u"logs"_s};
    QStringList rest;
    if (!options.pod.isEmpty())
        verb << options.pod;
    else
        rest << u"-l"_s << options.selector;
    if (options.allContainers)
        rest << u"--all-containers"_s;
    else if (!options.container.isEmpty())
        rest << u"-c"_s << options.container;
    if (options.follow)
        rest << u"-f"_s;
    if (options.timestamps)
        rest << u"--timestamps"_s;
    if (options.prefix)
        rest << u"--prefix"_s;
    if (options.tail)
        rest << u"--tail=%1"_s.arg(*options.tail);
    if (!options.sinceTime.isEmpty())
        rest << u"--since-time=%1"_s.arg(options.sinceTime);
    else if (!options.since.isEmpty())
        rest << u"--since=%1"_s.arg(options.since);
    if (options.maxLogRequests)
        rest << u"--max-log-requests=%1"_s.arg(*options.maxLogRequests);
    const QString source = options.pod.isEmpty() ? u"pods with %1"_s.arg(options.selector)
                                                 : u"pod %1"_s.arg(options.pod);
    CommandSpec spec =
        make(target, verb, rest,
             (options.follow ? u"Follow the logs of %1%2"_s : u"Read the logs of %1%2"_s)
                 .arg(source, where(target)));
    spec.timeout = options.follow ? 0ms : 60s;
    return spec;
}

CommandSpec portForward(const KubeTarget& target, const QString& resource, int localPort,
                        int remotePort)
{
    CommandSpec spec =
        make(target, {u"port-forward"_s, resource},
             {u"%1:%2"_s.arg(localPort).arg(remotePort), u"--address"_s, u"127.0.0.1"_s},
             u"Forward local port %1 to %2 port %3%4"_s.arg(
                 localPort == 0 ? u"(any)"_s : QString::number(localPort), resource,
                 QString::number(remotePort), where(target)));
    spec.timeout = 0ms;
    return spec;
}

CommandSpec exec(const KubeTarget& target, const QString& pod, const QString& container,
                 const QStringList& argv, const QByteArray& stdinData)
{
    QStringList rest;
    if (!container.isEmpty())
        rest << u"-c"_s << container;
    if (!stdinData.isEmpty())
        rest << u"-i"_s;
    rest << u"--"_s << argv;
    CommandSpec spec = make(target, {u"exec"_s, pod}, rest,
                            u"Run %1 in pod %2%3"_s.arg(argv.value(0), pod, where(target)));
    spec.stdinData = stdinData;
    spec.timeout = 60s;
    return spec;
}

CommandSpec label(const KubeTarget& target, const QString& resource, const QString& name,
                  const QMap<QString, QString>& labels, bool overwrite)
{
    QStringList rest;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        rest << (it.value().isNull() ? QString(it.key() + u'-')
                                     : QString(it.key() + u'=' + it.value()));
    if (overwrite)
        rest << u"--overwrite"_s;
    // Namespaces and nodes are cluster-scoped: -n would be ignored, so it is left out.
    const bool namespaced = resource != u"namespace" && resource != u"namespaces" &&
                            resource != u"ns" && resource != u"node" && resource != u"nodes";
    CommandSpec spec = make(target, {u"label"_s, resource, name}, rest,
                            u"Label %1 %2"_s.arg(resource, name), namespaced);
    spec.timeout = 30s;
    return spec;
}

CommandSpec version(const KubeTarget& target)
{
    return withKubeconfig(KubeContext::versionCommand(target.kubectl, target.context), target);
}

CommandSpec contexts(const KubeTarget& target)
{
    // --context would be meaningless here: only the kubeconfig matters.
    KubeTarget configOnly = target;
    configOnly.context.clear();
    CommandSpec spec = make(configOnly, {u"config"_s, u"get-contexts"_s}, {u"-o"_s, u"name"_s},
                            u"List the kube contexts"_s, false);
    spec.timeout = 15s;
    return spec;
}

CommandSpec withKubeconfig(CommandSpec spec, const KubeTarget& target)
{
    if (!target.kubeconfig.isEmpty() && !spec.arguments.contains(u"--kubeconfig"_s))
        spec.arguments << u"--kubeconfig"_s << target.kubeconfig;
    return spec;
}

}  // namespace obslab::Kubectl
