#pragma once

#include "core/process/CommandResult.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace obslab {

enum class InstallEvent
{
    Other,
    Prompt,  // `This will install the Istio 1.22.0 profile "demo" into the cluster. Proceed? (y/N)`
    Processing,  // `- Processing resources for Istiod. Waiting for Deployment/istio-system/istiod`
    ComponentInstalled,  // `✔ Istiod installed 🧠`
    ComponentFailed,     // `✘ Ingress gateways encountered an error: …`
    Complete,            // `✔ Installation complete`
    Cancelled,           // `Cancelled.`
    AmbientReady,        // `The ambient profile has been installed successfully, …`
    Error                // `Error: …`
};

// One line of `istioctl install` output (icons stripped; old versions print none).
struct InstallProgressLine
{
    InstallEvent event = InstallEvent::Other;
    QString component;  // "Istio core", "Istiod", "Ingress gateways"
    QString detail;     // the error, the waiting text, the version of the prompt
    QString profile;    // Prompt only
    QString line;
};

namespace IstioInstallProgress {
InstallProgressLine parseLine(QStringView line);
QList<InstallProgressLine> parse(QByteArrayView output);        // Other lines dropped
QList<InstallProgressLine> parse(const CommandResult& result);  // stdout and stderr
// True when the output ends with a successful installation and no component failed.
bool succeeded(const QList<InstallProgressLine>& lines);
// The same for a finished `istioctl install`, which must also have exited with 0.
bool succeeded(const CommandResult& result);
}  // namespace IstioInstallProgress

}  // namespace obslab
