#pragma once

#include "core/process/CommandSpec.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

namespace obslab {

// The outcome of one doctor check: what was looked at (evidence), and when it is not a pass, what
// to do (an exact command and/or YAML, and the runnable steps behind them). Plain value, any
// thread.
struct DoctorFinding
{
    enum class Severity
    {
        Pass,
        Warn,
        Fail,
        Skipped  // the check could not run; summary says why
    };

    QString id;     // "mesh.tracer": stable, used by showDoctor(focusCheckId) and the tests
    QString group;  // "Cluster", "Istio", "Mesh config", "Workloads", "Jaeger", "Logs"
    QString title;  // "A tracer is configured"
    Severity severity = Severity::Skipped;
    QString summary;     // one line: the verdict in words
    QString evidence;    // several lines: what was read, from where
    QString fixCommand;  // the fix's commands as a person would type them (empty: no fix)
    QString fixYaml;     // the YAML the fix applies or that belongs in the IstioOperator
    QString docsUrl;
    QString note;  // information that changes no verdict (a deprecated setting and its successor)
    QList<CommandSpec> fixSteps;  // what "Fix" runs, in order; empty when there is nothing to run

    bool isProblem() const { return severity == Severity::Warn || severity == Severity::Fail; }
    bool hasFix() const { return !fixSteps.isEmpty(); }
};

namespace DoctorFindings {
QString severityName(DoctorFinding::Severity severity);  // "pass", "warn", "fail", "skipped"
QJsonObject toJson(const DoctorFinding& finding);
// The worst severity among the findings (Skipped counts as Pass); Pass for an empty list.
DoctorFinding::Severity worst(const QList<DoctorFinding>& findings);
const DoctorFinding* find(const QList<DoctorFinding>& findings, const QString& id);
}  // namespace DoctorFindings

}  // namespace obslab

Q_DECLARE_METATYPE(obslab::DoctorFinding)
