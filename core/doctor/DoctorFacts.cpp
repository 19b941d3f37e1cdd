#include "core/doctor/DoctorFacts.h"

#include "core/doctor/MeshConfig.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

bool isTerminating(const KubeObject& pod)
{
    const QJsonObject md = pod.raw.value(u"metadata"_s).toObject();
    const QString phase = pod.raw.value(u"status"_s).toObject().value(u"phase"_s).toString();
    return md.contains(u"deletionTimestamp"_s) || phase == u"Succeeded" || phase == u"Failed";
}

QString imageTag(const QString& image)
{
    const qsizetype slash = image.lastIndexOf(u'/');
    const qsizetype colon = image.lastIndexOf(u':');
    return colon > slash ? image.mid(colon + 1) : QString();
}

}  // namespace

QJsonObject DoctorFacts::firstContainer(const KubeObject& deployment)
{
    return deployment.raw.value(u"spec"_s)
        .toObject()
        .value(u"template"_s)
        .toObject()
        .value(u"spec"_s)
        .toObject()
        .value(u"containers"_s)
        .toArray()
        .first()
        .toObject();
}

QString DoctorFacts::envValue(const QJsonObject& container, const QString& name)
{
    for (const QJsonValue& e : container.value(u"env"_s).toArray())
        if (e.toObject().value(u"name"_s).toString() == name)
            return e.toObject().value(u"value"_s).toString();
    return {};
}

DoctorFacts DoctorFacts::derive(const DoctorSnapshot& s)
{
    DoctorFacts facts;
    if (s.istioSystem.has()) {
        facts.istioKnown = true;
        for (const KubeObject& o : *s.istioSystem.value) {
            if (o.kind == u"Deployment") {
                if (o.labels.value(u"app"_s) == u"istiod" || o.name == u"istiod")
                    facts.istiod = o;
                if (o.labels.value(u"app"_s) == u"ztunnel" || o.name == u"ztunnel")
                    facts.ztunnel = true;
                if (o.labels.value(u"app"_s) == u"jaeger" || o.name == u"jaeger") {
                    facts.jaegerDeployment = o;
                    facts.jaegerReady = KubeObjects::deploymentState(o).ready > 0;
                }
            } else if (o.kind == u"DaemonSet" && o.name == u"ztunnel") {
                facts.ztunnel = true;
            }
        }
    }
    if (facts.istiod) {
        const QJsonObject c = firstContainer(*facts.istiod);
        facts.istioVersion = imageTag(c.value(u"image"_s).toString());
        const QString env = envValue(c, u"PILOT_TRACE_SAMPLING"_s);
        if (!env.isEmpty())
            facts.istiodSampling = env.toDouble();
    }
    if (facts.istioVersion.isEmpty() && s.istioVersion.has())
        facts.istioVersion = s.istioVersion.value->controlPlane;
    facts.istioMinor = IstioVersionInfo::minorOf(facts.istioVersion);

    if (s.meshConfigMap.has()) {
        const QString text =
            s.meshConfigMap.value->raw.value(u"data"_s).toObject().value(u"mesh"_s).toString();
        const Result<QJsonObject> parsed = MeshConfig::parse(text.toUtf8());
        if (parsed.ok()) {
            facts.meshOk = true;
            facts.mesh = parsed.value();
        } else {
            facts.meshError = parsed.error().message;
        }
    } else if (s.meshConfigMapMissing) {
        facts.meshError = u"configmap/istio is not in istio-system (a revisioned install names it "
                          "istio-REVISION)."_s;
    } else {
        facts.meshError = s.meshConfigMap.error;
    }

    if (s.namespaces.has())
        for (const KubeObject& o : *s.namespaces.value)
            if (o.name == s.target.ns)
                facts.ns = o;
    facts.ambient = facts.ns && facts.ns->labels.value(u"istio.io/dataplane-mode"_s) == u"ambient";

    if (s.pods.has()) {
        for (const KubeObject& pod : *s.pods.value) {
            if (isTerminating(pod))
                continue;
            facts.workloadPods << pod;
            const PodState st = KubeObjects::podState(pod);
            if (st.hasIstioProxy) {
                facts.sidecarPods << pod;
                if (st.nativeSidecar)
                    ++facts.native;
            } else if (pod.labels.value(u"sidecar.istio.io/inject"_s) != u"false" &&
                       pod.annotations.value(u"sidecar.istio.io/inject"_s) != u"false") {
                facts.missingSidecar << pod;
            }
        }
    }

    if (facts.meshOk) {
        facts.tracerKnown = s.telemetries.has();
        facts.tracer =
            DoctorChecks::tracerFor(facts.mesh, s.telemetries.value.value_or(QList<KubeObject>{}),
                                    s.target.ns, facts.istioMinor, facts.istiodSampling);
        facts.format = DoctorChecks::accessLogFormat(facts.mesh, &facts.formatJson);
        facts.accessLogOn = !facts.mesh.value(u"accessLogFile"_s).toString().isEmpty();
        // A Telemetry accessLogging entry (namespace or root) with the envoy provider also logs.
        for (const KubeObject& t : s.telemetries.value.value_or(QList<KubeObject>{})) {
            if (t.ns != s.target.ns && t.ns != kIstioRoot)
                continue;
            const QJsonArray logging =
                t.raw.value(u"spec"_s).toObject().value(u"accessLogging"_s).toArray();
            for (const QJsonValue& entry : logging) {
                if (entry.toObject().value(u"disabled"_s).toBool())
                    continue;
                const QJsonArray providers = entry.toObject().value(u"providers"_s).toArray();
                if (providers.isEmpty())
                    facts.accessLogOn = true;
                for (const QJsonValue& p : providers)
                    if (p.toObject().value(u"name"_s).toString() == u"envoy")
                        facts.accessLogOn = true;
            }
        }
    }
    return facts;
}

}  // namespace obslab
