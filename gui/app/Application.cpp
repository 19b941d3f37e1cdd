#include "gui/app/Application.h"

#include <QMetaObject>

#include <cstdio>
#include <new>

namespace obslab {

Application::Application(int& argc, char** argv)
    : QApplication(argc, argv)
{}

bool Application::notify(QObject* receiver, QEvent* event)
{
    try {
        return QApplication::notify(receiver, event);
    } catch (const std::bad_alloc&) {
        // No allocation here: the memory may be short still.
        std::fputs("obslab: out of memory; the last action was stopped.\n", stderr);
        QMetaObject::invokeMethod(this, &Application::outOfMemory, Qt::QueuedConnection);
        return false;
    }
}

}  // namespace obslab
