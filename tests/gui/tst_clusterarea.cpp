// The Cluster area against the simulated mesh (test equipment) with the real kubectl and the
// stand-in istioctl: manifest errors marked at their line, diff and apply with per-object
// results, Secrets masked, the restart flow until ready, the Istio install form for 1.21 and
// 1.24 changing the sim's mesh config, and a refused confirmation on a non-local context.
#include "GuiTestSupport.h"
#include "SimMesh.h"
#include "core/kube/ClusterContext.h"
#include "core/kube/Kubectl.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "gui/cluster/ClusterArea.h"
#include "gui/cluster/CodeEditor.h"
#include "gui/cluster/IstioView.h"
#include "gui/cluster/ManifestEditor.h"
#include "gui/cluster/WorkloadsView.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

QString treeText(const QTreeWidget* tree)
{
    QStringList rows;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        QStringList cells;
        for (int c = 0; c < tree->columnCount(); ++c)
            cells << tree->topLevelItem(i)->text(c);
        rows << cells.join(u" | "_s);
    }
    return rows.join(u'\n');
}

bool hasWords(const QString& text, const QStringList& words)
{
    for (const QString& w : words) {
        if (!text.contains(w)) {
            qWarning("%s lacks '%s'", qPrintable(text), qPrintable(w));
            return false;
        }
    }
    return true;
}

QString source(const QString& path)
{
    return QStringLiteral(OBSLAB_SOURCE_DIR) + u'/' + path;
}

}  // namespace

class TestClusterArea : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void editorMarksErrorAtItsLine();
    void diffAndApply();
    void secretsAreMasked();
    void deleteAndRecentFiles();
    void restartUntilReady();
    void installFormYaml();
    void installChangesMeshConfig();
    void versionAndAnalyze();
    void refusedConfirmationRunsNothing();
    void nativeAndAmbientSidecars_data();
    void nativeAndAmbientSidecars();

private:
    void screenshot(QWidget* page, const QString& name);
    bool waitReady(ClusterContext& context);

    SimMesh sim_;
    Transcript transcript_;
    CommandRunner runner_{&transcript_};
    ClusterContext* context_ = nullptr;
    ClusterArea* area_ = nullptr;
    int confirmations_ = 0;
};

bool TestClusterArea::waitReady(ClusterContext& context)
{
    QSignalSpy refreshed(&context, &ClusterContext::refreshed);
    context.refresh();
    return refreshed.wait(30000);
}

void TestClusterArea::initTestCase()
{
    test::isolateSettings();
    const QString why = sim_.start(u"workshop-start"_s, {u"--no-traffic"_s});
    if (why.startsWith(u"skip: "_s))
        QSKIP(qPrintable(why));
    QVERIFY2(why.isEmpty(), qPrintable(why));
    context_ = new ClusterContext(&runner_, this);
    context_->setKubectl(sim_.kubectl());
    context_->setKubeconfig(sim_.target().kubeconfig);
    QVERIFY(waitReady(*context_));
    QVERIFY(context_->looksLocal());

    area_ = new ClusterArea;
    area_->resize(1280, 760);
    area_->attach(context_, &transcript_, nullptr);
    // The sim's context is local: nothing should ask. Count it if something does.
    area_->setConfirmer([this](const QString&, const QString&) {
        ++confirmations_;
        return true;
    });
    area_->istioView()->setIstioctl(source(u"tests/sim/istioctl"_s));
    area_->show();
    // The area must fit a dock in a 900-pixel window next to the others.
    QVERIFY2(area_->minimumSizeHint().width() < 450,
             qPrintable(QString::number(area_->minimumSizeHint().width())));
}

void TestClusterArea::cleanupTestCase()
{
    delete area_;
    runner_.cancelAll();
}

void TestClusterArea::screenshot(QWidget* page, const QString& name)
{
    const QString dir = qEnvironmentVariable("OBSLAB_SCREENSHOT_OUT");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    area_->tabs()->setCurrentWidget(page);
    QCoreApplication::processEvents();
    QVERIFY(area_->grab().save(dir + u'/' + name));
}

