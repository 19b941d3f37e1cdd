#include "core/kube/DiffResult.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab::DiffResult {

DiffOutcome outcome(const CommandResult& result)
{
    return outcome(result.status, result.exitCode);
}

DiffOutcome outcome(CommandStatus status, int exitCode)
{
    if (status == CommandStatus::Succeeded)
        return DiffOutcome::Same;
    if (status == CommandStatus::Failed && exitCode == 1)
        return DiffOutcome::Differs;
    return DiffOutcome::Failed;
}

bool isKubectlDiff(const QString& program, const QStringList& arguments)
{
    const QString name = program.section(u'/', -1);
    if (name != u"kubectl" && name != u"kubectl.exe")
        return false;
    // Options that take a separate value come before the verb (`--context X diff`).
    static const QStringList withValue = {u"--context"_s,   u"--kubeconfig"_s, u"-n"_s,
                                          u"--namespace"_s, u"--cluster"_s,    u"--user"_s,
                                          u"-s"_s,          u"--server"_s};
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& a = arguments.at(i);
        if (withValue.contains(a)) {
            ++i;
            continue;
        }
        if (a.startsWith(u'-'))
            continue;
        return a == u"diff";
    }
    return false;
}

}  // namespace obslab::DiffResult
