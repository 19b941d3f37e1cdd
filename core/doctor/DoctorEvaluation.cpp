#include "core/doctor/DoctorEvaluation.h"

#include "core/doctor/DoctorFixes.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

DoctorEvaluation::DoctorEvaluation(const DoctorSnapshot& snapshot)
    : snapshot_(snapshot)
{}

void DoctorEvaluation::deriveFacts()
{
    facts_ = DoctorFacts::derive(snapshot_);
}

DoctorFinding& DoctorEvaluation::add(const QString& id, Severity severity, const QString& summary,
                                     const QString& evidence)
{
    if (done_.contains(id)) {
        // A check already decided (e.g. skipped with everything after an early failure).
        scratch_ = DoctorFinding{};
        return scratch_;
    }
    DoctorFinding f;
    f.id = id;
    for (const DoctorChecks::CheckInfo& info : DoctorChecks::all()) {
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

void DoctorEvaluation::skipRest(const QString& reason)
{
    for (const DoctorChecks::CheckInfo& info : DoctorChecks::all())
        if (!done_.contains(info.id))
            add(info.id, Severity::Skipped, reason);
}

DoctorEvaluation::Severity DoctorEvaluation::severityOf(const QString& id) const
{
    for (const DoctorFinding& f : out_)
        if (f.id == id)
            return f.severity;
    return Severity::Skipped;
}

bool DoctorEvaluation::failed(const QString& id) const
{
    const Severity severity = severityOf(id);
    return severity == Severity::Fail || severity == Severity::Warn;
}

QList<DoctorFinding> DoctorEvaluation::findings() const
{
    QList<DoctorFinding> ordered;
    for (const DoctorChecks::CheckInfo& info : DoctorChecks::all())
        for (const DoctorFinding& f : out_)
            if (f.id == info.id)
                ordered.append(f);
    return ordered;
}

QString DoctorEvaluation::collectorService(int port) const
{
    // The add-on's collector if it exists, else the zipkin Service (Zipkin only).
    if (snapshot_.services.has()) {
        for (const KubeObject& svc : *snapshot_.services.value) {
            if (svc.ns != kIstioRoot)
                continue;
            if (svc.name == u"jaeger-collector")
                return u"jaeger-collector.istio-system.svc.cluster.local"_s;
        }
        if (port == 9411)
            for (const KubeObject& svc : *snapshot_.services.value)
                if (svc.ns == kIstioRoot && svc.name == u"zipkin")
                    return u"zipkin.istio-system.svc.cluster.local"_s;
    }
    return u"jaeger-collector.istio-system.svc.cluster.local"_s;
}

QJsonObject DoctorEvaluation::meshWithZipkinProvider(QJsonObject mesh, const QString& name) const
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

void DoctorEvaluation::setMeshFix(DoctorFinding& f, const QJsonObject& newMesh,
                                  const QString& iopSnippet, const QStringList& restart)
{
    if (!snapshot_.meshConfigMap.has())
        return;
    f.fixSteps = {
        DoctorFixes::applyMeshConfig(snapshot_.target, *snapshot_.meshConfigMap.value, newMesh)};
    f.fixSteps += DoctorFixes::restartDeployments(snapshot_.target, restart);
    f.fixCommand = DoctorFixes::describe(f.fixSteps);
    f.fixYaml =
        u"# To keep it across `istioctl install`, put this in your IstioOperator:\n"_s + iopSnippet;
}

QStringList DoctorEvaluation::deploymentsOf(const QList<KubeObject>& pods) const
{
    QStringList names;
    for (const KubeObject& p : pods) {
        const QString d = DoctorChecks::owningDeployment(p);
        if (!d.isEmpty() && !names.contains(d))
            names << d;
    }
    return names;
}

QStringList DoctorEvaluation::allDeployments() const
{
    QStringList names;
    if (snapshot_.deployments.has())
        for (const KubeObject& d : *snapshot_.deployments.value)
            names << d.name;
    if (names.isEmpty())
        names = deploymentsOf(facts_.workloadPods);
    return names;
}

void DoctorEvaluation::setInjectionFix(DoctorFinding& f, const QStringList& deployments)
{
    QList<CommandSpec> steps{DoctorFixes::labelNamespace(snapshot_.target, snapshot_.target.ns,
                                                         {{u"istio-injection"_s, u"enabled"_s}})};
    steps += DoctorFixes::restartDeployments(snapshot_.target, deployments);
    f.fixSteps = steps;
    f.fixCommand = DoctorFixes::describe(steps);
}

}  // namespace obslab
