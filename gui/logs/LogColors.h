#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace obslab {

// The Logs area's colours, readable on light and dark palettes: a stable colour per trace id and
// per pod (the same id always gets the same hue), and one per HTTP status class.
namespace logcolors {

QColor forKey(quint32 hash, const QPalette& palette);  // a distinct hue for hash
QColor forTrace(quint32 traceHash, const QPalette& palette);
QColor forPod(const QString& pod, const QPalette& palette);
// statusClass: 0 none/TCP, 1..5 for 1xx..5xx.
QColor forStatusClass(int statusClass, const QPalette& palette);
int statusClass(int status);  // 0 when < 100
// A translucent background for highlighted (matching) rows.
QColor matchBackground(const QPalette& palette);

}  // namespace logcolors
}  // namespace obslab
