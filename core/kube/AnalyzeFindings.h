#pragma once

#include "core/process/CommandResult.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace obslab {

enum class FindingLevel
{
    Info,
    Warning,
    Error
};

// One message of `istioctl analyze`:
// `Info [IST0102] (Namespace default) The namespace is not enabled for Istio injection. …`
struct AnalyzeFinding
{
    FindingLevel level = FindingLevel::Info;
    QString code;      // "IST0102"
    QString kind;      // "Namespace", "Pod"
    QString name;      // "default", "frontend-7d9c"
    QString ns;        // from `name.ns`; empty for cluster-scoped resources
    QString file;      // when analysing files: `deploy.yaml`
    int fileLine = 0;  //                      and its line
    QString message;
    QString line;
};

struct AnalyzeReport
{
    QList<AnalyzeFinding> findings;
    bool noIssues = false;  // `✔ No validation issues found when analyzing namespace: default.`
    QString scope;          // "namespace: default", "all namespaces"
    QString failure;        // `Error: Analyzers found issues …` (at or above the threshold)
    int count(FindingLevel level) const;
};

namespace AnalyzeFindings {
// stdout and stderr together (the ✔ line and the Error line go to stderr).
AnalyzeReport parse(QByteArrayView output);
// The same for a finished `istioctl analyze` (findings on stdout, the summary on stderr).
AnalyzeReport parse(const CommandResult& result);
QString levelName(FindingLevel level);
}  // namespace AnalyzeFindings

}  // namespace obslab
