#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace obslab::test {

// Whether this build runs under AddressSanitizer: its shadow memory needs terabytes of address
// space, so an address-space limit cannot be set on its processes (the limit is then skipped and
// the bound is checked by what the process reports instead).
bool sanitizedBuild();

struct LimitedRun
{
    int exitCode = -1;
    bool crashed = false;  // ended by a signal (an abort, the kernel)
    bool timedOut = false;
    QByteArray out;
    QByteArray err;
};

// Runs program with args as a child with its address space limited to limitBytes (setrlimit
// RLIMIT_AS in the child before exec; none under a sanitizer), stdin closed, and waits up to
// timeoutMs. An unbounded allocation then fails inside the child instead of passing on a big
// machine. Blocking: for tests only.
LimitedRun runLimited(const QString& program, const QStringList& args, qint64 limitBytes,
                      int timeoutMs, const QProcessEnvironment& env = {});

}  // namespace obslab::test
