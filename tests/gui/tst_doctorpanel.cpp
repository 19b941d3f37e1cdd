// The Doctor panel (offscreen) against the simulated mesh (tests/sim, test equipment), with the
// real kubectl and the stand-in istioctl: it shows the findings grouped, the first failure
// selected with its fix, asks before a fix (the question names the context and shows the
// commands), does nothing when the answer is no, and runs the fix then checks again when it is
// yes. MainWindow::showDoctor(id) brings the panel up focused on a check. Writes doctor-panel.png
// when OBSLAB_SCREENSHOT_OUT is set.
#include "GuiTestSupport.h"
#include "SimMesh.h"

#include "core/common/AppSettings.h"
#include "core/kube/ClusterContext.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "gui/app/MainWindow.h"
#include "gui/doctor/DoctorPanel.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestDoctorPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void showsFindingsAsksAndFixes();
    void mainWindowShowDoctor();
    void fixDialogFitsTheScreen();

private:
    DoctorOptions options() const;
    SimMesh sim_;
    QString skip_;
};

void TestDoctorPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    test::isolateSettings();
    const QString why = sim_.start(u"tracing-disabled"_s, {u"--no-traffic"_s});
    if (why.startsWith(u"skip: "))
        skip_ = why;
    else
        QVERIFY2(why.isEmpty(), qPrintable(why));
}

DoctorOptions TestDoctorPanel::options() const
{
    DoctorOptions o;
    o.target = sim_.target();
    o.istioctl = QStringLiteral(OBSLAB_SOURCE_DIR) + u"/tests/sim/istioctl"_s;
    o.jaegerUrl = QUrl(sim_.jaegerUrl());
    o.forwards = QList<DoctorForward>{};
    return o;
}

void TestDoctorPanel::showsFindingsAsksAndFixes()
{
    if (!skip_.isEmpty())
        QSKIP(qPrintable(skip_));
    sim_.control(u"traffic"_s, QJsonObject{{u"count"_s, 10}});
    Transcript transcript;
    CommandRunner runner(&transcript);
    DoctorPanel panel(&runner);
    panel.resize(1100, 760);
    panel.setOptions(options(), MutationPolicy{u"obslab-sim"_s, sim_.apiUrl(), false});
    QStringList questions;
    bool answer = false;
    panel.setConfirm([&](const QString& question) {
        questions << question;
        return answer;
    });
    panel.show();

    QSignalSpy checked(&panel, &DoctorPanel::checksFinished);
    panel.runChecks();
    QVERIFY(checked.wait(60000));

    // Grouped: Cluster, Istio, Mesh config, Workloads, Jaeger, Logs.
    QTreeWidget* tree = panel.tree();
    QStringList groups;
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        groups << tree->topLevelItem(i)->text(0);
    QCOMPARE(groups, (QStringList{u"Cluster"_s, u"Istio"_s, u"Mesh config"_s, u"Workloads"_s,
                                  u"Jaeger"_s, u"Logs"_s}));
    // The failure is selected, expanded (its evidence rows visible) and its fix is shown.
    QCOMPARE(panel.selectedCheck(), u"mesh.tracing-enabled"_s);
    QVERIFY(tree->currentItem()->isExpanded());
    QVERIFY(tree->currentItem()->childCount() > 0);
    auto* fixText = panel.findChild<QPlainTextEdit*>(u"doctorFixText"_s);
    QVERIFY(fixText->toPlainText().contains(u"kubectl apply"_s));
    QVERIFY(fixText->toPlainText().contains(u"enableTracing: true"_s));
    QVERIFY(panel.fixButton()->isEnabled());

    if (!qEnvironmentVariableIsEmpty("OBSLAB_SCREENSHOT_OUT")) {
        const QString dir = qEnvironmentVariable("OBSLAB_SCREENSHOT_OUT");
        QDir().mkpath(dir);
        QVERIFY(panel.grab().save(dir + u"/doctor-panel.png"_s));
    }

    // No: nothing runs, the finding stays.
    QSignalSpy fixed(&panel, &DoctorPanel::fixFinished);
    const int commandsBefore = transcript.entries().size();
    QTest::mouseClick(panel.fixButton(), Qt::LeftButton);
    QCOMPARE(fixed.size(), 1);
    QCOMPARE(fixed.first().at(1).toBool(), false);
    QCOMPARE(transcript.entries().size(), commandsBefore);
    QCOMPARE(questions.size(), 1);
    QVERIFY(questions.first().contains(u"obslab-sim"_s));
    QVERIFY(questions.first().contains(u"kubectl apply"_s));

    // Yes: the fix runs, then the checks run again and the finding is green.
    answer = true;
    fixed.clear();
    checked.clear();
    QTest::mouseClick(panel.fixButton(), Qt::LeftButton);
    QVERIFY(fixed.wait(60000));
    QVERIFY2(fixed.first().at(1).toBool(), qPrintable(fixed.first().at(2).toString()));
    QVERIFY(checked.wait(60000));
    const DoctorFinding* after =
        DoctorFindings::find(panel.doctor()->findings(), u"mesh.tracing-enabled"_s);
    QVERIFY(after);
    QCOMPARE(after->severity, DoctorFinding::Severity::Pass);
    QCOMPARE(panel.selectedCheck(), u"mesh.tracing-enabled"_s);
    QVERIFY(!panel.fixButton()->isEnabled());
}

