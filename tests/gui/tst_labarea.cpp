// The Lab area stepping through the built-in lab offscreen against the simulated mesh (tests/sim,
// test equipment; the real kubectl, the stand-in istioctl and Jaeger): the plan is asked for
// before anything runs, steps pass one by one, the progress bar follows, trace ids in the output
// are links that ask for the trace, and a failing check shows its hint and offers the doctor.
#include "GuiTestSupport.h"
#include "RecordingNavigator.h"
#include "SimMesh.h"

#include "core/common/AppSettings.h"
#include "core/lab/LabLoader.h"
#include "core/lab/LabPlan.h"
#include "core/lab/LabRunner.h"
#include "core/process/CommandRunner.h"
#include "gui/common/MarkdownText.h"
#include "gui/lab/LabArea.h"
#include "gui/lab/LabPlanDialog.h"
#include "gui/lab/LabStepView.h"
#include "gui/widgets/EmptyState.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestLabArea : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void linkTraceIds_data();
    void linkTraceIds();
    void stepTextFollowsTheLabelFont();
    void markdownCodeFollowsTheWidgetFont();
    void brokenLabShowsItsErrors();
    void planDialogShowsWhatLabPlanShows();
    void stepsThroughTheLab();
    void failingCheckOffersTheDoctor();

private:
    void acceptPlanWhenAsked(bool* seenPlan);
    QString writeLab(const QString& name, const QByteArray& text);
    SimMesh sim_;
    QTemporaryDir dir_;
    std::unique_ptr<AppSettings> settings_;
    CommandRunner runner_;
};

void TestLabArea::initTestCase()
{
    test::isolateSettings();
    QVERIFY(dir_.isValid());
    const QString why = sim_.start(u"workshop-start"_s, {u"--interval"_s, u"0.2"_s});
    if (why.startsWith(u"skip: "))
        QSKIP(qPrintable(why));
    QVERIFY2(why.isEmpty(), qPrintable(why));
    // The app uses kubectl's own kubeconfig and current context, as a user's would.
    qputenv("KUBECONFIG", sim_.target().kubeconfig.toUtf8());
    settings_ = std::make_unique<AppSettings>();
    settings_->setKubectlPath(sim_.kubectl());
    settings_->setIstioctlPath(QString::fromUtf8(OBSLAB_SOURCE_DIR) + u"/tests/sim/istioctl"_s);
    // Jaeger is reached directly (as a user's Settings can say); the port-forward to it is
    // proven on its own in the port-forward tests.
    settings_->setJaegerUrl(QUrl(sim_.jaegerUrl()));
}

void TestLabArea::linkTraceIds_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("html");
    QTest::newRow("access-log")
        << u"\"GET /\" 200 traceID=7cd554fd70246f86 spanID=2fe178b0dfffbe2d"_s
        << u"&quot;GET /&quot; 200 traceID=<a href=\"trace:7cd554fd70246f86\"><b>7cd554fd70246f86</b></a> spanID=2fe178b0dfffbe2d"_s;
    QTest::newRow("printed")
        << u"trace id: 0123456789abcdef0123456789abcdef (chosen…)"_s
        << u"trace id: <a href=\"trace:0123456789abcdef0123456789abcdef\"><b>0123456789abcdef0123456789abcdef</b></a> (chosen…)"_s;
    QTest::newRow("url")
        << u"http://x/jaeger/trace/da4d12ca435f6dbb?uiEmbed=v0"_s
        << u"http://x/jaeger/trace/<a href=\"trace:da4d12ca435f6dbb\"><b>da4d12ca435f6dbb</b></a>?uiEmbed=v0"_s;
    QTest::newRow("no-trace") << u"traceID=- <b>"_s << u"traceID=- &lt;b&gt;"_s;
    QTest::newRow("too-long") << u"traceID=0123456789abcdef0"_s << u"traceID=0123456789abcdef0"_s;
}

void TestLabArea::linkTraceIds()
{
    QFETCH(QString, line);
    QFETCH(QString, html);
    QCOMPARE(LabStepView::linkTraceIds(line), html);
}

