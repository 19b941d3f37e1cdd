#include "gui/app/MainWindow.h"

#include "core/common/AppSettings.h"
#include "core/kube/ClusterContext.h"
#include "core/kube/ClusterGuidance.h"
#include "core/kube/KubeTarget.h"
#include "core/kube/PortForward.h"
#include "core/logs/LiveLogStore.h"
#include "core/logs/LogFile.h"
#include "core/process/Transcript.h"
#include "core/tracing/JaegerClient.h"
#include "gui/app/ConsoleArea.h"
#include "gui/app/ContextBar.h"
#include "gui/app/ScreenFit.h"
#include "gui/app/SettingsDialog.h"
#include "gui/app/ShortcutsDialog.h"
#include "gui/app/StatusArea.h"
#include "gui/cluster/ClusterArea.h"
#include "gui/doctor/DoctorPanel.h"
#include "gui/lab/LabArea.h"
#include "gui/logs/LogsArea.h"
#include "gui/presenter/LabStepControls.h"
#include "gui/presenter/PresenterMode.h"
#include "gui/presenter/RehearsalPanel.h"
#include "gui/tracing/TraceTimelinePanel.h"
#include "gui/tracing/TracesArea.h"
#include "gui/widgets/Banner.h"
#include "gui/widgets/DockTitleBar.h"
#include "gui/widgets/Icons.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QStatusBar>
#include <QTabBar>
#include <QTimer>
#include <QToolBar>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
// Bumped when the default arrangement changes, so an old saved state does not restore docks
// that no longer exist into odd places.
constexpr int kStateVersion = 1;

// A command a person would want to watch (the Console opens for it): one that changes the
// cluster. Reads (the context check, the doctor, a rehearsal's replay) leave the Console a strip.
bool commandChangesSomething(const TranscriptEntry& e)
{
    if (e.title.startsWith(u"Rehearsal: "_s) || e.arguments.isEmpty())
        return false;
    static const QStringList kubectlVerbs = {u"apply"_s,    u"create"_s,  u"delete"_s,  u"label"_s,
                                             u"annotate"_s, u"patch"_s,   u"rollout"_s, u"scale"_s,
                                             u"exec"_s,     u"replace"_s, u"set"_s,     u"diff"_s};
    static const QStringList istioctlVerbs = {u"install"_s, u"uninstall"_s, u"upgrade"_s};
    const QString program = QFileInfo(e.program).fileName();
    const QString verb = e.arguments.constFirst();
    if (program.startsWith(u"istioctl"_s))
        return istioctlVerbs.contains(verb);
    return program.startsWith(u"kubectl"_s) && kubectlVerbs.contains(verb);
}
}  // namespace

