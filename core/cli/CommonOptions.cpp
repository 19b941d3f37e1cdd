#include "core/cli/CommonOptions.h"

#include "core/cli/OptionParser.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli::CommonOptions {

QCommandLineOption context()
{
    return {u"context"_s, u"kube context (default: kubectl's current one)"_s, u"NAME"_s};
}

QCommandLineOption kubeconfig()
{
    return {u"kubeconfig"_s, u"kubeconfig file (default: kubectl's)"_s, u"FILE"_s};
}

QCommandLineOption kubectl()
{
    return {u"kubectl"_s, u"the kubectl to run (default: kubectl on PATH)"_s, u"PATH"_s};
}

QCommandLineOption istioctl()
{
    return {u"istioctl"_s, u"the istioctl to run (default: istioctl on PATH)"_s, u"PATH"_s};
}

QCommandLineOption ns()
{
    return {{u"n"_s, u"namespace"_s}, u"namespace (default: default)"_s, u"NS"_s};
}

QCommandLineOption output()
{
    return {{u"o"_s, u"output"_s}, u"output format"_s, u"FORMAT"_s};
}

Cluster cluster(const OptionParser& parser)
{
    auto given = [&parser](const QString& name, QString* into) {
        if (parser.knows(name) && parser.isSet(name))
            *into = parser.value(name);
    };
    Cluster c;
    given(u"context"_s, &c.target.context);
    given(u"kubeconfig"_s, &c.target.kubeconfig);
    given(u"kubectl"_s, &c.target.kubectl);
    given(u"namespace"_s, &c.target.ns);
    given(u"istioctl"_s, &c.istioctl);
    return c;
}

}  // namespace obslab::cli::CommonOptions
