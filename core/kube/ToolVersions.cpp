#include "ToolVersions.h"

#include "Istioctl.h"
#include "Kubectl.h"
#include "process/Command.h"
#include "process/CommandRunner.h"
#include "process/ToolLocator.h"

#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
// A bare name means "find it on PATH"; anything with a slash is the user's configured path.
QString configured(const QString& program)
{
    return program.contains(u'/') ? program : QString();
}
}  // namespace

ToolVersions::ToolVersions(CommandRunner* runner, QObject* parent)
    : QObject(parent)
    , runner_(runner)
{}

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

    const Result<QString> kubectl = ToolLocator::locate(Tool::Kubectl, configured(target.kubectl));
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

    const Result<QString> istio = ToolLocator::locate(Tool::Istioctl, configured(istioctl));
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
