#include "GuiTestSupport.h"

#include "core/common/AppSettings.h"
#include "core/kube/ClusterContext.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "core/rehearsal/Recording.h"
#include "gui/app/ConsoleArea.h"
#include "gui/app/ContextBar.h"
#include "gui/app/JobsPopup.h"
#include "gui/app/MainWindow.h"
#include "gui/app/StatusArea.h"
#include "gui/cluster/ClusterArea.h"
#include "gui/logs/LogsArea.h"
#include "gui/presenter/RehearsalPanel.h"
#include "gui/tracing/TracesArea.h"
#include "gui/widgets/Banner.h"
#include "gui/widgets/EmptyState.h"

#include <QAbstractButton>
#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void areas();
    void stateRoundTrip();
    void viewMenuToggles();
    void kubectlMissing();
    void fakeKubectlShowsContext();
    void unreachableOffersSampleLog();
    void traceBeforeTheClusterCheck();
    void filesFromCommandLine();
    void statusBarStopsJobs();
    void versionSkewWarns();

private:
    std::unique_ptr<MainWindow> makeWindow();

    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<AppSettings> settings_;
    std::unique_ptr<Transcript> transcript_;
    std::unique_ptr<CommandRunner> runner_;
    std::unique_ptr<BackgroundJobs> jobs_;
    std::unique_ptr<test::PathGuard> path_;
};

void TestMainWindow::init()
{
    test::isolateSettings();
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
    QDir(dir_->path()).mkdir(u"emptybin"_s);
    // No kubectl anywhere unless a test writes one: the developer's own is never used.
    path_ = std::make_unique<test::PathGuard>(dir_->filePath(u"emptybin"_s));
    settings_ = std::make_unique<AppSettings>();
    settings_->setKubectlPath(dir_->filePath(u"no-such-kubectl"_s));
    transcript_ = std::make_unique<Transcript>();
    runner_ = std::make_unique<CommandRunner>(transcript_.get());
    jobs_ = std::make_unique<BackgroundJobs>(transcript_.get());
}

void TestMainWindow::cleanup()
{
    jobs_.reset();
    runner_.reset();
    transcript_.reset();
    settings_.reset();
    path_.reset();
    dir_.reset();
}

std::unique_ptr<MainWindow> TestMainWindow::makeWindow()
{
    return std::make_unique<MainWindow>(
        AppServices{settings_.get(), transcript_.get(), runner_.get(), jobs_.get()});
}

void TestMainWindow::areas()
{
    auto window = makeWindow();
    const QList<QPair<MainWindow::Area, QPair<QString, QString>>> expected{
        {MainWindow::Area::Lab, {u"Lab"_s, u"labDock"_s}},
        {MainWindow::Area::Logs, {u"Logs"_s, u"logsDock"_s}},
        {MainWindow::Area::Cluster, {u"Cluster"_s, u"clusterDock"_s}},
        {MainWindow::Area::Traces, {u"Traces"_s, u"tracesDock"_s}},
        {MainWindow::Area::Console, {u"Console"_s, u"consoleDock"_s}},
    };
    for (const auto& [area, names] : expected) {
        QDockWidget* dock = window->dock(area);
        QVERIFY(dock);
        QCOMPARE(dock->windowTitle(), names.first);
        QCOMPARE(dock->objectName(), names.second);
        QVERIFY(dock->widget());
        QVERIFY(dock->features() & QDockWidget::DockWidgetMovable);
        QVERIFY(dock->features() & QDockWidget::DockWidgetFloatable);
        // No close button: areas are hidden and shown from the View menu.
        QVERIFY(dock->titleBarWidget());
        QVERIFY(dock->titleBarWidget()->findChildren<QAbstractButton*>().size() == 1);
    }
    // Besides the five areas: the Doctor (tabbed with Cluster) and the Rehearsal player.
    QStringList docks;
    for (const QDockWidget* dock : window->findChildren<QDockWidget*>())
        docks.append(dock->objectName());
    docks.sort();
    QCOMPARE(docks, (QStringList{u"clusterDock"_s, u"consoleDock"_s, u"doctorDock"_s, u"labDock"_s,
                                 u"logsDock"_s, u"rehearsalDock"_s, u"tracesDock"_s}));
    QCOMPARE(window->dockWidgetArea(window->dock(MainWindow::Area::Console)),
             Qt::BottomDockWidgetArea);
    const auto tabbed = window->tabifiedDockWidgets(window->dock(MainWindow::Area::Lab));
    // Logs, Cluster, Traces and the Doctor share the Lab's place as tabs.
    QCOMPARE(tabbed.size(), 4);
    QVERIFY(tabbed.contains(window->dock(MainWindow::Area::Traces)));
    QVERIFY(tabbed.contains(window->findChild<QDockWidget*>(u"doctorDock"_s)));
    QVERIFY(window->findChild<QDockWidget*>(u"rehearsalDock"_s)->isHidden());
}

