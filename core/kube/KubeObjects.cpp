#include "core/kube/KubeObjects.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace obslab::KubeObjects {

namespace {

QMap<QString, QString> stringMap(const QJsonValue& value)
{
    QMap<QString, QString> map;
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

int counter(const QJsonObject& object, const QString& key, int absent = 0)
{
    return object.contains(key) ? object.value(key).toInt() : absent;
}

}  // namespace

KubeObject fromJson(const QJsonObject& object)
{
    KubeObject result;
    result.apiVersion = object.value(u"apiVersion"_s).toString();
    result.kind = object.value(u"kind"_s).toString();
    const QJsonObject metadata = object.value(u"metadata"_s).toObject();
    result.name = metadata.value(u"name"_s).toString();
    result.ns = metadata.value(u"namespace"_s).toString();
    result.labels = stringMap(metadata.value(u"labels"_s));
    result.annotations = stringMap(metadata.value(u"annotations"_s));
    result.raw = object;
    return result;
}

Result<QList<KubeObject>> parse(QByteArrayView json)
{
    if (json.trimmed().isEmpty())
        return Error{u"kubectl printed nothing where JSON was expected."_s, {}};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        return Error{u"kubectl's output is not JSON (%1 at offset %2)."_s.arg(error.errorString())
                         .arg(error.offset),
                     u"Look at the command's output: kubectl may have printed an error instead."_s};
    if (!doc.isObject())
        return Error{u"kubectl's JSON is not an object."_s, {}};
    const QJsonObject root = doc.object();
    QList<KubeObject> objects;
    // `get` of several objects (or a selector) prints kind List, and typed lists (PodList) when
    // asked for raw; both carry items.
    if (root.value(u"items"_s).isArray()) {
        const QJsonArray items = root.value(u"items"_s).toArray();
        objects.reserve(items.size());
        for (const QJsonValue& item : items) {
            if (item.isObject())
                objects.append(fromJson(item.toObject()));
        }
        return objects;
    }
    if (!root.value(u"kind"_s).isString() || !root.value(u"metadata"_s).isObject())
        return Error{u"kubectl's JSON is neither a list nor an object with kind and metadata."_s,
                     {}};
    objects.append(fromJson(root));
    return objects;
}

Result<WatchEvent> parseWatchEvent(QByteArrayView line)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line.trimmed().toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return Error{u"Not a watch event: %1"_s.arg(
                         QString::fromUtf8(line.first(qMin(line.size(), qsizetype(200))))),
                     {}};
    const QJsonObject root = doc.object();
    if (!root.value(u"type"_s).isString() || !root.value(u"object"_s).isObject())
        return Error{u"A watch event needs a type and an object."_s, {}};
    return WatchEvent{root.value(u"type"_s).toString(),
                      fromJson(root.value(u"object"_s).toObject())};
}

DeploymentState deploymentState(const KubeObject& deployment)
{
    DeploymentState state;
    const QJsonObject spec = deployment.raw.value(u"spec"_s).toObject();
    const QJsonObject status = deployment.raw.value(u"status"_s).toObject();
    const QJsonObject metadata = deployment.raw.value(u"metadata"_s).toObject();
    state.desired = counter(spec, u"replicas"_s, 1);
    state.replicas = counter(status, u"replicas"_s);
    state.updated = counter(status, u"updatedReplicas"_s);
    state.ready = counter(status, u"readyReplicas"_s);
    state.available = counter(status, u"availableReplicas"_s);
    state.generation = metadata.value(u"generation"_s).toInteger();
    state.observedGeneration = status.value(u"observedGeneration"_s).toInteger();
    const QJsonObject podTemplate = spec.value(u"template"_s).toObject();
    state.restartedAt = podTemplate.value(u"metadata"_s)
                            .toObject()
                            .value(u"annotations"_s)
                            .toObject()
                            .value(u"kubectl.kubernetes.io/restartedAt"_s)
                            .toString();
    state.selector = stringMap(spec.value(u"selector"_s).toObject().value(u"matchLabels"_s));
    const QJsonObject podSpec = podTemplate.value(u"spec"_s).toObject();
    for (const QJsonValue& c : podSpec.value(u"containers"_s).toArray())
        state.containers << c.toObject().value(u"name"_s).toString();
    for (const QJsonValue& c : podSpec.value(u"initContainers"_s).toArray()) {
        const QJsonObject container = c.toObject();
        if (container.value(u"restartPolicy"_s).toString() == u"Always")
            state.nativeSidecars << container.value(u"name"_s).toString();
    }
    return state;
}

PodState podState(const KubeObject& pod)
{
    PodState state;
    const QJsonObject spec = pod.raw.value(u"spec"_s).toObject();
    const QJsonObject status = pod.raw.value(u"status"_s).toObject();
    state.phase = status.value(u"phase"_s).toString();
    for (const QJsonValue& c : spec.value(u"containers"_s).toArray()) {
        const QString name = c.toObject().value(u"name"_s).toString();
        state.containers << name;
        if (name == u"istio-proxy")
            state.hasIstioProxy = true;
    }
    for (const QJsonValue& c : spec.value(u"initContainers"_s).toArray()) {
        const QJsonObject container = c.toObject();
        const QString name = container.value(u"name"_s).toString();
        state.initContainers << name;
        // Native sidecars (Kubernetes ≥ 1.28): an init container that keeps running.
        if (name == u"istio-proxy" && container.value(u"restartPolicy"_s).toString() == u"Always") {
            state.hasIstioProxy = true;
            state.nativeSidecar = true;
        }
    }
    for (const QJsonValue& c : status.value(u"conditions"_s).toArray()) {
        const QJsonObject condition = c.toObject();
        if (condition.value(u"type"_s).toString() == u"Ready")
            state.ready = condition.value(u"status"_s).toString() == u"True";
    }
    for (const QString& key : {u"containerStatuses"_s, u"initContainerStatuses"_s}) {
        for (const QJsonValue& v : status.value(key).toArray()) {
            const QJsonObject s = v.toObject();
            state.restarts += s.value(u"restartCount"_s).toInt();
            const QDateTime finished = time(s.value(u"lastState"_s)
                                                .toObject()
                                                .value(u"terminated"_s)
                                                .toObject()
                                                .value(u"finishedAt"_s)
                                                .toString());
            if (finished.isValid() &&
                (!state.lastRestart.isValid() || finished > state.lastRestart))
                state.lastRestart = finished;
        }
    }
    state.startedAt = time(status.value(u"startTime"_s).toString());
    return state;
}

NamespaceMesh namespaceMesh(const KubeObject& ns)
{
    NamespaceMesh mesh;
    mesh.ambient = ns.labels.value(u"istio.io/dataplane-mode"_s) == u"ambient";
    mesh.injection = ns.labels.value(u"istio-injection"_s) == u"enabled" ||
                     ns.labels.contains(u"istio.io/rev"_s);
    return mesh;
}

bool selects(const QMap<QString, QString>& selector, const QMap<QString, QString>& labels)
{
    if (selector.isEmpty())
        return false;
    for (auto it = selector.cbegin(); it != selector.cend(); ++it) {
        if (labels.value(it.key()) != it.value())
            return false;
    }
    return true;
}

QString selectorText(const QMap<QString, QString>& selector)
{
    QStringList parts;
    for (auto it = selector.cbegin(); it != selector.cend(); ++it)
        parts << it.key() + u'=' + it.value();
    return parts.join(u',');
}

QDateTime time(const QString& text)
{
    return QDateTime::fromString(text, Qt::ISODate);
}

}  // namespace obslab::KubeObjects
