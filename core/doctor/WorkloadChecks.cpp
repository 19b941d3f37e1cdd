#include "core/doctor/CheckGroups.h"

#include "core/doctor/DoctorEvaluation.h"
#include "core/doctor/DoctorFixes.h"
#include "core/doctor/MeshConfig.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace obslab::DoctorChecks {

using Severity = DoctorFinding::Severity;

namespace {

QJsonObject proxyContainer(const KubeObject& pod)
{
    const QJsonObject spec = pod.raw.value(u"spec"_s).toObject();
    for (const QString& list : {u"containers"_s, u"initContainers"_s})
        for (const QJsonValue& c : spec.value(list).toArray())
            if (c.toObject().value(u"name"_s).toString() == u"istio-proxy")
                return c.toObject();
    return {};
}

}  // namespace

void workloadChecks(DoctorEvaluation& e)
{
    const DoctorSnapshot& s = e.snapshot();
    const DoctorFacts& facts = e.facts();
    const QString nsName = s.target.ns;
    if (!facts.ns) {
        for (const QString& id :
             {u"workloads.injection"_s, u"workloads.sidecars"_s, u"workloads.restart"_s})
            e.add(id, Severity::Skipped, u"Skipped: namespace %1 was not found."_s.arg(nsName));
        return;
    }
    QStringList labels;
    for (auto it = facts.ns->labels.cbegin(); it != facts.ns->labels.cend(); ++it)
        labels << it.key() + u'=' + it.value();
    const QString labelEvidence = u"namespace %1 labels: %2"_s.arg(nsName, labels.join(u", "_s));
    const QString injection = facts.ns->labels.value(u"istio-injection"_s);
    const QString revision = facts.ns->labels.value(u"istio.io/rev"_s);
    const QStringList missingDeployments = e.deploymentsOf(facts.missingSidecar);
    bool injected = false;
    if (facts.ambient) {
        e.add(u"workloads.injection"_s, Severity::Pass,
              u"Namespace %1 is in ambient mode (istio.io/dataplane-mode=ambient): no injection "
              "(see “Sidecar or ambient mode”)."_s.arg(nsName),
              labelEvidence);
    } else if (injection == u"enabled") {
        injected = true;
        e.add(u"workloads.injection"_s, Severity::Pass,
              u"Namespace %1 has istio-injection=enabled."_s.arg(nsName), labelEvidence);
    } else if (!revision.isEmpty() && injection != u"disabled") {
        injected = true;
        e.add(u"workloads.injection"_s, Severity::Pass,
              u"Namespace %1 is injected by revision %2 (istio.io/rev)."_s.arg(nsName, revision),
              labelEvidence);
    } else {
        DoctorFinding& f = e.add(
            u"workloads.injection"_s, Severity::Fail,
            injection == u"disabled"
                ? u"Namespace %1 has istio-injection=disabled: new pods get no sidecar."_s.arg(
                      nsName)
                : u"Namespace %1 is not enabled for injection (no istio-injection=enabled or "
                  "istio.io/rev label): new pods get no sidecar."_s.arg(nsName),
            labelEvidence);
        e.setInjectionFix(f,
                          missingDeployments.isEmpty() ? e.allDeployments() : missingDeployments);
    }

    // Sidecars
    if (!s.pods.has()) {
        e.add(u"workloads.sidecars"_s, Severity::Skipped,
              u"Could not list pods: "_s + s.pods.error);
    } else if (facts.ambient) {
        e.add(
            u"workloads.sidecars"_s, Severity::Skipped,
            u"Ambient namespace: pods have no sidecar by design (see “Sidecar or ambient mode”)."_s);
    } else if (facts.workloadPods.isEmpty()) {
        e.add(u"workloads.sidecars"_s, Severity::Skipped,
              u"No running pods in namespace %1 yet."_s.arg(nsName));
    } else {
        QStringList lines;
        for (const KubeObject& pod : facts.workloadPods) {
            const PodState st = KubeObjects::podState(pod);
            lines << u"%1: %2"_s.arg(
                pod.name,
                st.hasIstioProxy
                    ? (st.nativeSidecar ? u"istio-proxy (native sidecar)"_s : u"istio-proxy"_s)
                    : u"no istio-proxy (containers: %1)"_s.arg(st.containers.join(u", "_s)));
        }
        if (facts.missingSidecar.isEmpty()) {
            e.add(u"workloads.sidecars"_s, Severity::Pass,
                  u"All %1 pod(s) have an istio-proxy sidecar%2."_s.arg(facts.sidecarPods.size())
                      .arg(facts.native > 0 ? u" (%1 native)"_s.arg(facts.native) : QString()),
                  lines.join(u'\n'));
        } else {
            QStringList names;
            for (const KubeObject& p : facts.missingSidecar)
                names << p.name;
            DoctorFinding& f = e.add(
                u"workloads.sidecars"_s, Severity::Fail,
                u"%1 pod(s) run without a sidecar: %2. They were created before injection was "
                "enabled (or without it); restart them."_s.arg(facts.missingSidecar.size())
                    .arg(names.join(u", "_s)),
                lines.join(u'\n'));
            if (injected) {
                f.fixSteps = DoctorFixes::restartDeployments(s.target, missingDeployments);
                f.fixCommand = DoctorFixes::describe(f.fixSteps);
            } else {
                e.setInjectionFix(f, missingDeployments);
            }
        }
    }

    // Restart after a defaultConfig change
    if (facts.sidecarPods.isEmpty()) {
        e.add(u"workloads.restart"_s, Severity::Skipped,
              u"Skipped: no pods with a sidecar in namespace %1."_s.arg(nsName));
    } else if (!facts.meshOk) {
        e.add(u"workloads.restart"_s, Severity::Skipped,
              u"Skipped: the mesh config could not be read."_s);
    } else {
        const QJsonObject current = facts.mesh.value(u"defaultConfig"_s).toObject();
        QList<KubeObject> stale;
        QStringList lines;
        int unknown = 0;
        for (const KubeObject& pod : facts.sidecarPods) {
            const QString env = DoctorFacts::envValue(proxyContainer(pod), u"PROXY_CONFIG"_s);
            if (env.isEmpty()) {
                ++unknown;
                lines << pod.name + u": no PROXY_CONFIG on istio-proxy (cannot tell)"_s;
                continue;
            }
            const QJsonObject podConfig = QJsonDocument::fromJson(env.toUtf8()).object();
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
            DoctorFinding& f = e.add(
                u"workloads.restart"_s, Severity::Fail,
                u"%1 pod(s) started before the last meshConfig.defaultConfig change and still run "
                "the old proxy config: %2. defaultConfig is read when a sidecar starts; restart "
                "them (Telemetry changes need no restart)."_s.arg(stale.size())
                    .arg(names.join(u", "_s)),
                lines.join(u'\n'));
            f.fixSteps = DoctorFixes::restartDeployments(s.target, e.deploymentsOf(stale));
            f.fixCommand = DoctorFixes::describe(f.fixSteps);
        } else if (unknown == facts.sidecarPods.size()) {
            e.add(u"workloads.restart"_s, Severity::Skipped,
                  u"No sidecar shows its start-up proxy config (PROXY_CONFIG), so this cannot be "
                  "told."_s,
                  lines.join(u'\n'));
        } else {
            e.add(u"workloads.restart"_s, Severity::Pass,
                  u"Every sidecar runs the current meshConfig.defaultConfig."_s, lines.join(u'\n'));
        }
    }
}

}  // namespace obslab::DoctorChecks
