#include "core/kube/KubeContext.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

#include <cstdlib>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab::KubeContext {

namespace {

QString trimmedText(QByteArrayView data)
{
    return QString::fromUtf8(data).trimmed();
}

CommandSpec kubectlSpec(const QString& kubectl, QStringList arguments, const QString& title)
{
    CommandSpec spec;
    spec.program = kubectl;
    spec.arguments = std::move(arguments);
    spec.title = title;
    // Reading the local kubeconfig is instant; anything slower means something is wrong.
    spec.timeout = 15s;
    spec.captureLimit = 256 * 1024;
    return spec;
}

QStringList withContext(QStringList arguments, const QString& context)
{
    if (!context.isEmpty())
        arguments << u"--context"_s << context;
    return arguments;
}

}  // namespace

CommandSpec currentContextCommand(const QString& kubectl)
{
    return kubectlSpec(kubectl, {u"config"_s, u"current-context"_s},
                       u"Read the current kube context"_s);
}

CommandSpec namespaceCommand(const QString& kubectl, const QString& context)
{
    return kubectlSpec(
        kubectl,
        withContext({u"config"_s, u"view"_s, u"--minify"_s, u"-o"_s, u"jsonpath={..namespace}"_s},
                    context),
        u"Read the namespace of the kube context"_s);
}

CommandSpec serverCommand(const QString& kubectl, const QString& context)
{
    return kubectlSpec(kubectl,
                       withContext({u"config"_s, u"view"_s, u"--minify"_s, u"-o"_s,
                                    u"jsonpath={.clusters[0].cluster.server}"_s},
                                   context),
                       u"Read the API server of the kube context"_s);
}

CommandSpec versionCommand(const QString& kubectl, const QString& context)
{
    CommandSpec spec = kubectlSpec(
        kubectl,
        withContext({u"version"_s, u"-o"_s, u"json"_s, u"--request-timeout=5s"_s}, context),
        u"Check that the cluster answers"_s);
    spec.timeout = 20s;
    return spec;
}

Result<QString> parseCurrentContext(QByteArrayView stdoutData)
{
    // kubectl prints one line; anything after a newline would be noise from a wrapper script.
    const QString text = trimmedText(stdoutData);
    const QString name = text.section(u'\n', 0, 0).trimmed();
    if (name.isEmpty())
        return Error{u"kubectl has no current context."_s,
                     u"Create a local cluster (kind, minikube, k3d) or select one with "
                     "`kubectl config use-context NAME`."_s};
    return name;
}

QString parseMinifiedNamespace(QByteArrayView stdoutData)
{
    // {..namespace} may print several space-separated values if the kubeconfig is odd; the
    // first one belongs to the current context.
    const QString text = trimmedText(stdoutData);
    const QString first = text.section(QRegularExpression(u"\\s+"_s), 0, 0);
    return first.isEmpty() ? u"default"_s : first;
}

QString parseMinifiedServer(QByteArrayView stdoutData)
{
    return trimmedText(stdoutData).section(u'\n', 0, 0).trimmed();
}

Version parseGitVersion(const QString& gitVersion)
{
    Version version;
    version.gitVersion = gitVersion;
    static const QRegularExpression re(u"^v?(\\d+)\\.(\\d+)"_s);
    const auto match = re.match(gitVersion);
    if (match.hasMatch()) {
        version.major = match.captured(1).toInt();
        version.minor = match.captured(2).toInt();
    }
    return version;
}

namespace {
Version versionFromObject(const QJsonObject& object)
{
    Version version = parseGitVersion(object.value(u"gitVersion"_s).toString());
    // Some distributions print "minor": "27+"; prefer major/minor fields when gitVersion is odd.
    if (!version.isValid()) {
        static const QRegularExpression digits(u"^(\\d+)"_s);
        const auto major = digits.match(object.value(u"major"_s).toString());
        const auto minor = digits.match(object.value(u"minor"_s).toString());
        if (major.hasMatch() && minor.hasMatch()) {
            version.major = major.captured(1).toInt();
            version.minor = minor.captured(1).toInt();
        }
    }
    return version;
}
}  // namespace

Result<Versions> parseVersionJson(QByteArrayView stdoutData)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(stdoutData.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return Error{u"kubectl printed something that is not its version JSON."_s, {}};
    const QJsonObject root = doc.object();
    if (!root.value(u"clientVersion"_s).isObject())
        return Error{u"kubectl's version JSON has no clientVersion."_s, {}};
    Versions versions;
    versions.client = versionFromObject(root.value(u"clientVersion"_s).toObject());
    if (root.value(u"serverVersion"_s).isObject())
        versions.server = versionFromObject(root.value(u"serverVersion"_s).toObject());
    return versions;
}

QString versionSkewWarning(const Versions& versions)
{
    if (!versions.client.isValid() || !versions.server.isValid())
        return {};
    if (versions.client.major != versions.server.major ||
        std::abs(versions.client.minor - versions.server.minor) > 1) {
        return u"kubectl %1 is more than one minor version away from the cluster (%2): install "
               "a kubectl matching the cluster from https://kubernetes.io/docs/tasks/tools/"_s.arg(
                   versions.client.gitVersion, versions.server.gitVersion);
    }
    return {};
}

bool looksLocal(const QString& context, const QString& server)
{
    static const QStringList prefixes{u"kind-"_s, u"k3d-"_s, u"minikube"_s, u"docker-desktop"_s,
                                      u"rancher-desktop"_s};
    for (const QString& prefix : prefixes) {
        if (context.startsWith(prefix, Qt::CaseInsensitive))
            return true;
    }
    if (server.isEmpty())
        return false;
    const QString host = QUrl(server).host().toLower();
    return host == u"localhost" || host == u"127.0.0.1" || host == u"::1" ||
           host.endsWith(u".localhost");
}

}  // namespace obslab::KubeContext