void TestMainWindow::stateRoundTrip()
{
    {
        auto window = makeWindow();
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        window->addDockWidget(Qt::RightDockWidgetArea, window->dock(MainWindow::Area::Console));
        window->dock(MainWindow::Area::Traces)->hide();
        // A size that fits the offscreen screen (800×600): a larger one is fitted to the screen.
        window->resize(760, 560);
        window->saveWindowState();
    }
    QVERIFY(!settings_->windowState().isEmpty());
    QVERIFY(!settings_->windowGeometry().isEmpty());

    auto restored = makeWindow();
    restored->show();
    QVERIFY(QTest::qWaitForWindowExposed(restored.get()));
    QCOMPARE(restored->dockWidgetArea(restored->dock(MainWindow::Area::Console)),
             Qt::RightDockWidgetArea);
    QVERIFY(restored->dock(MainWindow::Area::Traces)->isHidden());
    QVERIFY(!restored->dock(MainWindow::Area::Logs)->isHidden());
    QCOMPARE(restored->size(), QSize(760, 560));
    // The Console moved by the person is theirs: no strip.
    QVERIFY(!restored->findChild<ConsoleArea*>()->isStrip());
    restored.reset();

    // A window closed while the Console was still the first-run strip opens with the strip
    // (toolbar hidden), not with a toolbar squeezed into the strip's height.
    settings_->setWindowState({});
    {
        auto window = makeWindow();
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QTRY_VERIFY(window->findChild<ConsoleArea*>()->isStrip());
        window->saveWindowState();
    }
    QVERIFY(!settings_->consoleExpanded());
    auto again = makeWindow();
    again->show();
    QVERIFY(QTest::qWaitForWindowExposed(again.get()));
    QTRY_VERIFY(again->findChild<ConsoleArea*>()->isStrip());
}

void TestMainWindow::viewMenuToggles()
{
    auto window = makeWindow();
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    auto* viewMenu = window->menuBar()->findChild<QMenu*>(u"viewMenu"_s);
    QVERIFY(viewMenu);
    for (const QString& name :
         {u"labDock"_s, u"logsDock"_s, u"clusterDock"_s, u"tracesDock"_s, u"consoleDock"_s}) {
        QAction* toggle = nullptr;
        for (QAction* action : viewMenu->actions()) {
            if (action->objectName() == name + u"Toggle"_s)
                toggle = action;
        }
        QVERIFY2(toggle, qPrintable(name));
        auto* dock = window->findChild<QDockWidget*>(name);
        QVERIFY(toggle->isChecked());
        toggle->trigger();
        QVERIFY(dock->isHidden());
        QVERIFY(!toggle->isChecked());
        toggle->trigger();
        QVERIFY(!dock->isHidden());
    }
}

