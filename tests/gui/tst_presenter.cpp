// Presenter mode (offscreen): fonts scale, docks hide and come back, the running command shows
// in the banner, and the presenter keys (a clicker's Page Up/Down) move a rehearsal between
// steps, run and check them; the state is remembered per lab. Also the Rehearsal area's marking.
#include "GuiTestSupport.h"

#include "core/common/AppSettings.h"
#include "core/logs/LogFile.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "core/rehearsal/Recording.h"
#include "core/rehearsal/RehearsalPlayer.h"
#include "gui/app/MainWindow.h"
#include "gui/common/ThemeManager.h"
#include "gui/lab/LabArea.h"
#include "gui/logs/LogsArea.h"
#include "gui/presenter/CommandBanner.h"
#include "gui/presenter/KeyHintBar.h"
#include "gui/presenter/PresenterMode.h"
#include "gui/presenter/RehearsalPanel.h"

#include "core/logs/LogFile.h"
#include "gui/logs/LogsArea.h"
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QListWidget>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;
using namespace obslab::rehearsal;

namespace {

Recording threeSteps()
{
    Recording rec;
    rec.labId = u"demo-lab"_s;
    rec.labTitle = u"Demo lab"_s;
    rec.source = {u"simulated-mesh"_s, u"test"_s, {}};
    for (int s = 0; s < 3; ++s) {
        RehearsalEvent step;
        step.kind = RehearsalEvent::Kind::Step;
        step.step = s;
        step.title = u"Step number %1"_s.arg(s + 1);
        step.text = u"Do thing **%1**."_s.arg(s + 1);
        RehearsalEvent cmd;
        cmd.kind = RehearsalEvent::Kind::Command;
        cmd.step = s;
        cmd.program = u"kubectl"_s;
        cmd.arguments = {u"get"_s, u"pods"_s, u"-n"_s, u"step%1"_s.arg(s + 1)};
        cmd.stdoutData = "NAME READY\nfrontend-1 2/2\n";
        cmd.exitCode = 0;
        RehearsalEvent check;
        check.kind = RehearsalEvent::Kind::Check;
        check.step = s;
        check.title = u"Pods are ready"_s;
        check.checkState = u"passed"_s;
        rec.events << step << cmd << check;
    }
    return rec;
}

double pointSize(const QFont& f)
{
    return f.pointSizeF() > 0 ? f.pointSizeF() : f.pixelSize();
}

}  // namespace

class TestPresenter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void fontsScaleAndDocksHide();
    void bannerShowsTheRunningCommand();
    void keysMoveBetweenSteps();
    void rememberedPerLab();
    void keysDriveTheLabArea();
    void rehearsalIsMarked();
    void unreadableRehearsal();
    void handoutExport();
    void logsStreamIntoTheLogsArea();
    void screenshot();

private:
    QString writeRecording(const Recording& rec);
    QTemporaryDir dir_;
    AppSettings* settings_ = nullptr;
    ThemeManager* theme_ = nullptr;
    Transcript* transcript_ = nullptr;
    CommandRunner* runner_ = nullptr;
    BackgroundJobs* jobs_ = nullptr;
    MainWindow* window_ = nullptr;
};

void TestPresenter::initTestCase()
{
    test::isolateSettings();
    QVERIFY(dir_.isValid());
}

void TestPresenter::init()
{
    test::isolateSettings();
    settings_ = new AppSettings;
    theme_ = new ThemeManager(settings_);
    theme_->apply();
    transcript_ = new Transcript;
    runner_ = new CommandRunner(transcript_);
    jobs_ = new BackgroundJobs(transcript_);
    window_ = new MainWindow(AppServices{settings_, transcript_, runner_, jobs_, theme_});
    window_->resize(1200, 800);
    window_->show();
    QApplication::setActiveWindow(window_);
    QVERIFY(QTest::qWaitForWindowExposed(window_));
}

void TestPresenter::cleanup()
{
    if (window_->presenterMode()->isActive())
        window_->setPresenterMode(false);
    delete window_;
    delete jobs_;
    delete runner_;
    delete transcript_;
    delete theme_;
    delete settings_;
}

QString TestPresenter::writeRecording(const Recording& rec)
{
    const QString path = dir_.filePath(u"rec-%1.ndjson"_s.arg(rec.labId));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(rec.toNdjson());
    return path;
}

