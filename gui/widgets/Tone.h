#pragma once

#include <QColor>
#include <QPalette>

namespace obslab {

// How a chip or banner reads: its meaning sets a tint that works on light and dark palettes.
enum class Tone
{
    Neutral,
    Info,
    Good,
    Warning,
    Danger
};

// A background tint for tone on palette (a blend of the accent colour into the window colour).
QColor toneBackground(Tone tone, const QPalette& palette);
// The accent colour of tone, for borders and small marks.
QColor toneAccent(Tone tone, const QPalette& palette);
bool isDarkPalette(const QPalette& palette);

}  // namespace obslab
