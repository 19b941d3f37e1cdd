#include "core/doctor/CheckGroups.h"

#include "core/doctor/DoctorChecks.h"
#include "core/doctor/DoctorEvaluation.h"
#include "core/doctor/DoctorFixes.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab::DoctorChecks {

using Severity = DoctorFinding::Severity;

namespace {

const QStringList kCollectorPorts = {u"9411"_s, u"4317"_s, u"4318"_s, u"14250"_s, u"14268"_s};

}  // namespace

void jaegerChecks(DoctorEvaluation& e)
{
    const DoctorSnapshot& s = e.snapshot();
    const DoctorFacts& facts = e.facts();
    if (!facts.jaegerDeployment) {
        DoctorFinding& f =
            e.add(u"jaeger.addon"_s, Severity::Fail,
                  u"The Jaeger add-on is not deployed (no Deployment app=jaeger in istio-system): "
                  "spans have nowhere to go."_s,
                  u"kubectl get deployments -n istio-system -l app=jaeger: none"_s);
        f.fixSteps = {DoctorFixes::applyManifest(s.target, kIstioRoot,
                                                 DoctorFixes::jaegerAddonManifest(),
                                                 u"Deploy the Jaeger add-on"_s)};
        // What Fix runs, once (the lab's manifest: Istio's samples/addons/jaeger.yaml, as the
        // docs link says).
        f.fixCommand = DoctorFixes::describe(f.fixSteps);
        e.add(u"jaeger.k8s-services"_s, Severity::Skipped,
              u"Skipped: the Jaeger add-on is not deployed."_s);
    } else {
        const QString image =
            DoctorFacts::firstContainer(*facts.jaegerDeployment).value(u"image"_s).toString();
        if (facts.jaegerReady) {
            e.add(u"jaeger.addon"_s, Severity::Pass, u"Jaeger is deployed and ready."_s,
                  u"Deployment %1/%2, image %3"_s.arg(facts.jaegerDeployment->ns,
                                                      facts.jaegerDeployment->name, image));
        } else {
            e.add(u"jaeger.addon"_s, Severity::Fail, u"Jaeger is deployed but not ready."_s,
                  u"Deployment %1/%2, image %3, 0 ready replicas"_s.arg(
                      facts.jaegerDeployment->ns, facts.jaegerDeployment->name, image))
                .fixCommand = u"kubectl get pods -n istio-system -l app=jaeger\n"
                              "kubectl describe deployment jaeger -n istio-system"_s;
        }
        QStringList missing;
        QStringList present;
        for (const QString& name : kAddonServices) {
            bool found = false;
            for (const KubeObject& o : s.istioSystem.value.value_or(QList<KubeObject>{}))
                found = found || (o.kind == u"Service" && o.name == name);
            (found ? present : missing) << name;
        }
        if (missing.isEmpty()) {
            e.add(u"jaeger.k8s-services"_s, Severity::Pass,
                  u"Services tracing (UI), zipkin and jaeger-collector exist."_s,
                  u"istio-system: "_s + present.join(u", "_s));
        } else {
            DoctorFinding& f =
                e.add(u"jaeger.k8s-services"_s, Severity::Warn,
                      u"Missing Service(s) in istio-system: %1."_s.arg(missing.join(u", "_s)),
                      u"present: "_s + present.join(u", "_s));
            f.fixSteps = {DoctorFixes::applyManifest(s.target, kIstioRoot,
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
    if (s.forwards) {
        for (const DoctorForward& fw : *s.forwards) {
            evidence << u"port-forward %1/%2 → remote port %3 at %4"_s.arg(
                fw.ns, fw.resource, QString::number(fw.remotePort), fw.localUrl.toString());
            const QString name = fw.resource.section(u'/', -1);
            if (name.startsWith(u"jaeger-collector") || name == u"zipkin" ||
                kCollectorPorts.contains(QString::number(fw.remotePort)))
                collectorForwards << u"%1/%2:%3"_s.arg(fw.ns, fw.resource).arg(fw.remotePort);
        }
        if (s.forwards->isEmpty())
            evidence << u"ObsLab runs no port-forward."_s;
    } else {
        evidence << u"Port-forwards: not known here (the app knows the ones it started)."_s;
    }
    const bool urlIsCollector =
        s.jaegerUrl.isValid() && kCollectorPorts.contains(QString::number(s.jaegerUrl.port()));
    if (!collectorForwards.isEmpty() || urlIsCollector) {
        DoctorFinding& f = e.add(
            u"jaeger.reachable"_s, Severity::Fail,
            urlIsCollector
                ? u"%1 is a collector port (Zipkin/OTLP/Jaeger ingest), not the Jaeger UI/query "
                  "API (16686, Service tracing port 80)."_s.arg(s.jaegerUrl.toString())
                : u"A port-forward is aimed at the collector (%1), not at the UI Service "
                  "tracing."_s.arg(collectorForwards.join(u", "_s)),
            evidence.join(u'\n'));
        f.fixCommand = forwardHint;
    } else if (s.jaegerUrl.isEmpty()) {
        e.add(
             u"jaeger.reachable"_s, Severity::Skipped,
             u"No Jaeger URL was given (--jaeger URL, or the app's Jaeger setting/port-forward)."_s,
             evidence.join(u'\n'))
            .fixCommand = forwardHint;
    } else if (!s.jaegerServices.has()) {
        evidence.prepend(u"%1: %2"_s.arg(s.jaegerUrl.toString(), s.jaegerServices.error));
        DoctorFinding& f = e.add(u"jaeger.reachable"_s, Severity::Fail,
                                 u"Jaeger does not answer at %1: %2"_s.arg(s.jaegerUrl.toString(),
                                                                           s.jaegerServices.error),
                                 evidence.join(u'\n'));
        f.fixCommand = forwardHint;
    } else {
        const QString path = s.jaegerResolvedUrl.path();
        evidence.prepend(u"query API at %1 (base path %2); %3 service(s)"_s.arg(
            s.jaegerResolvedUrl.toString(), path.isEmpty() ? u"/"_s : path,
            QString::number(s.jaegerServices.value->size())));
        e.add(u"jaeger.reachable"_s, Severity::Pass,
              u"Jaeger answers at %1."_s.arg(s.jaegerResolvedUrl.toString()), evidence.join(u'\n'));
    }

    // Jaeger knows the workloads.
    if (!s.jaegerServices.has()) {
        e.add(u"jaeger.workload-services"_s, Severity::Skipped,
              u"Skipped: Jaeger's query API was not reached."_s);
        return;
    }
    QStringList expected;
    for (const KubeObject& pod : facts.sidecarPods) {
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
    if (facts.ambient || expected.isEmpty()) {
        e.add(u"jaeger.workload-services"_s, Severity::Skipped,
              facts.ambient
                  ? u"Skipped: ambient namespace, no sidecar reports spans."_s
                  : u"Skipped: no pods with a sidecar in namespace %1."_s.arg(s.target.ns));
        return;
    }
    const QStringList& known = *s.jaegerServices.value;
    QStringList missing;
    for (const QString& app : expected)
        if (!known.contains(app + u'.' + s.target.ns) && !known.contains(app))
            missing << app + u'.' + s.target.ns;
    const QString evidence2 = u"Jaeger services: %1\nexpected from namespace %2: %3"_s.arg(
        known.join(u", "_s), s.target.ns, [&] {
            QStringList l;
            for (const QString& a : expected)
                l << a + u'.' + s.target.ns;
            return l.join(u", "_s);
        }());
    if (missing.isEmpty()) {
        e.add(u"jaeger.workload-services"_s, Severity::Pass,
              u"Jaeger has spans from every workload."_s, evidence2);
        return;
    }
    QStringList explained;
    for (const QString& id :
         {u"mesh.tracing-enabled"_s, u"mesh.telemetry"_s, u"mesh.tracer"_s,
          u"mesh.provider-service"_s, u"mesh.sampling"_s, u"workloads.sidecars"_s,
          u"workloads.restart"_s, u"jaeger.addon"_s, u"istio.mode"_s})
        if (e.failed(id))
            explained << id;
    if (!explained.isEmpty()) {
        e.add(u"jaeger.workload-services"_s, Severity::Skipped,
              u"Jaeger has no spans from %1, explained by: %2."_s.arg(missing.join(u", "_s),
                                                                      explained.join(u", "_s)),
              evidence2);
    } else {
        e.add(u"jaeger.workload-services"_s, Severity::Fail,
              u"Jaeger has no spans from %1 although the configuration looks right: send some "
              "traffic and check again (spans arrive within seconds)."_s.arg(missing.join(u", "_s)),
              evidence2);
    }
}

}  // namespace obslab::DoctorChecks
