#include "core/lab/LabCatalog.h"

#include "core/lab/LabLoader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace obslab::LabCatalog {

QStringList searchDirs()
{
    QStringList dirs;
    const QString app = QCoreApplication::applicationDirPath();
    if (!app.isEmpty())
        dirs << QDir::cleanPath(app + u"/../share/obslab/labs"_s);
#ifdef OBSLAB_SOURCE_LABS_DIR
    dirs << QStringLiteral(OBSLAB_SOURCE_LABS_DIR);
#endif
    QStringList existing;
    for (const QString& d : dirs)
        if (QFileInfo(d).isDir() && !existing.contains(d))
            existing << d;
    return existing;
}

QList<Entry> list()
{
    QList<Entry> out;
    QStringList seen;
    for (const QString& dir : searchDirs()) {
        const QStringList subdirs =
            QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (const QString& sub : subdirs) {
            const QString path = QDir(dir).filePath(sub + u"/lab.yaml"_s);
            if (!QFileInfo(path).isFile())
                continue;
            Entry e;
            e.path = path;
            const LabLoadResult r = LabLoader::loadFile(path);
            if (r.ok()) {
                e.id = r.lab->id;
                e.title = r.lab->title;
                e.estimatedMinutes = r.lab->estimatedMinutes;
            } else {
                e.id = sub;
                e.error = r.errors.value(0).toString();
            }
            if (seen.contains(e.id))
                continue;
            seen << e.id;
            out << e;
        }
    }
    std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.id < b.id; });
    return out;
}

QString resolve(const QString& idOrPath)
{
    const QFileInfo info(idOrPath);
    if (info.isFile())
        return info.absoluteFilePath();
    if (info.isDir() && QFileInfo(info.absoluteFilePath() + u"/lab.yaml"_s).isFile())
        return info.absoluteFilePath() + u"/lab.yaml"_s;
    for (const Entry& e : list())
        if (e.id == idOrPath)
            return e.path;
    return {};
}

}  // namespace obslab::LabCatalog
