#pragma once

#include <QString>
#include <QStringList>

namespace obslab {

// The kinds ObsLab recognises in manifests (core Kubernetes, Istio, the Jaeger add-on's), with
// the apiVersions kubectl accepts for them. Pure, any thread.
namespace KnownKinds {

struct Kind
{
    QString kind;
    QStringList apiVersions;  // the first one is current
    bool namespaced = true;
};

// nullptr when ObsLab does not know the kind (kubectl may still: custom resources).
const Kind* find(const QString& kind);
QStringList names();

}  // namespace KnownKinds

}  // namespace obslab
