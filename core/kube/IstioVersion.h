#pragma once

#include "core/common/Result.h"
#include "core/process/CommandResult.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace obslab {

// What `istioctl version` printed: the client, the control plane (istiod) and the sidecars.
struct IstioVersionInfo
{
    struct DataPlane
    {
        QString version;
        int proxies = 0;
    };
    QString client;              // "1.22.0"; empty when not printed
    QString controlPlane;        // empty when Istio is not installed or not asked (--remote=false)
    QList<DataPlane> dataPlane;  // empty for "none"
    bool controlPlaneMissing =
        false;  // "Istio is not present in the cluster" / "no running Istio pods"

    // "1.22" from "1.22.3"; -1 when unknown.
    static int minorOf(const QString& version);
};

namespace IstioVersion {
// Accepts the remote form (`client version: …` / `control plane version: …` / `data plane
// version: 1.22.0 (4 proxies), 1.21.2 (1 proxies)` or `none`) and the bare `1.22.0` of
// `--remote=false --short` and of old versions.
IstioVersionInfo parse(QByteArrayView output);
// The same for a finished `istioctl version` (it prints on stdout and stderr).
IstioVersionInfo parse(const CommandResult& result);
// What the person asked for: an Error (istioctl's explanation) when it printed no client version
// and failed.
Result<IstioVersionInfo> read(const CommandResult& result);
// "1.24.0" from an image such as `docker.io/istio/pilot:1.24.0` or `…:1.22.3-distroless`; empty
// when the tag is not a version (latest, a digest).
QString fromImage(const QString& image);
// The same from `kubectl get deployment istiod -o json` (its first container's image).
QString fromIstiodDeployment(QByteArrayView json);
}  // namespace IstioVersion

}  // namespace obslab
