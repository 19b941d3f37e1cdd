#include "core/doctor/DoctorChecks.h"

#include "core/doctor/CheckGroups.h"
#include "core/doctor/DoctorEvaluation.h"
#include "core/doctor/MeshConfig.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace obslab::DoctorChecks {

namespace {

const QString kDefaultTextFormat =
    u"[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
    "%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "
    "\"%UPSTREAM_TRANSPORT_FAILURE_REASON%\" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% "
    "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" "
    "\"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\" %UPSTREAM_CLUSTER_RAW% "
    "%UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% "
    "%REQUESTED_SERVER_NAME% %ROUTE_NAME%"_s;

const QString kDocsTracing =
    u"https://istio.io/latest/docs/tasks/observability/distributed-tracing/overview/"_s;
const QString kDocsTelemetry = u"https://istio.io/latest/docs/tasks/observability/telemetry/"_s;
const QString kDocsJaeger =
    u"https://istio.io/latest/docs/tasks/observability/distributed-tracing/jaeger/"_s;
const QString kDocsSampling =
    u"https://istio.io/latest/docs/tasks/observability/distributed-tracing/sampling/"_s;
const QString kDocsAccessLog =
    u"https://istio.io/latest/docs/tasks/observability/logs/access-log/"_s;
const QString kDocsInjection =
    u"https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/"_s;
const QString kDocsMeshConfig =
    u"https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/"_s;
const QString kDocsUpgrade122 =
    u"https://istio.io/latest/news/releases/1.22.x/announcing-1.22/upgrade-notes/"_s;

const QList<CheckInfo> kChecks = {
    {u"cluster.reachable"_s, u"Cluster"_s, u"kubectl reaches the cluster"_s,
     u"https://kubernetes.io/docs/tasks/tools/#kubectl"_s},
    {u"cluster.context"_s, u"Cluster"_s, u"Context and namespace"_s,
     u"https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/"_s},
    {u"cluster.version-skew"_s, u"Cluster"_s, u"kubectl and cluster versions"_s,
     u"https://kubernetes.io/releases/version-skew-policy/#kubectl"_s},
    {u"istio.installed"_s, u"Istio"_s, u"Istio is installed"_s,
     u"https://istio.io/latest/docs/setup/getting-started/"_s},
    {u"istio.mode"_s, u"Istio"_s, u"Sidecar or ambient mode"_s,
     u"https://istio.io/latest/docs/ambient/overview/"_s},
    {u"istio.analyze"_s, u"Istio"_s, u"istioctl analyze"_s,
     u"https://istio.io/latest/docs/reference/config/analysis/"_s},
    {u"mesh.tracing-enabled"_s, u"Mesh config"_s, u"Tracing is enabled"_s, kDocsMeshConfig},
    {u"mesh.telemetry"_s, u"Mesh config"_s, u"Telemetry resources name a provider"_s,
     kDocsTelemetry},
    {u"mesh.tracer"_s, u"Mesh config"_s, u"Sidecars have a tracer"_s, kDocsUpgrade122},
    {u"mesh.provider-service"_s, u"Mesh config"_s, u"The tracer's service and port exist"_s,
     kDocsTracing},
    {u"mesh.sampling"_s, u"Mesh config"_s, u"Sampling rate"_s, kDocsSampling},
    {u"mesh.access-log"_s, u"Mesh config"_s, u"Access log carries the trace id"_s, kDocsAccessLog},
    {u"mesh.propagation"_s, u"Mesh config"_s, u"Clients and tracer speak the same headers"_s,
     u"https://istio.io/latest/docs/tasks/observability/distributed-tracing/overview/#trace-context-propagation"_s},
    {u"workloads.injection"_s, u"Workloads"_s, u"Namespace is enabled for the mesh"_s,
     kDocsInjection},
    {u"workloads.sidecars"_s, u"Workloads"_s, u"Every pod has a sidecar"_s, kDocsInjection},
    {u"workloads.restart"_s, u"Workloads"_s, u"Pods run the current proxy config"_s,
     u"https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#ProxyConfig"_s},
    {u"jaeger.addon"_s, u"Jaeger"_s, u"Jaeger add-on is deployed and ready"_s, kDocsJaeger},
    {u"jaeger.k8s-services"_s, u"Jaeger"_s, u"Services tracing, zipkin, jaeger-collector"_s,
     kDocsJaeger},
    {u"jaeger.reachable"_s, u"Jaeger"_s, u"Jaeger's query API answers"_s,
     u"https://www.jaegertracing.io/docs/latest/apis/"_s},
    {u"jaeger.workload-services"_s, u"Jaeger"_s, u"Jaeger knows the workloads"_s, kDocsJaeger},
    {u"logs.trace-headers"_s, u"Logs"_s, u"Requests carry sampled trace headers"_s, kDocsTracing},
};

}  // namespace

