#include "core/kube/Istioctl.h"

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab::Istioctl {

namespace {

CommandSpec make(const IstioTarget& target, QStringList arguments, const QString& title)
{
    if (!target.kubeconfig.isEmpty())
        arguments << u"--kubeconfig"_s << target.kubeconfig;
    if (!target.context.isEmpty())
        arguments << u"--context"_s << target.context;
    CommandSpec spec;
    spec.program = target.istioctl;
    spec.arguments = arguments;
    spec.title = title;
    spec.timeout = 60s;
    return spec;
}

}  // namespace

CommandSpec install(const IstioTarget& target, const QByteArray& istioOperator)
{
    CommandSpec spec = make(target, {u"install"_s, u"-f"_s, u"-"_s, u"-y"_s},
                            u"Install Istio with this configuration"_s);
    spec.stdinData = istioOperator;
    // istioctl waits for every component to be ready (its own default wait is 5 minutes).
    spec.timeout = 10min;
    return spec;
}

CommandSpec installFile(const IstioTarget& target, const QString& file)
{
    CommandSpec spec =
        make(target, {u"install"_s, u"-f"_s, file, u"-y"_s}, u"Install Istio with %1"_s.arg(file));
    spec.timeout = 10min;
    return spec;
}

CommandSpec version(const IstioTarget& target, bool remote)
{
    // --remote=false never contacts the cluster; the kubeconfig flags are still passed so that
    // an istioctl wrapper (or the simulated one) finds the same cluster as every other command.
    if (!remote)
        return make(target, {u"version"_s, u"--remote=false"_s}, u"Read istioctl's version"_s);
    CommandSpec spec = make(target, {u"version"_s, u"-i"_s, target.istioNamespace},
                            u"Read the Istio versions of istioctl and the cluster"_s);
    spec.timeout = 30s;
    return spec;
}

CommandSpec analyze(const IstioTarget& target, const QString& ns, bool allNamespaces)
{
    QStringList arguments{u"analyze"_s};
    if (allNamespaces)
        arguments << u"-A"_s;
    else
        arguments << u"-n"_s << ns;
    CommandSpec spec =
        make(target, arguments,
             allNamespaces ? u"Look for Istio configuration problems everywhere"_s
                           : u"Look for Istio configuration problems in %1"_s.arg(ns));
    spec.timeout = 120s;
    return spec;
}

CommandSpec dashboardJaeger(const IstioTarget& target, int port)
{
    QStringList arguments{u"dashboard"_s, u"jaeger"_s, u"--browser=false"_s, u"-n"_s,
                          target.istioNamespace};
    if (port > 0)
        arguments << u"--port"_s << QString::number(port);
    CommandSpec spec = make(target, arguments, u"Open a tunnel to the Jaeger UI"_s);
    spec.timeout = 0ms;
    return spec;
}

CommandSpec proxyConfigBootstrap(const IstioTarget& target, const QString& pod, const QString& ns)
{
    return make(target,
                {u"proxy-config"_s, u"bootstrap"_s, u"%1.%2"_s.arg(pod, ns), u"-o"_s, u"json"_s},
                u"Read the Envoy bootstrap of %1's sidecar"_s.arg(pod));
}

}  // namespace obslab::Istioctl
