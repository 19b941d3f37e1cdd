#include "gui/app/ScreenFit.h"

#include <QDialog>
#include <QEvent>
#include <QGuiApplication>
#include <QScreen>
#include <QWidget>

namespace obslab {

bool ScreenFit::fit(QWidget* window)
{
    if (!window || !window->isWindow())
        return false;
    const QScreen* screen = window->screen() ? window->screen() : QGuiApplication::primaryScreen();
    if (!screen)
        return false;
    const QRect available = screen->availableGeometry();
    // The frame (title bar, borders) counts too; before the first show it is not known yet, so
    // leave room for a usual one.
    const QRect frame = window->frameGeometry();
    const QSize decoration = window->testAttribute(Qt::WA_WState_Created)
                                 ? (frame.size() - window->size()).expandedTo(QSize(0, 0))
                                 : QSize(0, 0);
    const QSize room = available.size() - decoration;
    window->setMaximumSize(window->maximumSize().boundedTo(room));
    bool changed = false;
    if (window->width() > room.width() || window->height() > room.height()) {
        window->resize(window->size().boundedTo(room));
        changed = true;
    }
    QRect placed = window->frameGeometry();
    if (!available.contains(placed)) {
        placed.moveLeft(qBound(available.left(), placed.left(),
                               qMax(available.left(), available.right() - placed.width() + 1)));
        placed.moveTop(qBound(available.top(), placed.top(),
                              qMax(available.top(), available.bottom() - placed.height() + 1)));
        window->move(placed.topLeft());
        changed = true;
    }
    return changed;
}

bool ScreenFit::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Show && watched->isWidgetType()) {
        auto* widget = static_cast<QWidget*>(watched);
        if (widget->isWindow() && qobject_cast<QDialog*>(widget))
            fit(widget);
    }
    return QObject::eventFilter(watched, event);
}

}  // namespace obslab