MainWindow::MainWindow(const AppServices& services, QWidget* parent)
    : QMainWindow(parent)
    , services_(services)
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("ObsLab"));
    setWindowIcon(Icons::icon(u"app"_s));
    setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks | GroupedDragging);
    setTabPosition(Qt::AllDockWidgetAreas, QTabWidget::North);
    setDocumentMode(true);
    // Dialogs (the app's and Qt's) never taller or wider than the screen they open on.
    if (qApp && !qApp->findChild<ScreenFit*>())
        qApp->installEventFilter(new ScreenFit(qApp));

    lab_ = new LabArea(this);
    logs_ = new LogsArea(this);
    logs_->setSettings(services_.settings);
    logs_->setTranscript(services_.transcript);
    cluster_ = new ClusterArea(this);
    traces_ = new TracesArea(this);
    traces_->setClusterState(false, false);  // checkCluster() answers once the window is up
    console_ = new ConsoleArea(services_.transcript, this);
    addArea(lab_, tr("Lab"), u"labDock"_s, u"lab"_s);
    addArea(logs_, tr("Logs"), u"logsDock"_s, u"logs"_s);
    addArea(cluster_, tr("Cluster"), u"clusterDock"_s, u"cluster"_s);
    addArea(traces_, tr("Traces"), u"tracesDock"_s, u"traces"_s);
    addArea(console_, tr("Console"), u"consoleDock"_s, u"console"_s);

    clusterContext_ = new ClusterContext(services_.runner, this);
    connect(clusterContext_, &ClusterContext::statusChanged, this, &MainWindow::onClusterStatus);
    // The Cluster area's tools use the context the toolbar shows (its context-safety policy too).
    cluster_->attach(clusterContext_, services_.transcript, services_.settings);
    cluster_->setNavigator(this);
    lab_->setNavigator(this);
    logs_->setNavigator(this);
    traces_->setNavigator(this);

    createToolBars();
    createActions();
    createPresenter();
    createDoctor();

    statusArea_ = new StatusArea(services_.runner, services_.jobs, this);
    if (!services_.forwards)
        services_.forwards = new PortForwards(services_.transcript, this);
    statusArea_->setPortForwards(services_.forwards);
    statusBar()->addPermanentWidget(statusArea_);
    statusBar()->setSizeGripEnabled(true);

    connect(logs_, &LogsArea::filesOpened, this, [this](const QStringList& paths) {
        for (const QString& path : paths) {
            // Bundled resources are not files a person can reopen from the recent list.
            if (!path.startsWith(u':') && services_.settings)
                services_.settings->addRecentFile(path);
        }
    });
    connect(cluster_, &ClusterArea::refreshRequested, this, &MainWindow::checkCluster);
    lab_->setServices(services_.runner, services_.settings, services_.forwards);
    connect(this, &MainWindow::presenterModeChanged, traces_, &TracesArea::setPresenterMode);
    // With no Jaeger URL set, the Traces area reaches Jaeger through a managed
    // port-forward to svc/tracing in istio-system, in the toolbar's context, listed with the jobs.
    traces_->setPortForwardStarter([this]() -> PortForward* {
        const ClusterStatus& status = clusterContext_->status();
        KubeTarget target;
        if (services_.settings && !services_.settings->kubectlPath().isEmpty())
            target.kubectl = services_.settings->kubectlPath();
        else if (!status.kubectlPath.isEmpty())
            target.kubectl = status.kubectlPath;
        else
            return nullptr;  // no kubectl: the area falls back to http://localhost:16686
        target.context = status.context;
        target.ns = u"istio-system"_s;
        PortForwardOptions options;
        options.resource = u"svc/tracing"_s;
        options.remotePort = 80;
        options.preferredLocalPort = 16686;
        return services_.forwards ? services_.forwards->start(target, options) : nullptr;
    });
    if (services_.transcript) {
        Transcript* transcript = services_.transcript;
        connect(transcript, &Transcript::entryAdded, this, [this, transcript](quint64 id) {
            const TranscriptEntry* e = transcript->entry(id);
            if (e && !consoleExpanded_ && commandChangesSomething(*e))
                expandConsole();
        });
    }
    connect(console_, &ConsoleArea::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, 5000); });

    if (services_.settings) {
        lastKubectlPath_ = services_.settings->kubectlPath();
        traces_->setJaegerUrl(services_.settings->jaegerUrl());
        traces_->setFontScale(services_.settings->fontScale());
        connect(services_.settings, &AppSettings::changed, this, &MainWindow::onSettingsChanged);
    }

    // An area may be shorter than its contents want (they clip or scroll), never so tall that
    // the window cannot fit a 768-pixel screen at 150 % type: its minimum height is a few lines.
    const int em = fontMetrics().height();
    for (QDockWidget* d : findChildren<QDockWidget*>()) {
        if (QWidget* w = d->widget())
            w->setMinimumHeight(d == dock(Area::Console) ? em * 2 : em * 6);
    }
    restoreWindowState();
    arrangeDefaultLayout();
    if (services_.settings && !services_.settings->windowState().isEmpty() &&
        restoreState(services_.settings->windowState(), kStateVersion) &&
        (services_.settings->consoleExpanded() || dock(Area::Console)->isFloating() ||
         dockWidgetArea(dock(Area::Console)) != Qt::BottomDockWidgetArea))
        expandConsole();            // the person's own layout (a strip stays a strip)
    bannerBar_->setVisible(false);  // the banner's visibility is ours, not the saved layout's
    updateDockTitleBars();
    QTimer::singleShot(0, this, &MainWindow::checkCluster);
}

MainWindow::~MainWindow() = default;