void TestClusterArea::editorMarksErrorAtItsLine()
{
    ManifestEditor* editor = area_->manifestEditor();
    QSignalSpy validated(editor, &ManifestEditor::validated);
    // The user types: validation is debounced and runs off the UI thread.
    editor->editor()->setPlainText(
        u"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n---\napiVersion: v1\n"
        "kind: Service\nmetadata:\n  name: x\n  labels: {a: b\nspec: {}\n"_s);
    QVERIFY(validated.wait(10000));
    const ManifestParse& parse = editor->lastParse();
    QVERIFY(parse.hasErrors());
    const int line = parse.issues.first().line;
    QVERIFY2(line >= 10 && line <= 12, qPrintable(parse.issues.first().toString()));
    QVERIFY(editor->editor()->marks().contains(line));
    QVERIFY(editor->editor()->marks().value(line).error);
    QVERIFY(!editor->editor()->marks().contains(1));
    QTreeWidget* problems = editor->problemsView();
    QCOMPARE(problems->topLevelItemCount(), parse.issues.size());
    QVERIFY(problems->topLevelItem(0)->text(0).startsWith(QString::number(line) + u':'));
    // Actions are refused while it has errors: nothing runs.
    QSignalSpy finished(editor, &ManifestEditor::actionFinished);
    QSignalSpy started(&runner_, &CommandRunner::commandStarted);
    editor->apply();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).toBool(), false);
    QCOMPARE(started.size(), 0);
    screenshot(editor, u"cluster-manifest-error.png"_s);

    // Fixing the line clears the mark.
    editor->editor()->setPlainText(
        editor->editor()->toPlainText().replace(u"{a: b\n"_s, u"{a: b}\n"_s));
    QVERIFY(validated.wait(10000));
    QVERIFY(!editor->lastParse().hasErrors());
    QVERIFY(editor->editor()->marks().isEmpty());
    QCOMPARE(editor->resourcesView()->topLevelItemCount(), 2);
}

void TestClusterArea::diffAndApply()
{
    ManifestEditor* editor = area_->manifestEditor();
    QSignalSpy validated(editor, &ManifestEditor::validated);
    area_->openManifest(source(u"tests/sim/manifests/backend.yaml"_s));
    QCOMPARE(editor->currentFile(), source(u"tests/sim/manifests/backend.yaml"_s));
    QVERIFY(validated.wait(10000));
    QVERIFY2(!editor->lastParse().hasErrors(),
             qPrintable(editor->lastParse().issues.value(0).toString()));

    QSignalSpy finished(editor, &ManifestEditor::actionFinished);
    const qsizetype before = transcript_.entries().size();
    editor->diff();
    QVERIFY(hasWords(editor->commandLine()->text(), {u" diff "_s, u" -f -"_s}));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.last().at(0).toString(), u"diff"_s);
    QVERIFY2(finished.last().at(1).toBool(), qPrintable(editor->statusLabel()->text()));
    const QString diff = editor->diffView()->toPlainText();
    QVERIFY2(diff.contains(u"+  name: backend"_s) || diff.contains(u"+ name: backend"_s) ||
                 diff.contains(u"name: backend"_s),
             qPrintable(diff));
    screenshot(editor, u"cluster-manifest-diff.png"_s);

    editor->apply();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.last().at(0).toString(), u"apply"_s);
    QVERIFY2(finished.last().at(1).toBool(), qPrintable(editor->statusLabel()->text()));
    QString results = treeText(editor->resultsView());
    QVERIFY2(results.contains(u"deployment.apps/backend | created"_s), qPrintable(results));
    QVERIFY2(results.contains(u"service/backend | created"_s), qPrintable(results));
    screenshot(editor, u"cluster-manifest-apply.png"_s);

    // Again: nothing changes, and kubectl says so per object.
    editor->apply();
    QVERIFY(finished.wait(60000));
    results = treeText(editor->resultsView());
    QVERIFY2(results.contains(u"deployment.apps/backend | unchanged"_s), qPrintable(results));

    // Every action is in the Transcript, with the exact command.
    QCOMPARE(transcript_.entries().size(), before + 3);
    QVERIFY(hasWords(transcript_.entries().last().shellLine, {u" apply "_s, u" -f -"_s}));
    QVERIFY(transcript_.entries().last().shellLine.contains(u"--context obslab-sim"_s));
    QCOMPARE(confirmations_, 0);  // a local context asks nothing
}

