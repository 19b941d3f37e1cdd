#include "core/doctor/DoctorChecks.h"

#include "core/doctor/DoctorFixes.h"
#include "core/doctor/MeshConfig.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/ParsedLine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSet>

#include <functional>

using namespace Qt::Literals::StringLiterals;

namespace obslab::DoctorChecks {

namespace {

using Severity = DoctorFinding::Severity;

const QString kRoot = u"istio-system"_s;
const QString kTutorialFormat =
    u"[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
    "%RESPONSE_CODE% traceID=%REQ(X-B3-TRACEID)% spanID=%REQ(X-B3-SPANID)% "
    "sampled=%REQ(X-B3-SAMPLED)% service=%DOWNSTREAM_LOCAL_ADDRESS%"_s;
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

const QStringList kCollectorPorts = {u"9411"_s, u"4317"_s, u"4318"_s, u"14250"_s, u"14268"_s};
const QStringList kAddonServices = {u"tracing"_s, u"zipkin"_s, u"jaeger-collector"_s};

QString fmtPercent(double v)
{
    return QString::number(v, 'g', 4) + u" %"_s;
}

QJsonObject jsonObject(const QByteArray& json)
{
    return QJsonDocument::fromJson(json).object();
}

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

QJsonObject firstContainer(const KubeObject& deployment)
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

QJsonObject proxyContainer(const KubeObject& pod)
{
    const QJsonObject spec = pod.raw.value(u"spec"_s).toObject();
    for (const QString& list : {u"containers"_s, u"initContainers"_s})
        for (const QJsonValue& c : spec.value(list).toArray())
            if (c.toObject().value(u"name"_s).toString() == u"istio-proxy")
                return c.toObject();
    return {};
}

QString envValue(const QJsonObject& container, const QString& name)
{
    for (const QJsonValue& e : container.value(u"env"_s).toArray())
        if (e.toObject().value(u"name"_s).toString() == name)
            return e.toObject().value(u"value"_s).toString();
    return {};
}

struct ServiceRef
{
    QString name;
    QString ns;
    int port = 0;
};

// `zipkin.istio-system.svc.cluster.local`, `zipkin.istio-system:9411`, `http://x.y` → name, ns.
ServiceRef serviceRef(QString host, int port, const QString& fromNs)
{
    if (host.contains(u"://"_s))
        host = host.section(u"://"_s, 1);
    for (const QString& suffix : {u".svc.cluster.local"_s, u".svc"_s})
        if (host.endsWith(suffix))
            host.chop(suffix.size());
    ServiceRef ref;
    ref.name = host.section(u'.', 0, 0);
    ref.ns = host.contains(u'.') ? host.section(u'.', 1, 1) : fromNs;
    ref.port = port;
    return ref;
}

class Evaluator
{
public:
    explicit Evaluator(const DoctorSnapshot& s)
        : s_(s)
    {}

    QList<DoctorFinding> run();

private:
    DoctorFinding& add(const QString& id, Severity severity, const QString& summary,
                       const QString& evidence = {});
    void skipRest(const QString& reason);
    Severity severityOf(const QString& id) const;
    bool failed(const QString& id) const
    {
        const Severity sev = severityOf(id);
        return sev == Severity::Fail || sev == Severity::Warn;
    }

    void derive();
    void clusterChecks();
    void istioChecks();
    void meshChecks();
    void workloadChecks();
    void jaegerChecks();
    void logChecks();

    // Fix builders sharing the snapshot.
    QString collectorService(int port) const;
    QJsonObject meshWithZipkinProvider(QJsonObject mesh, const QString& name) const;
    void setMeshFix(DoctorFinding& f, const QJsonObject& newMesh, const QString& iopSnippet,
                    const QStringList& restart = {});
    QStringList deploymentsOf(const QList<KubeObject>& pods) const;
    QStringList allDeployments() const;
    void setInjectionFix(DoctorFinding& f, const QStringList& deployments);

    const DoctorSnapshot& s_;
    QList<DoctorFinding> out_;
    QSet<QString> done_;
    DoctorFinding scratch_;

