#include "core/kube/ToolVersions.h"

#include "core/kube/Istioctl.h"
#include "core/kube/Kubectl.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/ToolLocator.h"

#include <QStandardPaths>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

ToolVersions::ToolVersions(CommandRunner* runner, QObject* parent)
    : QObject(parent)
    , runner_(runner)
{}

Result<QString> ToolVersions::locate(Tool tool, const QString& program)
{
    if (program.contains(u'/'))
        return ToolLocator::locate(tool, program);
    if (program.isEmpty() || program == ToolLocator::toolName(tool))
        return ToolLocator::locate(tool);
    const QString found = QStandardPaths::findExecutable(program);
    if (found.isEmpty())
        return Error{u"%1 was not found on PATH."_s.arg(program),
                     ToolLocator::notFoundMessage(program)};
    return found;
}

QString ToolVersions::istioctlOptionalNote()
{
    return u"optional until you install Istio, run istioctl analyze or open the Jaeger dashboard "
           "through it"_s;
}

void ToolVersions::check(const KubeTarget& target, const QString& istioctl, bool istioRemote)
{
    ++generation_;
    report_ = ToolReport{};
    pending_ = 1;  // released after both commands are started, so done() runs only once
    const quint64 generation = generation_;
    auto finishOne = [this, generation] {
        if (generation != generation_)
            return;
        if (--pending_ == 0)
            done();
    };

    const Result<QString> kubectl = locate(Tool::Kubectl, target.kubectl);
    if (!kubectl) {
        report_.kubectlError = kubectl.error();
    } else if (runner_) {
        report_.kubectlPath = kubectl.value();
        KubeTarget resolved = target;
        resolved.kubectl = kubectl.value();
        ++pending_;
        Command* command = runner_->start(Kubectl::version(resolved));
        connect(command, &Command::finished, this,
                [this, finishOne, generation](const CommandResult& result) {
                    if (generation != generation_)
                        return;
                    // kubectl prints its client version even when the server does not answer
                    // (exit 1); the server part is there only when it did.
                    if (const auto versions = KubeContext::parseVersionJson(result.stdoutData)) {
                        report_.versions = versions.value();
                        report_.serverReachable = report_.versions.server.isValid();
                        report_.skewWarning = KubeContext::versionSkewWarning(report_.versions);
                    }
                    if (!report_.serverReachable) {
                        report_.serverError = KubeErrors::classify(result);
                        if (!report_.serverError.isError())
                            report_.serverError = KubeErrors::classify(result.stderrData);
                    }
                    finishOne();
                });
    }

    const Result<QString> istio = locate(Tool::Istioctl, istioctl);
    if (!istio) {
        report_.istioctlError = istio.error();
    } else if (runner_) {
        report_.istioctlPath = istio.value();
        IstioTarget istioTarget;
        istioTarget.istioctl = istio.value();
        istioTarget.kubeconfig = target.kubeconfig;
        istioTarget.context = target.context;
        ++pending_;
        Command* command = runner_->start(Istioctl::version(istioTarget, istioRemote));
        connect(command, &Command::finished, this,
                [this, finishOne, generation](const CommandResult& result) {
                    if (generation != generation_)
                        return;
                    const QByteArray output = result.stdoutData + result.stderrData;
                    report_.istio = IstioVersion::parse(output);
                    if (report_.istio.client.isEmpty() && !result.ok())
                        report_.istioctlError = Error{
                            u"istioctl did not run: %1"_s.arg(KubeErrors::classify(result).message),
                            ToolLocator::notFoundMessage(u"istioctl"_s)};
                    finishOne();
                });
    }
    // finished() is always asynchronous, like the runner's own signals.
    QTimer::singleShot(0, this, finishOne);
}

void ToolVersions::done()
{
    Q_EMIT finished(report_);
}

}  // namespace obslab
