#include "MainWindow.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(u"ObsLab"_s);
}

}  // namespace obslab
