#include "gui/app/GuiMain.h"

#include "core/common/AppSettings.h"
#include "core/common/TempDirs.h"
#include "core/common/TerminationSignals.h"
#include "core/logs/LogFile.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "core/tracing/JaegerClient.h"
#include "gui/app/Application.h"
#include "gui/app/GuiArguments.h"
#include "gui/app/MainWindow.h"
#include "gui/common/ThemeManager.h"
#include "gui/tracing/JaegerWebView.h"
#include "gui/widgets/Icons.h"

#include <QApplication>
#include <QCoreApplication>
#include <QFuture>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

int runGui(int argc, char** argv)
{
    // WebEngine needs a shared GL context (and, as root, no sandbox) before the application
    // object exists.
    JaegerWebView::prepareApplication();
    // 125 % and 150 % screens get exact scaling rather than rounding to 100 % or 200 %.
    QGuiApplication::setHighDpiScaleFactorRoundingPolicy(
        Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    Application app(argc, argv);
    QApplication::setApplicationName(u"obslab"_s);
    QApplication::setApplicationDisplayName(u"ObsLab"_s);
    QApplication::setOrganizationName(u"ObsLab"_s);
    QApplication::setApplicationVersion(QStringLiteral(OBSLAB_VERSION));
    QApplication::setDesktopFileName(u"io.github.obslab.ObsLab"_s);
    QApplication::setWindowIcon(Icons::icon(u"app"_s));

    AppSettings settings;
    const auto applyLimits = [&settings] {
        JaegerClient::setDefaultMaxResponseBytes(qint64(settings.jaegerMaxResponseMiB()) << 20);
        LogFile::setDefaultLineCap(qint64(settings.logMaxLineMiB()) << 20);
    };
    applyLimits();
    QObject::connect(&settings, &AppSettings::changed, &settings, applyLimits);
    ThemeManager theme(&settings);
    theme.apply();
    Transcript transcript;
    CommandRunner runner(&transcript);
    BackgroundJobs jobs(&transcript);

    MainWindow window(AppServices{&settings, &transcript, &runner, &jobs, &theme});
    // Asked to stop (SIGTERM, Ctrl+C, a closed terminal): end like a normal quit, so temporary
    // folders go and the followers and port-forwards stop. Folders a crash left behind go now.
    TerminationSignals stopSignals;
    QObject::connect(&stopSignals, &TerminationSignals::received, &window, [&window] {
        window.close();
        QCoreApplication::quit();
    });
    QObject::connect(&app, &Application::outOfMemory, &window, [&window] {
        window.statusBar()->showMessage(
            QObject::tr("Out of memory: the last action was stopped. Close logs you do not need, "
                        "or open a smaller file."));
    });
    [[maybe_unused]] const QFuture<int> cleanup = QtConcurrent::run(&TempDirs::removeStale);
    window.show();
    // Qt has already taken its own options (-platform, -style …).
    const GuiArguments arguments = GuiArguments::parse(QApplication::arguments());
    for (const QString& problem : arguments.problems)
        qWarning("obslab: %s", qPrintable(problem));
    arguments.applyTo(window);

    const int code = app.exec();
    // Leave no process behind: followers and port-forwards end with the app.
    jobs.stopAll();
    runner.cancelAll();
    return code;
}

}  // namespace obslab