// Step text made while presenter mode enlarges the type must not keep that size afterwards: the
// HTML carries no font of its own, so the label's font decides (inline code included).
void TestLabArea::stepTextFollowsTheLabelFont()
{
    const QFont before = QApplication::font();
    QFont big = before;
    big.setPointSizeF(31);
    QApplication::setFont(big);
    const QString html = LabStepView::markdownToHtml(u"Run `kubectl get pods` **now**."_s);
    QApplication::setFont(before);
    QVERIFY2(!html.contains(u"31pt"_s), qPrintable(html));
    QVERIFY2(!html.contains(u"font-size"_s), qPrintable(html));
    QVERIFY(html.contains(u"kubectl get pods"_s));
    QLabel label;
    label.setTextFormat(Qt::RichText);
    label.setText(html);
    QFont small = label.font();
    small.setPointSizeF(9);
    label.setFont(small);
    const int smallWidth = label.sizeHint().width();
    small.setPointSizeF(18);
    label.setFont(small);
    QVERIFY2(label.sizeHint().width() > smallWidth * 3 / 2,
             qPrintable(u"%1 → %2"_s.arg(smallWidth).arg(label.sizeHint().width())));
}

// Qt's Markdown import gives code the system fixed font with its point size; after
// followWidgetFont nothing in the document has a size of its own (the rehearsal's step text in
// presenter mode kept its code at 9 pt while the text around it grew).
void TestLabArea::markdownCodeFollowsTheWidgetFont()
{
    QTextDocument doc;
    doc.setMarkdown(u"Run `kubectl get pods` now.\n\n```\nkubectl logs -l app=frontend\n```\n"_s);
    const auto sized = [&doc] {
        int n = 0;
        for (QTextBlock b = doc.begin(); b.isValid(); b = b.next())
            for (auto it = b.begin(); !it.atEnd(); ++it)
                n += it.fragment().charFormat().hasProperty(QTextFormat::FontPointSize) ? 1 : 0;
        return n;
    };
    QVERIFY(sized() > 0);  // what Qt does
    markdowntext::followWidgetFont(&doc);
    QCOMPARE(sized(), 0);
    bool codeKeptItsFamily = false;
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next())
        for (auto it = b.begin(); !it.atEnd(); ++it)
            if (it.fragment().text() == u"kubectl get pods"_s)
                codeKeptItsFamily = it.fragment().charFormat().fontFixedPitch();
    QVERIFY(codeKeptItsFamily);
}

QString TestLabArea::writeLab(const QString& name, const QByteArray& text)
{
    const QString path = dir_.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(text);
    return path;
}

void TestLabArea::brokenLabShowsItsErrors()
{
    {
        // The Lab area must not widen the window (it shares a tab stack with the other areas).
        LabArea empty;
        QVERIFY2(empty.minimumSizeHint().width() < 600,
                 qPrintable(QString::number(empty.minimumSizeHint().width())));
        QVERIFY(empty.openLab(u"tracing-jaeger"_s));
        QVERIFY2(empty.minimumSizeHint().width() < 600,
                 qPrintable(QString::number(empty.minimumSizeHint().width())));
    }
    LabArea area;
    const QString path =
        writeLab(u"broken.yaml"_s, "obslab-lab: 1\nid: b\ntitle: B\nsteps:\n- id: a\n  titel: A\n");
    QVERIFY(!area.openLab(path));
    QVERIFY(area.emptyState()->text().contains(u"broken.yaml:6:3: unknown key"_s));
    QVERIFY(area.emptyState()->text().contains(u"did you mean"_s));
    QVERIFY(!area.runner());
}

void TestLabArea::acceptPlanWhenAsked(bool* seenPlan)
{
    QTimer::singleShot(0, this, [seenPlan] {
        auto* dialog = qobject_cast<LabPlanDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        auto* text = dialog->findChild<QTextBrowser*>(u"labPlanText"_s);
        *seenPlan =
            text && text->toPlainText().contains(u"Deployment frontend (namespace default)"_s);
        dialog->findChild<QPushButton*>(u"labPlanAccept"_s)->click();
    });
}

