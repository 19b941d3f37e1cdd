#include "GuiMain.h"

#include "MainWindow.h"

#include <QApplication>
#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

int runGui(int argc, char** argv)
{
    // WebEngine needs a shared GL context, set before the application object exists.
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"obslab"_s);
    QApplication::setApplicationDisplayName(u"ObsLab"_s);
    QApplication::setOrganizationName(u"ObsLab"_s);
    QApplication::setApplicationVersion(QStringLiteral(OBSLAB_VERSION));

    MainWindow window;
    window.show();
    return app.exec();
}

}  // namespace obslab
