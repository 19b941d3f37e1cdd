#include "core/common/AppSettings.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
constexpr int kMaxRecentFiles = 12;
}

AppSettings::AppSettings(QObject* parent)
    : QObject(parent)
    , settings_(u"ObsLab"_s, u"obslab"_s)
{}

void AppSettings::set(const QString& key, const QVariant& value)
{
    if (settings_.value(key) == value)
        return;
    settings_.setValue(key, value);
    Q_EMIT changed();
}

QString AppSettings::kubectlPath() const
{
    return settings_.value(u"tools/kubectl"_s).toString();
}
void AppSettings::setKubectlPath(const QString& path)
{
    set(u"tools/kubectl"_s, path.trimmed());
}
QString AppSettings::istioctlPath() const
{
    return settings_.value(u"tools/istioctl"_s).toString();
}
void AppSettings::setIstioctlPath(const QString& path)
{
    set(u"tools/istioctl"_s, path.trimmed());
}

QUrl AppSettings::jaegerUrl() const
{
    return settings_.value(u"jaeger/url"_s).toUrl();
}
void AppSettings::setJaegerUrl(const QUrl& url)
{
    set(u"jaeger/url"_s, url);
}

int AppSettings::jaegerMaxResponseMiB() const
{
    const int mib =
        settings_.value(u"jaeger/maxResponseMiB"_s, kDefaultJaegerMaxResponseMiB).toInt();
    return std::clamp(mib, 1, 4096);
}
void AppSettings::setJaegerMaxResponseMiB(int mib)
{
    set(u"jaeger/maxResponseMiB"_s, std::clamp(mib, 1, 4096));
}

int AppSettings::logMaxLineMiB() const
{
    const int mib = settings_.value(u"logs/maxLineMiB"_s, kDefaultLogMaxLineMiB).toInt();
    return std::clamp(mib, 1, 256);
}
void AppSettings::setLogMaxLineMiB(int mib)
{
    set(u"logs/maxLineMiB"_s, std::clamp(mib, 1, 256));
}

double AppSettings::fontScale() const
{
    const double scale = settings_.value(u"ui/fontScale"_s, 1.0).toDouble();
    return std::clamp(scale, 0.5, 4.0);
}
void AppSettings::setFontScale(double scale)
{
    set(u"ui/fontScale"_s, std::clamp(scale, 0.5, 4.0));
}

ThemeChoice AppSettings::theme() const
{
    return themeFromName(settings_.value(u"ui/theme"_s).toString());
}
void AppSettings::setTheme(ThemeChoice theme)
{
    set(u"ui/theme"_s, themeName(theme));
}

QString AppSettings::themeName(ThemeChoice theme)
{
    switch (theme) {
    case ThemeChoice::Light:
        return u"light"_s;
    case ThemeChoice::Dark:
        return u"dark"_s;
    case ThemeChoice::System:
        break;
    }
    return u"system"_s;
}

ThemeChoice AppSettings::themeFromName(const QString& name)
{
    if (name == u"light")
        return ThemeChoice::Light;
    if (name == u"dark")
        return ThemeChoice::Dark;
    return ThemeChoice::System;
}

QStringList AppSettings::recentFiles() const
{
    return settings_.value(u"files/recent"_s).toStringList();
}

void AppSettings::addRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    set(u"files/recent"_s, files);
}

QByteArray AppSettings::windowGeometry() const
{
    return settings_.value(u"window/geometry"_s).toByteArray();
}
QByteArray AppSettings::windowState() const
{
    return settings_.value(u"window/state"_s).toByteArray();
}
void AppSettings::setWindowGeometry(const QByteArray& geometry)
{
    settings_.setValue(u"window/geometry"_s, geometry);
}
void AppSettings::setWindowState(const QByteArray& state)
{
    settings_.setValue(u"window/state"_s, state);
}
bool AppSettings::consoleExpanded() const
{
    // A state saved before this setting existed was the person's own layout.
    return settings_.value(u"window/consoleExpanded"_s, true).toBool();
}
void AppSettings::setConsoleExpanded(bool expanded)
{
    settings_.setValue(u"window/consoleExpanded"_s, expanded);
}

}  // namespace obslab
