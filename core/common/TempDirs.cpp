#include "core/common/TempDirs.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <cerrno>
#include <signal.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab::TempDirs {

namespace {

bool processRuns(qint64 pid)
{
    if (pid <= 0)
        return false;
    // EPERM: it runs, under another user.
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

QString pattern()
{
    return QDir(QDir::tempPath())
        .filePath(u"obslab-%1-XXXXXX"_s.arg(QCoreApplication::applicationPid()));
}

int removeStale()
{
    static const QRegularExpression name(u"^obslab-([0-9]{1,10})-[A-Za-z0-9]{6}$"_s);
    const QDir temp(QDir::tempPath());
    const uint me = ::getuid();
    int removed = 0;
    const QFileInfoList entries =
        temp.entryInfoList({u"obslab-*"_s}, QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
    for (const QFileInfo& entry : entries) {
        const QRegularExpressionMatch m = name.match(entry.fileName());
        if (!m.hasMatch() || entry.ownerId() != me || entry.isSymLink())
            continue;
        const qint64 pid = m.captured(1).toLongLong();
        if (pid == QCoreApplication::applicationPid() || processRuns(pid))
            continue;
        if (QDir(entry.absoluteFilePath()).removeRecursively())
            ++removed;
    }
    return removed;
}

}  // namespace obslab::TempDirs
