#include "core/lab/CommandPolicyTable.h"

#include <QHash>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace obslab::CommandPolicy::table {

namespace {

Flag b(const QString& name, QChar s = {})
{
    return {name, s, Value::Bool, {}, 0, 0, false};
}
Flag v(const QString& name, Value value, QChar s = {})
{
    return {name, s, value, {}, 0, 0, false};
}
Flag e(const QString& name, const QStringList& values, QChar s = {}, bool optional = false)
{
    return {name, s, Value::Enum, values, 0, 0, optional};
}
Flag i(const QString& name, int min, int max, QChar s = {})
{
    return {name, s, Value::Int, {}, min, max, false};
}
Flag out(const QStringList& formats)
{
    return {u"output"_s, u'o', Value::Output, formats, 0, 0, false};
}

const QStringList kTableFormats = {u"wide"_s,          u"name"_s,     u"yaml"_s,
                                   u"json"_s,          u"jsonpath"_s, u"jsonpath-as-json"_s,
                                   u"custom-columns"_s};
const QStringList kDataFormats = {u"yaml"_s, u"json"_s, u"name"_s};
const Flag kSelector = v(u"selector"_s, Value::Selector, u'l');
const Flag kAllNs = b(u"all-namespaces"_s, u'A');
const Flag kDryRun = e(u"dry-run"_s, {u"none"_s, u"client"_s, u"server"_s}, {}, true);
const Flag kLabFile = v(u"filename"_s, Value::LabFile, u'f');
const Flag kIstioNs = v(u"namespace"_s, Value::Namespace, u'n');

QList<Subcommand> build()
{
    using T = Tool;
    QList<Subcommand> s;
    // kubectl: reading
    s.append({T::Kubectl,
              {u"get"_s},
              Args::Resources,
              Effect::Read,
              {out(kTableFormats), kSelector, v(u"field-selector"_s, Value::FieldSelector), kAllNs,
               b(u"show-labels"_s), b(u"no-headers"_s), v(u"sort-by"_s, Value::Text),
               v(u"label-columns"_s, Value::Text, u'L'), b(u"ignore-not-found"_s),
               i(u"chunk-size"_s, 0, 10000), b(u"show-kind"_s)},
              u"Secrets only as a table or names"_s});
    s.append({T::Kubectl,
              {u"describe"_s},
              Args::Resources,
              Effect::Read,
              {kSelector, kAllNs, e(u"show-events"_s, {u"true"_s, u"false"_s}, {}, true)},
              {}});
    s.append({T::Kubectl,
              {u"logs"_s},
              Args::Logs,
              Effect::Read,
              {v(u"container"_s, Value::Name, u'c'), kSelector, b(u"all-containers"_s),
               i(u"tail"_s, -1, 100000), v(u"since"_s, Value::Duration),
               v(u"since-time"_s, Value::Time), b(u"timestamps"_s), b(u"prefix"_s),
               b(u"previous"_s, u'p'), i(u"max-log-requests"_s, 1, 50),
               i(u"limit-bytes"_s, 1, 100 * 1024 * 1024), b(u"ignore-errors"_s)},
              u"no -f (use the followLogs action)"_s});
    s.append(
        {T::Kubectl,
         {u"top"_s, u"pod"_s},
         Args::Top,
         Effect::Read,
         {kSelector, kAllNs, b(u"containers"_s), b(u"no-headers"_s), v(u"sort-by"_s, Value::Text)},
         {}});
    s.append({T::Kubectl,
              {u"top"_s, u"node"_s},
              Args::Top,
              Effect::Read,
              {kSelector, b(u"no-headers"_s)},
              {}});
    s.append({T::Kubectl,
              {u"explain"_s},
              Args::Explain,
              Effect::Read,
              {b(u"recursive"_s), v(u"api-version"_s, Value::Text)},
              {}});
    s.append(
        {T::Kubectl,
         {u"api-resources"_s},
         Args::None,
         Effect::Read,
         {e(u"namespaced"_s, {u"true"_s, u"false"_s}, {}, true), v(u"api-group"_s, Value::Text),
          v(u"verbs"_s, Value::Text), e(u"output"_s, {u"wide"_s, u"name"_s}, u'o'),
          b(u"no-headers"_s), e(u"sort-by"_s, {u"name"_s, u"kind"_s})},
         {}});
    s.append({T::Kubectl, {u"api-versions"_s}, Args::None, Effect::Read, {}, {}});
    s.append({T::Kubectl,
              {u"version"_s},
              Args::None,
              Effect::Read,
              {b(u"client"_s), e(u"output"_s, kDataFormats, u'o')},
              {}});
    s.append({T::Kubectl,
              {u"events"_s},
              Args::None,
              Effect::Read,
              {kAllNs, v(u"for"_s, Value::Text),
               e(u"types"_s, {u"Normal"_s, u"Warning"_s, u"Normal,Warning"_s, u"Warning,Normal"_s}),
               out(kTableFormats), b(u"no-headers"_s)},
              u"no --watch"_s});
    s.append({T::Kubectl, {u"cluster-info"_s}, Args::None, Effect::Read, {}, u"not 'dump'"_s});
    s.append({T::Kubectl, {u"auth"_s, u"can-i"_s}, Args::CanI, Effect::Read, {kAllNs}, {}});
    s.append({T::Kubectl,
              {u"wait"_s},
              Args::Resources,
              Effect::Read,
              {v(u"for"_s, Value::WaitFor), v(u"timeout"_s, Value::Duration), kSelector,
               b(u"all"_s), v(u"field-selector"_s, Value::FieldSelector)},
              {}});
    s.append({T::Kubectl,
              {u"rollout"_s, u"status"_s},
              Args::Resources,
              Effect::Read,
              {v(u"timeout"_s, Value::Duration), e(u"watch"_s, {u"true"_s, u"false"_s}, u'w', true),
               i(u"revision"_s, 0, 100000), kSelector},
              {}});
    s.append({T::Kubectl,
              {u"rollout"_s, u"history"_s},
              Args::Resources,
              Effect::Read,
              {i(u"revision"_s, 0, 100000), kSelector},
              {}});
    // kubectl: changing, in the lab's namespaces only
    s.append({T::Kubectl,
              {u"rollout"_s, u"restart"_s},
              Args::Resources,
              Effect::Change,
              {kSelector},
              {}});
    s.append(
        {T::Kubectl,
         {u"apply"_s},
         Args::None,
         Effect::Change,
         {kLabFile, kDryRun, b(u"server-side"_s), b(u"force-conflicts"_s),
          e(u"validate"_s, {u"strict"_s, u"warn"_s, u"ignore"_s, u"true"_s, u"false"_s}, {}, true),
          b(u"wait"_s), v(u"timeout"_s, Value::Duration)},
         u"-f a file beside the lab"_s});
    s.append({T::Kubectl,
              {u"delete"_s},
              Args::Resources,
              Effect::Delete,
              {kLabFile, kSelector, b(u"ignore-not-found"_s), b(u"wait"_s),
               v(u"timeout"_s, Value::Duration), i(u"grace-period"_s, -1, 3600), kDryRun,
               e(u"cascade"_s, {u"background"_s, u"foreground"_s, u"orphan"_s}, {}, true)},
              u"no --all, -A, cluster-scoped kinds"_s});
    s.append({T::Kubectl,
              {u"label"_s},
              Args::Labels,
              Effect::Change,
              {b(u"overwrite"_s), kSelector, kDryRun, i(u"resource-version"_s, 0, 2147483647)},
              {}});
    s.append({T::Kubectl,
              {u"annotate"_s},
              Args::Labels,
              Effect::Change,
              {b(u"overwrite"_s), kSelector, kDryRun},
              {}});
    s.append({T::Kubectl,
              {u"scale"_s},
              Args::Resources,
              Effect::Change,
              {i(u"replicas"_s, 0, 100), i(u"current-replicas"_s, -1, 100),
               v(u"timeout"_s, Value::Duration), kSelector},
              u"never istiod"_s});
    s.append({T::Kubectl,
              {u"patch"_s},
              Args::Resources,
              Effect::Change,
              {v(u"patch"_s, Value::Text, u'p'),
               e(u"type"_s, {u"strategic"_s, u"merge"_s, u"json"_s}), kDryRun},
              u"inline -p only"_s});
    s.append(
        {T::Kubectl, {u"create"_s, u"namespace"_s}, Args::NewName, Effect::Change, {kDryRun}, {}});
    s.append({T::Kubectl, {u"create"_s, u"ns"_s}, Args::NewName, Effect::Change, {kDryRun}, {}});

    // istioctl
    s.append({T::Istioctl,
              {u"version"_s},
              Args::None,
              Effect::Read,
              {b(u"remote"_s), b(u"short"_s, u's'), e(u"output"_s, kDataFormats, u'o')},
              {}});
    s.append({T::Istioctl,
              {u"install"_s},
              Args::None,
              Effect::Change,
              {kLabFile, b(u"skip-confirmation"_s, u'y'), v(u"set"_s, Value::IstioSet, u's'),
               v(u"revision"_s, Value::Name, u'r'), v(u"readiness-timeout"_s, Value::Duration),
               b(u"verify"_s), b(u"dry-run"_s)},
              u"-f a file beside the lab; --set without paths"_s});
    s.append({T::Istioctl,
              {u"analyze"_s},
              Args::None,
              Effect::Read,
              {kIstioNs, kAllNs, e(u"output"_s, {u"log"_s, u"json"_s, u"yaml"_s}, u'o'),
               e(u"failure-threshold"_s, {u"Info"_s, u"Warning"_s, u"Error"_s}),
               e(u"output-threshold"_s, {u"Info"_s, u"Warning"_s, u"Error"_s}),
               b(u"list-analyzers"_s, u'L'), b(u"verbose"_s), b(u"color"_s),
               v(u"timeout"_s, Value::Duration)},
              u"the cluster only: no file or folder"_s});
    for (const QString& name : {u"proxy-status"_s, u"ps"_s})
        s.append({T::Istioctl,
                  {name},
                  Args::ProxyTarget,
                  Effect::Read,
                  {kIstioNs, v(u"revision"_s, Value::Name, u'r')},
                  {}});
    const QList<Flag> pcFlags = {kIstioNs,
                                 e(u"output"_s, {u"short"_s, u"json"_s, u"yaml"_s}, u'o'),
                                 v(u"fqdn"_s, Value::Text),
                                 i(u"port"_s, 0, 65535),
                                 e(u"direction"_s, {u"inbound"_s, u"outbound"_s}),
                                 v(u"subset"_s, Value::Name),
                                 v(u"name"_s, Value::Text),
                                 v(u"address"_s, Value::Text),
                                 v(u"cluster"_s, Value::Text),
                                 v(u"status"_s, Value::Text)};
    for (const QString& pc : {u"proxy-config"_s, u"pc"_s})
        for (const QString& what :
             {u"cluster"_s, u"clusters"_s, u"listener"_s, u"listeners"_s, u"route"_s, u"routes"_s,
              u"endpoint"_s, u"endpoints"_s, u"bootstrap"_s, u"all"_s})
            s.append({T::Istioctl,
                      {pc, what},
                      Args::ProxyTarget,
                      Effect::Read,
                      pcFlags,
                      u"no --file"_s});
    s.append({T::Istioctl,
              {u"x"_s, u"precheck"_s},
              Args::None,
              Effect::Read,
              {kIstioNs, v(u"revision"_s, Value::Name, u'r')},
              {}});
    s.append({T::Istioctl,
              {u"experimental"_s, u"precheck"_s},
              Args::None,
              Effect::Read,
              {kIstioNs, v(u"revision"_s, Value::Name, u'r')},
              {}});
    return s;
}

}  // namespace