void TestClusterArea::secretsAreMasked()
{
    ManifestEditor* editor = area_->manifestEditor();
    QSignalSpy validated(editor, &ManifestEditor::validated);
    QSignalSpy finished(editor, &ManifestEditor::actionFinished);
    // The sim serves no Secrets, so kubectl fails; what matters is what was shown and recorded.
    editor->openManifest(u"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: "
                         "c3VwZXJzZWNyZXQ=\nstringData:\n  token: plain-s3cret\n"_s);
    QVERIFY(validated.wait(10000));
    QVERIFY(treeText(editor->resourcesView()).contains(u"password, token"_s));
    QVERIFY(!treeText(editor->resourcesView()).contains(u"plain-s3cret"_s));
    editor->apply();
    QVERIFY(finished.wait(60000));
    const TranscriptEntry& entry = transcript_.entries().last();
    QVERIFY(hasWords(entry.shellLine, {u" apply "_s, u" -f -"_s}));
    QVERIFY(!entry.stdinText.isEmpty());
    QVERIFY2(!entry.stdinText.contains(u"plain-s3cret"_s), qPrintable(entry.stdinText));
    QVERIFY2(!entry.stdinText.contains(u"c3VwZXJzZWNyZXQ="_s), qPrintable(entry.stdinText));
    QVERIFY(!entry.output.contains(u"plain-s3cret"_s));
    QVERIFY(!editor->commandLine()->text().contains(u"plain-s3cret"_s));
    QVERIFY(!editor->statusLabel()->text().contains(u"plain-s3cret"_s));
}

void TestClusterArea::deleteAndRecentFiles()
{
    ManifestEditor* editor = area_->manifestEditor();
    QSignalSpy validated(editor, &ManifestEditor::validated);
    QSignalSpy finished(editor, &ManifestEditor::actionFinished);
    editor->openManifest(u"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: obslab-demo\n"
                         "data:\n  greeting: hello\n"_s);
    QVERIFY(validated.wait(10000));
    // Saved, it becomes a recent file and opens again from there.
    const QString path = sim_.dir() + u"/demo.yaml"_s;
    QVERIFY(editor->saveAs(path));
    QCOMPARE(editor->currentFile(), path);
    QCOMPARE(QSettings().value(u"cluster/recentManifests"_s).toStringList().value(0), path);
    editor->apply();
    QVERIFY(finished.wait(60000));
    QVERIFY2(finished.last().at(1).toBool(), qPrintable(editor->statusLabel()->text()));
    QVERIFY(treeText(editor->resultsView()).contains(u"configmap/obslab-demo | created"_s));
    editor->deleteResources();
    QVERIFY(hasWords(editor->commandLine()->text(), {u" delete "_s, u" -f -"_s}));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.last().at(0).toString(), u"delete"_s);
    QVERIFY2(finished.last().at(1).toBool(), qPrintable(editor->statusLabel()->text()));
    const QString results = treeText(editor->resultsView());
    QVERIFY2(results.contains(u"configmap/obslab-demo | deleted"_s), qPrintable(results));

    // The Open menu lists the recent file and the built-in lab's manifests.
    Q_EMIT editor->openMenu()->aboutToShow();
    QStringList texts;
    for (QAction* a : editor->openMenu()->actions())
        texts << a->text();
    QVERIFY2(texts.join(u'\n').contains(path), qPrintable(texts.join(u'\n')));
    auto* lab = editor->openMenu()->findChild<QMenu*>(u"labManifests_tracing-jaeger"_s);
    QVERIFY(lab);
    QAction* backend = nullptr;
    for (QAction* a : lab->actions())
        backend = a->text() == u"backend.yaml" ? a : backend;
    QVERIFY(backend);
    backend->trigger();
    QVERIFY(editor->currentFile().endsWith(u"/labs/tracing-jaeger/manifests/backend.yaml"_s));
    QVERIFY(validated.wait(10000));
    QVERIFY(!editor->lastParse().hasErrors());
}