void MainWindow::updateDockTitleBars()
{
    for (QDockWidget* d : std::as_const(docks_)) {
        auto* bar = qobject_cast<DockTitleBar*>(d->titleBarWidget());
        if (!bar)
            continue;
        bool tabbed = false;
        if (!d->isFloating()) {
            const auto siblings = tabifiedDockWidgets(d);
            tabbed = std::any_of(siblings.cbegin(), siblings.cend(),
                                 [](const QDockWidget* other) { return !other->isHidden(); });
        }
        bar->setCollapsed(tabbed);
    }
    // QMainWindow's dock tab bars show titles only; give the tabs the areas' icons too.
    for (QTabBar* tabs : findChildren<QTabBar*>(Qt::FindDirectChildrenOnly)) {
        for (int i = 0; i < tabs->count(); ++i) {
            for (QDockWidget* d : std::as_const(docks_)) {
                if (d->windowTitle() == tabs->tabText(i)) {
                    tabs->setTabIcon(i, d->windowIcon());
                    break;
                }
            }
        }
    }
}

QDockWidget* MainWindow::addArea(QWidget* widget, const QString& title, const QString& objectName,
                                 const QString& iconName)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(widget);
    dock->setWindowIcon(Icons::icon(iconName));
    // Areas move and float; the title bar has no close button, but the View menu may hide
    // them (QDockWidget only hides a dock that is closable).
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    dock->setTitleBarWidget(new DockTitleBar(dock));
    auto queueUpdate = [this] {
        QMetaObject::invokeMethod(this, &MainWindow::updateDockTitleBars, Qt::QueuedConnection);
    };
    connect(dock, &QDockWidget::dockLocationChanged, this, queueUpdate);
    connect(dock, &QDockWidget::topLevelChanged, this, queueUpdate);
    connect(dock, &QDockWidget::visibilityChanged, this, queueUpdate);
    docks_ << dock;
    return dock;
}

QDockWidget* MainWindow::dock(Area area) const
{
    return docks_.value(int(area));
}

void MainWindow::arrangeDefaultLayout()
{
    for (QDockWidget* d : std::as_const(docks_)) {
        d->setFloating(false);
        d->show();
    }
    QDockWidget* lab = dock(Area::Lab);
    addDockWidget(Qt::TopDockWidgetArea, lab);
    for (Area area : {Area::Logs, Area::Cluster, Area::Traces}) {
        addDockWidget(Qt::TopDockWidgetArea, dock(area));
        tabifyDockWidget(lab, dock(area));
    }
    addDockWidget(Qt::BottomDockWidgetArea, dock(Area::Console));
    // The Doctor is a tab beside Cluster; the Rehearsal player stays hidden until one opens.
    // Both must be placed again here: re-adding the areas above takes them out of their tabs,
    // which left the Doctor drawn over the toolbar.
    if (doctorDock_) {
        doctorDock_->setFloating(false);
        addDockWidget(Qt::TopDockWidgetArea, doctorDock_);
        tabifyDockWidget(dock(Area::Cluster), doctorDock_);
        doctorDock_->show();
    }
    if (rehearsalDock_) {
        rehearsalDock_->setFloating(false);
        addDockWidget(Qt::TopDockWidgetArea, rehearsalDock_);
        rehearsalDock_->hide();
    }
    lab->raise();
    consoleExpanded_ = false;
    collapseConsole();
    updateDockTitleBars();
}

void MainWindow::collapseConsole()
{
    // The Console is a strip until something runs: the Lab's step text gets the height. A dock
    // area without a central widget shares its spare height, so the strip is a maximum height
    // (lifted by expandConsole()).
    const int em = fontMetrics().height();
    console_->setStrip(true);
    console_->setMaximumHeight(qMax(em * 3, console_->minimumHeight()));
}

void MainWindow::resizeEvent(QResizeEvent* event)
{
    QMainWindow::resizeEvent(event);
    refitIfOversize();
}

bool MainWindow::event(QEvent* event)
{
    const bool handled = QMainWindow::event(event);
    // A layout that asked for more height for a moment (a wrapping banner) leaves the window
    // larger than the screen; once the layout settles and its minimum allows, it goes back inside.
    if (event->type() == QEvent::LayoutRequest)
        refitIfOversize();
    return handled;
}