void TestMainWindow::kubectlMissing()
{
    auto window = makeWindow();
    window->show();
    QTRY_COMPARE(window->clusterContext()->status().state, ClusterStatus::State::KubectlMissing);
    QCOMPARE(window->contextBar()->contextText(), u"kubectl not found"_s);
    QTRY_VERIFY(window->banner()->isVisible());
    QVERIFY(window->banner()->message().contains(u"https://kubernetes.io/docs/tasks/tools/"_s));
    QCOMPARE(window->clusterArea()->emptyState()->title(), u"kubectl not found"_s);
    QVERIFY(window->clusterArea()->emptyState()->text().contains(u"1.20"_s));
    // Nothing was run: there was nothing to run it with.
    QCOMPARE(transcript_->rowCount(), 0);
}

void TestMainWindow::fakeKubectlShowsContext()
{
    settings_->setKubectlPath(
        test::writeFakeKubectl(dir_->path(), u"kind-obslab-test"_s, u"bookinfo"_s));
    auto window = makeWindow();
    window->show();
    QTRY_COMPARE(window->contextBar()->contextText(), u"kind-obslab-test"_s);
    QTRY_COMPARE(window->contextBar()->namespaceText(), u"bookinfo"_s);
    QTRY_COMPARE(window->clusterContext()->status().state, ClusterStatus::State::Reachable);
    const ClusterStatus& status = window->clusterContext()->status();
    QCOMPARE(status.server, u"https://127.0.0.1:40443"_s);
    QVERIFY(status.local);
    QCOMPARE(status.versions.server.minor, 31);
    QVERIFY(!window->banner()->isVisible());
    // Every command the toolbar ran is in the transcript, context passed explicitly.
    QCOMPARE(transcript_->rowCount(), 5);
    QVERIFY(transcript_->entries().at(2).shellLine.contains(u"--context kind-obslab-test"_s));

    // Refresh reads it again.
    QAction* refresh = window->findChild<QAction*>(u"refreshContext"_s);
    QVERIFY(refresh);
    refresh->trigger();
    QTRY_COMPARE(transcript_->rowCount(), 10);
    QTRY_COMPARE(window->clusterContext()->status().state, ClusterStatus::State::Reachable);
}

// `obslab --trace ID` asks for the trace before the first cluster check has answered: the Traces
// area waits for it and then, with no context, says so — never Jaeger's default address refused.
void TestMainWindow::traceBeforeTheClusterCheck()
{
    settings_->setKubectlPath(test::writeFakeKubectl(dir_->path(), QString(), QString()));
    auto window = makeWindow();
    window->showTrace(u"1db4f8b5762d236c"_s);
    QVERIFY(window->tracesArea()->isWaitingForCluster());
    window->show();
    QTRY_COMPARE(window->clusterContext()->status().state, ClusterStatus::State::NoContext);
    QTRY_VERIFY(!window->tracesArea()->isWaitingForCluster());
    const QString text = window->tracesArea()->emptyState()->text();
    QVERIFY2(text.contains(u"No Kubernetes context"_s), qPrintable(text));
    QVERIFY2(!text.contains(u"localhost:16686"_s), qPrintable(text));
}

