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
    // kubectl's global options that take a value (`kubectl options`).
    static const QStringList withValue = {u"--context"_s,
                                          u"--kubeconfig"_s,
                                          u"-n"_s,
                                          u"--namespace"_s,
                                          u"--cluster"_s,
                                          u"--user"_s,
                                          u"-s"_s,
                                          u"--server"_s,
                                          u"--request-timeout"_s,
                                          u"--as"_s,
                                          u"--as-group"_s,
                                          u"--as-uid"_s,
                                          u"--token"_s,
                                          u"--tls-server-name"_s,
                                          u"--certificate-authority"_s,
                                          u"--client-key"_s,
                                          u"--client-certificate"_s,
                                          u"--cache-dir"_s,
                                          u"-v"_s,
                                          u"--v"_s,
                                          u"--username"_s,
                                          u"--password"_s};
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
