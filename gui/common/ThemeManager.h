#pragma once

#include "core/common/AppSettings.h"

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

    // Presenter mode: fonts scaled by scale on top of the user's font scale, and a high-contrast
    // palette (black on white, or white on black in a dark theme). Not saved in the settings.
    void setPresenter(bool on, double scale = kPresenterScale);
    bool isPresenter() const { return presenter_; }
    double effectiveFontScale() const
    {
        return appliedScale_ * (presenter_ ? presenterScale_ : 1.0);
    }
    static constexpr double kPresenterScale = 1.6;
    static QPalette highContrastPalette(bool dark);
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
    bool presenter_ = false;
    double presenterScale_ = kPresenterScale;
    bool appliedPresenter_ = false;
};

}  // namespace obslab
