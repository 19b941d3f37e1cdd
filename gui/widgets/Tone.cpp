#include "gui/widgets/Tone.h"

namespace obslab {

namespace {
QColor blend(const QColor& a, const QColor& b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}
}  // namespace

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor toneAccent(Tone tone, const QPalette& palette)
{
    switch (tone) {
    case Tone::Info:
        return QColor(0x4f, 0x8e, 0xf7);
    case Tone::Good:
        return QColor(0x2f, 0xa8, 0x6b);
    case Tone::Warning:
        return QColor(0xe0, 0x9a, 0x2a);
    case Tone::Danger:
        return QColor(0xe0, 0x52, 0x4c);
    case Tone::Neutral:
        break;
    }
    return palette.color(QPalette::Mid);
}

QColor toneBackground(Tone tone, const QPalette& palette)
{
    const QColor window = palette.color(QPalette::Window);
    const bool dark = isDarkPalette(palette);
    if (tone == Tone::Neutral)
        return dark ? window.lighter(135) : window.darker(107);
    return blend(window, toneAccent(tone, palette), dark ? 0.22 : 0.14);
}

}  // namespace obslab
