#include "core/kube/IstioVersion.h"

#include "core/kube/KubeError.h"

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

}  // namespace obslab
