#include "core/kube/AnalyzeFindings.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

int AnalyzeReport::count(FindingLevel level) const
{
    int n = 0;
    for (const AnalyzeFinding& finding : findings)
        n += finding.level == level ? 1 : 0;
    return n;
}

QString AnalyzeFindings::levelName(FindingLevel level)
{
    switch (level) {
    case FindingLevel::Info:
        return u"Info"_s;
    case FindingLevel::Warning:
        return u"Warning"_s;
    case FindingLevel::Error:
        return u"Error"_s;
    }
    return {};
}

AnalyzeReport AnalyzeFindings::parse(QByteArrayView output)
{
    AnalyzeReport report;
    static const QRegularExpression finding(
        u"^(Info|Warning|Error) \\[(IST\\d+)\\] \\(([^)]*)\\) (.*)$"_s);
    static const QRegularExpression origin(u"^(\\S+) (\\S+)(?: (\\S+):(\\d+))?$"_s);
    static const QRegularExpression noIssues(
        u"No validation issues found when analyzing (.+?)\\.?$"_s);
    for (const QString& raw : QString::fromUtf8(output).split(u'\n')) {
        const QString line = raw.trimmed();
        if (const auto m = finding.match(line); m.hasMatch()) {
            AnalyzeFinding f;
            f.level = m.captured(1) == u"Error"     ? FindingLevel::Error
                      : m.captured(1) == u"Warning" ? FindingLevel::Warning
                                                    : FindingLevel::Info;
            f.code = m.captured(2);
            f.message = m.captured(4);
            f.line = line;
            if (const auto o = origin.match(m.captured(3)); o.hasMatch()) {
                f.kind = o.captured(1);
                // `name.namespace`: Kubernetes names of namespaced objects have no dots in the
                // kinds analyze reports (pods, services, Istio resources), so the last dot splits.
                const QString nameNs = o.captured(2);
                const qsizetype dot = nameNs.lastIndexOf(u'.');
                if (dot > 0 && f.kind != u"Namespace") {
                    f.name = nameNs.left(dot);
                    f.ns = nameNs.mid(dot + 1);
                } else {
                    f.name = nameNs;
                }
                f.file = o.captured(3);
                f.fileLine = o.captured(4).toInt();
            } else {
                f.name = m.captured(3);
            }
            report.findings.append(f);
        } else if (const auto n = noIssues.match(line); n.hasMatch()) {
            report.noIssues = true;
            report.scope = n.captured(1);
        } else if (line.startsWith(u"Error: Analyzers found issues")) {
            report.failure = line.mid(7);
            static const QRegularExpression scope(u"when analyzing (.+?)\\.?$"_s);
            if (const auto s = scope.match(line); s.hasMatch())
                report.scope = s.captured(1);
        }
    }
    return report;
}

AnalyzeReport AnalyzeFindings::parse(const CommandResult& result)
{
    return parse(result.allOutput());
}

}  // namespace obslab
