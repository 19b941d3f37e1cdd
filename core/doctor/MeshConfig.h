#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace obslab {

// Istio's mesh config as the `mesh` key of configmap/istio holds it (YAML text), as JSON values,
// and back. Pure functions (yaml-cpp), any thread; broken YAML is an Error with line and column.
namespace MeshConfig {
Result<QJsonObject> parse(const QByteArray& yamlText);
// Block-style YAML of a JSON value, for the `mesh` key and for the fixes people read.
QByteArray toYaml(const QJsonValue& value);
// The value at a dotted path ("defaultConfig.tracing.sampling"); undefined when absent.
QJsonValue at(const QJsonObject& object, const QString& dottedPath);
// object with the value set at the dotted path (intermediate objects created as needed).
QJsonObject with(QJsonObject object, const QString& dottedPath, const QJsonValue& value);
// True when every key of `subset` is in `object` with an equal value (recursively for objects).
bool contains(const QJsonValue& object, const QJsonValue& subset);
}  // namespace MeshConfig

}  // namespace obslab
