#include "gui/logs/LogColors.h"

#include "gui/widgets/Tone.h"

#include <QHashFunctions>

namespace obslab::logcolors {

QColor forKey(quint32 hash, const QPalette& palette)
{
    // Golden-ratio steps spread neighbouring hashes over the wheel; saturation and lightness are
    // chosen per palette so that text in this colour stays readable on the base colour.
    const int hue = int((quint64(hash) * 2654435761u >> 7) % 360);
    const bool dark = isDarkPalette(palette);
    return QColor::fromHsl(hue, dark ? 170 : 200, dark ? 170 : 92);
}

QColor forTrace(quint32 traceHash, const QPalette& palette)
{
    return forKey(traceHash, palette);
}

QColor forPod(const QString& pod, const QPalette& palette)
{
    return forKey(quint32(qHash(pod, 7)), palette);
}

int statusClass(int status)
{
    return status >= 100 && status < 600 ? status / 100 : 0;
}

QColor forStatusClass(int statusClass, const QPalette& palette)
{
    switch (statusClass) {
    case 2:
        return toneAccent(Tone::Good, palette);
    case 3:
        return toneAccent(Tone::Info, palette);
    case 4:
        return toneAccent(Tone::Warning, palette);
    case 5:
        return toneAccent(Tone::Danger, palette);
    default:
        return palette.color(QPalette::PlaceholderText);
    }
}

QColor matchBackground(const QPalette& palette)
{
    QColor c = isDarkPalette(palette) ? QColor(0xe0, 0xb0, 0x30) : QColor(0xff, 0xd5, 0x4f);
    c.setAlpha(isDarkPalette(palette) ? 70 : 110);
    return c;
}

}  // namespace obslab::logcolors