void TestPresenter::fontsScaleAndDocksHide()
{
    QDockWidget* lab = window_->dock(MainWindow::Area::Lab);
    QDockWidget* logs = window_->dock(MainWindow::Area::Logs);
    QDockWidget* console = window_->dock(MainWindow::Area::Console);
    QVERIFY(!console->isHidden());
    const double before = pointSize(QApplication::font());
    const double labBefore = pointSize(lab->widget()->font());
    QSignalSpy changed(window_, &MainWindow::presenterModeChanged);

    window_->presenterMode()->toggleAction()->trigger();  // the toolbar button / F11
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toBool(), true);
    QVERIFY(window_->presenterMode()->isActive());
    QVERIFY(theme_->isPresenter());
    QVERIFY(qAbs(pointSize(QApplication::font()) - before * ThemeManager::kPresenterScale) < 1.0);
    QTRY_VERIFY(pointSize(lab->widget()->font()) > labBefore * 1.4);
    // High contrast: pure white (or black) behind pure black (or white) text.
    const QPalette p = QApplication::palette();
    QVERIFY(p.color(QPalette::Window) == Qt::white || p.color(QPalette::Window) == Qt::black);
    QVERIFY(p.color(QPalette::WindowText) != p.color(QPalette::Window));
    // Only the lab is left; the banner and the key hints are shown.
    QVERIFY(!lab->isHidden());
    QVERIFY(logs->isHidden());
    QVERIFY(console->isHidden());
    QVERIFY(window_->dock(MainWindow::Area::Cluster)->isHidden());
    QVERIFY(!window_->presenterMode()->commandBar()->isHidden());
    QVERIFY(!window_->presenterMode()->hintBar()->isHidden());
    QVERIFY(window_->presenterMode()->keyHintBar()->plainText().contains(u"PgDn next step"_s));
    QVERIFY(window_->isFullScreen());

    QTest::keyClick(window_, Qt::Key_F11);
    QCOMPARE(changed.size(), 2);
    QVERIFY(!window_->presenterMode()->isActive());
    QVERIFY(qAbs(pointSize(QApplication::font()) - before) < 0.01);
    QVERIFY(!console->isHidden());
    QVERIFY(window_->presenterMode()->commandBar()->isHidden());
    QVERIFY(!window_->isFullScreen());
}

void TestPresenter::bannerShowsTheRunningCommand()
{
    window_->setPresenterMode(true);
    CommandSpec spec;
    spec.program = QString::fromUtf8(OBSLAB_HELPERS_DIR) + u"/obslab_testhelper"_s;
    spec.arguments = {u"print"_s, u"1"_s, u"--token=s3cr3t"_s};
    spec.title = u"Print a line"_s;
    Command* c = runner_->start(spec);
    CommandBanner* banner = window_->presenterMode()->commandBanner();
    QVERIFY(banner->commandText().contains(u"obslab_testhelper print 1"_s));
    QVERIFY(!banner->commandText().contains(u"s3cr3t"_s));  // redacted
    QCOMPARE(banner->stateText(), u"running…"_s);
    QSignalSpy done(c, &Command::finished);
    QVERIFY(done.wait(10000));
    QVERIFY(banner->stateText().startsWith(u"✓"_s) || banner->stateText().startsWith(u"✗"_s));
}

void TestPresenter::keysMoveBetweenSteps()
{
    QVERIFY(window_->openRehearsal(writeRecording(threeSteps())));
    RehearsalPanel* panel = window_->rehearsalPanel();
    panel->setSpeed(0);
    QCOMPARE(panel->currentStep(), 0);
    // Keys do nothing outside presenter mode (single letters must not steal typing).
    QTest::keyClick(window_, Qt::Key_PageDown);
    QCOMPARE(panel->currentStep(), 0);

    window_->setPresenterMode(true);
    QVERIFY(!window_->rehearsalDock()->isHidden());  // the lab's output stays
    QTest::keyClick(window_, Qt::Key_PageDown);
    QCOMPARE(panel->currentStep(), 1);
    QVERIFY(panel->stepTitle().contains(u"Step number 2"_s));
    QTest::keyClick(window_, Qt::Key_PageDown);
    QCOMPARE(panel->currentStep(), 2);
    QTest::keyClick(window_, Qt::Key_PageDown);  // no fourth step
    QCOMPARE(panel->currentStep(), 2);
    QTest::keyClick(window_, Qt::Key_PageUp);
    QCOMPARE(panel->currentStep(), 1);

    QSignalSpy ran(panel->player(), &RehearsalPlayer::runFinished);
    QTest::keyClick(window_, Qt::Key_R);
    QVERIFY(ran.wait(5000));
    QVERIFY(panel->outputText().contains(u"$ kubectl get pods -n step2"_s));
    QVERIFY(panel->outputText().contains(u"frontend-1 2/2"_s));
    QVERIFY(window_->presenterMode()->commandBanner()->commandText().contains(u"-n step2"_s));
    QSignalSpy checked(panel->player(), &RehearsalPlayer::checkFinished);
    QTest::keyClick(window_, Qt::Key_C);
    QVERIFY(checked.wait(5000));
    QVERIFY(panel->outputText().contains(u"✓ Pods are ready"_s));
    QTest::keyClick(window_, Qt::Key_H);
    QVERIFY(panel->outputText().contains(u"Hint"_s));
    QTest::keyClick(window_, Qt::Key_N);
    QCOMPARE(panel->currentStep(), 2);
    QTest::keyClick(window_, Qt::Key_Escape);
    QVERIFY(!window_->presenterMode()->isActive());
}

