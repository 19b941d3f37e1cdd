#pragma once

#include "core/doctor/DoctorFacts.h"
#include "core/doctor/DoctorFinding.h"
#include "core/doctor/DoctorSnapshot.h"

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace obslab {

// One run of the doctor's checks over a snapshot: the facts the check groups read, the findings
// they add (one per check, the first decision wins) and the fix builders they share. Pure.
class DoctorEvaluation
{
public:
    using Severity = DoctorFinding::Severity;

    explicit DoctorEvaluation(const DoctorSnapshot& snapshot);

    const DoctorSnapshot& snapshot() const { return snapshot_; }
    const DoctorFacts& facts() const { return facts_; }
    // Works the facts out from the snapshot; once the cluster has answered.
    void deriveFacts();

    // Adds check id's finding (group, title and docs from DoctorChecks::all()) and returns it to
    // be completed. When the check was already decided (skipped with everything after an early
    // failure) the finding stays as it is and a throw-away one is returned. The reference is
    // valid until the next add().
    DoctorFinding& add(const QString& id, Severity severity, const QString& summary,
                       const QString& evidence = {});
    // Every check not decided yet is Skipped with reason.
    void skipRest(const QString& reason);
    Severity severityOf(const QString& id) const;
    bool failed(const QString& id) const;  // a Fail or a Warn
    // The findings in the fixed order of DoctorChecks::all().
    QList<DoctorFinding> findings() const;

    // The collector a Zipkin (9411) or OTLP provider should point at: the add-on's.
    QString collectorService(int port) const;
    // mesh with a Zipkin extensionProvider `name` aimed at that collector (replaced if present).
    QJsonObject meshWithZipkinProvider(QJsonObject mesh, const QString& name) const;
    // The fix that writes newMesh into configmap/istio, then restarts the given deployments; the
    // IstioOperator snippet that keeps it goes into fixYaml.
    void setMeshFix(DoctorFinding& f, const QJsonObject& newMesh, const QString& iopSnippet,
                    const QStringList& restart = {});
    // Labels the namespace for injection, then restarts the deployments.
    void setInjectionFix(DoctorFinding& f, const QStringList& deployments);
    QStringList deploymentsOf(const QList<KubeObject>& pods) const;
    QStringList allDeployments() const;  // of the namespace (else of its pods)

private:
    const DoctorSnapshot& snapshot_;
    DoctorFacts facts_;
    QList<DoctorFinding> out_;
    QSet<QString> done_;
    DoctorFinding scratch_;
};

}  // namespace obslab
