#pragma once

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

namespace obslab::test {

// Puts QSettings in a folder of this test process's own and empties ObsLab's keys there, so a
// test never reads or writes the user's preferences, nor another test's running at the same
// time. Call from initTestCase()/init().
void isolateSettings();

// Writes a stand-in kubectl (a /bin/sh script: test equipment, the product never runs a shell)
// into dir. It answers `config get-contexts`, `config current-context`, `config view --minify -o
// jsonpath=…` and `version -o json`; an empty context makes current-context fail like kubectl does,
// and reachable=false makes `version` fail like an unreachable server. The client is v1.32.4.
QString writeFakeKubectl(const QString& dir, const QString& context, const QString& ns,
                         bool reachable = true, int serverMinor = 31);

// Replaces PATH for the rest of the test (restored by the returned guard's destructor).
class PathGuard
{
public:
    explicit PathGuard(const QString& path);
    ~PathGuard();
    PathGuard(const PathGuard&) = delete;
    PathGuard& operator=(const PathGuard&) = delete;

private:
    QByteArray saved_;
};

}  // namespace obslab::test