void TestClusterArea::restartUntilReady()
{
    WorkloadsView* workloads = area_->workloadsView();
    area_->showPage(ClusterArea::Page::Workloads);  // starts the watches
    QTRY_VERIFY_WITH_TIMEOUT(workloads->isWatching(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(workloads->deploymentNames().contains(u"backend"_s), 30000);
    // Wait for the applied backend to be ready before restarting it.
    auto backendRow = [workloads]() -> QTreeWidgetItem* {
        for (int i = 0; i < workloads->tree()->topLevelItemCount(); ++i) {
            if (workloads->tree()->topLevelItem(i)->text(0) == u"backend")
                return workloads->tree()->topLevelItem(i);
        }
        return nullptr;
    };
    QTRY_VERIFY_WITH_TIMEOUT(backendRow() && backendRow()->text(1) == u"1/1"_s, 30000);
    // The pods arrive through their own watch, maybe a moment after the deployment.
    QTRY_VERIFY_WITH_TIMEOUT(backendRow() && backendRow()->text(4).startsWith(u"yes"_s), 30000);
    QCOMPARE(backendRow()->text(5), u"never restarted"_s);
    QVERIFY(backendRow()->text(6).contains(u"backend"_s));

    QSignalSpy done(workloads, &WorkloadsView::restartFinished);
    workloads->selectDeployments({u"backend"_s});
    QCOMPARE(workloads->selectedDeployments(), QStringList{u"backend"_s});
    workloads->restartSelected();
    QVERIFY(hasWords(workloads->commandLine()->text(),
                     {u" rollout restart "_s, u" deployment/backend"_s}));
    QVERIFY(done.wait(120000));
    QVERIFY2(done.first().at(0).toBool(), qPrintable(treeText(workloads->rolloutView())));
    const QString rollout = treeText(workloads->rolloutView());
    QVERIFY2(rollout.contains(u"✔ ready"_s) && rollout.contains(u"successfully rolled out"_s),
             qPrintable(rollout));
    // The watch shows the restart: a restart time instead of "never".
    QTRY_VERIFY_WITH_TIMEOUT(backendRow() && backendRow()->text(5) != u"never restarted"_s, 30000);
    // The old pod goes once the new one is ready.
    QTRY_VERIFY_WITH_TIMEOUT(backendRow() && backendRow()->childCount() == 1 &&
                                 backendRow()->text(1) == u"1/1"_s,
                             30000);
    backendRow()->setExpanded(true);
    screenshot(workloads, u"cluster-workloads.png"_s);
    QCOMPARE(confirmations_, 0);
}

void TestClusterArea::installFormYaml()
{
    IstioView* istio = area_->istioView();
    IstioInstallOptions o;
    o.istioMinor = 21;
    o.backend = TracingBackend::Zipkin;
    o.accessLogFormat =
        IstioOperatorBuilder::accessLogFormats(o.backend, o.accessLogEncoding, 21).first().format;
    istio->setOptions(o);
    QString yaml = istio->operatorEditor()->toPlainText();
    QVERIFY2(yaml.contains(u"defaultConfig:"_s) && yaml.contains(u"zipkin:"_s) &&
                 yaml.contains(u"address: jaeger-collector.istio-system.svc.cluster.local:9411"_s),
             qPrintable(yaml));
    QVERIFY(!yaml.contains(u"extensionProviders"_s));
    QVERIFY(istio->telemetryEditor()->toPlainText().isEmpty());
    QVERIFY(istio->formatBox()->currentText().contains(u"B3"_s));
    QVERIFY(yaml.contains(u"%REQ(X-B3-TRACEID)%"_s));

    o.istioMinor = 24;
    o.backend = TracingBackend::OpenTelemetry;
    o.accessLogFormat =
        IstioOperatorBuilder::accessLogFormats(o.backend, o.accessLogEncoding, 24).first().format;
    istio->setOptions(o);
    yaml = istio->operatorEditor()->toPlainText();
    QVERIFY2(yaml.contains(u"extensionProviders:"_s) && yaml.contains(u"opentelemetry:"_s) &&
                 yaml.contains(u"port: 4317"_s),
             qPrintable(yaml));
    QVERIFY(!yaml.contains(u"defaultConfig"_s));
    QVERIFY(yaml.contains(u"%REQ(TRACEPARENT)%"_s));
    QVERIFY(istio->backendExplanation()->text().contains(u"traceparent"_s));
    QVERIFY(istio->telemetryEditor()->toPlainText().contains(u"name: jaeger-otel"_s));

    o.backend = TracingBackend::Zipkin;
    o.samplingPercent = 100;
    istio->setOptions(o);
    yaml = istio->operatorEditor()->toPlainText();
    QVERIFY(yaml.contains(u"zipkin:"_s) && yaml.contains(u"port: 9411"_s));
    const QString telemetry = istio->telemetryEditor()->toPlainText();
    QVERIFY2(telemetry.contains(u"kind: Telemetry"_s) && telemetry.contains(u"jaeger-zipkin"_s) &&
                 telemetry.contains(u"randomSamplingPercentage: 100"_s),
             qPrintable(telemetry));
    QVERIFY(istio->backendExplanation()->text().contains(u"B3"_s));
}

void TestClusterArea::installChangesMeshConfig()
{
    IstioView* istio = area_->istioView();
    IstioInstallOptions o;
    o.istioMinor = 24;
    o.backend = TracingBackend::Zipkin;
    o.samplingPercent = 50;
    o.accessLogFormat =
        IstioOperatorBuilder::accessLogFormats(o.backend, o.accessLogEncoding, 24).first().format;
    istio->setOptions(o);
    // The YAML is editable before running: the edit is what gets installed.
    istio->operatorEditor()->setPlainText(istio->operatorEditor()->toPlainText().replace(
        u"name: obslab\n"_s, u"name: obslab-edited\n"_s));
    QSignalSpy done(istio, &IstioView::installFinished);
    istio->install();
    QVERIFY(hasWords(istio->commandLine()->text(), {u" install "_s, u" -f "_s}));
    QVERIFY(istio->commandLine()->text().contains(u" -y"_s));
    QVERIFY(done.wait(180000));
    QVERIFY2(done.first().at(0).toBool(), qPrintable(istio->statusLabel()->text()));
    const QString progress = treeText(istio->progressView());
    QVERIFY2(progress.contains(u"✔ complete"_s), qPrintable(progress));
    QVERIFY2(progress.contains(u"telemetry"_s, Qt::CaseInsensitive), qPrintable(progress));

    const QJsonObject state = sim_.control(u"state"_s, {}, true);
    const QByteArray mesh =
        QJsonDocument(state.value(u"mesh_config"_s).toObject()).toJson(QJsonDocument::Compact);
    QVERIFY2(mesh.contains("\"jaeger-zipkin\""), mesh.constData());
    QVERIFY2(mesh.contains("jaeger-collector.istio-system.svc.cluster.local"), mesh.constData());
    QVERIFY2(mesh.contains("X-B3-TRACEID"), mesh.constData());

    QSignalSpy finished(&runner_, &CommandRunner::commandFinished);
    runner_.start(Kubectl::get(sim_.target(u"istio-system"_s), u"telemetry"_s,
                               {u"mesh-default"_s, {}, false}));
    QVERIFY(finished.wait(30000));
    const auto result = finished.first().at(1).value<CommandResult>();
    QVERIFY2(result.ok(), result.stderrData.constData());
    QVERIFY(result.stdoutData.contains("\"randomSamplingPercentage\": 50"));
    screenshot(istio, u"cluster-istio-install.png"_s);
}

void TestClusterArea::versionAndAnalyze()
{
    IstioView* istio = area_->istioView();
    QSignalSpy version(istio, &IstioView::versionShown);
    istio->checkVersion();
    QVERIFY(version.wait(60000));
    QVERIFY2(version.first().at(0).toBool(), qPrintable(istio->statusLabel()->text()));
    const QString versions = treeText(istio->versionView());
    QVERIFY2(versions.contains(u"Client (istioctl) | 1.24"_s), qPrintable(versions));
    QVERIFY2(versions.contains(u"Control plane (istiod) | 1.24"_s), qPrintable(versions));

    QSignalSpy analyzed(istio, &IstioView::analyzeShown);
    istio->analyze();
    QVERIFY(analyzed.wait(60000));
    QVERIFY2(analyzed.first().at(0).toBool(), qPrintable(istio->statusLabel()->text()));
    QVERIFY(istio->analyzeView()->topLevelItemCount() >= 1);
    const QString findings = treeText(istio->analyzeView());
    // Either findings with their docs link, or the explicit "no issues" row.
    QVERIFY2(findings.contains(u"istio.io/latest/docs/reference/config/analysis/ist"_s) ||
                 findings.contains(u"No validation issues"_s),
             qPrintable(findings));

    // A namespace without injection: IST0102, with its code, object and docs link.
    QSignalSpy created(&runner_, &CommandRunner::commandFinished);
    runner_.start(Kubectl::apply(sim_.target(), "apiVersion: v1\nkind: Namespace\nmetadata:\n"
                                                "  name: legacy\n"));
    QVERIFY(created.wait(30000));
    QVERIFY(created.first().at(1).value<CommandResult>().ok());
    context_->setNamespace(u"legacy"_s);
    istio->analyze();
    QVERIFY(analyzed.wait(60000));
    const QString legacy = treeText(istio->analyzeView());
    QVERIFY2(
        legacy.contains(u"IST0102"_s) && legacy.contains(u"Namespace legacy"_s) &&
            legacy.contains(u"https://istio.io/latest/docs/reference/config/analysis/ist0102/"_s),
        qPrintable(legacy));
    istio->showInstallPage(false);
    screenshot(istio, u"cluster-istio-analyze.png"_s);
    istio->showInstallPage(true);
    context_->setNamespace(u"default"_s);
}

void TestClusterArea::refusedConfirmationRunsNothing()
{
    // The same sim through an address that does not look local, under another context name.
    const QString remoteUrl =
        QString(sim_.apiUrl()).replace(u"127.0.0.1"_s, u"[::ffff:127.0.0.1]"_s);
    const QString config = sim_.dir() + u"/remote.yaml"_s;
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(u"apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: %1\n"
            "contexts:\n- name: staging\n  context:\n    cluster: c\n    user: u\n"
            "    namespace: default\ncurrent-context: staging\nusers:\n- name: u\n  user: {}\n"_s
                .arg(remoteUrl)
                .toUtf8());
    f.close();
    ClusterContext remote(&runner_);
    remote.setKubectl(sim_.kubectl());
    remote.setKubeconfig(config);
    QVERIFY(waitReady(remote));
    QCOMPARE(remote.context(), u"staging"_s);
    QVERIFY(!remote.looksLocal());

    ClusterArea area;
    area.attach(&remote, &transcript_, nullptr);
    area.istioView()->setIstioctl(source(u"tests/sim/istioctl"_s));
    QStringList asked;
    area.setConfirmer([&asked](const QString& question, const QString& command) {
        asked << question + u"\n"_s + command;
        return false;
    });
    QSignalSpy started(&runner_, &CommandRunner::commandStarted);

    ManifestEditor* editor = area.manifestEditor();
    QSignalSpy validated(editor, &ManifestEditor::validated);
    QSignalSpy finished(editor, &ManifestEditor::actionFinished);
    editor->openManifest(source(u"tests/sim/manifests/frontend.yaml"_s));
    QVERIFY(validated.wait(10000));
    editor->apply();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(1).toBool(), false);
    QCOMPARE(asked.size(), 1);
    QVERIFY(asked.first().contains(u"staging"_s));
    QVERIFY(hasWords(asked.first(), {u" apply "_s, u" -f -"_s}));  // the question shows the command
    QVERIFY2(editor->statusLabel()->text().contains(u"Not run"_s),
             qPrintable(editor->statusLabel()->text()));

    // Diff changes nothing: it runs without asking.
    editor->diff();
    QCOMPARE(asked.size(), 1);
    QCOMPARE(started.size(), 1);
    QVERIFY(finished.wait(60000));
    started.clear();

    QSignalSpy restarted(area.workloadsView(), &WorkloadsView::restartFinished);
    area.workloadsView()->restart({u"backend"_s});
    QCOMPARE(restarted.size(), 1);
    QCOMPARE(restarted.first().at(0).toBool(), false);
    QCOMPARE(asked.size(), 2);

    QSignalSpy installed(area.istioView(), &IstioView::installFinished);
    area.istioView()->install();
    QCOMPARE(installed.size(), 1);
    QCOMPARE(installed.first().at(0).toBool(), false);
    QCOMPARE(asked.size(), 3);
    QVERIFY(hasWords(asked.last(), {u" install "_s, u" -f "_s}));
    QCOMPARE(started.size(), 0);  // nothing ran

    // frontend was never created through the refused apply.
    QSignalSpy done(&runner_, &CommandRunner::commandFinished);
    runner_.start(Kubectl::get(sim_.target(), u"deployment"_s, {u"frontend"_s, {}, false}));
    QVERIFY(done.wait(30000));
    QVERIFY(!done.first().at(1).value<CommandResult>().ok());
}

void TestClusterArea::nativeAndAmbientSidecars_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("sidecar");
    QTest::addColumn<QString>("note");
    QTest::newRow("native") << u"native-sidecars"_s << u"yes, native"_s
                            << u"sidecar injection enabled"_s;
    QTest::newRow("ambient") << u"ambient"_s << u"ambient: no sidecar"_s << u"ambient mode"_s;
}

