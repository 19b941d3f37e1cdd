#include "gui/tracing/EmbeddedUiMemory.h"

#include "core/common/AppSettings.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
const QString kGroup = u"tracing/embeddedUiBroken/"_s;
}

EmbeddedUiMemory::EmbeddedUiMemory(int chromiumMajor)
    : chromium_(chromiumMajor)
{}

QString EmbeddedUiMemory::key(const QUrl& base, int chromiumMajor)
{
    QString path = base.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    const QString address = base.scheme().toLower() + u"://"_s + base.host().toLower() + u':' +
                            QString::number(base.port(base.scheme() == u"https" ? 443 : 80)) + path;
    // QSettings keys must not contain '/' or '\\' where a group is not meant.
    return QString::fromLatin1(QUrl::toPercentEncoding(address)) + u"|chromium"_s +
           QString::number(chromiumMajor);
}

std::optional<EmbeddedUiMemory::Entry> EmbeddedUiMemory::broken(const QUrl& base) const
{
    AppSettings settings;
    const QString k = kGroup + key(base, chromium_);
    if (!settings.raw().contains(k + u"/reason"_s))
        return std::nullopt;
    Entry e;
    e.reason = settings.raw().value(k + u"/reason"_s).toString();
    e.jaegerVersion = settings.raw().value(k + u"/jaegerVersion"_s).toString();
    e.engineTooOld = settings.raw().value(k + u"/engineTooOld"_s).toBool();
    e.when = settings.raw().value(k + u"/when"_s).toDateTime();
    return e;
}

void EmbeddedUiMemory::rememberBroken(const QUrl& base, const Entry& entry)
{
    AppSettings settings;
    const QString k = kGroup + key(base, chromium_);
    settings.raw().setValue(k + u"/reason"_s, entry.reason.left(500));
    settings.raw().setValue(k + u"/jaegerVersion"_s, entry.jaegerVersion);
    settings.raw().setValue(k + u"/engineTooOld"_s, entry.engineTooOld);
    settings.raw().setValue(k + u"/when"_s, entry.when);
}

void EmbeddedUiMemory::forget(const QUrl& base)
{
    AppSettings settings;
    settings.raw().remove(kGroup + key(base, chromium_));
}

}  // namespace obslab
