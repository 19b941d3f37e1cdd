#include "gui/app/MainWindow.h"

// MainWindow's presenter mode and rehearsals (For instructors): the Rehearsal area, its wiring to
// the command bar, the Logs and Traces areas, and the menu entries that open a rehearsal.

#include "core/logs/LiveLogStore.h"
#include "core/rehearsal/RehearsalCatalog.h"
#include "gui/lab/LabArea.h"
#include "gui/logs/LogsArea.h"
#include "gui/presenter/LabStepControls.h"
#include "gui/presenter/PresenterMode.h"
#include "gui/presenter/RehearsalPanel.h"
#include "gui/tracing/TracesArea.h"
#include "gui/widgets/DockTitleBar.h"
#include "gui/widgets/Icons.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QToolBar>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

void MainWindow::rehearseLab(const QString& labId)
{
    const QString path = rehearsal::resolveRehearsal(labId);
    if (path.isEmpty() || !openRehearsal(path))
        statusBar()->showMessage(tr("No recorded rehearsal of the lab %1 is available").arg(labId),
                                 8000);
}

void MainWindow::createPresenter()
{
    presenter_ = new PresenterMode(this, services_.settings, services_.theme);
    presenter_->setKeptDocks({dock(Area::Lab)});
    auto* labSteps = new LabStepControls(lab_, this);
    presenter_->setStepTarget(labSteps);
    connect(labSteps, &LabStepControls::labShown, presenter_, &PresenterMode::setCurrentLab);
    if (services_.runner)
        presenter_->watch(services_.runner);
    if (services_.jobs)
        presenter_->watch(services_.jobs);
    connect(presenter_, &PresenterMode::activeChanged, this, &MainWindow::presenterModeChanged);
    connect(presenter_, &PresenterMode::activeChanged, this, [this] {
        if (bannerBar_)
            updateBannerBar();
    });

    rehearsal_ = new RehearsalPanel(services_.transcript, this);
    rehearsalDock_ = new QDockWidget(tr("Rehearsal"), this);
    rehearsalDock_->setObjectName(u"rehearsalDock"_s);
    rehearsalDock_->setWidget(rehearsal_);
    rehearsalDock_->setWindowIcon(Icons::icon(u"lab"_s));
    rehearsalDock_->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                                QDockWidget::DockWidgetClosable);
    rehearsalDock_->setTitleBarWidget(new DockTitleBar(rehearsalDock_));
    // Added (hidden) now, tabbed beside the Lab when a rehearsal opens: a hidden tab would
    // still count towards the window's minimum size.
    addDockWidget(Qt::TopDockWidgetArea, rehearsalDock_);
    rehearsalDock_->hide();
    connect(rehearsal_, &RehearsalPanel::commandShown, presenter_, &PresenterMode::showCommand);
    connect(rehearsal_, &RehearsalPanel::commandEnded, presenter_,
            &PresenterMode::showCommandFinished);
    connect(rehearsal_, &RehearsalPanel::stepCommandChanged, presenter_,
            &PresenterMode::showUpcomingCommand);
    // The trace is loaded into the Traces area without raising it: a rehearsal (Play All above
    // all) must not take the presenter away from the step; the output says where it is.
    connect(rehearsal_, &RehearsalPanel::traceFileReady, traces_, &TracesArea::openTraceFile);
    connect(rehearsal_, &RehearsalPanel::handoutExported, this,
            [this](const QString& path, bool ok, const QString& error) {
                statusBar()->showMessage(ok ? tr("Handout written to %1").arg(path)
                                            : tr("Could not write %1: %2").arg(path, error),
                                         8000);
            });
    // Replayed log lines stream into the Logs area like a live follow, trace ids highlighted.
    connect(
        rehearsal_, &RehearsalPanel::logLinesReplayed, this,
        [this](const QList<rehearsal::RecordedLogLine>& lines) {
            if (!rehearsalLogs_) {
                const QString title = tr("Rehearsal logs (recorded; no cluster is touched)");
                auto* store = new LiveLogStore;
                if (!store->start(title)) {
                    statusBar()->showMessage(
                        tr("Cannot show the rehearsal's log lines: %1").arg(store->errorString()),
                        8000);
                    delete store;
                    return;
                }
                logs_->addLiveSource(title, store, nullptr);
                rehearsalLogs_ = store;
            }
            rehearsalLogs_->appendAll(lines);
        });
    connect(rehearsal_, &RehearsalPanel::closeRequested, this, [this] {
        rehearsal_->stop();
        rehearsalDock_->hide();
        presenter_->setStepTarget(findChild<LabStepControls*>());
        presenter_->setKeptDocks({dock(Area::Lab)});
        showArea(Area::Lab);
    });

    QAction* toggle = presenter_->toggleAction();
    auto* openRehearsal = new QAction(Icons::icon(u"open"_s), tr("Open Re&hearsal…"), this);
    openRehearsal->setObjectName(u"openRehearsal"_s);
    openRehearsal->setToolTip(tr("Replay a recorded lab run: nothing runs, no cluster is touched"));
    connect(openRehearsal, &QAction::triggered, this, &MainWindow::openRehearsalDialog);
    for (QMenu* menu : menuBar()->findChildren<QMenu*>(Qt::FindDirectChildrenOnly)) {
        if (menu->objectName() == u"viewMenu") {
            menu->addSeparator();
            menu->addAction(toggle);
        } else if (menu == recentMenu_->parent()) {
            menu->insertAction(recentMenu_->menuAction(), openRehearsal);
            for (const QString& id : rehearsal::shippedRehearsals()) {
                auto* play = new QAction(tr("Rehearse the Built-in Lab (%1)").arg(id), this);
                play->setObjectName(u"playRehearsal_"_s + id);
                connect(play, &QAction::triggered, this, [this, id] { rehearseLab(id); });
                menu->insertAction(recentMenu_->menuAction(), play);
            }
        }
    }
    if (!mainToolBar_->actions().isEmpty())
        mainToolBar_->insertAction(mainToolBar_->actions().constLast(), toggle);
    shortcutActions_ << presenter_->actions();
}

void MainWindow::setPresenterMode(bool on)
{
    presenter_->setActive(on);
}

bool MainWindow::openRehearsal(const QString& path)
{
    // Beside the Lab, as a tab (the default layout may have been rebuilt since it was added).
    if (rehearsalDock_->isFloating())
        rehearsalDock_->setFloating(false);
    if (rehearsalDock_->isHidden())
        tabifyDockWidget(dock(Area::Lab), rehearsalDock_);
    rehearsalDock_->show();
    rehearsalDock_->raise();
    const bool ok = rehearsal_->open(path);
    if (!ok)
        return false;
    rehearsalLogs_ = nullptr;  // a new rehearsal's lines get a source of their own
    presenter_->setStepTarget(rehearsal_);
    presenter_->setKeptDocks({rehearsalDock_, dock(Area::Lab)});  // the first is raised
    rehearsalDock_->raise();
    if (const auto* rec = rehearsal_->recording())
        presenter_->setCurrentLab(rec->labId);
    statusBar()->showMessage(tr("Rehearsal — no cluster is touched"), 5000);
    return true;
}

void MainWindow::openRehearsalDialog()
{
    auto* dialog = new QFileDialog(this, tr("Open a rehearsal"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setNameFilters({tr("ObsLab rehearsals (*.ndjson)"), tr("All files (*)")});
    connect(dialog, &QFileDialog::fileSelected, this,
            [this](const QString& path) { openRehearsal(path); });
    dialog->open();
}

}  // namespace obslab