const QList<CheckInfo>& all()
{
    return kChecks;
}

QList<DoctorFinding> evaluate(const DoctorSnapshot& snapshot)
{
    DoctorEvaluation e(snapshot);
    clusterChecks(e);
    if (!snapshot.kubectlFound || !snapshot.reachable) {
        e.skipRest(u"Skipped: the cluster did not answer (see “kubectl reaches the cluster”)."_s);
        return e.findings();
    }
    e.deriveFacts();
    istioChecks(e);
    meshChecks(e);
    accessLogChecks(e);
    workloadChecks(e);
    jaegerChecks(e);  // last: it names the failures that explain missing spans
    e.skipRest(u"Skipped."_s);
    return e.findings();
}

TracerInfo tracerFor(const QJsonObject& mesh, const QList<KubeObject>& telemetries,
                     const QString& ns, int istioMinor, double istiodSampling)
{
    TracerInfo t;
    const QJsonObject pcTracing = MeshConfig::at(mesh, u"defaultConfig.tracing"_s).toObject();
    if (pcTracing.value(u"sampling"_s).isDouble()) {
        t.sampling = pcTracing.value(u"sampling"_s).toDouble();
        t.samplingSource = u"meshConfig.defaultConfig.tracing.sampling"_s;
        t.samplingDefault = false;
    } else if (istiodSampling >= 0) {
        t.sampling = istiodSampling;
        t.samplingSource = u"istiod's PILOT_TRACE_SAMPLING (values.pilot.traceSampling)"_s;
        t.samplingDefault = false;
    } else {
        t.sampling = 1.0;
        t.samplingSource = u"Istio's default (nothing sets it)"_s;
    }

    // The Telemetry that applies to the namespace: its own (without a selector), else the root's.
    const KubeObject* best = nullptr;
    int bestRank = -1;
    for (const KubeObject& tel : telemetries) {
        const QJsonObject spec = tel.raw.value(u"spec"_s).toObject();
        if (spec.value(u"tracing"_s).toArray().isEmpty())
            continue;
        const bool selector = !spec.value(u"selector"_s).toObject().isEmpty() ||
                              !spec.value(u"targetRef"_s).toObject().isEmpty() ||
                              !spec.value(u"targetRefs"_s).toArray().isEmpty();
        int rank = -1;
        if (selector)
            rank = -1;  // workload-specific: not the namespace's answer
        else if (tel.ns == ns && ns != kIstioRoot)
            rank = 2;
        else if (tel.ns == kIstioRoot)
            rank = 1;
        if (rank > bestRank) {
            best = &tel;
            bestRank = rank;
        }
    }
    QStringList names;
    if (best) {
        t.telemetryNs = best->ns;
        t.telemetryName = best->name;
        const QJsonObject entry =
            best->raw.value(u"spec"_s).toObject().value(u"tracing"_s).toArray().first().toObject();
        if (entry.value(u"randomSamplingPercentage"_s).isDouble()) {
            t.sampling = entry.value(u"randomSamplingPercentage"_s).toDouble();
            t.samplingSource =
                u"Telemetry %1/%2 randomSamplingPercentage"_s.arg(best->ns, best->name);
            t.samplingDefault = false;
        }
        if (entry.value(u"disableSpanReporting"_s).toBool()) {
            t.reason = u"Telemetry %1/%2 disables span reporting"_s.arg(best->ns, best->name);
            t.telemetryProblem = true;
            return t;
        }
        for (const QJsonValue& p : entry.value(u"providers"_s).toArray())
            names << p.toObject().value(u"name"_s).toString();
        t.source = u"Telemetry %1/%2"_s.arg(best->ns, best->name);
        if (names.isEmpty()) {
            for (const QJsonValue& v :
                 mesh.value(u"defaultProviders"_s).toObject().value(u"tracing"_s).toArray())
                names << v.toString();
            t.source += u" + meshConfig.defaultProviders"_s;
        }
        if (names.isEmpty()) {
            t.reason = u"Telemetry %1/%2 names no provider and meshConfig.defaultProviders."
                       "tracing is empty"_s.arg(best->ns, best->name);
            t.telemetryProblem = true;
            return t;
        }
    } else {
        for (const QJsonValue& v :
             mesh.value(u"defaultProviders"_s).toObject().value(u"tracing"_s).toArray())
            names << v.toString();
        if (!names.isEmpty())
            t.source = u"meshConfig.defaultProviders.tracing"_s;
    }
    if (!names.isEmpty()) {
        const QString name = names.first();
        for (const QJsonValue& pv : mesh.value(u"extensionProviders"_s).toArray()) {
            const QJsonObject p = pv.toObject();
            if (p.value(u"name"_s).toString() != name)
                continue;
            for (auto it = p.begin(); it != p.end(); ++it) {
                if (it.key() == u"name" || !it.value().isObject())
                    continue;
                t.kind = it.key();
                t.provider = name;
                t.service = it.value().toObject().value(u"service"_s).toString();
                t.port = it.value().toObject().value(u"port"_s).toInt();
                return t;
            }
        }
        t.reason = u"provider %1 is not in meshConfig.extensionProviders"_s.arg(name);
        t.telemetryProblem = best != nullptr;
        return t;
    }
    QString address = pcTracing.value(u"zipkin"_s).toObject().value(u"address"_s).toString();
    t.source = u"meshConfig.defaultConfig.tracing.zipkin.address (read at sidecar start)"_s;
    if (address.isEmpty() && istioMinor >= 0 && istioMinor < 22) {
        address = u"zipkin.istio-system:9411"_s;
        t.source = u"the pre-1.22 default Zipkin address"_s;
    }
    if (address.isEmpty()) {
        t.source.clear();
        t.reason = istioMinor >= 22 || istioMinor < 0
                       ? u"no Zipkin address, no Telemetry naming a provider, no default provider"_s
                       : u"no tracing settings"_s;
        return t;
    }
    t.kind = u"zipkin"_s;
    const qsizetype colon = address.lastIndexOf(u':');
    t.service = colon > 0 ? address.left(colon) : address;
    t.port = colon > 0 ? address.mid(colon + 1).toInt() : 9411;
    return t;
}