void MainWindow::refitIfOversize()
{
    const QScreen* s = screen();
    if (!s || !isVisible() || isFullScreen() || isMaximized())
        return;
    const QSize room = s->availableGeometry().size();
    const QSize min = minimumSizeHint().expandedTo(minimumSize());
    if ((width() > room.width() || height() > room.height()) && min.width() <= room.width() &&
        min.height() <= room.height())
        QTimer::singleShot(0, this, &MainWindow::fitToScreen);
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (shownOnce_)
        return;
    shownOnce_ = true;
    // Dock sizes set before the first show are redistributed when the window is laid out.
    QTimer::singleShot(0, this, [this] {
        if (!consoleExpanded_)
            collapseConsole();
        fitToScreen();
    });
}

void MainWindow::expandConsole()
{
    if (consoleExpanded_)
        return;
    consoleExpanded_ = true;
    console_->setStrip(false);
    console_->setMaximumHeight(QWIDGETSIZE_MAX);
    QDockWidget* console = dock(Area::Console);
    if (console->isFloating() || console->isHidden())
        return;
    const int em = fontMetrics().height();
    resizeDocks({console}, {qMin(em * 12, height() * 3 / 10)}, Qt::Vertical);
}

void MainWindow::fitToScreen()
{
    // A geometry saved on a larger screen (or a first-run size) never leaves the window taller
    // or wider than the screen it opens on.
    const QScreen* s = screen();
    if (!s || isMaximized() || isFullScreen())
        return;
    const QRect available = s->availableGeometry();
    const QSize decoration = (frameGeometry().size() - size()).expandedTo(QSize(0, 0));
    const QSize room = available.size() - decoration;
    if (width() > room.width() || height() > room.height())
        resize(size().boundedTo(room));
    QRect placed = frameGeometry();
    if (!available.contains(placed)) {
        placed.moveLeft(qBound(available.left(), placed.left(),
                               qMax(available.left(), available.right() - placed.width() + 1)));
        placed.moveTop(qBound(available.top(), placed.top(),
                              qMax(available.top(), available.bottom() - placed.height() + 1)));
        move(placed.topLeft());
    }
}

void MainWindow::resetLayout()
{
    arrangeDefaultLayout();
    statusBar()->showMessage(tr("Layout reset"), 3000);
}

void MainWindow::restoreWindowState()
{
    if (!services_.settings)
        return;
    const QByteArray geometry = services_.settings->windowGeometry();
    if (geometry.isEmpty() || !restoreGeometry(geometry)) {
        // First run: most of the screen, but not absurdly wide on an ultra-wide monitor.
        const int em = fontMetrics().height();
        QSize size(em * 80, em * 50);
        // A small screen (1366×768) gets all of it; a larger one leaves some desktop around.
        if (const QScreen* s = screen()) {
            const QSize available = s->availableGeometry().size();
            size = size.boundedTo(available.height() < 900 ? available : available * 0.85);
        }
        resize(size);
    }
    // The banner's visibility is ours, not the saved layout's.
    bannerBar_->setVisible(false);
    fitToScreen();
    updateDockTitleBars();
}

void MainWindow::saveWindowState()
{
    if (!services_.settings)
        return;
    services_.settings->setWindowGeometry(saveGeometry());
    services_.settings->setWindowState(saveState(kStateVersion));
    services_.settings->setConsoleExpanded(consoleExpanded_);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    // The layout to remember is the everyday one, not presenter mode's.
    if (presenter_ && presenter_->isActive())
        presenter_->setActive(false);
    saveWindowState();
    QMainWindow::closeEvent(event);
}

void MainWindow::createToolBars()
{
    mainToolBar_ = addToolBar(tr("Main"));
    mainToolBar_->setObjectName(u"mainToolBar"_s);
    mainToolBar_->setMovable(false);
    mainToolBar_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    addToolBarBreak();
    bannerBar_ = addToolBar(tr("Notice"));
    bannerBar_->setObjectName(u"bannerToolBar"_s);
    bannerBar_->setMovable(false);
    bannerBar_->setFloatable(false);
    bannerBar_->toggleViewAction()->setVisible(false);
    banner_ = new Banner(bannerBar_);
    banner_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bannerBar_->addWidget(banner_);
    bannerBar_->setContentsMargins(0, 0, 0, 0);
    bannerBar_->hide();
    connect(banner_, &Banner::dismissed, this, [this] {
        bannerDismissed_ = true;
        updateBannerBar();
    });
}