// The GUI's trust preview lists what `obslab lab plan` lists (LabPlan::toText): every local file
// read, every namespace touched, every object and command with its [deletes]/[cluster-wide]
// mark; a lab the trust model refuses with the values in effect cannot be started from it.
void TestLabArea::planDialogShowsWhatLabPlanShows()
{
    const QString path =
        QString::fromUtf8(OBSLAB_SOURCE_DIR) + u"/tests/labs/allowed/every-command.yaml"_s;
    const LabLoadResult loaded = LabLoader::loadFile(path);
    QVERIFY2(loaded.ok(), loaded.errors.isEmpty() ? "" : qPrintable(loaded.errors.first().message));
    const Lab& lab = *loaded.lab;
    const LabPlan plan = LabPlan::build(lab);
    QVERIFY(plan.problems.isEmpty());
    // The lab reads two files, touches default and istio-system, and deletes and acts
    // cluster-wide somewhere: the comparison below is not over empty lists.
    QCOMPARE(plan.filesRead.size(), 2);
    QVERIFY(plan.namespaces.contains(u"default"_s) && plan.namespaces.contains(u"istio-system"_s));
    const QString cliText = plan.toText(lab);
    QVERIFY(cliText.contains(QString::fromLatin1(LabPlan::kDestructiveMark)));
    QVERIFY(cliText.contains(QString::fromLatin1(LabPlan::kClusterMark)));

    LabPlanDialog dialog(lab, plan, u"obslab-sim"_s);
    const QString shown = dialog.findChild<QTextBrowser*>(u"labPlanText"_s)->toPlainText();
    // Every item line of the CLI's plan ("  - item") is in the dialog, word for word.
    int items = 0;
    for (const QString& line : cliText.split(u'\n')) {
        if (!line.startsWith(u"  - "_s))
            continue;
        ++items;
        QVERIFY2(shown.contains(line.mid(4)), qPrintable(line));
    }
    QCOMPARE(items, plan.creates.size() + plan.changes.size() + plan.deletes.size() +
                        plan.other.size() + plan.needs.size() + plan.filesRead.size() +
                        plan.namespaces.size());
    QVERIFY(shown.contains(u"manifests/app.yaml"_s));
    QVERIFY(shown.contains(u"manifests/istio.yaml"_s));
    QVERIFY(dialog.findChild<QPushButton*>(u"labPlanAccept"_s)->isEnabled());

    // With a value that points outside the lab's folder, the plan refuses and so does the dialog.
    const LabPlan refused = LabPlan::build(lab, {{u"manifest"_s, u"../../outside.yaml"_s}});
    QVERIFY(!refused.problems.isEmpty());
    LabPlanDialog refusing(lab, refused, u"obslab-sim"_s);
    const QString refusedText = refusing.findChild<QTextBrowser*>(u"labPlanText"_s)->toPlainText();
    QVERIFY2(refusedText.contains(refused.problems.first()), qPrintable(refusedText));
    QVERIFY(!refusing.findChild<QPushButton*>(u"labPlanAccept"_s)->isEnabled());
}

