#include "gui/app/GuiMain.h"

#include "core/common/AppSettings.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "gui/app/MainWindow.h"
#include "gui/common/ThemeManager.h"
#include "gui/lab/LabArea.h"
#include "gui/tracing/JaegerWebView.h"
#include "gui/widgets/Icons.h"

#include <QApplication>
#include <QCoreApplication>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
// Qt has already removed its own options (-platform, -style …); what is left after the program
// name and does not look like an option is a log file to open.
struct GuiArguments
{
    QStringList files;
    bool openLogDialog = false;
    QString lab;
};

GuiArguments parseArguments(const QStringList& arguments)
{
    GuiArguments parsed;
    bool onlyFiles = false;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& argument = arguments.at(i);
        if (!onlyFiles && argument == u"--") {
            onlyFiles = true;
        } else if (!onlyFiles && argument == u"--open-log") {
            parsed.openLogDialog = true;
        } else if (!onlyFiles && argument == u"--lab") {
            if (i + 1 < arguments.size())
                parsed.lab = arguments.at(++i);
        } else if (!onlyFiles && argument.startsWith(u"--lab=")) {
            parsed.lab = argument.mid(6);
        } else if (onlyFiles || !argument.startsWith(u'-')) {
            parsed.files << QFileInfo(argument).absoluteFilePath();
        }
    }
    return parsed;
}
}  // namespace

int runGui(int argc, char** argv)
{
    // WebEngine needs a shared GL context (and, as root, no sandbox) before the application
    // object exists.
    JaegerWebView::prepareApplication();
    // 125 % and 150 % screens get exact scaling rather than rounding to 100 % or 200 %.
    QGuiApplication::setHighDpiScaleFactorRoundingPolicy(
        Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"obslab"_s);
    QApplication::setApplicationDisplayName(u"ObsLab"_s);
    QApplication::setOrganizationName(u"ObsLab"_s);
    QApplication::setApplicationVersion(QStringLiteral(OBSLAB_VERSION));
    QApplication::setDesktopFileName(u"io.github.obslab.ObsLab"_s);
    QApplication::setWindowIcon(Icons::icon(u"app"_s));

    AppSettings settings;
    ThemeManager theme(&settings);
    theme.apply();
    Transcript transcript;
    CommandRunner runner(&transcript);
    BackgroundJobs jobs(&transcript);

    MainWindow window(AppServices{&settings, &transcript, &runner, &jobs, &theme});
    window.show();
    const GuiArguments arguments = parseArguments(QApplication::arguments());
    window.openFiles(arguments.files);
    if (arguments.openLogDialog)
        window.openLogDialog();
    // `obslab --lab ID|FILE`: the Lab area with that lab (its errors shown there if it does not
    // load).
    if (!arguments.lab.isEmpty()) {
        window.showArea(MainWindow::Area::Lab);
        window.labArea()->openLab(arguments.lab);
    }

    const int code = app.exec();
    // Leave no process behind: followers and port-forwards end with the app.
    jobs.stopAll();
    runner.cancelAll();
    return code;
}

}  // namespace obslab
