#include "gui/common/ThemeManager.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

ThemeManager::ThemeManager(AppSettings* settings, QObject* parent)
    : QObject(parent)
    , settings_(settings)
    , systemStyle_(QApplication::style()->name())
    , systemPalette_(QApplication::palette())
    , systemFont_(QApplication::font())
{
    connect(settings_, &AppSettings::changed, this, &ThemeManager::apply);
}

bool ThemeManager::systemIsDark() const
{
    return systemPalette_.color(QPalette::Window).lightness() < 128;
}

void ThemeManager::setStyle(const QString& name)
{
    if (QApplication::style()->name().compare(name, Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create(name));
}

void ThemeManager::apply()
{
    if (!settings_)
        return;
    const ThemeChoice theme = settings_->theme();
    const double scale = settings_->fontScale();
    // AppSettings::changed fires for every preference; restyling is only worth it when these did.
    if (appliedOnce_ && theme == appliedTheme_ && qFuzzyCompare(scale, appliedScale_) &&
        appliedPresenter_ == presenter_)
        return;
    appliedOnce_ = true;
    appliedPresenter_ = presenter_;
    appliedTheme_ = theme;
    appliedScale_ = scale;

    dark_ = theme == ThemeChoice::Dark || (theme == ThemeChoice::System && systemIsDark());
    if (dark_) {
        // Native styles ignore parts of a dark palette; Fusion honours all of it.
        setStyle(u"Fusion"_s);
        QApplication::setPalette(darkPalette());
    } else if (theme == ThemeChoice::Light && systemIsDark()) {
        setStyle(u"Fusion"_s);
        QApplication::setPalette(lightPalette());
    } else if (theme == ThemeChoice::Light) {
        setStyle(systemStyle_);
        QApplication::setPalette(lightPalette());
    } else {
        setStyle(systemStyle_);
        QApplication::setPalette(systemPalette_);
    }

    if (presenter_) {
        // A projector washes colours out: Fusion with a high-contrast palette.
        setStyle(u"Fusion"_s);
        QApplication::setPalette(highContrastPalette(dark_));
    }
    const double fontScale = effectiveFontScale();
    QFont font = systemFont_;
    if (systemFont_.pointSizeF() > 0)
        font.setPointSizeF(systemFont_.pointSizeF() * fontScale);
    else
        font.setPixelSize(qMax(6, qRound(systemFont_.pixelSize() * fontScale)));
    QApplication::setFont(font);
    Q_EMIT themeApplied(dark_);
}

void ThemeManager::setPresenter(bool on, double scale)
{
    if (on == presenter_ && qFuzzyCompare(scale, presenterScale_))
        return;
    presenter_ = on;
    presenterScale_ = qBound(1.0, scale, 4.0);
    appliedPresenter_ = !on;  // forces apply() to restyle
    apply();
}

QPalette ThemeManager::highContrastPalette(bool dark)
{
    QPalette p = dark ? darkPalette() : lightPalette();
    const QColor fg = dark ? QColor(Qt::white) : QColor(Qt::black);
    const QColor bg = dark ? QColor(Qt::black) : QColor(Qt::white);
    for (auto role :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::ToolTipText}) {
        p.setColor(QPalette::Active, role, fg);
        p.setColor(QPalette::Inactive, role, fg);
    }
    for (auto role : {QPalette::Window, QPalette::Base, QPalette::AlternateBase, QPalette::Button,
                      QPalette::ToolTipBase}) {
        p.setColor(QPalette::Active, role, bg);
        p.setColor(QPalette::Inactive, role, bg);
    }
    p.setColor(QPalette::Mid, fg);
    p.setColor(QPalette::Dark, fg);
    p.setColor(QPalette::Highlight, dark ? QColor(0xff, 0xd4, 0x00) : QColor(0x00, 0x3c, 0xb4));
    p.setColor(QPalette::HighlightedText, dark ? QColor(Qt::black) : QColor(Qt::white));
    p.setColor(QPalette::PlaceholderText,
               dark ? QColor(0xc8, 0xc8, 0xc8) : QColor(0x40, 0x40, 0x40));
    return p;
}

QPalette ThemeManager::darkPalette()
{
    QPalette p;
    const QColor window(0x20, 0x23, 0x28);
    const QColor base(0x18, 0x1a, 0x1e);
    const QColor text(0xe4, 0xe7, 0xeb);
    const QColor disabled(0x6c, 0x72, 0x7b);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x23, 0x26, 0x2c));
    p.setColor(QPalette::ToolTipBase, QColor(0x2b, 0x2f, 0x36));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x90, 0x99));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x2b, 0x2f, 0x36));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x3a, 0x3f, 0x47));
    p.setColor(QPalette::Midlight, QColor(0x32, 0x36, 0x3d));
    p.setColor(QPalette::Mid, QColor(0x3a, 0x3f, 0x47));
    p.setColor(QPalette::Dark, QColor(0x14, 0x16, 0x19));
    p.setColor(QPalette::Shadow, QColor(0x0a, 0x0b, 0x0d));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7b, 0xe0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6e, 0xa8, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xa7, 0x8b, 0xfa));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x3a, 0x3f, 0x47));
    return p;
}

QPalette ThemeManager::lightPalette()
{
    QPalette p;
    const QColor text(0x1d, 0x22, 0x2b);
    const QColor disabled(0x9a, 0xa0, 0xa8);
    p.setColor(QPalette::Window, QColor(0xf4, 0xf5, 0xf7));
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf7, 0xf8, 0xfa));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf2));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x87, 0x90));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0xfb, 0xfb, 0xfc));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xd0, 0x30, 0x30));
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Midlight, QColor(0xe6, 0xe8, 0xeb));
    p.setColor(QPalette::Mid, QColor(0xc9, 0xcd, 0xd3));
    p.setColor(QPalette::Dark, QColor(0xa0, 0xa6, 0xae));
    p.setColor(QPalette::Shadow, QColor(0x60, 0x66, 0x70));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xdb));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x1f, 0x5f, 0xcc));
    p.setColor(QPalette::LinkVisited, QColor(0x6b, 0x46, 0xc1));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

}  // namespace obslab
