#include "core/kube/PortForwardOutput.h"

#include <QRegularExpression>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

ForwardingLine PortForwardOutput::parseLine(QStringView raw)
{
    ForwardingLine result;
    const QString line = raw.trimmed().toString();
    static const QRegularExpression kubectl(
        u"^Forwarding from (?:\\[([^\\]]+)\\]|([^\\s:]+)):(\\d+) -> (\\d+)"_s);
    if (const auto m = kubectl.match(line); m.hasMatch()) {
        result.ready = true;
        result.host = m.captured(1).isEmpty() ? m.captured(2) : m.captured(1);
        result.localPort = m.captured(3).toInt();
        result.remotePort = m.captured(4).toInt();
        return result;
    }
    if (line.startsWith(u"http://") || line.startsWith(u"https://")) {
        const QUrl url(line.section(u' ', 0, 0));
        if (url.isValid() && url.port() > 0) {
            result.ready = true;
            result.host = url.host();
            result.localPort = url.port();
        }
    }
    return result;
}

}  // namespace obslab
