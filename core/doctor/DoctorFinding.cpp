#include "core/doctor/DoctorFinding.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace obslab::DoctorFindings {

QString severityName(DoctorFinding::Severity severity)
{
    switch (severity) {
    case DoctorFinding::Severity::Pass:
        return u"pass"_s;
    case DoctorFinding::Severity::Warn:
        return u"warn"_s;
    case DoctorFinding::Severity::Fail:
        return u"fail"_s;
    case DoctorFinding::Severity::Skipped:
        break;
    }
    return u"skipped"_s;
}

QJsonObject toJson(const DoctorFinding& finding)
{
    QJsonObject o{{u"id"_s, finding.id},           {u"group"_s, finding.group},
                  {u"title"_s, finding.title},     {u"severity"_s, severityName(finding.severity)},
                  {u"summary"_s, finding.summary}, {u"evidence"_s, finding.evidence},
                  {u"docs"_s, finding.docsUrl}};
    if (!finding.fixCommand.isEmpty())
        o.insert(u"fix_command"_s, finding.fixCommand);
    if (!finding.fixYaml.isEmpty())
        o.insert(u"fix_yaml"_s, finding.fixYaml);
    if (!finding.note.isEmpty())
        o.insert(u"note"_s, finding.note);
    return o;
}

DoctorFinding::Severity worst(const QList<DoctorFinding>& findings)
{
    DoctorFinding::Severity result = DoctorFinding::Severity::Pass;
    for (const DoctorFinding& f : findings) {
        if (f.severity == DoctorFinding::Severity::Fail)
            return f.severity;
        if (f.severity == DoctorFinding::Severity::Warn)
            result = f.severity;
    }
    return result;
}

const DoctorFinding* find(const QList<DoctorFinding>& findings, const QString& id)
{
    for (const DoctorFinding& f : findings)
        if (f.id == id)
            return &f;
    return nullptr;
}

}  // namespace obslab::DoctorFindings
