#include "core/cli/Cli.h"
#include "core/common/Allocator.h"
#include "gui/app/GuiMain.h"

#include <QStringList>

int main(int argc, char** argv)
{
    obslab::tuneAllocator();
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    // The headless path never creates a QGuiApplication: `obslab --version` works with no display.
    if (obslab::cli::Dispatcher().isHeadless(args))
        return obslab::cli::runHeadless(argc, argv);
    return obslab::runGui(argc, argv);
}