QString accessLogFormat(const QJsonObject& mesh, bool* json)
{
    const bool isJson = mesh.value(u"accessLogEncoding"_s).toString() == u"JSON";
    if (json)
        *json = isJson;
    const QString format = mesh.value(u"accessLogFormat"_s).toString();
    if (!format.isEmpty())
        return format;
    if (isJson)
        return u"{\"start_time\":\"%START_TIME%\",\"method\":\"%REQ(:METHOD)%\",\"path\":"
               "\"%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%\",\"protocol\":\"%PROTOCOL%\","
               "\"response_code\":\"%RESPONSE_CODE%\",\"response_flags\":\"%RESPONSE_FLAGS%\","
               "\"bytes_received\":\"%BYTES_RECEIVED%\",\"bytes_sent\":\"%BYTES_SENT%\","
               "\"duration\":\"%DURATION%\",\"user_agent\":\"%REQ(USER-AGENT)%\",\"request_id\":"
               "\"%REQ(X-REQUEST-ID)%\",\"authority\":\"%REQ(:AUTHORITY)%\",\"upstream_host\":"
               "\"%UPSTREAM_HOST%\",\"upstream_cluster\":\"%UPSTREAM_CLUSTER_RAW%\"}"_s;
    return kDefaultTextFormat;
}

bool formatCarriesTraceId(const QString& format)
{
    return format.contains(u"X-B3-TRACEID"_s, Qt::CaseInsensitive) ||
           format.contains(u"%TRACE_ID%"_s) ||
           format.contains(u"REQ(TRACEPARENT)"_s, Qt::CaseInsensitive) ||
           format.contains(u"REQ(B3)"_s, Qt::CaseInsensitive) ||
           format.contains(u"UBER-TRACE-ID"_s, Qt::CaseInsensitive);
}

QString owningDeployment(const KubeObject& pod)
{
    const QString hash = pod.labels.value(u"pod-template-hash"_s);
    for (const QJsonValue& o :
         pod.raw.value(u"metadata"_s).toObject().value(u"ownerReferences"_s).toArray()) {
        const QJsonObject owner = o.toObject();
        if (owner.value(u"kind"_s).toString() != u"ReplicaSet")
            continue;
        const QString rs = owner.value(u"name"_s).toString();
        if (!hash.isEmpty() && rs.endsWith(u'-' + hash))
            return rs.left(rs.size() - hash.size() - 1);
        const qsizetype dash = rs.lastIndexOf(u'-');
        return dash > 0 ? rs.left(dash) : rs;
    }
    return {};
}

}  // namespace obslab::DoctorChecks
