#pragma once

#include <QIcon>
#include <QString>

namespace obslab::Icons {

// The icon resources/icons/NAME.svg, drawn at any size by SvgIconEngine. A missing name gives an
// empty icon (and a warning in the log); an empty name is no icon, silently.
QIcon icon(const QString& name);

}  // namespace obslab::Icons
