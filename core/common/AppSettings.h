#pragma once

#include <QObject>
#include <QSettings>
#include <QString>
#include <QUrl>

namespace obslab {

enum class ThemeChoice
{
    System,
    Light,
    Dark
};

// The user's preferences, persisted with QSettings ("ObsLab"/"obslab"). GUI thread only.
// Emits changed() after any setter that changes a value.
class AppSettings : public QObject
{
    Q_OBJECT
public:
    explicit AppSettings(QObject* parent = nullptr);

    // Empty means "find it on PATH".
    QString kubectlPath() const;
    void setKubectlPath(const QString& path);
    QString istioctlPath() const;
    void setIstioctlPath(const QString& path);

    // Empty means "use a managed port-forward to svc/tracing".
    QUrl jaegerUrl() const;
    void setJaegerUrl(const QUrl& url);

    // The largest answer read from Jaeger's API, in MiB (1–4096); a longer one fails with a
    // message naming this setting.
    int jaegerMaxResponseMiB() const;
    void setJaegerMaxResponseMiB(int mib);
    static constexpr int kDefaultJaegerMaxResponseMiB = 64;

    // The line-length cap of the log engine, in MiB (1–256): a longer line is indexed, searched
    // and shown by its beginning, with a mark, and opened whole only on request.
    int logMaxLineMiB() const;
    void setLogMaxLineMiB(int mib);
    static constexpr int kDefaultLogMaxLineMiB = 1;

    // 1.0 = the platform's default font size.
    double fontScale() const;
    void setFontScale(double scale);

    ThemeChoice theme() const;
    void setTheme(ThemeChoice theme);

    QStringList recentFiles() const;
    void addRecentFile(const QString& path);

    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    void setWindowGeometry(const QByteArray& geometry);
    void setWindowState(const QByteArray& state);
    // Whether the Console was out of its first-run strip when the window state was saved.
    bool consoleExpanded() const;
    void setConsoleExpanded(bool expanded);

    QSettings& raw() { return settings_; }

    static QString themeName(ThemeChoice theme);
    static ThemeChoice themeFromName(const QString& name);

Q_SIGNALS:
    void changed();

private:
    void set(const QString& key, const QVariant& value);
    QSettings settings_;
};

}  // namespace obslab
