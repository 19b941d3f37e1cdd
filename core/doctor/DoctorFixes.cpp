#include "core/doctor/DoctorFixes.h"

#include "core/doctor/MeshConfig.h"
#include "core/kube/Kubectl.h"

#include <QFile>
#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab::DoctorFixes {

namespace {

KubeTarget inNamespace(KubeTarget target, const QString& ns)
{
    target.ns = ns;
    return target;
}

}  // namespace

CommandSpec applyMeshConfig(const KubeTarget& target, const KubeObject& configMap,
                            const QJsonObject& newMesh)
{
    QJsonObject data = configMap.raw.value(u"data"_s).toObject();
    data.insert(u"mesh"_s, QString::fromUtf8(MeshConfig::toYaml(newMesh)));
    QJsonObject metadata{{u"name"_s, u"istio"_s}, {u"namespace"_s, u"istio-system"_s}};
    const QJsonObject manifest{{u"apiVersion"_s, u"v1"_s},
                               {u"kind"_s, u"ConfigMap"_s},
                               {u"metadata"_s, metadata},
                               {u"data"_s, data}};
    CommandSpec spec = applyManifest(target, u"istio-system"_s, MeshConfig::toYaml(manifest),
                                     u"Change Istio's mesh config (configmap/istio)"_s);
    return spec;
}

CommandSpec applyManifest(const KubeTarget& target, const QString& ns, const QByteArray& manifest,
                          const QString& title)
{
    CommandSpec spec = Kubectl::apply(inNamespace(target, ns), manifest);
    spec.title = title;
    return spec;
}

QList<CommandSpec> restartDeployments(const KubeTarget& target, const QStringList& deployments)
{
    QList<CommandSpec> steps;
    if (deployments.isEmpty())
        return steps;
    steps << Kubectl::rolloutRestart(target, deployments);
    for (const QString& d : deployments)
        steps << Kubectl::rolloutStatus(target, d, 120s);
    return steps;
}

CommandSpec labelNamespace(const KubeTarget& target, const QString& ns,
                           const QMap<QString, QString>& labels)
{
    return Kubectl::label(target, u"namespace"_s, ns, labels, true);
}

CommandSpec installIstio(const KubeTarget& target, const QString& istioctl)
{
    CommandSpec spec;
    spec.program = istioctl;
    spec.arguments = {u"install"_s, u"--set"_s, u"profile=demo"_s, u"-y"_s};
    if (!target.kubeconfig.isEmpty())
        spec.arguments << u"--kubeconfig"_s << target.kubeconfig;
    if (!target.context.isEmpty())
        spec.arguments << u"--context"_s << target.context;
    spec.title = u"Install Istio (demo profile)"_s;
    spec.timeout = 10min;
    return spec;
}

QByteArray telemetryManifest(const QString& name, const QString& ns, const QString& provider,
                             double samplingPercent)
{
    const QJsonObject entry{{u"providers"_s, QJsonArray{QJsonObject{{u"name"_s, provider}}}},
                            {u"randomSamplingPercentage"_s, samplingPercent}};
    const QJsonObject telemetry{
        {u"apiVersion"_s, u"telemetry.istio.io/v1"_s},
        {u"kind"_s, u"Telemetry"_s},
        {u"metadata"_s, QJsonObject{{u"name"_s, name}, {u"namespace"_s, ns}}},
        {u"spec"_s, QJsonObject{{u"tracing"_s, QJsonArray{entry}}}}};
    return MeshConfig::toYaml(telemetry);
}

QByteArray jaegerAddonManifest()
{
    // The built-in lab's own add-on (resources/labs/tracing-jaeger/manifests/jaeger.yaml),
    // compiled in: the fix must work where no lab directory is installed.
    QFile file(u":/doctor/jaeger.yaml"_s);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString describe(const QList<CommandSpec>& steps)
{
    QStringList lines;
    for (const CommandSpec& step : steps) {
        CommandSpec shown = step;
        const QByteArray input = shown.stdinData;
        shown.stdinData.clear();
        QString line = shown.toShellLine();
        if (!input.isEmpty()) {
            line += u" <<'EOF'\n"_s + QString::fromUtf8(input);
            if (!line.endsWith(u'\n'))
                line += u'\n';
            line += u"EOF"_s;
        }
        lines << line;
    }
    return lines.join(u'\n');
}

}  // namespace obslab::DoctorFixes