void TestPresenter::rememberedPerLab()
{
    PresenterMode* presenter = window_->presenterMode();
    QVERIFY(window_->openRehearsal(writeRecording(threeSteps())));
    QCOMPARE(presenter->currentLab(), u"demo-lab"_s);
    QVERIFY(!presenter->isActive());
    window_->setPresenterMode(true);
    QCOMPARE(settings_->raw().value(PresenterMode::settingsKey(u"demo-lab"_s)).toBool(), true);
    presenter->setCurrentLab(u"another-lab"_s);  // never seen: stays as it is
    QVERIFY(presenter->isActive());
    window_->setPresenterMode(false);
    QCOMPARE(settings_->raw().value(PresenterMode::settingsKey(u"another-lab"_s)).toBool(), false);
    presenter->setCurrentLab(u"demo-lab"_s);  // it was on for this lab
    QVERIFY(presenter->isActive());
    presenter->setCurrentLab(u"another-lab"_s);
    QVERIFY(!presenter->isActive());
}

// Without a rehearsal the keys drive the Lab area's own lab: its step list moves, and the lab
// opened is the one presenter mode remembers for.
void TestPresenter::keysDriveTheLabArea()
{
    LabArea* lab = window_->labArea();
    if (!lab->openLab(u"tracing-jaeger"_s))
        QSKIP("the built-in lab is not found from this build");
    QTRY_COMPARE(window_->presenterMode()->currentLab(), u"tracing-jaeger"_s);
    window_->setPresenterMode(true);
    QListWidget* steps = lab->stepList();
    steps->setCurrentRow(0);
    QTest::keyClick(window_, Qt::Key_PageDown);
    QCOMPARE(steps->currentRow(), 1);
    QTest::keyClick(window_, Qt::Key_PageDown);
    QCOMPARE(steps->currentRow(), 2);
    QTest::keyClick(window_, Qt::Key_PageUp);
    QCOMPARE(steps->currentRow(), 1);
    QCOMPARE(settings_->raw().value(PresenterMode::settingsKey(u"tracing-jaeger"_s)).toBool(),
             true);
}

void TestPresenter::rehearsalIsMarked()
{
    QVERIFY(window_->openRehearsal(writeRecording(threeSteps())));
    const QString marking = window_->rehearsalPanel()->markingText();
    QVERIFY(marking.contains(u"Rehearsal — no cluster is touched."_s));
    QVERIFY(marking.contains(u"simulated mesh"_s));
    QVERIFY(!window_->rehearsalDock()->isHidden());
    // Replayed commands go to the Console's transcript, marked as a rehearsal.
    RehearsalPanel* panel = window_->rehearsalPanel();
    panel->setSpeed(0);
    QSignalSpy finished(panel->player(), &RehearsalPlayer::finished);
    panel->playAll();
    QVERIFY(finished.wait(5000));
    // (The window reads the kube context too: only the replayed entries are counted.)
    const auto& entries = transcript_->entries();
    const auto replayed = std::count_if(entries.cbegin(), entries.cend(), [](const auto& e) {
        return e.title.startsWith(u"Rehearsal: "_s);
    });
    QCOMPARE(replayed, 3);
}

