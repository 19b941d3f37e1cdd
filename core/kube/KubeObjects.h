#pragma once

#include "core/common/Result.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace obslab {

// One object of `kubectl get -o json`: the fields every kind has, and the whole object.
struct KubeObject
{
    QString apiVersion;
    QString kind;
    QString name;
    QString ns;  // empty for cluster-scoped objects
    QMap<QString, QString> labels;
    QMap<QString, QString> annotations;
    QJsonObject raw;
};

// A Deployment's rollout counters. kubectl omits zero counters (omitempty): absent means 0.
struct DeploymentState
{
    int desired = 1;  // spec.replicas (absent: 1)
    int replicas = 0;
    int updated = 0;
    int ready = 0;
    int available = 0;
    qint64 generation = 0;
    qint64 observedGeneration = 0;
    QString restartedAt;              // the template annotation `kubectl rollout restart` sets
    QMap<QString, QString> selector;  // spec.selector.matchLabels
    QStringList containers;           // the pod template's containers
    QStringList nativeSidecars;       // its init containers with restartPolicy: Always

    bool rolledOut() const
    {
        return observedGeneration >= generation && updated >= desired && replicas <= updated &&
               available >= updated;
    }
};

// A Pod's containers, with the sidecar question answered (classic or native sidecar).
struct PodState
{
    QString phase;
    QStringList containers;
    QStringList initContainers;
    bool hasIstioProxy = false;  // a container, or a restartPolicy: Always init container
    bool nativeSidecar = false;  // the istio-proxy is an init container
    bool ready = false;          // the Ready condition is True
    int restarts = 0;            // of all its containers, init containers included
    QDateTime lastRestart;       // when the last restarted container ended; invalid: never
    QDateTime startedAt;         // status.startTime
};

// How a namespace takes part in the mesh, from its labels.
struct NamespaceMesh
{
    bool ambient = false;    // istio.io/dataplane-mode=ambient
    bool injection = false;  // istio-injection=enabled, or an istio.io/rev label
};

// One event of `get -w -o json --output-watch-events` (kubectl 1.32 prints one per line).
struct WatchEvent
{
    QString type;  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
    KubeObject object;
};

namespace KubeObjects {
// `get -o json` output: a List (its items) or a single object. An Error for anything else
// (kubectl's error text, truncated JSON, an empty output).
Result<QList<KubeObject>> parse(QByteArrayView json);
KubeObject fromJson(const QJsonObject& object);
// One watch event line; an Error for anything else (kubectl's error text, a partial line).
Result<WatchEvent> parseWatchEvent(QByteArrayView line);
DeploymentState deploymentState(const KubeObject& deployment);
PodState podState(const KubeObject& pod);
NamespaceMesh namespaceMesh(const KubeObject& ns);
// True when every label of a (non-empty) selector is on the object.
bool selects(const QMap<QString, QString>& selector, const QMap<QString, QString>& labels);
// The selector as kubectl's -l takes it: "app=frontend,version=v1".
QString selectorText(const QMap<QString, QString>& selector);
// A timestamp as Kubernetes writes it (RFC 3339); invalid when absent or malformed.
QDateTime time(const QString& text);
}  // namespace KubeObjects

}  // namespace obslab
