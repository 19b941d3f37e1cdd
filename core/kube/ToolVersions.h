#pragma once

#include "core/common/Result.h"
#include "core/kube/IstioVersion.h"
#include "core/kube/KubeContext.h"
#include "core/kube/KubeError.h"
#include "core/kube/KubeTarget.h"
#include "core/process/ToolLocator.h"

#include <QObject>
#include <QPointer>

#include <optional>

namespace obslab {

class CommandRunner;

// What ToolVersions found out about kubectl, the cluster and istioctl.
struct ToolReport
{
    QString kubectlPath;                // resolved path; empty when not found
    std::optional<Error> kubectlError;  // not found / not executable, with how to get it
    KubeContext::Versions versions;     // client, and server when it answered
    bool serverReachable = false;
    KubeError serverError;  // why the server did not answer
    QString skewWarning;    // empty when client and server are within one minor
    QString istioctlPath;
    std::optional<Error> istioctlError;  // istioctl is optional until an action needs it
    IstioVersionInfo istio;              // client version (and the cluster's when asked)

    bool kubectlFound() const { return !kubectlError.has_value(); }
    bool istioctlFound() const { return !istioctlError.has_value(); }
    bool clusterOk() const { return kubectlFound() && serverReachable; }
};

// Finds kubectl and istioctl and reads their versions: `kubectl version -o json` against the
// target's context (client + server, and so whether the cluster answers) and `istioctl version`.
// Async through the runner; check() ends with exactly one finished(). Lives on the runner's thread.
class ToolVersions : public QObject
{
    Q_OBJECT
public:
    explicit ToolVersions(CommandRunner* runner, QObject* parent = nullptr);

    // target.kubectl: a configured path, or a bare name looked up on PATH; same for istioctl.
    // istioRemote also asks istioctl for the control and data plane versions.
    void check(const KubeTarget& target, const QString& istioctl = QStringLiteral("istioctl"),
               bool istioRemote = false);
    const ToolReport& report() const { return report_; }
    bool isRunning() const { return pending_ > 0; }

    // Why istioctl may be missing for now, for a person.
    static QString istioctlOptionalNote();
    // Where a tool setting points: a path (must be executable), the tool's own name or empty
    // (looked up on PATH), or another name on PATH ("kubectl-1.32"). The Error says what to do.
    static Result<QString> locate(Tool tool, const QString& program);

Q_SIGNALS:
    void finished(const obslab::ToolReport& report);

private:
    void done();

    QPointer<CommandRunner> runner_;
    ToolReport report_;
    int pending_ = 0;
    quint64 generation_ = 0;
};

}  // namespace obslab

Q_DECLARE_METATYPE(obslab::ToolReport)
