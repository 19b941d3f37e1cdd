#include "LimitedProcess.h"

#include <QProcess>

#include <sys/resource.h>

namespace obslab::test {

bool sanitizedBuild()
{
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

LimitedRun runLimited(const QString& program, const QStringList& args, qint64 limitBytes,
                      int timeoutMs, const QProcessEnvironment& env)
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(args);
    process.setStandardInputFile(QProcess::nullDevice());
    if (!env.isEmpty())
        process.setProcessEnvironment(env);
    if (!sanitizedBuild()) {
        process.setChildProcessModifier([limitBytes] {
            const rlimit limit{rlim_t(limitBytes), rlim_t(limitBytes)};
            ::setrlimit(RLIMIT_AS, &limit);
        });
    }
    process.start();
    LimitedRun run;
    if (!process.waitForStarted(10000))
        return run;
    if (!process.waitForFinished(timeoutMs)) {
        run.timedOut = true;
        process.kill();
        process.waitForFinished(5000);
    }
    run.crashed = process.exitStatus() == QProcess::CrashExit;
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

}  // namespace obslab::test
