#include "core/manifest/KnownKinds.h"

#include <QList>

using namespace Qt::Literals::StringLiterals;

namespace obslab::KnownKinds {

namespace {

const QList<Kind>& table()
{
    static const QList<Kind> kinds = {
        {u"Namespace"_s, {u"v1"_s}, false},
        {u"Pod"_s, {u"v1"_s}, true},
        {u"Service"_s, {u"v1"_s}, true},
        {u"ServiceAccount"_s, {u"v1"_s}, true},
        {u"ConfigMap"_s, {u"v1"_s}, true},
        {u"Secret"_s, {u"v1"_s}, true},
        {u"PersistentVolumeClaim"_s, {u"v1"_s}, true},
        {u"PersistentVolume"_s, {u"v1"_s}, false},
        {u"Endpoints"_s, {u"v1"_s}, true},
        {u"LimitRange"_s, {u"v1"_s}, true},
        {u"ResourceQuota"_s, {u"v1"_s}, true},
        {u"Deployment"_s, {u"apps/v1"_s}, true},
        {u"StatefulSet"_s, {u"apps/v1"_s}, true},
        {u"DaemonSet"_s, {u"apps/v1"_s}, true},
        {u"ReplicaSet"_s, {u"apps/v1"_s}, true},
        {u"Job"_s, {u"batch/v1"_s}, true},
        {u"CronJob"_s, {u"batch/v1"_s}, true},
        {u"Ingress"_s, {u"networking.k8s.io/v1"_s}, true},
        {u"NetworkPolicy"_s, {u"networking.k8s.io/v1"_s}, true},
        {u"HorizontalPodAutoscaler"_s, {u"autoscaling/v2"_s, u"autoscaling/v1"_s}, true},
        {u"PodDisruptionBudget"_s, {u"policy/v1"_s}, true},
        {u"Role"_s, {u"rbac.authorization.k8s.io/v1"_s}, true},
        {u"RoleBinding"_s, {u"rbac.authorization.k8s.io/v1"_s}, true},
        {u"ClusterRole"_s, {u"rbac.authorization.k8s.io/v1"_s}, false},
        {u"ClusterRoleBinding"_s, {u"rbac.authorization.k8s.io/v1"_s}, false},
        {u"CustomResourceDefinition"_s, {u"apiextensions.k8s.io/v1"_s}, false},
        {u"StorageClass"_s, {u"storage.k8s.io/v1"_s}, false},
        {u"Telemetry"_s, {u"telemetry.istio.io/v1"_s, u"telemetry.istio.io/v1alpha1"_s}, true},
        {u"VirtualService"_s,
         {u"networking.istio.io/v1"_s, u"networking.istio.io/v1beta1"_s,
          u"networking.istio.io/v1alpha3"_s},
         true},
        {u"DestinationRule"_s,
         {u"networking.istio.io/v1"_s, u"networking.istio.io/v1beta1"_s,
          u"networking.istio.io/v1alpha3"_s},
         true},
        {u"Gateway"_s,
         {u"networking.istio.io/v1"_s, u"networking.istio.io/v1beta1"_s,
          u"networking.istio.io/v1alpha3"_s, u"gateway.networking.k8s.io/v1"_s,
          u"gateway.networking.k8s.io/v1beta1"_s},
         true},
        {u"ServiceEntry"_s,
         {u"networking.istio.io/v1"_s, u"networking.istio.io/v1beta1"_s,
          u"networking.istio.io/v1alpha3"_s},
         true},
        {u"Sidecar"_s,
         {u"networking.istio.io/v1"_s, u"networking.istio.io/v1beta1"_s,
          u"networking.istio.io/v1alpha3"_s},
         true},
        {u"EnvoyFilter"_s, {u"networking.istio.io/v1alpha3"_s}, true},
        {u"PeerAuthentication"_s,
         {u"security.istio.io/v1"_s, u"security.istio.io/v1beta1"_s},
         true},
        {u"AuthorizationPolicy"_s,
         {u"security.istio.io/v1"_s, u"security.istio.io/v1beta1"_s},
         true},
        {u"RequestAuthentication"_s,
         {u"security.istio.io/v1"_s, u"security.istio.io/v1beta1"_s},
         true},
        {u"IstioOperator"_s, {u"install.istio.io/v1alpha1"_s}, true},
        {u"HTTPRoute"_s,
         {u"gateway.networking.k8s.io/v1"_s, u"gateway.networking.k8s.io/v1beta1"_s},
         true},
        {u"List"_s, {u"v1"_s}, true},
    };
    return kinds;
}

}  // namespace

const Kind* find(const QString& kind)
{
    for (const Kind& k : table()) {
        if (k.kind == kind)
            return &k;
    }
    return nullptr;
}

QStringList names()
{
    QStringList out;
    for (const Kind& k : table())
        out << k.kind;
    return out;
}

}  // namespace obslab::KnownKinds