void TestLabArea::stepsThroughTheLab()
{
    LabArea area;
    area.setServices(&runner_, settings_.get());
    area.setProgressDir(dir_.filePath(u"progress"_s));
    ClusterStatus status;
    status.state = ClusterStatus::State::Reachable;
    status.context = u"obslab-sim"_s;
    status.server = sim_.apiUrl();
    status.local = true;
    area.setClusterStatus(status);
    area.resize(1400, 900);
    area.show();
    QVERIFY(area.openLab(u"tracing-jaeger"_s));
    QCOMPARE(area.stepList()->count(), 11);
    QCOMPARE(area.progressBar()->value(), 0);
    test::RecordingNavigator navigator;
    area.setNavigator(&navigator);
    QSignalSpy traces(&navigator, &test::RecordingNavigator::traceRequested);

    // The first run asks with the plan; nothing ran before.
    bool seenPlan = false;
    acceptPlanWhenAsked(&seenPlan);
    LabStepView* first = area.stepView(u"prerequisites"_s);
    first->findChild<QPushButton*>(u"labRunStep"_s)->click();
    QVERIFY(seenPlan);
    QTRY_COMPARE_WITH_TIMEOUT(area.runner()->stepState(u"prerequisites"_s), LabStepState::Passed,
                              60000);
    QCOMPARE(area.stepList()->item(0)->data(Qt::UserRole + 1).toString(), u"passed"_s);
    QCOMPARE(area.stepList()->currentRow(), 1);  // the next step comes into view
    // The card shows the exact command and its output.
    const QString command = first->findChild<QLabel*>(u"labActionCommand"_s)->text();
    QVERIFY2(command.contains(u"kubectl version"_s) || command.contains(u" version "_s),
             qPrintable(command));

    // The rest, from the header's button.
    area.findChild<QPushButton*>(u"labRunAll"_s)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!area.runner()->isBusy(), 180000);
    QCOMPARE(area.runner()->doneCount(), 11);
    QCOMPARE(area.progressBar()->value(), 11);

    // The traced request's trace id is a link; clicking it asks for the trace.
    LabStepView* traced = area.stepView(u"traced-request"_s);
    QTextBrowser* output = traced->findChild<QTextBrowser*>(u"labActionOutput"_s);
    QVERIFY(output->isVisibleTo(traced));
    const QString id = area.runner()->traceId(u"my-request"_s);
    QVERIFY(output->toHtml().contains(u"trace:"_s + id));
    // The lab's openTrace action asked for it once already; the click asks again.
    QCOMPARE(traces.size(), 1);
    QCOMPARE(traces.first().at(0).toString(), id);
    Q_EMIT output->anchorClicked(QUrl(u"trace:"_s + id));
    QCOMPARE(traces.size(), 2);
    QCOMPARE(traces.last().at(0).toString(), id);

    // A restarted app resumes: a new area shows every step done.
    LabArea again;
    again.setServices(&runner_, settings_.get());
    again.setProgressDir(dir_.filePath(u"progress"_s));
    QVERIFY(again.openLab(u"tracing-jaeger"_s));
    QCOMPARE(again.progressBar()->value(), 11);

    // For the README: the area after the traced request (test equipment: the simulated mesh).
    area.stepList()->setCurrentRow(area.runner()->lab().stepIndex(u"traced-request"_s));
    const QString out = qEnvironmentVariable("OBSLAB_SCREENSHOT_OUT");
    if (!out.isEmpty()) {
        QDir().mkpath(out);
        QVERIFY(area.grab().save(out + u"/lab-area.png"_s));
    }
}

void TestLabArea::failingCheckOffersTheDoctor()
{
    const QString path = writeLab(
        u"fails.yaml"_s,
        "obslab-lab: 1\nid: fails\ntitle: Fails\nsteps:\n- id: only\n  title: Only\n  checks:\n"
        "  - resourceExists: {kind: deployment, name: not-there}\n    timeout: 2\n    every: 1\n"
        "    doctor: workloads.sidecars\n    hint: Deploy **not-there** first.\n    solution: "
        "\"`kubectl "
        "apply -f x`\"\n");
    LabArea area;
    area.setServices(&runner_, settings_.get());
    area.setProgressDir(dir_.filePath(u"progress2"_s));
    test::RecordingNavigator navigator;
    area.setNavigator(&navigator);
    QSignalSpy doctor(&navigator, &test::RecordingNavigator::doctorRequested);
    QVERIFY(area.openLab(path));
    bool seenPlan = false;
    acceptPlanWhenAsked(&seenPlan);
    LabStepView* view = area.stepView(u"only"_s);
    view->findChild<QPushButton*>(u"labCheckStep"_s)->click();
    QTRY_COMPARE_WITH_TIMEOUT(area.runner()->stepState(u"only"_s), LabStepState::Failed, 30000);
    auto* hint = view->findChild<QLabel*>(u"labCheckHintText"_s);
    QVERIFY(hint->isVisibleTo(view));  // shown at once on failure
    QVERIFY(hint->text().contains(u"not-there"_s));
    auto* message = view->findChild<QLabel*>(u"labCheckMessage"_s);
    QVERIFY2(message->text().contains(u"not-there"_s), qPrintable(message->text()));
    auto* ask = view->findChild<QPushButton*>(u"labCheckDoctor"_s);
    QVERIFY(ask->isVisibleTo(view));
    ask->click();
    QCOMPARE(doctor.size(), 1);
    QCOMPARE(doctor.first().at(0).toString(), u"workloads.sidecars"_s);
    auto* solution = view->findChild<QPushButton*>(u"labCheckSolution"_s);
    solution->click();
    QVERIFY(view->findChild<QLabel*>(u"labCheckSolutionText"_s)->isVisibleTo(view));
    QCOMPARE(area.stepList()->item(0)->data(Qt::UserRole + 1).toString(), u"failed"_s);
}

QTEST_MAIN(TestLabArea)
#include "tst_labarea.moc"