void TestDoctorPanel::mainWindowShowDoctor()
{
    if (!skip_.isEmpty())
        QSKIP(qPrintable(skip_));
    // The app reads its context from KUBECONFIG like kubectl: point it at the sim.
    qputenv("KUBECONFIG", sim_.target().kubeconfig.toUtf8());
    AppSettings settings;
    settings.setKubectlPath(sim_.kubectl());
    settings.setIstioctlPath(options().istioctl);
    settings.setJaegerUrl(QUrl(sim_.jaegerUrl()));
    Transcript transcript;
    CommandRunner runner(&transcript);
    BackgroundJobs jobs(&transcript);
    AppServices services{&settings, &transcript, &runner, &jobs, nullptr};
    MainWindow window(services);
    window.show();
    QVERIFY(window.doctorPanel());
    QVERIFY(window.doctorDock());
    QTRY_COMPARE_WITH_TIMEOUT(int(window.clusterContext()->status().state),
                              int(ClusterStatus::State::Reachable), 30000);
    QCOMPARE(window.doctorPanel()->options().target.context, u"obslab-sim"_s);

    // What a failing lab check does: show the doctor focused on the check that explains it.
    QSignalSpy checked(window.doctorPanel(), &DoctorPanel::checksFinished);
    window.showDoctor(u"jaeger.addon"_s);
    QVERIFY(window.doctorDock()->isVisible());
    QVERIFY(checked.wait(60000));
    QCOMPARE(window.doctorPanel()->selectedCheck(), u"jaeger.addon"_s);
    window.showDoctor(u"workloads.sidecars"_s);
    QCOMPARE(window.doctorPanel()->selectedCheck(), u"workloads.sidecars"_s);
    qunsetenv("KUBECONFIG");
}

// However long what a fix runs (a whole manifest), the question dialog stays within 70 % of the
// screen's height with Yes/Cancel on it, and the commands scroll in their own box.
void TestDoctorPanel::fixDialogFitsTheScreen()
{
    QStringList manifest;
    for (int i = 0; i < 400; ++i)
        manifest << u"      - name: line-%1"_s.arg(i);
    const QString question = u"Apply the fix for \"jaeger.addon\" to context kind-lab?\n\n"_s +
                             u"kubectl apply -f - <<'EOF'\n"_s + manifest.join(u'\n') + u"\nEOF"_s;
    QWidget parent;
    parent.show();
    QVERIFY(QTest::qWaitForWindowExposed(&parent));
    std::unique_ptr<QDialog> dialog(DoctorPanel::createFixDialog(question, &parent));
    dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(dialog.get()));
    const QRect screen = dialog->screen()->availableGeometry();
    QVERIFY2(dialog->height() <= screen.height() * 7 / 10,
             qPrintable(u"%1 of %2 px"_s.arg(dialog->height()).arg(screen.height())));
    QVERIFY(screen.contains(dialog->frameGeometry()));
    auto* body = dialog->findChild<QPlainTextEdit*>(u"doctorFixDialogText"_s);
    QVERIFY(body && body->isVisible());
    QVERIFY(body->toPlainText().startsWith(u"kubectl apply -f -"_s));
    QVERIFY(body->toPlainText().contains(u"line-399"_s));
    QVERIFY(body->verticalScrollBar()->maximum() > 0);  // the rest scrolls
    auto* buttons = dialog->findChild<QDialogButtonBox*>(u"doctorFixDialogButtons"_s);
    QVERIFY(buttons && buttons->isVisible());
    QVERIFY(dialog->rect().contains(buttons->geometry()));
    // The safe answer is the default.
    QVERIFY(buttons->button(QDialogButtonBox::Cancel)->isDefault());
    dialog->close();

    // A one-paragraph question has no empty box.
    std::unique_ptr<QDialog> shortOne(
        DoctorPanel::createFixDialog(u"Restart deployment/frontend?"_s, &parent));
    shortOne->show();
    QVERIFY(QTest::qWaitForWindowExposed(shortOne.get()));
    QVERIFY(!shortOne->findChild<QPlainTextEdit*>(u"doctorFixDialogText"_s)->isVisible());
    QVERIFY(shortOne->height() < screen.height() / 2);
}

QTEST_MAIN(TestDoctorPanel)
#include "tst_doctorpanel.moc"