const QList<Subcommand>& subcommands()
{
    static const QList<Subcommand> all = build();
    return all;
}

const QList<Flag>& globalFlags(Tool tool)
{
    // ObsLab itself adds --kubeconfig/--context (and -n for kubectl); a lab may choose the
    // namespace, a request timeout and a log level that prints no response bodies.
    static const QList<Flag> kubectl = {v(u"namespace"_s, Value::Namespace, u'n'),
                                        v(u"request-timeout"_s, Value::Duration),
                                        i(u"v"_s, 0, 5, u'v')};
    static const QList<Flag> istioctl = {};
    return tool == Tool::Kubectl ? kubectl : istioctl;
}

namespace {

struct Kinds
{
    QHash<QString, QString> canonical;  // every spelling → plural
    QSet<QString> changeable;
    QSet<QString> cluster;
};

const Kinds& kinds()
{
    static const Kinds k = [] {
        Kinds out;
        // plural, singular, short names…
        const QList<QStringList> namespaced = {
            {u"pods"_s, u"pod"_s, u"po"_s},
            {u"services"_s, u"service"_s, u"svc"_s},
            {u"deployments"_s, u"deployment"_s, u"deploy"_s},
            {u"replicasets"_s, u"replicaset"_s, u"rs"_s},
            {u"statefulsets"_s, u"statefulset"_s, u"sts"_s},
            {u"daemonsets"_s, u"daemonset"_s, u"ds"_s},
            {u"jobs"_s, u"job"_s},
            {u"cronjobs"_s, u"cronjob"_s, u"cj"_s},
            {u"configmaps"_s, u"configmap"_s, u"cm"_s},
            {u"serviceaccounts"_s, u"serviceaccount"_s, u"sa"_s},
            {u"endpoints"_s, u"ep"_s},
            {u"ingresses"_s, u"ingress"_s, u"ing"_s},
            {u"networkpolicies"_s, u"networkpolicy"_s, u"netpol"_s},
            {u"horizontalpodautoscalers"_s, u"horizontalpodautoscaler"_s, u"hpa"_s},
            {u"poddisruptionbudgets"_s, u"poddisruptionbudget"_s, u"pdb"_s},
            {u"roles"_s, u"role"_s},
            {u"rolebindings"_s, u"rolebinding"_s},
            {u"virtualservices"_s, u"virtualservice"_s, u"vs"_s},
            {u"destinationrules"_s, u"destinationrule"_s, u"dr"_s},
            {u"gateways"_s, u"gateway"_s, u"gw"_s},
            {u"serviceentries"_s, u"serviceentry"_s, u"se"_s},
            {u"sidecars"_s, u"sidecar"_s},
            {u"telemetries"_s, u"telemetry"_s},
            {u"peerauthentications"_s, u"peerauthentication"_s, u"pa"_s},
            {u"requestauthentications"_s, u"requestauthentication"_s, u"ra"_s},
            {u"authorizationpolicies"_s, u"authorizationpolicy"_s, u"ap"_s},
            {u"envoyfilters"_s, u"envoyfilter"_s},
            {u"workloadentries"_s, u"workloadentry"_s, u"we"_s},
            {u"httproutes"_s, u"httproute"_s},
            {u"events"_s, u"event"_s, u"ev"_s},
            {u"secrets"_s, u"secret"_s},
        };
        const QList<QStringList> cluster = {
            {u"namespaces"_s, u"namespace"_s, u"ns"_s},
            {u"nodes"_s, u"node"_s, u"no"_s},
            {u"persistentvolumes"_s, u"persistentvolume"_s, u"pv"_s},
            {u"clusterroles"_s, u"clusterrole"_s},
            {u"clusterrolebindings"_s, u"clusterrolebinding"_s},
            {u"customresourcedefinitions"_s, u"customresourcedefinition"_s, u"crd"_s, u"crds"_s},
            {u"storageclasses"_s, u"storageclass"_s, u"sc"_s},
            {u"priorityclasses"_s, u"priorityclass"_s},
            {u"mutatingwebhookconfigurations"_s, u"mutatingwebhookconfiguration"_s},
            {u"validatingwebhookconfigurations"_s, u"validatingwebhookconfiguration"_s},
            {u"apiservices"_s, u"apiservice"_s},
            {u"certificatesigningrequests"_s, u"certificatesigningrequest"_s, u"csr"_s},
            {u"ingressclasses"_s, u"ingressclass"_s},
            {u"runtimeclasses"_s, u"runtimeclass"_s},
        };
        for (const QStringList& names : namespaced)
            for (const QString& n : names) {
                out.canonical.insert(n, names.first());
                if (names.first() != u"events")
                    out.changeable.insert(names.first());
            }
        for (const QStringList& names : cluster)
            for (const QString& n : names) {
                out.canonical.insert(n, names.first());
                out.cluster.insert(names.first());
            }
        return out;
    }();
    return k;
}

}  // namespace

QString canonicalType(const QString& type)
{
    // kubectl accepts Kind, kind.group and kind.version.group: compare the first word.
    const QString first = type.section(u'.', 0, 0).toLower();
    return kinds().canonical.value(first, first);
}

bool isChangeableNamespacedType(const QString& type)
{
    return kinds().changeable.contains(canonicalType(type));
}

bool isClusterScopedType(const QString& type)
{
    return kinds().cluster.contains(canonicalType(type));
}

}  // namespace obslab::CommandPolicy::table
