#include "core/kube/ClusterGuidance.h"

#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace obslab::ClusterGuidance {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("ClusterGuidance", text);
}
}  // namespace

QString installKubectlUrl()
{
    return u"https://kubernetes.io/docs/tasks/tools/"_s;
}

QString kubectlMissingShort()
{
    return tr("<b>kubectl not found.</b> ObsLab runs kubectl for you; install one that matches "
              "your cluster's version (<a href=\"%1\">how to get kubectl</a>) or set its path in "
              "Settings. Saved logs open without it.")
        .arg(installKubectlUrl());
}

QString kubectlMissingLong(const ClusterStatus& status)
{
    QString text = tr("ObsLab runs <code>kubectl</code> for you, but found no usable one.");
    if (!status.kubectlMessage.isEmpty())
        text += u" "_s + status.kubectlMessage.toHtmlEscaped();
    text += u"<br><br>"_s;
    text += tr("Install a kubectl within one minor version of your cluster from <a href=\"%1\">"
               "kubernetes.io/docs/tasks/tools</a>. Distribution packages are often too old: "
               "Debian 12's <code>kubernetes-client</code> is 1.20, older than any cluster "
               "ObsLab supports (1.27 and newer).")
                .arg(installKubectlUrl());
    return text;
}

QString noClusterShort(const ClusterStatus& status)
{
    if (status.state == ClusterStatus::State::NoContext)
        return tr("<b>No Kubernetes context.</b> Start a local cluster (kind, minikube, k3d) or "
                  "choose one with <code>kubectl config use-context</code>. Meanwhile, explore "
                  "a sample istio-proxy log.");
    return tr("<b>Cluster <i>%1</i> is not reachable.</b> Start it, or check your VPN and "
              "credentials. Meanwhile, explore a sample istio-proxy log.")
        .arg(status.context.toHtmlEscaped());
}

QString noContextSentence()
{
    return tr("No Kubernetes context: the kubeconfig names no current context, so there is no "
              "cluster to ask. Start a local cluster (kind, minikube, k3d) or choose one with "
              "`kubectl config use-context NAME`.");
}

QString noClusterLong(const ClusterStatus& status)
{
    QString text;
    if (status.state == ClusterStatus::State::NoContext) {
        text = tr("kubectl has no current context, so there is no cluster to run the lab on. "
                  "Create a local one, for example <code>kind create cluster</code> or "
                  "<code>minikube start</code>, or select an existing one with "
                  "<code>kubectl config use-context NAME</code>, then check again.");
    } else {
        text = tr("The API server of <b>%1</b>%2 did not answer. Start the cluster, or check "
                  "your network, VPN and credentials, then check again.")
                   .arg(status.context.toHtmlEscaped(),
                        status.server.isEmpty()
                            ? QString()
                            : tr(" at <code>%1</code>").arg(status.server.toHtmlEscaped()));
    }
    if (!status.error.isEmpty())
        text += u"<br><br><span style=\"font-family: monospace\">%1</span>"_s.arg(
            status.error.toHtmlEscaped());
    text += u"<br><br>"_s +
            tr("You can still browse saved logs: the bundled sample shows what an istio-proxy "
               "access log looks like.");
    return text;
}

}  // namespace obslab::ClusterGuidance