void TestPresenter::unreadableRehearsal()
{
    const QString path = dir_.filePath(u"broken.ndjson"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("garbage\n");
    f.close();
    QVERIFY(!window_->openRehearsal(path));
    QVERIFY(window_->rehearsalPanel()->markingText().contains(u"cannot be played"_s));
}

void TestPresenter::handoutExport()
{
    QVERIFY(window_->openRehearsal(writeRecording(threeSteps())));
    RehearsalPanel* panel = window_->rehearsalPanel();
    const QString path = dir_.filePath(u"handout.md"_s);
    QSignalSpy exported(panel, &RehearsalPanel::handoutExported);
    panel->exportHandout(path, true);
    QVERIFY(exported.wait(10000));
    QVERIFY(exported.first().at(1).toBool());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString md = QString::fromUtf8(f.readAll());
    QVERIFY(md.startsWith(u"# Demo lab"_s));
    QVERIFY(md.contains(u"## 3. Step number 3"_s));
    QVERIFY(md.contains(u"kubectl get pods -n step2"_s));
    QVERIFY(md.contains(u"frontend-1 2/2"_s));
    panel->exportHandout(dir_.filePath(u"no/such/dir/h.md"_s), false);
    QVERIFY(exported.wait(10000));
    QCOMPARE(exported.last().at(1).toBool(), false);
}

// The README's picture: the shipped rehearsal in presenter mode, run up to its log step.
// Written when OBSLAB_SCREENSHOT_OUT or OBSLAB_SCREENSHOT_DIR is set.
void TestPresenter::logsStreamIntoTheLogsArea()
{
    Recording rec = threeSteps();
    RehearsalEvent logs;
    logs.kind = RehearsalEvent::Kind::Logs;
    logs.step = 0;
    const QByteArray line =
        "[2025-11-11T10:31:24.123Z] \"GET /api HTTP/1.1\" 200 - via_upstream - \"-\" 0 2 3 2 "
        "\"-\" \"curl/8\" \"rid-1\" \"backend:8080\" \"10.0.0.2:8080\" "
        "outbound|8080||backend.default.svc.cluster.local - - - - default "
        "traceID=463ac35c9f6413ad48485a3953bb6124";
    for (int i = 0; i < 3; ++i)
        logs.logLines.append({u"frontend-%1"_s.arg(i), u"istio-proxy"_s, QByteArray(), line});
    rec.events.insert(2, logs);  // after step 1's command
    QVERIFY(window_->openRehearsal(writeRecording(rec)));
    RehearsalPanel* panel = window_->rehearsalPanel();
    panel->setSpeed(0);
    QSignalSpy ran(panel->player(), &RehearsalPlayer::runFinished);
    panel->runStep();
    QVERIFY(ran.wait(5000));
    LogsArea* logsArea = window_->logsArea();
    QTRY_VERIFY(logsArea->logFile() && logsArea->logFile()->lineCount() == 3);
    QVERIFY(logsArea->logFile()->path().contains(u"Rehearsal"_s));
    QVERIFY(logsArea->logFile()->line(2).startsWith("[pod/frontend-2/istio-proxy] "));
    QCOMPARE(logsArea->logFile()->pods().size(), 3);
}

void TestPresenter::screenshot()
{
    const QString out = qEnvironmentVariable("OBSLAB_SCREENSHOT_DIR",
                                             qEnvironmentVariable("OBSLAB_SCREENSHOT_OUT"));
    if (out.isEmpty())
        QSKIP("no OBSLAB_SCREENSHOT_OUT/OBSLAB_SCREENSHOT_DIR");
    if (!QFile::exists(u":/rehearsals/tracing-jaeger.ndjson"_s))
        QSKIP("no shipped rehearsal");
    window_->resize(1600, 1000);
    QVERIFY(window_->openRehearsal(u":/rehearsals/tracing-jaeger.ndjson"_s));
    window_->setPresenterMode(true);
    RehearsalPanel* panel = window_->rehearsalPanel();
    panel->setSpeed(0);
    // What the audience sees at the log step: its command, the lines with their trace ids.
    for (int step = 0; step < 6; ++step)
        QTest::keyClick(window_, Qt::Key_PageDown);
    QSignalSpy ran(panel->player(), &RehearsalPlayer::runFinished);
    QSignalSpy checked(panel->player(), &RehearsalPlayer::checkFinished);
    QTest::keyClick(window_, Qt::Key_R);
    QVERIFY(ran.wait(5000));
    QTest::keyClick(window_, Qt::Key_C);
    QVERIFY(checked.wait(5000));
    QVERIFY(panel->outputText().contains(u"traceID="_s));
    // The full-screen layout settles: the area sits below the command banner.
    QTRY_VERIFY(window_->rehearsalDock()->geometry().top() >=
                window_->presenterMode()->commandBar()->geometry().bottom());
    QDir().mkpath(out);
    const QImage image = window_->grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY(image.save(out + u"/presenter-mode.png"_s));
}

QTEST_MAIN(TestPresenter)
#include "tst_presenter.moc"
