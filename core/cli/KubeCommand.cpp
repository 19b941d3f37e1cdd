#include "core/cli/KubeCommand.h"

#include "core/cli/CommonOptions.h"
#include "core/cli/OptionParser.h"
#include "core/kube/ClusterContext.h"
#include "core/kube/KubeTarget.h"
#include "core/kube/ToolVersions.h"
#include "core/lab/LabCatalog.h"
#include "core/lab/LabLoader.h"
#include "core/lab/LabTools.h"
#include "core/process/CommandRunner.h"

#include <QEventLoop>

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli {

namespace {

const QString kUsage =
    u"Usage: obslab kube check [--context NAME] [--kubectl PATH] "
    "[--kubeconfig FILE] [--istioctl PATH]\n"
    "\n"
    "Checks what ObsLab needs to drive a cluster: kubectl (found, version), the\n"
    "kube context, its namespace and API server, whether the cluster answers,\n"
    "the kubectl/server version skew, and istioctl (optional until needed).\n"
    "Reads the kubeconfig only; changes nothing.\n"
    "\n"
    "Exit status: 0 kubectl and the cluster are fine, 1 they are not, 2 usage.\n"_s;

// Returns an error message, empty on success.
QString parseOptions(const QStringList& args, CommonOptions::Cluster& options)
{
    if (args.value(0) != u"check")
        return args.isEmpty() ? u"kube: missing action (check)"_s
                              : u"kube: unknown action '%1'"_s.arg(args.value(0));
    OptionParser parser({CommonOptions::context(), CommonOptions::kubectl(),
                         CommonOptions::kubeconfig(), CommonOptions::istioctl()});
    if (!parser.parse(args.mid(1))) {
        const OptionParser::Problem& problem = parser.problem();
        if (problem.kind == OptionParser::Problem::Kind::MissingValue)
            return u"kube check: %1 needs a value"_s.arg(problem.option);
        return u"kube check: unknown option '%1'"_s.arg(problem.argument);
    }
    if (!parser.positionalArguments().isEmpty())
        return u"kube check: unknown option '%1'"_s.arg(parser.positionalArguments().constFirst());
    const QString empty =
        parser.givenEmpty({u"context"_s, u"kubectl"_s, u"kubeconfig"_s, u"istioctl"_s});
    if (!empty.isEmpty())
        return u"kube check: %1 needs a value"_s.arg(empty);
    options = CommonOptions::cluster(parser);
    return {};
}

// The message and, on a second line, what to do; ToolLocator's hints often repeat the message.
QStringList errorLines(const QString& prefix, const Error& error)
{
    if (!error.hint.isEmpty() && error.hint.startsWith(error.message))
        return {prefix + error.hint};
    QStringList lines{prefix + error.message};
    if (!error.hint.isEmpty())
        lines << u"         "_s + error.hint;
    return lines;
}

QString mark(bool ok)
{
    return ok ? u"[ok]   "_s : u"[FAIL] "_s;
}

int runCheck(const CommonOptions::Cluster& options, const CliContext& ctx)
{
    CommandRunner runner;
    ToolVersions tools(&runner);
    ClusterContext cluster(&runner);
    cluster.setKubectl(options.target.kubectl);
    cluster.setKubeconfig(options.target.kubeconfig);

    QEventLoop loop;
    int waiting = 2;
    auto one = [&] {
        if (--waiting == 0)
            loop.quit();
    };
    QString contextError;
    QString contextHint;
    QObject::connect(&tools, &ToolVersions::finished, &loop, one);
    QObject::connect(&cluster, &ClusterContext::refreshed, &loop, one);
    QObject::connect(&cluster, &ClusterContext::refreshFailed, &loop,
                     [&](const QString& message, const QString& hint) {
                         contextError = message;
                         contextHint = hint;
                         one();
                     });
    if (options.target.context.isEmpty())
        cluster.refresh();
    else
        cluster.switchContext(options.target.context);
    // The version check needs the context: start it with the one asked for (or kubectl's current
    // one, which is what no --context means).
    tools.check(options.target, options.istioctl);
    loop.exec();

    const ToolReport& report = tools.report();
    QStringList lines;
    bool ok = true;
    if (!report.kubectlFound()) {
        ok = false;
        lines << errorLines(mark(false) + u"kubectl: "_s, *report.kubectlError);
    } else {
        lines << mark(true) + u"kubectl: %1 (client %2)"_s.arg(
                                  report.kubectlPath, report.versions.client.gitVersion.isEmpty()
                                                          ? u"version unknown"_s
                                                          : report.versions.client.gitVersion);
    }

    if (!contextError.isEmpty()) {
        if (report.kubectlFound()) {
            ok = false;
            lines << mark(false) + u"context: "_s + contextError;
            if (!contextHint.isEmpty())
                lines << u"         "_s + contextHint;
        }
    } else {
        lines << mark(true) + u"context: "_s + cluster.context();
        lines << mark(true) + u"namespace: "_s + cluster.ns();
        lines << mark(true) + u"server: %1 (%2)"_s.arg(
                                  cluster.server().isEmpty() ? u"unknown"_s : cluster.server(),
                                  cluster.looksLocal()
                                      ? u"looks local: changes run without asking"_s
                                      : u"not local: ObsLab asks before changing anything"_s);
    }

    if (report.kubectlFound()) {
        if (report.serverReachable) {
            lines << mark(true) +
                         u"cluster answers: server %1"_s.arg(report.versions.server.gitVersion);
            if (report.skewWarning.isEmpty())
                lines << mark(true) + u"version skew: within one minor version"_s;
            else
                lines << u"[warn] version skew: "_s + report.skewWarning;
        } else if (contextError.isEmpty()) {
            ok = false;
            lines << mark(false) + u"cluster does not answer: "_s +
                         (report.serverError.message.isEmpty() ? u"no server version"_s
                                                               : report.serverError.message);
        }
    }

    if (report.istioctlFound()) {
        lines << mark(true) + u"istioctl: %1 (client %2)"_s.arg(report.istioctlPath,
                                                                report.istio.client.isEmpty()
                                                                    ? u"version unknown"_s
                                                                    : report.istio.client);
    } else {
        lines << u"[info] istioctl: not available, %1."_s.arg(ToolVersions::istioctlOptionalNote());
        lines << errorLines(u"         "_s, *report.istioctlError);
    }
    // What the built-in lab needs, said before anyone presses Start.
    QString labNote;
    const QString labPath = LabCatalog::resolve(u"tracing-jaeger"_s);
    const LabLoadResult lab = labPath.isEmpty() ? LabLoadResult{} : LabLoader::loadFile(labPath);
    if (lab.ok() && report.kubectlFound()) {
        if (report.istioctlFound()) {
            lines << mark(true) +
                         u"built-in lab (%1): kubectl and istioctl found"_s.arg(lab.lab->id);
        } else {
            labNote = LabTools::istioctlMissingNote(*lab.lab);
            lines << u"[warn] built-in lab (%1): kubectl found; %2"_s.arg(lab.lab->id, labNote);
        }
    }
    lines << (ok ? (labNote.isEmpty()
                        ? u"Ready: ObsLab can drive this cluster."_s
                        : u"Ready: ObsLab can drive this cluster; the built-in lab's istioctl "
                          "steps need istioctl (see [warn] above)."_s)
                 : u"Not ready: fix the [FAIL] lines above."_s);
    ctx.print(lines.join(u'\n') + u'\n');
    return ok ? ExitOk : ExitFailure;
}

}  // namespace

Subcommand kubeSubcommand()
{
    Subcommand sub;
    sub.name = u"kube"_s;
    sub.summary = u"Check kubectl, istioctl and the cluster, and what the built-in lab needs"_s;
    sub.usage = kUsage;
    sub.run = [](const QStringList& args, const CliContext& ctx) {
        if (args.contains(u"--help") || args.contains(u"-h")) {
            ctx.print(kUsage);
            return int(ExitOk);
        }
        CommonOptions::Cluster options;
        const QString error = parseOptions(args, options);
        if (!error.isEmpty()) {
            ctx.printError(error + u"\n\n"_s + kUsage);
            return int(ExitUsage);
        }
        return runCheck(options, ctx);
    };
    return sub;
}

}  // namespace obslab::cli
