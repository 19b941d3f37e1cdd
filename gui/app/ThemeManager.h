#pragma once

#include "common/AppSettings.h"

#include <QFont>
#include <QObject>
#include <QPalette>
#include <QPointer>

namespace obslab {

// Applies the theme and font scale from AppSettings to the whole application, live, whenever the
// settings change. Qt 6.4 has no colour-scheme hint, so "System" follows the platform palette:
// a dark window colour means a dark theme. Create it once, after the QApplication. GUI thread.
class ThemeManager : public QObject
{
    Q_OBJECT
public:
    explicit ThemeManager(AppSettings* settings, QObject* parent = nullptr);

    void apply();
    bool isDark() const { return dark_; }
    bool systemIsDark() const;

    static QPalette darkPalette();
    static QPalette lightPalette();

Q_SIGNALS:
    void themeApplied(bool dark);

private:
    void setStyle(const QString& name);

    QPointer<AppSettings> settings_;
    QString systemStyle_;
    QPalette systemPalette_;
    QFont systemFont_;
    bool dark_ = false;
    ThemeChoice appliedTheme_ = ThemeChoice::System;
    double appliedScale_ = 1.0;
    bool appliedOnce_ = false;
};

}  // namespace obslab