void MainWindow::createActions()
{
    auto* openLog = new QAction(Icons::icon(u"open"_s), tr("&Open Log…"), this);
    openLog->setShortcut(QKeySequence::Open);
    openLog->setToolTip(tr("Open a saved istio-proxy access log"));
    connect(openLog, &QAction::triggered, this, &MainWindow::openLogDialog);
    auto* openSample = new QAction(Icons::icon(u"sample"_s), tr("Open the &Sample Log"), this);
    connect(openSample, &QAction::triggered, this,
            [this] { openFiles({LogsArea::sampleLogPath()}); });
    auto* openTrace = new QAction(Icons::icon(u"traces"_s), tr("Open &Trace…"), this);
    openTrace->setObjectName(u"openTrace"_s);
    openTrace->setShortcut(QKeySequence(u"Ctrl+Shift+O"_s));
    openTrace->setToolTip(tr("Open a trace saved from Jaeger (JSON) and show its span timeline"));
    connect(openTrace, &QAction::triggered, this, &MainWindow::openTraceDialog);
    auto* settings = new QAction(Icons::icon(u"settings"_s), tr("Se&ttings…"), this);
    settings->setShortcut(QKeySequence(u"Ctrl+,"_s));
    settings->setMenuRole(QAction::PreferencesRole);
    connect(settings, &QAction::triggered, this, &MainWindow::showSettings);
    auto* quit = new QAction(Icons::icon(u"quit"_s), tr("&Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    auto* refresh = new QAction(Icons::icon(u"refresh"_s), tr("&Refresh Context"), this);
    refresh->setObjectName(u"refreshContext"_s);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setToolTip(tr("Read the kube context again and check the cluster (%1)")
                            .arg(refresh->shortcut().toString(QKeySequence::NativeText)));
    connect(refresh, &QAction::triggered, this, &MainWindow::checkCluster);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(openLog);
    file->addAction(openSample);
    file->addAction(openTrace);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    recentMenu_->setObjectName(u"recentMenu"_s);
    connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    file->addSeparator();
    file->addAction(settings);
    file->addSeparator();
    file->addAction(quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(u"viewMenu"_s);
    int number = 1;
    for (QDockWidget* d : std::as_const(docks_)) {
        QAction* toggle = d->toggleViewAction();
        toggle->setIcon(d->windowIcon());
        toggle->setObjectName(d->objectName() + u"Toggle"_s);
        view->addAction(toggle);
        // Alt+N brings an area to the front (showing it if hidden), like switching tabs.
        auto* show = new QAction(tr("Show %1").arg(d->windowTitle()), this);
        show->setShortcut(QKeySequence(u"Alt+%1"_s.arg(number++)));
        connect(show, &QAction::triggered, this, [this, d] { showArea(Area(docks_.indexOf(d))); });
        addAction(show);
        shortcutActions_ << show;
    }
    view->addSeparator();
    auto* reset = view->addAction(tr("Reset &Layout"));
    connect(reset, &QAction::triggered, this, &MainWindow::resetLayout);
    auto* full = view->addAction(tr("&Full Screen"));
    // F11 belongs to presenter mode (which goes full screen too).
    QList<QKeySequence> fullKeys = QKeySequence::keyBindings(QKeySequence::FullScreen);
    fullKeys.removeAll(QKeySequence(Qt::Key_F11));
    full->setShortcuts(fullKeys.isEmpty() ? QList<QKeySequence>{QKeySequence(u"Ctrl+Shift+F"_s)}
                                          : fullKeys);
    full->setCheckable(true);
    connect(full, &QAction::toggled, this, [this](bool on) {
        setWindowState(on ? windowState() | Qt::WindowFullScreen
                          : windowState() & ~Qt::WindowFullScreen);
    });

    QMenu* cluster = menuBar()->addMenu(tr("&Cluster"));
    cluster->addAction(refresh);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    auto* shortcuts = help->addAction(Icons::icon(u"keyboard"_s), tr("&Keyboard Shortcuts"));
    shortcuts->setShortcut(QKeySequence(u"Ctrl+/"_s));
    connect(shortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    auto* kubectlHelp = help->addAction(Icons::icon(u"external"_s), tr("How to Install &kubectl"));
    connect(kubectlHelp, &QAction::triggered, this,
            [] { QDesktopServices::openUrl(QUrl(ClusterGuidance::installKubectlUrl())); });
    help->addAction(openSample);
    help->addSeparator();
    auto* about = help->addAction(Icons::icon(u"info"_s), tr("&About ObsLab"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);

    shortcutActions_.prepend(shortcuts);
    shortcutActions_.prepend(full);
    shortcutActions_.prepend(refresh);
    shortcutActions_.prepend(quit);
    shortcutActions_.prepend(settings);
    shortcutActions_.prepend(openTrace);
    shortcutActions_.prepend(openLog);
    shortcutActions_ << logs_->keyActions();

    mainToolBar_->addAction(openLog);
    mainToolBar_->addSeparator();
    contextBar_ = new ContextBar(mainToolBar_);
    mainToolBar_->addWidget(contextBar_);
    mainToolBar_->addAction(refresh);
    auto* spacer = new QWidget(mainToolBar_);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    mainToolBar_->addWidget(spacer);
    mainToolBar_->addAction(settings);
}

void MainWindow::rebuildRecentMenu()
{
    recentMenu_->clear();
    const QStringList files =
        services_.settings ? services_.settings->recentFiles() : QStringList();
    for (const QString& path : files) {
        QAction* action = recentMenu_->addAction(QFileInfo(path).fileName());
        action->setToolTip(path);
        action->setStatusTip(path);
        connect(action, &QAction::triggered, this, [this, path] { openFiles({path}); });
    }
    if (files.isEmpty())
        recentMenu_->addAction(tr("No recent logs"))->setEnabled(false);
}

void MainWindow::showArea(Area area)
{
    QDockWidget* d = dock(area);
    if (!d)
        return;
    if (area == Area::Console)
        expandConsole();
    d->show();
    d->raise();
    if (d->widget())
        d->widget()->setFocus();
}

void MainWindow::followLogs(const QString& ns, const QString& selector, const QString& container)
{
    showArea(Area::Logs);
    logs_->followSelector(ns, selector, container);
}

void MainWindow::showTraceLines(const QString& traceId, const QStringList& requestIds)
{
    showArea(Area::Logs);
    logs_->showTraceLines(traceId, requestIds);
}

void MainWindow::openSampleLog()
{
    openFiles({LogsArea::sampleLogPath()});
}

void MainWindow::showTrace(const QString& traceId)
{
    showArea(Area::Traces);
    traces_->showTrace(traceId);
}

void MainWindow::showRequestId(const QString& requestId)
{
    showArea(Area::Traces);
    traces_->showRequestId(requestId);
}

void MainWindow::showTraceSearch(const QString& service)
{
    showArea(Area::Traces);
    traces_->showSearch(service);
}

void MainWindow::showClusterDetails()
{
    showArea(Area::Cluster);
}

void MainWindow::openFiles(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    logs_->openFiles(paths);
    showArea(Area::Logs);
}

void MainWindow::openLogDialog()
{
    auto* dialog = new QFileDialog(this, tr("Open istio-proxy logs"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFiles);
    dialog->setNameFilters({tr("Logs (*.log *.txt *.log.gz *.gz)"), tr("All files (*)")});
    const QStringList recent =
        services_.settings ? services_.settings->recentFiles() : QStringList();
    if (!recent.isEmpty())
        dialog->setDirectory(QFileInfo(recent.constFirst()).absolutePath());
    connect(dialog, &QFileDialog::filesSelected, this, &MainWindow::openFiles);
    dialog->open();
}

void MainWindow::openTraceDialog()
{
    auto* dialog = new QFileDialog(this, tr("Open a trace"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setNameFilter(TraceTimelinePanel::fileFilter());
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::openTraceFile);
    dialog->open();
}

void MainWindow::openTraceFile(const QString& path)
{
    traces_->openTraceFile(path);
    showArea(Area::Traces);
}

void MainWindow::showSettings()
{
    if (!settingsDialog_) {
        settingsDialog_ = new SettingsDialog(services_.settings, this);
        settingsDialog_->setAttribute(Qt::WA_DeleteOnClose);
    }
    settingsDialog_->show();
    settingsDialog_->raise();
    settingsDialog_->activateWindow();
}

void MainWindow::showShortcuts()
{
    auto* dialog = new ShortcutsDialog(shortcutActions_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About ObsLab"),
        tr("<h3>ObsLab %1</h3>"
           "<p>A guided Istio distributed-tracing lab and a fast browser for Envoy access "
           "logs.</p>"
           "<p>ObsLab runs <code>kubectl</code> and <code>istioctl</code> for you — never a "
           "shell — and shows every command in the Console before it runs.</p>"
           "<p>Built with Qt %2.</p>")
            .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::onSettingsChanged()
{
    if (!services_.settings)
        return;
    traces_->setJaegerUrl(services_.settings->jaegerUrl());
    traces_->setFontScale(services_.settings->fontScale());
    if (services_.settings->kubectlPath() != lastKubectlPath_) {
        lastKubectlPath_ = services_.settings->kubectlPath();
        checkCluster();
    }
}

void MainWindow::checkCluster()
{
    clusterContext_->checkStatus(services_.settings ? services_.settings->kubectlPath()
                                                    : QString());
}

void MainWindow::onClusterStatus(const ClusterStatus& status)
{
    using State = ClusterStatus::State;
    contextBar_->setStatus(status);
    cluster_->setStatus(status);
    lab_->setClusterStatus(status);
    updateDoctorOptions(status);
    traces_->setClusterState(status.state != State::Unknown && status.state != State::Checking,
                             status.state == State::NoContext);
    // Live logs follow in the context and namespace the toolbar shows, not kubectl's current one.
    if (!status.context.isEmpty()) {
        KubeTarget target;
        if (!status.kubectlPath.isEmpty())
            target.kubectl = status.kubectlPath;
        target.context = status.context;
        if (!status.kubeNamespace.isEmpty())
            target.ns = status.kubeNamespace;
        logs_->setKubeTarget(target);
    }

    if (status.state == State::Checking || status.state == State::Unknown)
        return;
    // A dismissed banner stays away until the situation it described changes.
    if (status.state != bannerState_)
        bannerDismissed_ = false;
    bannerState_ = status.state;
    banner_->clearActions();
    switch (status.state) {
    case State::KubectlMissing:
        // What works without a cluster first: the rehearsal, then the sample log.
        banner_->setMessage(Tone::Warning, u"warning"_s, ClusterGuidance::kubectlMissingShort());
        banner_->addAction(tr("Rehearse the built-in lab (no cluster needed)"),
                           [this] { rehearseLab(LabArea::builtInLabId()); });
        banner_->addAction(tr("Open the sample log"), [this] { openSampleLog(); });
        banner_->addAction(tr("Set kubectl path…"), [this] { showSettings(); });
        break;
    case State::NoContext:
    case State::Unreachable:
        banner_->setMessage(Tone::Info, u"info"_s, ClusterGuidance::noClusterShort(status));
        banner_->addAction(tr("Rehearse the built-in lab (no cluster needed)"),
                           [this] { rehearseLab(LabArea::builtInLabId()); });
        banner_->addAction(tr("Open the sample log"), [this] { openSampleLog(); });
        banner_->addAction(tr("Details"), [this] { showArea(Area::Cluster); });
        break;
    case State::Reachable:
        statusBar()->showMessage(tr("Connected to %1").arg(status.context), 4000);
        if (status.skewWarning.isEmpty()) {
            bannerWanted_ = false;
            updateBannerBar();
            return;
        }
        banner_->setMessage(Tone::Warning, u"warning"_s, status.skewWarning.toHtmlEscaped());
        banner_->addAction(tr("How to install kubectl"), [] {
            QDesktopServices::openUrl(QUrl(ClusterGuidance::installKubectlUrl()));
        });
        break;
    case State::Checking:
    case State::Unknown:
        bannerWanted_ = false;
        updateBannerBar();
        return;
    }
    banner_->show();
    bannerWanted_ = true;
    updateBannerBar();
}

void MainWindow::updateBannerBar()
{
    // Presenter mode shows the lab and its command only: the notice takes no space there.
    const bool presenting = presenter_ && presenter_->isActive();
    const bool show = bannerWanted_ && !bannerDismissed_ && !presenting;
    if (show == bannerBar_->isVisible())
        return;
    bannerBar_->setVisible(show);
    // Laying the banner out can ask for a taller window for a moment (its text wraps at a width
    // it does not keep): once it has settled, the window goes back inside the screen.
    QTimer::singleShot(0, this, &MainWindow::fitToScreen);
}

void MainWindow::createDoctor()
{
    // A dock tabbed with Cluster rather than a dialog: the doctor is read next to the logs and
    // the cluster it talks about, and stays open while a fix runs and the checks run again.
    doctor_ = new DoctorPanel(services_.runner, this);
    doctorDock_ = new QDockWidget(tr("Doctor"), this);
    doctorDock_->setObjectName(u"doctorDock"_s);
    doctorDock_->setWidget(doctor_);
    doctorDock_->setWindowIcon(Icons::icon(u"doctor"_s));
    doctorDock_->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                             QDockWidget::DockWidgetClosable);
    doctorDock_->setTitleBarWidget(new DockTitleBar(doctorDock_));
    addDockWidget(Qt::TopDockWidgetArea, doctorDock_);
    tabifyDockWidget(dock(Area::Cluster), doctorDock_);
    auto* action = new QAction(Icons::icon(u"doctor"_s), tr("&Doctor: Why No Traces?"), this);
    action->setObjectName(u"showDoctor"_s);
    action->setShortcut(QKeySequence(u"Ctrl+Shift+D"_s));
    action->setToolTip(tr("Check the tracing setup of the cluster and show what to fix"));
    connect(action, &QAction::triggered, this, [this] { showDoctor(); });
    for (QMenu* menu : menuBar()->findChildren<QMenu*>(Qt::FindDirectChildrenOnly)) {
        if (menu->objectName() == u"viewMenu") {
            menu->addSeparator();
            menu->addAction(action);
        }
    }
    addAction(action);
    doctor_->setForwardsSource([this]() -> std::optional<QList<DoctorForward>> {
        if (!services_.forwards)
            return std::nullopt;
        QList<DoctorForward> list;
        for (PortForward* forward : services_.forwards->forwards())
            if (forward->isActive())
                list << DoctorForward{forward->target().ns, forward->options().resource,
                                      forward->options().remotePort, forward->localUrl()};
        return list;
    });
}

void MainWindow::updateDoctorOptions(const ClusterStatus& status)
{
    if (!doctor_)
        return;
    DoctorOptions options = doctor_->options();
    options.target.kubectl = status.kubectlPath.isEmpty() ? u"kubectl"_s : status.kubectlPath;
    options.target.context = status.context;
    options.target.ns = status.kubeNamespace.isEmpty() ? u"default"_s : status.kubeNamespace;
    if (services_.settings && !services_.settings->istioctlPath().isEmpty())
        options.istioctl = services_.settings->istioctlPath();
    // As `obslab doctor`: the Jaeger setting, else (in Doctor) the app's forward to Jaeger, else
    // the Jaeger API checks are skipped.
    options.jaegerUrl = services_.settings ? services_.settings->jaegerUrl() : QUrl();
    doctor_->setOptions(options, MutationPolicy{status.context, status.server, false});
    doctor_->setNoContext(status.state == ClusterStatus::State::NoContext);
}

void MainWindow::showDoctor(const QString& focusCheckId)
{
    if (!doctorDock_)
        return;
    doctorDock_->show();
    doctorDock_->raise();
    if (!focusCheckId.isEmpty())
        doctor_->focusCheck(focusCheckId);
    else if (!doctor_->doctor()->isRunning())
        doctor_->runChecks();
}

}  // namespace obslab
