#include "core/doctor/CheckGroups.h"

#include "core/doctor/DoctorEvaluation.h"
#include "core/kube/ClusterGuidance.h"
#include "core/kube/KubeContext.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab::DoctorChecks {

using Severity = DoctorFinding::Severity;

void clusterChecks(DoctorEvaluation& e)
{
    const DoctorSnapshot& s = e.snapshot();
    const QString where =
        u"context %1, server %2"_s.arg(s.context.isEmpty() ? u"(kubectl's current)"_s : s.context,
                                       s.server.isEmpty() ? u"unknown"_s : s.server);
    if (!s.kubectlFound) {
        DoctorFinding& f =
            e.add(u"cluster.reachable"_s, Severity::Fail,
                  u"kubectl was not found, so nothing could be checked."_s, s.kubectlError);
        f.fixCommand = u"# Install kubectl: https://kubernetes.io/docs/tasks/tools/#kubectl"_s;
        return;
    }
    if (!s.reachable && s.noContext) {
        // Not kubectl's "localhost:8080 refused": there is no cluster to ask.
        DoctorFinding& f = e.add(
            u"cluster.reachable"_s, Severity::Fail, ClusterGuidance::noContextSentence(),
            u"kubectl config current-context: no current context\nkubectl: "_s + s.target.kubectl);
        f.fixCommand = u"kubectl config get-contexts\nkubectl config use-context NAME\n"
                       "# or create a local cluster: kind create cluster"_s;
        return;
    }
    if (!s.reachable) {
        DoctorFinding& f =
            e.add(u"cluster.reachable"_s, Severity::Fail,
                  u"The cluster does not answer: %1"_s.arg(s.unreachableReason.isEmpty()
                                                               ? u"kubectl got no server version"_s
                                                               : s.unreachableReason),
                  where + u"\nkubectl: "_s + s.target.kubectl);
        f.fixCommand = u"kubectl config get-contexts\nkubectl cluster-info"_s +
                       (s.context.isEmpty() ? QString() : u" --context "_s + s.context);
        return;
    }
    e.add(u"cluster.reachable"_s, Severity::Pass,
          u"The cluster answers (server %1)."_s.arg(s.versions.server.gitVersion), where);

    QString evidence = u"context: %1\nnamespace: %2\nserver: %3"_s.arg(
        s.context.isEmpty() ? u"(kubectl's current)"_s : s.context, s.target.ns,
        s.server.isEmpty() ? u"unknown"_s : s.server);
    if (!s.namespaces.has()) {
        e.add(u"cluster.context"_s, Severity::Skipped,
              u"Could not list namespaces: "_s + s.namespaces.error, evidence);
    } else {
        bool found = false;
        for (const KubeObject& o : *s.namespaces.value)
            found = found || o.name == s.target.ns;
        if (found) {
            e.add(u"cluster.context"_s, Severity::Pass,
                  u"Checking namespace %1 in context %2."_s.arg(s.target.ns, s.context), evidence);
        } else {
            DoctorFinding& f =
                e.add(u"cluster.context"_s, Severity::Fail,
                      u"Namespace %1 does not exist in this cluster."_s.arg(s.target.ns), evidence);
            f.fixCommand = u"kubectl get namespaces   # then pick one with --namespace"_s;
        }
    }

    const QString skew = KubeContext::versionSkewWarning(s.versions);
    const QString versions =
        u"kubectl %1, server %2"_s.arg(s.versions.client.gitVersion, s.versions.server.gitVersion);
    if (skew.isEmpty()) {
        e.add(u"cluster.version-skew"_s, Severity::Pass, u"Within one minor version: "_s + versions,
              versions);
    } else {
        DoctorFinding& f = e.add(u"cluster.version-skew"_s, Severity::Warn, skew, versions);
        f.fixCommand = u"# Get a kubectl within one minor version of the server: "
                       "https://kubernetes.io/docs/tasks/tools/#kubectl"_s;
    }
}

}  // namespace obslab::DoctorChecks
