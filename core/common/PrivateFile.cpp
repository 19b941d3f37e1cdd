#include "core/common/PrivateFile.h"

#include <QFileInfo>
#include <QTemporaryFile>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

bool writePrivateFile(const QString& path, const QByteArray& data, QString* error)
{
    auto fail = [&](const QString& why) {
        if (error)
            *error = u"cannot write %1: %2"_s.arg(path, why);
        return false;
    };
    const QFileInfo target(path);
    if (target.isDir())
        return fail(u"it is a folder"_s);
    // QTemporaryFile creates its file with O_EXCL and mode 0600 (before any byte is written).
    QTemporaryFile temp(target.absolutePath() + u"/."_s + target.fileName() + u".XXXXXX"_s);
    if (!temp.open())
        return fail(temp.errorString());
    const QByteArray tempName = QFile::encodeName(temp.fileName());
    // The mode is checked, not assumed: a umask cannot widen it, but a future Qt might.
    if (::fchmod(temp.handle(), S_IRUSR | S_IWUSR) != 0)
        return fail(QString::fromLocal8Bit(std::strerror(errno)));
    if (temp.write(data) != data.size() || !temp.flush())
        return fail(temp.errorString());
    if (::fsync(temp.handle()) != 0)
        return fail(QString::fromLocal8Bit(std::strerror(errno)));
    temp.close();
    if (std::rename(tempName.constData(),
                    QFile::encodeName(target.absoluteFilePath()).constData()) != 0)
        return fail(QString::fromLocal8Bit(std::strerror(errno)));
    temp.setAutoRemove(false);  // it is the target now
    return true;
}

}  // namespace obslab