void TestMainWindow::unreachableOffersSampleLog()
{
    settings_->setKubectlPath(
        test::writeFakeKubectl(dir_->path(), u"prod-eu"_s, QString(), /*reachable=*/false));
    auto window = makeWindow();
    window->show();
    QTRY_COMPARE(window->clusterContext()->status().state, ClusterStatus::State::Unreachable);
    QCOMPARE(window->contextBar()->namespaceText(), u"default"_s);
    QVERIFY(window->clusterContext()->status().error.contains(u"was refused"_s));
    QTRY_VERIFY(window->banner()->isVisible());
    // What works without a cluster comes first: the rehearsal, then the sample log.
    QStringList texts;
    QPushButton* sample = nullptr;
    QPushButton* rehearse = nullptr;
    for (QPushButton* button : window->banner()->findChildren<QPushButton*>()) {
        if (button->isHidden() || button->text().isEmpty())
            continue;
        texts << button->text();
        if (button->text() == u"Open the sample log"_s)
            sample = button;
        else if (button->text().startsWith(u"Rehearse the built-in lab"_s))
            rehearse = button;
    }
    QVERIFY(sample && rehearse);
    QVERIFY2(texts.indexOf(rehearse->text()) < texts.indexOf(sample->text()),
             qPrintable(texts.join(u", "_s)));
    rehearse->click();
    QVERIFY(!window->rehearsalDock()->isHidden());
    QVERIFY(window->rehearsalPanel()->hasRecording());
    QCOMPARE(window->rehearsalPanel()->recording()->labId, u"tracing-jaeger"_s);
    sample->click();
    QTRY_VERIFY(window->logsArea()->visibleText(0, 200).contains(u"GET /productpage HTTP/1.1"_s));
    QVERIFY(window->logsArea()->visibleText(0, 200).contains(u"traceID="_s));
    QVERIFY(settings_->recentFiles().isEmpty());  // a bundled resource is not a recent file
}

void TestMainWindow::filesFromCommandLine()
{
    const QString path = dir_->filePath(u"proxy.log"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[2020-11-25T21:26:18.409Z] \"GET /status/418 HTTP/1.1\" 418 - via_upstream\n");
    file.close();
    auto window = makeWindow();
    QSignalSpy shown(window->logsArea(), &LogsArea::fileShown);
    window->openFiles({path});
    QVERIFY(shown.wait());
    QCOMPARE(window->logsArea()->files(), QStringList{path});
    QVERIFY(window->logsArea()->visibleText(0, 200).contains(u"GET /status/418"_s));
    QCOMPARE(settings_->recentFiles(), QStringList{path});
    // Opening it again neither duplicates it nor re-reads it.
    window->openFiles({path});
    QCOMPARE(window->logsArea()->files().size(), 1);
}

void TestMainWindow::statusBarStopsJobs()
{
    auto window = makeWindow();
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QTRY_COMPARE(window->statusArea()->summary(), u"Idle"_s);
    // A real long-running program (test equipment), supervised like a log follower.
    CommandSpec spec;
    spec.program = u"/bin/sleep"_s;
    spec.arguments = {u"300"_s};
    spec.title = u"Follow the frontend's istio-proxy logs"_s;
    spec.timeout = std::chrono::milliseconds(0);
    BackgroundJob* job = jobs_->start(spec);
    QTRY_COMPARE(window->statusArea()->summary(), u"1 background job"_s);

    window->statusArea()->showJobs();
    JobsPopup* popup = window->statusArea()->popup();
    QTRY_VERIFY(popup->isVisible());
    QPushButton* stop = nullptr;
    for (QPushButton* button : popup->findChildren<QPushButton*>()) {
        if (button->text() == u"Stop"_s && button->isEnabled())
            stop = button;
    }
    QVERIFY(stop);
    QVERIFY(popup->findChildren<QLabel*>().size() >= 2);
    stop->click();
    QTRY_COMPARE(job->state(), BackgroundJob::State::Finished);
    QTRY_COMPARE(window->statusArea()->summary(), u"Idle"_s);
}

void TestMainWindow::versionSkewWarns()
{
    settings_->setKubectlPath(test::writeFakeKubectl(dir_->path(), u"kind-old"_s, u"default"_s,
                                                     /*reachable=*/true, /*serverMinor=*/28));
    auto window = makeWindow();
    window->show();
    QTRY_COMPARE(window->clusterContext()->status().state, ClusterStatus::State::Reachable);
    QTRY_VERIFY(window->banner()->isVisible());
    QVERIFY(window->banner()->message().contains(u"v1.28.2"_s));
    QVERIFY(window->banner()->message().contains(u"https://kubernetes.io/docs/tasks/tools/"_s));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
