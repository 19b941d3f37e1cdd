#include "gui/widgets/Icons.h"

#include "core/common/Logging.h"
#include "gui/widgets/SvgIconEngine.h"

#include <QFile>
#include <QHash>

using namespace Qt::Literals::StringLiterals;

namespace obslab::Icons {

QIcon icon(const QString& name)
{
    // No name: no icon (a button or banner without one), not a missing resource.
    if (name.isEmpty())
        return {};
    // Resource files are in memory; reading them is not disk I/O.
    static QHash<QString, QIcon> cache;
    if (const auto it = cache.constFind(name); it != cache.constEnd())
        return *it;
    QFile file(u":/icons/%1.svg"_s.arg(name));
    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcGui) << "no icon named" << name;
        return {};
    }
    QIcon result(new SvgIconEngine(file.readAll()));
    cache.insert(name, result);
    return result;
}

}  // namespace obslab::Icons