void TestClusterArea::nativeAndAmbientSidecars()
{
    QFETCH(QString, scenario);
    QFETCH(QString, sidecar);
    QFETCH(QString, note);
    SimMesh sim;
    const QString why = sim.start(scenario, {u"--no-traffic"_s});
    QVERIFY2(why.isEmpty(), qPrintable(why));
    ClusterContext context(&runner_);
    context.setKubectl(sim.kubectl());
    context.setKubeconfig(sim.target().kubeconfig);
    QVERIFY(waitReady(context));
    WorkloadsView view(&context, &transcript_);
    view.start();
    QTRY_VERIFY_WITH_TIMEOUT(view.deploymentNames().contains(u"frontend"_s), 30000);
    auto sidecarOf = [&view]() -> QString {
        for (int i = 0; i < view.tree()->topLevelItemCount(); ++i) {
            if (view.tree()->topLevelItem(i)->text(0) == u"frontend")
                return view.tree()->topLevelItem(i)->text(4);
        }
        return {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(sidecarOf().startsWith(sidecar), 30000);
    // The note comes from its own read of the namespace, in no order with the watches.
    QTRY_VERIFY2_WITH_TIMEOUT(view.findChild<QLabel*>(u"namespaceNote"_s)->text().contains(note),
                              qPrintable(view.findChild<QLabel*>(u"namespaceNote"_s)->text()),
                              30000);
    view.stop();
}

QTEST_MAIN(TestClusterArea)
#include "tst_clusterarea.moc"
