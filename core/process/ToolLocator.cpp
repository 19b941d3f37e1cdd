#include "core/process/ToolLocator.h"

#include <QFileInfo>
#include <QStandardPaths>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString ToolLocator::toolName(Tool tool)
{
    switch (tool) {
    case Tool::Kubectl:
        return u"kubectl"_s;
    case Tool::Istioctl:
        return u"istioctl"_s;
    }
    return {};
}

Result<QString> ToolLocator::locate(Tool tool, const QString& configuredPath)
{
    const QString name = toolName(tool);
    if (!configuredPath.isEmpty()) {
        // A bare name in the setting ("kubectl-1.30") means a program on PATH.
        const QFileInfo info(configuredPath.contains(u'/')
                                 ? configuredPath
                                 : QStandardPaths::findExecutable(configuredPath));
        if (info.isFile() && info.isExecutable())
            return info.absoluteFilePath();
        return Error{
            u"The configured %1 (%2) is not an executable file."_s.arg(name, configuredPath),
            u"Fix the path in Settings, or clear it to use the %1 found on PATH."_s.arg(name)};
    }
    const QString found = QStandardPaths::findExecutable(name);
    if (found.isEmpty())
        return Error{u"%1 was not found on PATH."_s.arg(name), notFoundMessage(name)};
    return found;
}

QString ToolLocator::notFoundMessage(const QString& program)
{
    const QString name = QFileInfo(program).fileName();
    const QString what = program.contains(u'/') ? u"%1 does not exist."_s.arg(program)
                                                : u"%1 was not found on PATH."_s.arg(program);
    if (name == u"kubectl") {
        // Debian's kubernetes-client is kubectl 1.20: it talks to a current cluster only badly.
        return what +
               u" Install a kubectl whose minor version is within one of your cluster's: see "
               "https://kubernetes.io/docs/tasks/tools/ (Debian's kubernetes-client package is "
               "kubectl 1.20, too old for current clusters), or set its path in Settings."_s;
    }
    if (name == u"istioctl") {
        return what +
               u" Download the istioctl of your mesh's Istio version: see "
               "https://istio.io/latest/docs/setup/getting-started/#download (put the release's "
               "bin/ directory on PATH), or set its path in Settings."_s;
    }
    return what + u" Install it, or check the program name and PATH."_s;
}

}  // namespace obslab
