#include "core/rehearsal/RehearsalCatalog.h"

#include <QDir>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace obslab::rehearsal {

QStringList shippedRehearsals()
{
    QStringList ids;
    const QStringList files =
        QDir(u":/rehearsals"_s).entryList({u"*.ndjson"_s}, QDir::Files, QDir::Name);
    for (const QString& f : files)
        ids << QFileInfo(f).completeBaseName();
    return ids;
}

QString resolveRehearsal(const QString& fileOrId)
{
    if (QFileInfo(fileOrId).isFile())
        return fileOrId;
    const QString shipped = u":/rehearsals/%1.ndjson"_s.arg(fileOrId);
    if (!fileOrId.contains(u'/') && QFileInfo::exists(shipped))
        return shipped;
    return {};
}

}  // namespace obslab::rehearsal