    // Derived once.
    bool istioKnown_ = false;  // the istio-system objects were read
    std::optional<KubeObject> istiod_;
    QString istioVersion_;
    int istioMinor_ = -1;
    double istiodSampling_ = -1;
    bool meshOk_ = false;
    QJsonObject mesh_;
    QString meshError_;
    std::optional<KubeObject> ns_;
    bool ambient_ = false;
    bool ztunnel_ = false;
    QList<KubeObject> workloadPods_;
    QList<KubeObject> sidecarPods_;
    QList<KubeObject> missingSidecar_;
    int native_ = 0;
    std::optional<KubeObject> jaegerDeployment_;
    bool jaegerReady_ = false;
    TracerInfo tracer_;
    bool tracerKnown_ = false;
    QString format_;
    bool formatJson_ = false;
    bool accessLogOn_ = false;
};

DoctorFinding& Evaluator::add(const QString& id, Severity severity, const QString& summary,
                              const QString& evidence)
{
    if (done_.contains(id)) {
        // A check already decided (e.g. skipped with everything after an early failure).
        scratch_ = DoctorFinding{};
        return scratch_;
    }
    DoctorFinding f;
    f.id = id;
    for (const CheckInfo& info : kChecks) {
        if (info.id == id) {
            f.group = info.group;
            f.title = info.title;
            f.docsUrl = info.docsUrl;
        }
    }
    f.severity = severity;
    f.summary = summary;
    f.evidence = evidence;
    done_.insert(id);
    out_.append(f);
    return out_.last();
}

void Evaluator::skipRest(const QString& reason)
{
    for (const CheckInfo& info : kChecks)
        if (!done_.contains(info.id))
            add(info.id, Severity::Skipped, reason);
}

Severity Evaluator::severityOf(const QString& id) const
{
    for (const DoctorFinding& f : out_)
        if (f.id == id)
            return f.severity;
    return Severity::Skipped;
}

QList<DoctorFinding> Evaluator::run()
{
    clusterChecks();
    if (!s_.kubectlFound || !s_.reachable) {
        skipRest(u"Skipped: the cluster did not answer (see “kubectl reaches the cluster”)."_s);
        return out_;
    }
    derive();
    istioChecks();
    meshChecks();
    workloadChecks();
    jaegerChecks();
    logChecks();
    skipRest(u"Skipped."_s);
    // Report in the fixed order of kChecks.
    QList<DoctorFinding> ordered;
    for (const CheckInfo& info : kChecks)
        for (const DoctorFinding& f : out_)
            if (f.id == info.id)
                ordered.append(f);
    return ordered;
}

void Evaluator::derive()
{
    if (s_.istioSystem.has()) {
        istioKnown_ = true;
        for (const KubeObject& o : *s_.istioSystem.value) {
            if (o.kind == u"Deployment") {
                if (o.labels.value(u"app"_s) == u"istiod" || o.name == u"istiod")
                    istiod_ = o;
                if (o.labels.value(u"app"_s) == u"ztunnel" || o.name == u"ztunnel")
                    ztunnel_ = true;
                if (o.labels.value(u"app"_s) == u"jaeger" || o.name == u"jaeger") {
                    jaegerDeployment_ = o;
                    jaegerReady_ = KubeObjects::deploymentState(o).ready > 0;
                }
            } else if (o.kind == u"DaemonSet" && o.name == u"ztunnel") {
                ztunnel_ = true;
            }
        }
    }
    if (istiod_) {
        const QJsonObject c = firstContainer(*istiod_);
        istioVersion_ = imageTag(c.value(u"image"_s).toString());
        const QString env = envValue(c, u"PILOT_TRACE_SAMPLING"_s);
        if (!env.isEmpty())
            istiodSampling_ = env.toDouble();
    }
    if (istioVersion_.isEmpty() && s_.istioVersion.has())
        istioVersion_ = s_.istioVersion.value->controlPlane;
    istioMinor_ = IstioVersionInfo::minorOf(istioVersion_);

    if (s_.meshConfigMap.has()) {
        const QString text =
            s_.meshConfigMap.value->raw.value(u"data"_s).toObject().value(u"mesh"_s).toString();
        const Result<QJsonObject> parsed = MeshConfig::parse(text.toUtf8());
        if (parsed.ok()) {
            meshOk_ = true;
            mesh_ = parsed.value();
        } else {
            meshError_ = parsed.error().message;
        }
    } else if (s_.meshConfigMapMissing) {
        meshError_ = u"configmap/istio is not in istio-system (a revisioned install names it "
                     "istio-REVISION)."_s;
    } else {
        meshError_ = s_.meshConfigMap.error;
    }

    if (s_.namespaces.has())
        for (const KubeObject& o : *s_.namespaces.value)
            if (o.name == s_.target.ns)
                ns_ = o;
    ambient_ = ns_ && ns_->labels.value(u"istio.io/dataplane-mode"_s) == u"ambient";

    if (s_.pods.has()) {
        for (const KubeObject& pod : *s_.pods.value) {
            if (isTerminating(pod))
                continue;
            workloadPods_ << pod;
            const PodState st = KubeObjects::podState(pod);
            if (st.hasIstioProxy) {
                sidecarPods_ << pod;
                if (st.nativeSidecar)
                    ++native_;
            } else if (pod.labels.value(u"sidecar.istio.io/inject"_s) != u"false" &&
                       pod.annotations.value(u"sidecar.istio.io/inject"_s) != u"false") {
                missingSidecar_ << pod;
            }
        }
    }

    if (meshOk_) {
        tracerKnown_ = s_.telemetries.has();
        tracer_ = tracerFor(mesh_, s_.telemetries.value.value_or(QList<KubeObject>{}), s_.target.ns,
                            istioMinor_, istiodSampling_);
        format_ = accessLogFormat(mesh_, &formatJson_);
        accessLogOn_ = !mesh_.value(u"accessLogFile"_s).toString().isEmpty();
        // A Telemetry accessLogging entry (namespace or root) with the envoy provider also logs.
        for (const KubeObject& t : s_.telemetries.value.value_or(QList<KubeObject>{})) {
            if (t.ns != s_.target.ns && t.ns != kRoot)
                continue;
            const QJsonArray logging =
                t.raw.value(u"spec"_s).toObject().value(u"accessLogging"_s).toArray();
            for (const QJsonValue& entry : logging) {
                if (entry.toObject().value(u"disabled"_s).toBool())
                    continue;
                const QJsonArray providers = entry.toObject().value(u"providers"_s).toArray();
                if (providers.isEmpty())
                    accessLogOn_ = true;
                for (const QJsonValue& p : providers)
                    if (p.toObject().value(u"name"_s).toString() == u"envoy")
                        accessLogOn_ = true;
            }
        }
    }
}

// --- cluster ------------------------------------------------------------------------------------

void Evaluator::clusterChecks()
{
    const QString where =
        u"context %1, server %2"_s.arg(s_.context.isEmpty() ? u"(kubectl's current)"_s : s_.context,
                                       s_.server.isEmpty() ? u"unknown"_s : s_.server);
    if (!s_.kubectlFound) {
        DoctorFinding& f =
            add(u"cluster.reachable"_s, Severity::Fail,
                u"kubectl was not found, so nothing could be checked."_s, s_.kubectlError);
        f.fixCommand = u"# Install kubectl: https://kubernetes.io/docs/tasks/tools/#kubectl"_s;
        return;
    }
    if (!s_.reachable) {
        DoctorFinding& f =
            add(u"cluster.reachable"_s, Severity::Fail,
                u"The cluster does not answer: %1"_s.arg(s_.unreachableReason.isEmpty()
                                                             ? u"kubectl got no server version"_s
                                                             : s_.unreachableReason),
                where + u"\nkubectl: "_s + s_.target.kubectl);
        f.fixCommand = u"kubectl config get-contexts\nkubectl cluster-info"_s +
                       (s_.context.isEmpty() ? QString() : u" --context "_s + s_.context);
        return;
    }
    add(u"cluster.reachable"_s, Severity::Pass,
        u"The cluster answers (server %1)."_s.arg(s_.versions.server.gitVersion), where);

    QString evidence = u"context: %1\nnamespace: %2\nserver: %3"_s.arg(
        s_.context.isEmpty() ? u"(kubectl's current)"_s : s_.context, s_.target.ns,
        s_.server.isEmpty() ? u"unknown"_s : s_.server);
    if (!s_.namespaces.has()) {
        add(u"cluster.context"_s, Severity::Skipped,
            u"Could not list namespaces: "_s + s_.namespaces.error, evidence);
    } else {
        bool found = false;
        for (const KubeObject& o : *s_.namespaces.value)
            found = found || o.name == s_.target.ns;
        if (found) {
            add(u"cluster.context"_s, Severity::Pass,
                u"Checking namespace %1 in context %2."_s.arg(s_.target.ns, s_.context), evidence);
        } else {
            DoctorFinding& f =
                add(u"cluster.context"_s, Severity::Fail,
                    u"Namespace %1 does not exist in this cluster."_s.arg(s_.target.ns), evidence);
            f.fixCommand = u"kubectl get namespaces   # then pick one with --namespace"_s;
        }
    }

    const QString skew = KubeContext::versionSkewWarning(s_.versions);
    const QString versions = u"kubectl %1, server %2"_s.arg(s_.versions.client.gitVersion,
                                                            s_.versions.server.gitVersion);
    if (skew.isEmpty()) {
        add(u"cluster.version-skew"_s, Severity::Pass, u"Within one minor version: "_s + versions,
            versions);
    } else {
        DoctorFinding& f = add(u"cluster.version-skew"_s, Severity::Warn, skew, versions);
        f.fixCommand = u"# Get a kubectl within one minor version of the server: "
                       "https://kubernetes.io/docs/tasks/tools/#kubectl"_s;
    }
}

// --- istio --------------------------------------------------------------------------------------

void Evaluator::istioChecks()
{
    if (!istioKnown_) {
        add(u"istio.installed"_s, Severity::Skipped,
            u"Could not read istio-system: "_s + s_.istioSystem.error);
        skipRest(u"Skipped: whether Istio is installed is unknown (see “Istio is installed”)."_s);
        return;
    }
    QStringList evidence;
    if (s_.istioVersion.has()) {
        const IstioVersionInfo& v = *s_.istioVersion.value;
        evidence << u"istioctl version: client %1, control plane %2"_s.arg(
            v.client.isEmpty() ? u"?"_s : v.client,
            v.controlPlane.isEmpty() ? u"none"_s : v.controlPlane);
        for (const IstioVersionInfo::DataPlane& dp : v.dataPlane)
            evidence << u"data plane: %1 (%2 proxies)"_s.arg(dp.version).arg(dp.proxies);
    } else if (!s_.istioctlFound) {
        evidence << u"istioctl: not found (%1)"_s.arg(s_.istioctlError);
    } else if (!s_.istioVersion.error.isEmpty()) {
        evidence << u"istioctl version: "_s + s_.istioVersion.error;
    }
    if (!istiod_) {
        evidence.prepend(u"No Deployment istiod (label app=istiod) in istio-system."_s);
        DoctorFinding& f = add(u"istio.installed"_s, Severity::Fail,
                               u"Istio is not installed in this cluster."_s, evidence.join(u'\n'));
        f.fixSteps = {DoctorFixes::installIstio(s_.target, s_.istioctlFound ? s_.istioctlPath
                                                                            : u"istioctl"_s)};
        f.fixCommand = DoctorFixes::describe(f.fixSteps);
        skipRest(u"Skipped: Istio is not installed."_s);
        return;
    }
    const QString image = firstContainer(*istiod_).value(u"image"_s).toString();
    evidence.prepend(u"istiod image: "_s + image);
    const DeploymentState st = KubeObjects::deploymentState(*istiod_);
    if (st.ready == 0) {
        add(u"istio.installed"_s, Severity::Fail,
            u"Istio %1 is installed but istiod is not ready."_s.arg(istioVersion_),
            evidence.join(u'\n'))
            .fixCommand = u"kubectl get pods -n istio-system -l app=istiod\n"
                          "kubectl describe deployment istiod -n istio-system"_s;
    } else {
        add(u"istio.installed"_s, Severity::Pass, u"Istio %1 is installed."_s.arg(istioVersion_),
            evidence.join(u'\n'));
    }

    // Sidecar or ambient.
    QString modeEvidence = u"namespace %1 labels: %2"_s.arg(
        s_.target.ns, ns_ ? QStringList([&] {
                                QStringList l;
                                for (auto it = ns_->labels.cbegin(); it != ns_->labels.cend(); ++it)
                                    l << it.key() + u'=' + it.value();
                                return l;
                            }())
                                .join(u", "_s)
                          : u"(namespace not found)"_s);
    if (ztunnel_)
        modeEvidence += u"\nztunnel is installed (ambient data plane)."_s;
    if (ambient_) {
        DoctorFinding& f =
            add(u"istio.mode"_s, Severity::Warn,
                u"Namespace %1 is in ambient mode: pods have no sidecar, ztunnel logs L4 only, and "
                "L7 access logs and spans come only from a waypoint proxy."_s.arg(s_.target.ns),
                modeEvidence +
                    u"\nThe workshop is written for sidecars. Either move the namespace to sidecar "
                    "mode (the fix below), or deploy a waypoint: istioctl waypoint apply -n %1 "
                    "--enroll-namespace"_s.arg(s_.target.ns));
        QList<CommandSpec> steps{DoctorFixes::labelNamespace(
            s_.target, s_.target.ns,
            {{u"istio.io/dataplane-mode"_s, QString()}, {u"istio-injection"_s, u"enabled"_s}})};
        steps += DoctorFixes::restartDeployments(s_.target, allDeployments());
        f.fixSteps = steps;
        f.fixCommand = DoctorFixes::describe(steps);
    } else {
        QString summary = u"Sidecar mode."_s;
        if (native_ > 0)
            summary = u"Sidecar mode, with native sidecars (istio-proxy is an init container with "
                      "restartPolicy: Always; `kubectl logs -c istio-proxy` works the same)."_s;
        add(u"istio.mode"_s, Severity::Pass, summary, modeEvidence);
    }

    // istioctl analyze.
    if (!s_.istioctlFound) {
        add(u"istio.analyze"_s, Severity::Skipped,
            u"istioctl was not found, so `istioctl analyze` could not run: "_s + s_.istioctlError);
    } else if (!s_.analyze.has()) {
        add(u"istio.analyze"_s, Severity::Skipped,
            u"`istioctl analyze` did not run: "_s + s_.analyze.error);
    } else {
        const AnalyzeReport& report = *s_.analyze.value;
        QStringList lines;
        QStringList restart;
        bool injection = false;
        for (const AnalyzeFinding& a : report.findings) {
            lines << (a.line.isEmpty() ? u"%1 [%2] %3"_s.arg(AnalyzeFindings::levelName(a.level),
                                                             a.code, a.message)
                                       : a.line);
            if (a.code == u"IST0102")
                injection = true;
            if (a.code == u"IST0103" && a.kind == u"Pod" && s_.pods.has())
                for (const KubeObject& p : *s_.pods.value)
                    if (p.name == a.name)
                        restart << owningDeployment(p);
        }
        if (report.findings.isEmpty()) {
            add(u"istio.analyze"_s, Severity::Pass,
                u"No validation issues in namespace %1."_s.arg(s_.target.ns),
                u"istioctl analyze -n %1: no issues"_s.arg(s_.target.ns));
        } else {
            const Severity sev =
                report.count(FindingLevel::Error) > 0 ? Severity::Fail : Severity::Warn;
            DoctorFinding& f =
                add(u"istio.analyze"_s, sev,
                    u"istioctl analyze reports %1 finding(s) in %2."_s.arg(report.findings.size())
                        .arg(s_.target.ns),
                    lines.join(u'\n'));
            if (injection)
                setInjectionFix(f, allDeployments());
            else if (!restart.isEmpty()) {
                restart.removeDuplicates();
                restart.removeAll(QString());
                f.fixSteps = DoctorFixes::restartDeployments(s_.target, restart);
                f.fixCommand = DoctorFixes::describe(f.fixSteps);
            }
        }
    }
}

// --- mesh config --------------------------------------------------------------------------------

QString Evaluator::collectorService(int port) const
{
    // The add-on's collector if it exists, else the zipkin Service (Zipkin only).
    if (s_.services.has()) {
        for (const KubeObject& svc : *s_.services.value) {
            if (svc.ns != kRoot)
                continue;
            if (svc.name == u"jaeger-collector")
                return u"jaeger-collector.istio-system.svc.cluster.local"_s;
        }
        if (port == 9411)
            for (const KubeObject& svc : *s_.services.value)
                if (svc.ns == kRoot && svc.name == u"zipkin")
                    return u"zipkin.istio-system.svc.cluster.local"_s;
    }
    return u"jaeger-collector.istio-system.svc.cluster.local"_s;
}

QJsonObject Evaluator::meshWithZipkinProvider(QJsonObject mesh, const QString& name) const
{
    QJsonArray providers = mesh.value(u"extensionProviders"_s).toArray();
    const QJsonObject provider{
        {u"name"_s, name},
        {u"zipkin"_s, QJsonObject{{u"service"_s, collectorService(9411)}, {u"port"_s, 9411}}}};
    bool replaced = false;
    for (qsizetype i = 0; i < providers.size(); ++i) {
        if (providers.at(i).toObject().value(u"name"_s).toString() == name) {
            providers.replace(i, provider);
            replaced = true;
        }
    }
    if (!replaced)
        providers.append(provider);
    mesh.insert(u"extensionProviders"_s, providers);
    return mesh;
}

void Evaluator::setMeshFix(DoctorFinding& f, const QJsonObject& newMesh, const QString& iopSnippet,
                           const QStringList& restart)
{
    if (!s_.meshConfigMap.has())
        return;
    f.fixSteps = {DoctorFixes::applyMeshConfig(s_.target, *s_.meshConfigMap.value, newMesh)};
    f.fixSteps += DoctorFixes::restartDeployments(s_.target, restart);
    f.fixCommand = DoctorFixes::describe(f.fixSteps);
    f.fixYaml =
        u"# To keep it across `istioctl install`, put this in your IstioOperator:\n"_s + iopSnippet;
}

QStringList Evaluator::deploymentsOf(const QList<KubeObject>& pods) const
{
    QStringList names;
    for (const KubeObject& p : pods) {
        const QString d = owningDeployment(p);
        if (!d.isEmpty() && !names.contains(d))
            names << d;
    }
    return names;
}

QStringList Evaluator::allDeployments() const
{
    QStringList names;
    if (s_.deployments.has())
        for (const KubeObject& d : *s_.deployments.value)
            names << d.name;
    if (names.isEmpty())
        names = deploymentsOf(workloadPods_);
    return names;
}

void Evaluator::setInjectionFix(DoctorFinding& f, const QStringList& deployments)
{
    QList<CommandSpec> steps{DoctorFixes::labelNamespace(s_.target, s_.target.ns,
                                                         {{u"istio-injection"_s, u"enabled"_s}})};
    steps += DoctorFixes::restartDeployments(s_.target, deployments);
    f.fixSteps = steps;
    f.fixCommand = DoctorFixes::describe(steps);
}

void Evaluator::meshChecks()
{
    if (!meshOk_) {
        const QString why = u"Skipped: the mesh config could not be read: "_s + meshError_;
        for (const QString& id : {u"mesh.tracing-enabled"_s, u"mesh.telemetry"_s, u"mesh.tracer"_s,
                                  u"mesh.provider-service"_s, u"mesh.sampling"_s,
                                  u"mesh.access-log"_s, u"mesh.propagation"_s})
            add(id, Severity::Skipped, why);
        return;
    }
    const QString meshText = QString::fromUtf8(MeshConfig::toYaml(mesh_));

    // enableTracing
    const QJsonValue enable = mesh_.value(u"enableTracing"_s);
    if (enable.isBool() && !enable.toBool()) {
        DoctorFinding& f = add(u"mesh.tracing-enabled"_s, Severity::Fail,
                               u"meshConfig.enableTracing is false: sidecars send no spans."_s,
                               u"configmap/istio (istio-system), mesh:\nenableTracing: false"_s);
        setMeshFix(f, MeshConfig::with(mesh_, u"enableTracing"_s, true),
                   u"spec:\n  meshConfig:\n    enableTracing: true\n"_s);
    } else {
        add(u"mesh.tracing-enabled"_s, Severity::Pass,
            enable.isBool() ? u"meshConfig.enableTracing is true."_s
                            : u"meshConfig.enableTracing is not set (true by default)."_s);
    }

    // Telemetry resources
    const QJsonArray providers = mesh_.value(u"extensionProviders"_s).toArray();
    QStringList providerNames;
    for (const QJsonValue& p : providers)
        providerNames << p.toObject().value(u"name"_s).toString();
    const QStringList defaults = [&] {
        QStringList l;
        for (const QJsonValue& v :
             mesh_.value(u"defaultProviders"_s).toObject().value(u"tracing"_s).toArray())
            l << v.toString();
        return l;
    }();
    if (!s_.telemetries.has()) {
        add(u"mesh.telemetry"_s, Severity::Skipped,
            u"Could not list Telemetry resources: "_s + s_.telemetries.error);
    } else {
        QStringList lines;
        QStringList missing;
        QString badTelemetry;
        bool noProvider = false;
        for (const KubeObject& t : *s_.telemetries.value) {
            const QJsonArray tracing =
                t.raw.value(u"spec"_s).toObject().value(u"tracing"_s).toArray();
            if (tracing.isEmpty())
                continue;
            const QJsonObject entry = tracing.first().toObject();
            QStringList names;
            for (const QJsonValue& p : entry.value(u"providers"_s).toArray())
                names << p.toObject().value(u"name"_s).toString();
            const QJsonValue pct = entry.value(u"randomSamplingPercentage"_s);
            lines << u"Telemetry %1/%2: providers [%3], randomSamplingPercentage %4"_s.arg(
                t.ns, t.name, names.join(u", "_s),
                pct.isDouble() ? fmtPercent(pct.toDouble()) : u"not set"_s);
            for (const QString& n : names) {
                if (!providerNames.contains(n)) {
                    missing << n;
                    badTelemetry = t.ns + u'/' + t.name;
                }
            }
            if (names.isEmpty() && defaults.isEmpty()) {
                noProvider = true;
                badTelemetry = t.ns + u'/' + t.name;
            }
        }
        lines << u"meshConfig.extensionProviders: [%1]"_s.arg(providerNames.join(u", "_s));
        if (!defaults.isEmpty())
            lines << u"meshConfig.defaultProviders.tracing: [%1]"_s.arg(defaults.join(u", "_s));
        if (!missing.isEmpty()) {
            missing.removeDuplicates();
            DoctorFinding& f = add(
                u"mesh.telemetry"_s, Severity::Fail,
                u"Telemetry %1 names provider(s) %2 that meshConfig.extensionProviders does not "
                "have: no spans."_s.arg(badTelemetry, missing.join(u", "_s)),
                lines.join(u'\n'));
            QJsonObject fixed = mesh_;
            for (const QString& m : missing)
                fixed = meshWithZipkinProvider(fixed, m);
            setMeshFix(f, fixed,
                       u"spec:\n  meshConfig:\n    extensionProviders:\n    - name: %1\n      "
                       "zipkin:\n        service: %2\n        port: 9411\n"_s.arg(
                           missing.first(), collectorService(9411)));
        } else if (noProvider) {
            add(u"mesh.telemetry"_s, Severity::Fail,
                u"Telemetry %1 traces without naming a provider and there is no "
                "meshConfig.defaultProviders.tracing: no spans (istio/istio#38920)."_s.arg(
                    badTelemetry),
                lines.join(u'\n'))
                .fixYaml = u"spec:\n  tracing:\n  - providers:\n    - name: jaeger-zipkin\n"_s;
        } else if (lines.size() == 1 + (defaults.isEmpty() ? 0 : 1)) {
            add(u"mesh.telemetry"_s, Severity::Pass,
                u"No Telemetry resource configures tracing (the mesh config decides)."_s,
                lines.join(u'\n'));
        } else {
            add(u"mesh.telemetry"_s, Severity::Pass,
                u"Every Telemetry names an existing provider."_s, lines.join(u'\n'));
        }
    }

    // The tracer
    const QString tracerEvidence =
        u"Istio %1\nmeshConfig.defaultConfig.tracing: %2\nmeshConfig.extensionProviders: [%3]\n"
        "meshConfig.defaultProviders.tracing: [%4]"_s.arg(
            istioVersion_.isEmpty() ? u"?"_s : istioVersion_,
            QString::fromUtf8(
                QJsonDocument(MeshConfig::at(mesh_, u"defaultConfig.tracing"_s).toObject())
                    .toJson(QJsonDocument::Compact)),
            providerNames.join(u", "_s), defaults.join(u", "_s));
    if (tracer_.exists()) {
        add(u"mesh.tracer"_s, Severity::Pass,
            u"Spans go to %1:%2 (%3, from %4)."_s.arg(tracer_.service)
                .arg(tracer_.port)
                .arg(tracer_.kind, tracer_.source),
            tracerEvidence);
    } else if (tracer_.telemetryProblem && failed(u"mesh.telemetry"_s)) {
        add(u"mesh.tracer"_s, Severity::Skipped,
            u"No tracer because of a Telemetry resource (see “Telemetry resources name a "
            "provider”)."_s,
            tracerEvidence);
    } else {
        QString summary = u"No tracer: "_s + tracer_.reason;
        if (istioMinor_ >= 22 && !tracer_.telemetryProblem)
            summary = u"No tracer: since Istio 1.22 sidecars send spans nowhere by default; "
                      "there is neither a defaultConfig.tracing.zipkin.address nor an "
                      "extensionProvider named by a Telemetry."_s;
        DoctorFinding& f = add(u"mesh.tracer"_s, Severity::Fail, summary, tracerEvidence);
        const QString provider = u"jaeger-zipkin"_s;
        QJsonObject fixed = meshWithZipkinProvider(mesh_, provider);
        setMeshFix(
            f, fixed,
            u"spec:\n  meshConfig:\n    extensionProviders:\n    - name: %1\n      zipkin:\n"
            "        service: %2\n        port: 9411\n"_s.arg(provider, collectorService(9411)));
        const QByteArray telemetry =
            DoctorFixes::telemetryManifest(u"mesh-default"_s, kRoot, provider, 100);
        f.fixSteps << DoctorFixes::applyManifest(s_.target, kRoot, telemetry,
                                                 u"Apply a mesh-wide Telemetry for tracing"_s);
        f.fixCommand = DoctorFixes::describe(f.fixSteps);
        f.fixYaml += u"---\n"_s + QString::fromUtf8(telemetry);
    }

    // The provider's service:port
    if (!tracer_.exists()) {
        add(u"mesh.provider-service"_s, Severity::Skipped, u"Skipped: there is no tracer."_s);
    } else if (!s_.services.has()) {
        add(u"mesh.provider-service"_s, Severity::Skipped,
            u"Could not list Services: "_s + s_.services.error);
    } else {
        const ServiceRef ref = serviceRef(tracer_.service, tracer_.port, s_.target.ns);
        std::optional<KubeObject> svc;
        for (const KubeObject& o : *s_.services.value)
            if (o.name == ref.name && o.ns == ref.ns)
                svc = o;
        QStringList ports;
        bool portFound = false;
        if (svc) {
            for (const QJsonValue& p :
                 svc->raw.value(u"spec"_s).toObject().value(u"ports"_s).toArray()) {
                const int port = p.toObject().value(u"port"_s).toInt();
                ports << QString::number(port);
                portFound = portFound || port == ref.port;
            }
        }
        const QString evidence = u"tracer: %1 %2:%3 (%4)\nService %5/%6: %7"_s.arg(
            tracer_.kind, tracer_.service, QString::number(tracer_.port), tracer_.source, ref.ns,
            ref.name, svc ? u"exists, ports "_s + ports.join(u", "_s) : u"not found"_s);
        if (svc && portFound) {
            add(u"mesh.provider-service"_s, Severity::Pass,
                u"Service %1/%2 has port %3."_s.arg(ref.ns, ref.name).arg(ref.port), evidence);
        } else if (!svc && ref.ns == kRoot && kAddonServices.contains(ref.name) &&
                   !jaegerDeployment_) {
            add(u"mesh.provider-service"_s, Severity::Skipped,
                u"Service %1/%2 is missing because the Jaeger add-on is not deployed (see “Jaeger "
                "add-on is deployed and ready”)."_s.arg(ref.ns, ref.name),
                evidence);
        } else {
            const int want = tracer_.kind == u"opentelemetry" ? 4317 : 9411;
            DoctorFinding& f = add(
                u"mesh.provider-service"_s, Severity::Fail,
                svc ? u"Service %1/%2 has no port %3: spans are dropped."_s.arg(ref.ns, ref.name)
                          .arg(ref.port)
                    : u"The tracer points at %1:%2, but Service %3/%4 does not exist: spans are "
                      "dropped."_s.arg(tracer_.service)
                          .arg(tracer_.port)
                          .arg(ref.ns, ref.name),
                evidence);
            if (!tracer_.provider.isEmpty()) {
                QJsonArray list = mesh_.value(u"extensionProviders"_s).toArray();
                for (qsizetype i = 0; i < list.size(); ++i) {
                    QJsonObject p = list.at(i).toObject();
                    if (p.value(u"name"_s).toString() != tracer_.provider)
                        continue;
                    QJsonObject cfg = p.value(tracer_.kind).toObject();
                    cfg.insert(u"service"_s, collectorService(want));
                    cfg.insert(u"port"_s, want);
                    p.insert(tracer_.kind, cfg);
                    list.replace(i, p);
                }
                QJsonObject fixed = mesh_;
                fixed.insert(u"extensionProviders"_s, list);
                setMeshFix(f, fixed,
                           u"spec:\n  meshConfig:\n    extensionProviders:\n    - name: %1\n      "
                           "%2:\n        service: %3\n        port: %4\n"_s.arg(
                               tracer_.provider, tracer_.kind, collectorService(want),
                               QString::number(want)));
            } else {
                const QString address = collectorService(9411) + u":9411"_s;
                setMeshFix(
                    f, MeshConfig::with(mesh_, u"defaultConfig.tracing.zipkin.address"_s, address),
                    u"spec:\n  meshConfig:\n    defaultConfig:\n      tracing:\n        "
                    "zipkin:\n          address: %1\n"_s.arg(address),
                    deploymentsOf(sidecarPods_));
            }
        }
    }

    // Sampling
    if (!tracer_.exists()) {
        add(u"mesh.sampling"_s, Severity::Skipped, u"Skipped: there is no tracer."_s);
    } else {
        const QString evidence =
            u"%1 (from %2)"_s.arg(fmtPercent(tracer_.sampling), tracer_.samplingSource);
        if (tracer_.sampling <= 1.0 || tracer_.samplingDefault) {
            DoctorFinding& f = add(
                u"mesh.sampling"_s, Severity::Warn,
                u"Sampling is %1: only about %2 request(s) in 100 is traced, so most trace ids in "
                "the logs are not in Jaeger."_s.arg(fmtPercent(tracer_.sampling),
                                                    QString::number(tracer_.sampling, 'g', 3)),
                evidence);
            if (!tracer_.telemetryName.isEmpty() && s_.telemetries.has()) {
                for (const KubeObject& t : *s_.telemetries.value) {
                    if (t.ns != tracer_.telemetryNs || t.name != tracer_.telemetryName)
                        continue;
                    QJsonObject spec = t.raw.value(u"spec"_s).toObject();
                    QJsonArray tracing = spec.value(u"tracing"_s).toArray();
                    QJsonObject entry = tracing.first().toObject();
                    entry.insert(u"randomSamplingPercentage"_s, 100);
                    tracing.replace(0, entry);
                    spec.insert(u"tracing"_s, tracing);
                    const QJsonObject manifest{
                        {u"apiVersion"_s, t.apiVersion},
                        {u"kind"_s, u"Telemetry"_s},
                        {u"metadata"_s, QJsonObject{{u"name"_s, t.name}, {u"namespace"_s, t.ns}}},
                        {u"spec"_s, spec}};
                    const QByteArray yaml = MeshConfig::toYaml(manifest);
                    f.fixSteps = {DoctorFixes::applyManifest(s_.target, t.ns, yaml,
                                                             u"Sample every request"_s)};
                    f.fixCommand = DoctorFixes::describe(f.fixSteps);
                    f.fixYaml = QString::fromUtf8(yaml);
                }
            } else {
                setMeshFix(f, MeshConfig::with(mesh_, u"defaultConfig.tracing.sampling"_s, 100),
                           u"spec:\n  meshConfig:\n    defaultConfig:\n      tracing:\n        "
                           "sampling: 100\n"_s,
                           deploymentsOf(sidecarPods_));
                f.evidence += u"\ndefaultConfig is read when a sidecar starts: the fix restarts "
                              "the workloads."_s;
            }
        } else {
            add(u"mesh.sampling"_s, Severity::Pass,
                u"Sampling is %1."_s.arg(fmtPercent(tracer_.sampling)), evidence);
        }
    }

    // Access log
    QString formatEvidence = u"accessLogFile: %1\naccessLogEncoding: %2\nformat: %3"_s.arg(
        mesh_.value(u"accessLogFile"_s).toString().isEmpty()
            ? u"(not set)"_s
            : mesh_.value(u"accessLogFile"_s).toString(),
        formatJson_ ? u"JSON"_s : u"TEXT"_s,
        mesh_.value(u"accessLogFormat"_s).toString().isEmpty()
            ? u"Istio's default (no trace id; x-request-id only)"_s
            : format_);
    if (!accessLogOn_) {
        DoctorFinding& f = add(u"mesh.access-log"_s, Severity::Warn,
                               u"Access logging is off: requests cannot be followed in the "
                               "istio-proxy logs."_s,
                               formatEvidence);
        QJsonObject fixed = MeshConfig::with(mesh_, u"accessLogFile"_s, u"/dev/stdout"_s);
        if (!formatCarriesTraceId(format_) && !formatJson_)
            fixed = MeshConfig::with(fixed, u"accessLogFormat"_s, kTutorialFormat);
        setMeshFix(f, fixed, u"spec:\n  meshConfig:\n    accessLogFile: /dev/stdout\n"_s);
    } else if (!formatCarriesTraceId(format_)) {
        DoctorFinding& f =
            add(u"mesh.access-log"_s, Severity::Warn,
                u"The access-log format has no trace id, so log lines cannot be matched to "
                "traces (only x-request-id, through Jaeger's guid:x-request-id tag)."_s,
                formatEvidence);
        if (formatJson_) {
            QJsonObject keys = QJsonDocument::fromJson(format_.toUtf8()).object();
            keys.insert(u"trace_id"_s, u"%REQ(X-B3-TRACEID)%"_s);
            keys.insert(u"span_id"_s, u"%REQ(X-B3-SPANID)%"_s);
            keys.insert(u"sampled"_s, u"%REQ(X-B3-SAMPLED)%"_s);
            const QString json =
                QString::fromUtf8(QJsonDocument(keys).toJson(QJsonDocument::Compact));
            setMeshFix(f, MeshConfig::with(mesh_, u"accessLogFormat"_s, json),
                       u"spec:\n  meshConfig:\n    accessLogEncoding: JSON\n    accessLogFormat: "
                       "'%1'\n"_s.arg(json));
        } else {
            setMeshFix(f, MeshConfig::with(mesh_, u"accessLogFormat"_s, kTutorialFormat),
                       u"spec:\n  meshConfig:\n    accessLogFormat: '%1'\n"_s.arg(kTutorialFormat));
        }
    } else {
        add(u"mesh.access-log"_s, Severity::Pass,
            u"Access logging is on and its format carries the trace id."_s, formatEvidence);
    }

    // Propagation
    if (!tracer_.exists()) {
        add(u"mesh.propagation"_s, Severity::Skipped, u"Skipped: there is no tracer."_s);
    } else if (tracer_.kind == u"zipkin") {
        add(u"mesh.propagation"_s, Severity::Pass,
            u"The Zipkin tracer propagates B3 headers, which keeps a B3 client's trace ids."_s,
            u"tracer: zipkin (%1)"_s.arg(tracer_.source));
    } else if (tracer_.kind != u"opentelemetry") {
        add(u"mesh.propagation"_s, Severity::Pass,
            u"Tracer %1: make sure clients send the headers it propagates."_s.arg(tracer_.kind));
    } else {
        // Which headers do clients send? Only the access log can tell.
        int total = 0;
        int b3 = 0;
        const bool logsB3 = format_.contains(u"X-B3-TRACEID"_s, Qt::CaseInsensitive);
        if (s_.proxyLogs.has() && logsB3) {
            ParsedLine parsed;
            for (const QList<QByteArray>& lines : *s_.proxyLogs.value) {
                for (const QByteArray& line : lines) {
                    AccessLogParser::parse(line, parsed);
                    if (parsed.kind != LineKind::Request)
                        continue;
                    ++total;
                    if (parsed.has(Field::TraceId))
                        ++b3;
                }
            }
        }
        const QString evidence =
            u"tracer: opentelemetry provider %1 (%2), propagates W3C traceparent\n"
            "access-log lines read: %3, with an x-b3-traceid: %4"_s
                .arg(tracer_.provider, tracer_.source)
                .arg(total)
                .arg(b3);
        if (b3 > 0) {
            DoctorFinding& f = add(
                u"mesh.propagation"_s, Severity::Fail,
                u"Clients send B3 headers but the tracer is OpenTelemetry (W3C traceparent): "
                "spans get new trace ids, so the trace ids in the logs match nothing in Jaeger."_s,
                evidence);
            QJsonArray list = mesh_.value(u"extensionProviders"_s).toArray();
            for (qsizetype i = 0; i < list.size(); ++i) {
                QJsonObject p = list.at(i).toObject();
                if (p.value(u"name"_s).toString() != tracer_.provider)
                    continue;
                list.replace(
                    i, QJsonObject{{u"name"_s, tracer_.provider},
                                   {u"zipkin"_s, QJsonObject{{u"service"_s, collectorService(9411)},
                                                             {u"port"_s, 9411}}}});
            }
            QJsonObject fixed = mesh_;
            fixed.insert(u"extensionProviders"_s, list);
            setMeshFix(f, fixed,
                       u"spec:\n  meshConfig:\n    extensionProviders:\n    - name: %1\n      "
                       "zipkin:\n        service: %2\n        port: 9411\n"_s.arg(
                           tracer_.provider, collectorService(9411)));
            f.evidence += u"\nThe other way round also works: make the clients send W3C "
                          "traceparent."_s;
        } else if (total == 0) {
            add(u"mesh.propagation"_s, Severity::Skipped,
                logsB3 ? u"No access-log lines to see which headers clients send."_s
                       : u"The access log does not record X-B3-TraceId, so which headers clients "
                         "send cannot be seen."_s,
                evidence);
        } else {
            add(u"mesh.propagation"_s, Severity::Pass,
                u"No B3 trace ids in the access log: clients do not rely on B3."_s, evidence);
        }
    }
}

// --- workloads ----------------------------------------------------------------------------------

void Evaluator::workloadChecks()
{
    const QString nsName = s_.target.ns;
    if (!ns_) {
        for (const QString& id :
             {u"workloads.injection"_s, u"workloads.sidecars"_s, u"workloads.restart"_s})
            add(id, Severity::Skipped, u"Skipped: namespace %1 was not found."_s.arg(nsName));
        return;
    }
    QStringList labels;
    for (auto it = ns_->labels.cbegin(); it != ns_->labels.cend(); ++it)
        labels << it.key() + u'=' + it.value();
    const QString labelEvidence = u"namespace %1 labels: %2"_s.arg(nsName, labels.join(u", "_s));
    const QString injection = ns_->labels.value(u"istio-injection"_s);
    const QString revision = ns_->labels.value(u"istio.io/rev"_s);
    const QStringList missingDeployments = deploymentsOf(missingSidecar_);
    bool injected = false;
    if (ambient_) {
        add(u"workloads.injection"_s, Severity::Pass,
            u"Namespace %1 is in ambient mode (istio.io/dataplane-mode=ambient): no injection "
            "(see “Sidecar or ambient mode”)."_s.arg(nsName),
            labelEvidence);
    } else if (injection == u"enabled") {
        injected = true;
        add(u"workloads.injection"_s, Severity::Pass,
            u"Namespace %1 has istio-injection=enabled."_s.arg(nsName), labelEvidence);
    } else if (!revision.isEmpty() && injection != u"disabled") {
        injected = true;
        add(u"workloads.injection"_s, Severity::Pass,
            u"Namespace %1 is injected by revision %2 (istio.io/rev)."_s.arg(nsName, revision),
            labelEvidence);
    } else {
        DoctorFinding& f =
            add(u"workloads.injection"_s, Severity::Fail,
                injection == u"disabled"
                    ? u"Namespace %1 has istio-injection=disabled: new pods get no sidecar."_s.arg(
                          nsName)
                    : u"Namespace %1 is not enabled for injection (no istio-injection=enabled or "
                      "istio.io/rev label): new pods get no sidecar."_s.arg(nsName),
                labelEvidence);
        setInjectionFix(f, missingDeployments.isEmpty() ? allDeployments() : missingDeployments);
    }

    // Sidecars
    if (!s_.pods.has()) {
        add(u"workloads.sidecars"_s, Severity::Skipped, u"Could not list pods: "_s + s_.pods.error);
    } else if (ambient_) {
        add(u"workloads.sidecars"_s, Severity::Skipped,
            u"Ambient namespace: pods have no sidecar by design (see “Sidecar or ambient mode”)."_s);
    } else if (workloadPods_.isEmpty()) {
        add(u"workloads.sidecars"_s, Severity::Skipped,
            u"No running pods in namespace %1 yet."_s.arg(nsName));
    } else {
        QStringList lines;
        for (const KubeObject& pod : workloadPods_) {
            const PodState st = KubeObjects::podState(pod);
            lines << u"%1: %2"_s.arg(
                pod.name,
                st.hasIstioProxy
                    ? (st.nativeSidecar ? u"istio-proxy (native sidecar)"_s : u"istio-proxy"_s)
                    : u"no istio-proxy (containers: %1)"_s.arg(st.containers.join(u", "_s)));
        }
        if (missingSidecar_.isEmpty()) {
            add(u"workloads.sidecars"_s, Severity::Pass,
                u"All %1 pod(s) have an istio-proxy sidecar%2."_s.arg(sidecarPods_.size())
                    .arg(native_ > 0 ? u" (%1 native)"_s.arg(native_) : QString()),
                lines.join(u'\n'));
        } else {
            QStringList names;
            for (const KubeObject& p : missingSidecar_)
                names << p.name;
            DoctorFinding& f =
                add(u"workloads.sidecars"_s, Severity::Fail,
                    u"%1 pod(s) run without a sidecar: %2. They were created before injection was "
                    "enabled (or without it); restart them."_s.arg(missingSidecar_.size())
                        .arg(names.join(u", "_s)),
                    lines.join(u'\n'));
            if (injected) {
                f.fixSteps = DoctorFixes::restartDeployments(s_.target, missingDeployments);
                f.fixCommand = DoctorFixes::describe(f.fixSteps);
            } else {
                setInjectionFix(f, missingDeployments);
            }
        }
    }

    // Restart after a defaultConfig change
    if (sidecarPods_.isEmpty()) {
        add(u"workloads.restart"_s, Severity::Skipped,
            u"Skipped: no pods with a sidecar in namespace %1."_s.arg(nsName));
    } else if (!meshOk_) {
        add(u"workloads.restart"_s, Severity::Skipped,
            u"Skipped: the mesh config could not be read."_s);
    } else {
        const QJsonObject current = mesh_.value(u"defaultConfig"_s).toObject();
        QList<KubeObject> stale;
        QStringList lines;
        int unknown = 0;
        for (const KubeObject& pod : sidecarPods_) {
            const QString env = envValue(proxyContainer(pod), u"PROXY_CONFIG"_s);
            if (env.isEmpty()) {
                ++unknown;
                lines << pod.name + u": no PROXY_CONFIG on istio-proxy (cannot tell)"_s;
                continue;
            }
            const QJsonObject podConfig = jsonObject(env.toUtf8());
            QJsonObject expected = current;
            const QString annotation = pod.annotations.value(u"proxy.istio.io/config"_s);
            if (!annotation.isEmpty()) {
                const Result<QJsonObject> a = MeshConfig::parse(annotation.toUtf8());
                if (a.ok())
                    for (auto it = a.value().begin(); it != a.value().end(); ++it)
                        expected.insert(it.key(), it.value());
            }
            const QJsonValue podTracing = podConfig.value(u"tracing"_s);
            const bool tracingGone = podTracing.isObject() && !expected.contains(u"tracing"_s) &&
                                     !podTracing.toObject().isEmpty();
            if (!MeshConfig::contains(podConfig, expected) || tracingGone) {
                stale << pod;
                lines << u"%1: started with tracing %2; the mesh now says %3"_s.arg(
                    pod.name,
                    QString::fromUtf8(
                        QJsonDocument(podTracing.toObject()).toJson(QJsonDocument::Compact)),
                    QString::fromUtf8(QJsonDocument(expected.value(u"tracing"_s).toObject())
                                          .toJson(QJsonDocument::Compact)));
            } else {
                lines << pod.name + u": current"_s;
            }
        }
        if (!stale.isEmpty()) {
            QStringList names;
            for (const KubeObject& p : stale)
                names << p.name;
            DoctorFinding& f = add(
                u"workloads.restart"_s, Severity::Fail,
                u"%1 pod(s) started before the last meshConfig.defaultConfig change and still run "
                "the old proxy config: %2. defaultConfig is read when a sidecar starts; restart "
                "them (Telemetry changes need no restart)."_s.arg(stale.size())
                    .arg(names.join(u", "_s)),
                lines.join(u'\n'));
            f.fixSteps = DoctorFixes::restartDeployments(s_.target, deploymentsOf(stale));
            f.fixCommand = DoctorFixes::describe(f.fixSteps);
        } else if (unknown == sidecarPods_.size()) {
            add(u"workloads.restart"_s, Severity::Skipped,
                u"No sidecar shows its start-up proxy config (PROXY_CONFIG), so this cannot be "
                "told."_s,
                lines.join(u'\n'));
        } else {
            add(u"workloads.restart"_s, Severity::Pass,
                u"Every sidecar runs the current meshConfig.defaultConfig."_s, lines.join(u'\n'));
        }
    }
}

// --- jaeger -------------------------------------------------------------------------------------

void Evaluator::jaegerChecks()
{
    if (!jaegerDeployment_) {
        DoctorFinding& f =
            add(u"jaeger.addon"_s, Severity::Fail,
                u"The Jaeger add-on is not deployed (no Deployment app=jaeger in istio-system): "
                "spans have nowhere to go."_s,
                u"kubectl get deployments -n istio-system -l app=jaeger: none"_s);
        f.fixSteps = {DoctorFixes::applyManifest(
            s_.target, kRoot, DoctorFixes::jaegerAddonManifest(), u"Deploy the Jaeger add-on"_s)};
        f.fixCommand =
            u"kubectl apply -f https://raw.githubusercontent.com/istio/istio/release-%1/samples/"
            "addons/jaeger.yaml\n# or, what Fix runs:\n"_s.arg(
                istioMinor_ > 0 ? u"1.%1"_s.arg(istioMinor_) : u"1.24"_s) +
            DoctorFixes::describe(f.fixSteps);
        add(u"jaeger.k8s-services"_s, Severity::Skipped,
            u"Skipped: the Jaeger add-on is not deployed."_s);
    } else {
        const QString image = firstContainer(*jaegerDeployment_).value(u"image"_s).toString();
        if (jaegerReady_) {
            add(u"jaeger.addon"_s, Severity::Pass, u"Jaeger is deployed and ready."_s,
                u"Deployment %1/%2, image %3"_s.arg(jaegerDeployment_->ns, jaegerDeployment_->name,
                                                    image));
        } else {
            add(u"jaeger.addon"_s, Severity::Fail, u"Jaeger is deployed but not ready."_s,
                u"Deployment %1/%2, image %3, 0 ready replicas"_s.arg(
                    jaegerDeployment_->ns, jaegerDeployment_->name, image))
                .fixCommand = u"kubectl get pods -n istio-system -l app=jaeger\n"
                              "kubectl describe deployment jaeger -n istio-system"_s;
        }
        QStringList missing;
        QStringList present;
        for (const QString& name : kAddonServices) {
            bool found = false;
            for (const KubeObject& o : s_.istioSystem.value.value_or(QList<KubeObject>{}))
                found = found || (o.kind == u"Service" && o.name == name);
            (found ? present : missing) << name;
        }
        if (missing.isEmpty()) {
            add(u"jaeger.k8s-services"_s, Severity::Pass,
                u"Services tracing (UI), zipkin and jaeger-collector exist."_s,
                u"istio-system: "_s + present.join(u", "_s));
        } else {
            DoctorFinding& f =
                add(u"jaeger.k8s-services"_s, Severity::Warn,
                    u"Missing Service(s) in istio-system: %1."_s.arg(missing.join(u", "_s)),
                    u"present: "_s + present.join(u", "_s));
            f.fixSteps = {DoctorFixes::applyManifest(s_.target, kRoot,
                                                     DoctorFixes::jaegerAddonManifest(),
                                                     u"Deploy the Jaeger add-on"_s)};
            f.fixCommand = DoctorFixes::describe(f.fixSteps);
        }
    }

    // Reachable, and aimed at the UI rather than the collector.
    const QString forwardHint = u"kubectl port-forward -n istio-system svc/tracing 16686:80   # "
                                u"then http://localhost:16686/jaeger\n"
                                "istioctl dashboard jaeger"_s;
    QStringList evidence;
    QStringList collectorForwards;
    if (s_.forwards) {
        for (const DoctorForward& fw : *s_.forwards) {
            evidence << u"port-forward %1/%2 → remote port %3 at %4"_s.arg(
                fw.ns, fw.resource, QString::number(fw.remotePort), fw.localUrl.toString());
            const QString name = fw.resource.section(u'/', -1);
            if (name.startsWith(u"jaeger-collector") || name == u"zipkin" ||
                kCollectorPorts.contains(QString::number(fw.remotePort)))
                collectorForwards << u"%1/%2:%3"_s.arg(fw.ns, fw.resource).arg(fw.remotePort);
        }
        if (s_.forwards->isEmpty())
            evidence << u"ObsLab runs no port-forward."_s;
    } else {
        evidence << u"Port-forwards: not known here (the app knows the ones it started)."_s;
    }
    const bool urlIsCollector =
        s_.jaegerUrl.isValid() && kCollectorPorts.contains(QString::number(s_.jaegerUrl.port()));
    if (!collectorForwards.isEmpty() || urlIsCollector) {
        DoctorFinding& f = add(
            u"jaeger.reachable"_s, Severity::Fail,
            urlIsCollector
                ? u"%1 is a collector port (Zipkin/OTLP/Jaeger ingest), not the Jaeger UI/query "
                  "API (16686, Service tracing port 80)."_s.arg(s_.jaegerUrl.toString())
                : u"A port-forward is aimed at the collector (%1), not at the UI Service "
                  "tracing."_s.arg(collectorForwards.join(u", "_s)),
            evidence.join(u'\n'));
        f.fixCommand = forwardHint;
    } else if (s_.jaegerUrl.isEmpty()) {
        add(u"jaeger.reachable"_s, Severity::Skipped,
            u"No Jaeger URL was given (--jaeger URL, or the app's Jaeger setting/port-forward)."_s,
            evidence.join(u'\n'))
            .fixCommand = forwardHint;
    } else if (!s_.jaegerServices.has()) {
        evidence.prepend(u"%1: %2"_s.arg(s_.jaegerUrl.toString(), s_.jaegerServices.error));
        DoctorFinding& f = add(u"jaeger.reachable"_s, Severity::Fail,
                               u"Jaeger does not answer at %1: %2"_s.arg(s_.jaegerUrl.toString(),
                                                                         s_.jaegerServices.error),
                               evidence.join(u'\n'));
        f.fixCommand = forwardHint;
    } else {
        const QString path = s_.jaegerResolvedUrl.path();
        evidence.prepend(u"query API at %1 (base path %2); %3 service(s)"_s.arg(
            s_.jaegerResolvedUrl.toString(), path.isEmpty() ? u"/"_s : path,
            QString::number(s_.jaegerServices.value->size())));
        add(u"jaeger.reachable"_s, Severity::Pass,
            u"Jaeger answers at %1."_s.arg(s_.jaegerResolvedUrl.toString()), evidence.join(u'\n'));
    }

    // Jaeger knows the workloads.
    if (!s_.jaegerServices.has()) {
        add(u"jaeger.workload-services"_s, Severity::Skipped,
            u"Skipped: Jaeger's query API was not reached."_s);
        return;
    }
    QStringList expected;
    for (const KubeObject& pod : sidecarPods_) {
        QString app = pod.labels.value(u"service.istio.io/canonical-name"_s);
        if (app.isEmpty())
            app = pod.labels.value(u"app.kubernetes.io/name"_s);
        if (app.isEmpty())
            app = pod.labels.value(u"app"_s);
        if (app.isEmpty())
            app = owningDeployment(pod);
        if (!app.isEmpty() && !expected.contains(app))
            expected << app;
    }
    if (ambient_ || expected.isEmpty()) {
        add(u"jaeger.workload-services"_s, Severity::Skipped,
            ambient_ ? u"Skipped: ambient namespace, no sidecar reports spans."_s
                     : u"Skipped: no pods with a sidecar in namespace %1."_s.arg(s_.target.ns));
        return;
    }
    const QStringList& known = *s_.jaegerServices.value;
    QStringList missing;
    for (const QString& app : expected)
        if (!known.contains(app + u'.' + s_.target.ns) && !known.contains(app))
            missing << app + u'.' + s_.target.ns;
    const QString evidence2 = u"Jaeger services: %1\nexpected from namespace %2: %3"_s.arg(
        known.join(u", "_s), s_.target.ns, [&] {
            QStringList l;
            for (const QString& a : expected)
                l << a + u'.' + s_.target.ns;
            return l.join(u", "_s);
        }());
    if (missing.isEmpty()) {
        add(u"jaeger.workload-services"_s, Severity::Pass,
            u"Jaeger has spans from every workload."_s, evidence2);
        return;
    }
    QStringList explained;
    for (const QString& id :
         {u"mesh.tracing-enabled"_s, u"mesh.telemetry"_s, u"mesh.tracer"_s,
          u"mesh.provider-service"_s, u"mesh.sampling"_s, u"workloads.sidecars"_s,
          u"workloads.restart"_s, u"jaeger.addon"_s, u"istio.mode"_s})
        if (failed(id))
            explained << id;
    if (!explained.isEmpty()) {
        add(u"jaeger.workload-services"_s, Severity::Skipped,
            u"Jaeger has no spans from %1, explained by: %2."_s.arg(missing.join(u", "_s),
                                                                    explained.join(u", "_s)),
            evidence2);
    } else {
        add(u"jaeger.workload-services"_s, Severity::Fail,
            u"Jaeger has no spans from %1 although the configuration looks right: send some "
            "traffic and check again (spans arrive within seconds)."_s.arg(missing.join(u", "_s)),
            evidence2);
    }
}

// --- logs ---------------------------------------------------------------------------------------

void Evaluator::logChecks()
{
    const QString id = u"logs.trace-headers"_s;
    if (ambient_) {
        add(id, Severity::Skipped, u"Skipped: ambient namespace, no istio-proxy logs."_s);
        return;
    }
    if (sidecarPods_.isEmpty()) {
        add(id, Severity::Skipped,
            u"Skipped: no pods with a sidecar in namespace %1."_s.arg(s_.target.ns));
        return;
    }
    if (!s_.proxyLogs.has()) {
        add(id, Severity::Skipped, u"Could not read istio-proxy logs: "_s + s_.proxyLogs.error);
        return;
    }
    if (meshOk_ && !accessLogOn_) {
        add(id, Severity::Skipped,
            u"Skipped: access logging is off (see “Access log carries "
            "the trace id”)."_s);
        return;
    }
    if (meshOk_ && !formatCarriesTraceId(format_)) {
        add(id, Severity::Skipped,
            u"Skipped: the access-log format records no trace id (see “Access log carries the "
            "trace id”)."_s);
        return;
    }
    int total = 0;
    int withTrace = 0;
    int notSampled = 0;
    int samplingLogged = 0;
    ParsedLine parsed;
    for (const QList<QByteArray>& lines : *s_.proxyLogs.value) {
        for (const QByteArray& line : lines) {
            AccessLogParser::parse(line, parsed);
            if (parsed.kind != LineKind::Request || parsed.isTcp())
                continue;
            ++total;
            if (parsed.trace.isValid())
                ++withTrace;
            if (parsed.has(Field::Sampled) || parsed.has(Field::Traceparent))
                ++samplingLogged;
            if (parsed.trace.sampling == TraceContext::Sampling::NotSampled)
                ++notSampled;
        }
    }
    if (total == 0) {
        add(id, Severity::Skipped,
            u"No access-log lines in the last %1 lines of each istio-proxy: send some traffic "
            "and check again."_s.arg(s_.logTail));
        return;
    }
    const int without = total - withTrace;
    const QString evidence =
        u"%1 request line(s) from %2 pod(s): %3 with a trace id, %4 with traceID=-\n%5"_s.arg(total)
            .arg(s_.proxyLogs.value->size())
            .arg(withTrace)
            .arg(without)
            .arg(samplingLogged > 0
                     ? u"%1 line(s) record the sampling flag, %2 say not sampled (x-b3-sampled: "
                       "0)"_s.arg(samplingLogged)
                           .arg(notSampled)
                     : u"the format does not record x-b3-sampled, so a client's `0` cannot be "
                       "seen"_s);
    if (without * 2 > total) {
        add(id, Severity::Warn,
            u"%1 % of requests carry no trace headers (traceID=-): the client sends none, so "
            "each hop starts its own trace. Send (and forward) B3 or traceparent headers."_s.arg(
                without * 100 / total),
            evidence)
            .fixYaml = u"# Headers an application must forward from its inbound request:\n"
                       "x-request-id, traceparent, tracestate, x-b3-traceid, x-b3-spanid,\n"
                       "x-b3-parentspanid, x-b3-sampled, x-b3-flags, b3\n"_s;
    } else if (notSampled > 0) {
        add(id, Severity::Warn,
            u"%1 request(s) carry x-b3-sampled: 0, which stops the sidecars from tracing them."_s
                .arg(notSampled),
            evidence)
            .fixYaml = u"# Let the client send x-b3-sampled: 1, or no sampling header at all.\n"_s;
    } else {
        add(id, Severity::Pass, u"%1 of %2 requests carry a trace id."_s.arg(withTrace).arg(total),
            evidence);
    }
}

}  // namespace

const QList<CheckInfo>& all()
{
    return kChecks;
}

QList<DoctorFinding> evaluate(const DoctorSnapshot& snapshot)
{
    return Evaluator(snapshot).run();
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
        else if (tel.ns == ns && ns != kRoot)
            rank = 2;
        else if (tel.ns == kRoot)
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
