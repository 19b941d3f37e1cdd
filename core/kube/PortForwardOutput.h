#pragma once

#include <QString>
#include <QStringView>

namespace obslab {

// What a tunnel printed once it listens: `kubectl port-forward` (`Forwarding from
// 127.0.0.1:40123 -> 16686`, also `[::1]:40123`) and `istioctl dashboard` (`http://localhost:
// 40123`). Lines such as `Handling connection for 40123` are not ready lines.
struct ForwardingLine
{
    bool ready = false;
    QString host;  // "127.0.0.1", "::1", "localhost"
    int localPort = 0;
    int remotePort = 0;  // 0 when not printed (istioctl)
};

namespace PortForwardOutput {
ForwardingLine parseLine(QStringView line);
}  // namespace PortForwardOutput

}  // namespace obslab
