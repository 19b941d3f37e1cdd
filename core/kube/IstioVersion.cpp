#include "core/kube/IstioVersion.h"

#include "core/kube/KubeError.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

int IstioVersionInfo::minorOf(const QString& version)
{
    static const QRegularExpression re(u"^v?(\\d+)\\.(\\d+)"_s);
    const auto match = re.match(version);
    return match.hasMatch() ? match.captured(2).toInt() : -1;
}

IstioVersionInfo IstioVersion::parse(QByteArrayView output)
{
    IstioVersionInfo info;
    static const QRegularExpression bare(u"^v?\\d+\\.\\d+[\\w.+-]*$"_s);
    static const QRegularExpression plane(u"^(\\S.*?) \\((\\d+) prox(?:y|ies)\\)$"_s);
    for (const QString& raw : QString::fromUtf8(output).split(u'\n')) {
        const QString line = raw.trimmed();
        if (line.startsWith(u"client version:")) {
            info.client = line.section(u':', 1).trimmed();
        } else if (line.startsWith(u"control plane version:")) {
            info.controlPlane = line.section(u':', 1).trimmed();
        } else if (line.startsWith(u"data plane version:")) {
            const QString rest = line.section(u':', 1).trimmed();
            if (rest == u"none")
                continue;
            for (const QString& part : rest.split(u", "_s)) {
                const auto match = plane.match(part.trimmed());
                if (match.hasMatch())
                    info.dataPlane.append({match.captured(1), match.captured(2).toInt()});
                else if (!part.trimmed().isEmpty())
                    info.dataPlane.append({part.trimmed(), 0});
            }
        } else if (line.contains(u"Istio is not present in the cluster") ||
                   line.contains(u"no running Istio pods")) {
            info.controlPlaneMissing = true;
        } else if (info.client.isEmpty() && bare.match(line).hasMatch()) {
            info.client = line;
        }
    }
    return info;
}

IstioVersionInfo IstioVersion::parse(const CommandResult& result)
{
    return parse(result.allOutput());
}

Result<IstioVersionInfo> IstioVersion::read(const CommandResult& result)
{
    const IstioVersionInfo info = parse(result);
    if (info.client.isEmpty() && !result.ok())
        return Error{KubeErrors::classify(result).message, {}};
    return info;
}

QString IstioVersion::fromImage(const QString& image)
{
    const qsizetype at = image.indexOf(u'@');
    const QString name = at < 0 ? image : image.left(at);
    const qsizetype slash = name.lastIndexOf(u'/');
    const qsizetype colon = name.lastIndexOf(u':');
    if (colon <= slash)
        return {};
    static const QRegularExpression version(u"^v?(\\d+\\.\\d+\\.\\d+)(?:[-+].*)?$"_s);
    const auto m = version.match(name.mid(colon + 1));
    return m.hasMatch() ? m.captured(1) : QString();
}

QString IstioVersion::fromIstiodDeployment(QByteArrayView json)
{
    const QJsonObject root = QJsonDocument::fromJson(json.toByteArray()).object();
    QJsonObject deployment = root;
    if (root.value(u"kind"_s).toString() == u"List")
        deployment = root.value(u"items"_s).toArray().first().toObject();
    const QJsonArray containers = deployment.value(u"spec"_s)
                                      .toObject()
                                      .value(u"template"_s)
                                      .toObject()
                                      .value(u"spec"_s)
                                      .toObject()
                                      .value(u"containers"_s)
                                      .toArray();
    for (const QJsonValue& c : containers) {
        const QString v = fromImage(c.toObject().value(u"image"_s).toString());
        if (!v.isEmpty())
            return v;
    }
    return {};
}

}  // namespace obslab
