#include "core/doctor/CheckGroups.h"

#include "core/doctor/DoctorChecks.h"
#include "core/doctor/DoctorEvaluation.h"
#include "core/doctor/DoctorFixes.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab::DoctorChecks {

using Severity = DoctorFinding::Severity;

void istioChecks(DoctorEvaluation& e)
{
    const DoctorSnapshot& s = e.snapshot();
    const DoctorFacts& facts = e.facts();
    if (!facts.istioKnown) {
        e.add(u"istio.installed"_s, Severity::Skipped,
              u"Could not read istio-system: "_s + s.istioSystem.error);
        e.skipRest(u"Skipped: whether Istio is installed is unknown (see “Istio is installed”)."_s);
        return;
    }
    QStringList evidence;
    if (s.istioVersion.has()) {
        const IstioVersionInfo& v = *s.istioVersion.value;
        evidence << u"istioctl version: client %1, control plane %2"_s.arg(
            v.client.isEmpty() ? u"?"_s : v.client,
            v.controlPlane.isEmpty() ? u"none"_s : v.controlPlane);
        for (const IstioVersionInfo::DataPlane& dp : v.dataPlane)
            evidence << u"data plane: %1 (%2 proxies)"_s.arg(dp.version).arg(dp.proxies);
    } else if (!s.istioctlFound) {
        evidence << u"istioctl: not found (%1)"_s.arg(s.istioctlError);
    } else if (!s.istioVersion.error.isEmpty()) {
        evidence << u"istioctl version: "_s + s.istioVersion.error;
    }
    if (!facts.istiod) {
        evidence.prepend(u"No Deployment istiod (label app=istiod) in istio-system."_s);
        DoctorFinding& f =
            e.add(u"istio.installed"_s, Severity::Fail,
                  u"Istio is not installed in this cluster."_s, evidence.join(u'\n'));
        f.fixSteps = {
            DoctorFixes::installIstio(s.target, s.istioctlFound ? s.istioctlPath : u"istioctl"_s)};
        f.fixCommand = DoctorFixes::describe(f.fixSteps);
        e.skipRest(u"Skipped: Istio is not installed."_s);
        return;
    }
    const QString image = DoctorFacts::firstContainer(*facts.istiod).value(u"image"_s).toString();
    evidence.prepend(u"istiod image: "_s + image);
    const DeploymentState st = KubeObjects::deploymentState(*facts.istiod);
    if (st.ready == 0) {
        e.add(u"istio.installed"_s, Severity::Fail,
              u"Istio %1 is installed but istiod is not ready."_s.arg(facts.istioVersion),
              evidence.join(u'\n'))
            .fixCommand = u"kubectl get pods -n istio-system -l app=istiod\n"
                          "kubectl describe deployment istiod -n istio-system"_s;
    } else {
        e.add(u"istio.installed"_s, Severity::Pass,
              u"Istio %1 is installed."_s.arg(facts.istioVersion), evidence.join(u'\n'));
    }

    // Sidecar or ambient.
    QString modeEvidence = u"namespace %1 labels: %2"_s.arg(
        s.target.ns, facts.ns ? QStringList([&] {
                                    QStringList l;
                                    for (auto it = facts.ns->labels.cbegin();
                                         it != facts.ns->labels.cend(); ++it)
                                        l << it.key() + u'=' + it.value();
                                    return l;
                                }())
                                    .join(u", "_s)
                              : u"(namespace not found)"_s);
    if (facts.ztunnel)
        modeEvidence += u"\nztunnel is installed (ambient data plane)."_s;
    if (facts.ambient) {
        DoctorFinding& f = e.add(
            u"istio.mode"_s, Severity::Warn,
            u"Namespace %1 is in ambient mode: pods have no sidecar, ztunnel logs L4 only, and "
            "L7 access logs and spans come only from a waypoint proxy."_s.arg(s.target.ns),
            modeEvidence +
                u"\nThe workshop is written for sidecars. Either move the namespace to sidecar "
                "mode (the fix below), or deploy a waypoint: istioctl waypoint apply -n %1 "
                "--enroll-namespace"_s.arg(s.target.ns));
        QList<CommandSpec> steps{DoctorFixes::labelNamespace(
            s.target, s.target.ns,
            {{u"istio.io/dataplane-mode"_s, QString()}, {u"istio-injection"_s, u"enabled"_s}})};
        steps += DoctorFixes::restartDeployments(s.target, e.allDeployments());
        f.fixSteps = steps;
        f.fixCommand = DoctorFixes::describe(steps);
    } else {
        QString summary = u"Sidecar mode."_s;
        if (facts.native > 0)
            summary = u"Sidecar mode, with native sidecars (istio-proxy is an init container with "
                      "restartPolicy: Always; `kubectl logs -c istio-proxy` works the same)."_s;
        e.add(u"istio.mode"_s, Severity::Pass, summary, modeEvidence);
    }

    // istioctl analyze.
    if (!s.istioctlFound) {
        e.add(u"istio.analyze"_s, Severity::Skipped,
              u"istioctl was not found, so `istioctl analyze` could not run: "_s + s.istioctlError);
    } else if (!s.analyze.has()) {
        e.add(u"istio.analyze"_s, Severity::Skipped,
              u"`istioctl analyze` did not run: "_s + s.analyze.error);
    } else {
        const AnalyzeReport& report = *s.analyze.value;
        QStringList lines;
        QStringList restart;
        bool injection = false;
        for (const AnalyzeFinding& a : report.findings) {
            lines << (a.line.isEmpty() ? u"%1 [%2] %3"_s.arg(AnalyzeFindings::levelName(a.level),
                                                             a.code, a.message)
                                       : a.line);
            if (a.code == u"IST0102")
                injection = true;
            if (a.code == u"IST0103" && a.kind == u"Pod" && s.pods.has())
                for (const KubeObject& p : *s.pods.value)
                    if (p.name == a.name)
                        restart << owningDeployment(p);
        }
        if (report.findings.isEmpty()) {
            e.add(u"istio.analyze"_s, Severity::Pass,
                  u"No validation issues in namespace %1."_s.arg(s.target.ns),
                  u"istioctl analyze -n %1: no issues"_s.arg(s.target.ns));
        } else {
            const Severity sev =
                report.count(FindingLevel::Error) > 0 ? Severity::Fail : Severity::Warn;
            DoctorFinding& f =
                e.add(u"istio.analyze"_s, sev,
                      u"istioctl analyze reports %1 finding(s) in %2."_s.arg(report.findings.size())
                          .arg(s.target.ns),
                      lines.join(u'\n'));
            if (injection)
                e.setInjectionFix(f, e.allDeployments());
            else if (!restart.isEmpty()) {
                restart.removeDuplicates();
                restart.removeAll(QString());
                f.fixSteps = DoctorFixes::restartDeployments(s.target, restart);
                f.fixCommand = DoctorFixes::describe(f.fixSteps);
            }
        }
    }
}

}  // namespace obslab::DoctorChecks
