#include "GuiTestSupport.h"

#include "core/common/AppSettings.h"

#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace Qt::Literals::StringLiterals;

namespace obslab::test {

void isolateSettings()
{
    QStandardPaths::setTestModeEnabled(true);
    // Qt's test location is one folder per user, shared by every test process that runs at the
    // same time (ctest --parallel): each process gets a settings folder of its own, or one test's
    // font scale is another's.
    static QTemporaryDir own;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, own.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, own.path());
    AppSettings settings;
    settings.raw().clear();
    settings.raw().sync();
}

QString writeFakeKubectl(const QString& dir, const QString& context, const QString& ns,
                         bool reachable, int serverMinor)
{
    const QString path = dir + u"/kubectl"_s;
    QString script = uR"(#!/bin/sh
# stand-in kubectl written by an ObsLab GUI test
case "$1 $2" in
"config get-contexts")
    if [ -n "@CONTEXT@" ]; then echo "@CONTEXT@"; fi ;;
"config current-context")
    if [ -z "@CONTEXT@" ]; then echo "error: current-context is not set" >&2; exit 1; fi
    echo "@CONTEXT@" ;;
"config view")
    case "$*" in
    *namespace*) printf '%s' "@NS@" ;;
    *server*) printf '%s' "https://127.0.0.1:40443" ;;
    esac ;;
"version "*)
    client='"clientVersion":{"major":"1","minor":"32","gitVersion":"v1.32.4"}'
    if [ "@REACHABLE@" = yes ]; then
        echo "{$client,\"serverVersion\":{\"major\":\"1\",\"minor\":\"@MINOR@\",\"gitVersion\":\"v1.@MINOR@.2\"}}"
    else
        echo "{$client}"
        echo "The connection to the server 127.0.0.1:40443 was refused - did you specify the right host or port?" >&2
        exit 1
    fi ;;
*) echo "fake kubectl: unexpected arguments: $*" >&2; exit 2 ;;
esac
)"_s;
    script.replace(u"@CONTEXT@"_s, context);
    script.replace(u"@NS@"_s, ns);
    script.replace(u"@MINOR@"_s, QString::number(serverMinor));
    script.replace(u"@REACHABLE@"_s, reachable ? u"yes"_s : u"no"_s);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(script.toUtf8());
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

PathGuard::PathGuard(const QString& path)
    : saved_(qgetenv("PATH"))
{
    qputenv("PATH", path.toLocal8Bit());
}

PathGuard::~PathGuard()
{
    qputenv("PATH", saved_);
}

}  // namespace obslab::test
