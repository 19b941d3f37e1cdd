#include "gui/cluster/ManifestEditor.h"

#include "core/kube/ApplyResult.h"
#include "core/kube/ClusterContext.h"
#include "core/kube/DiffResult.h"
#include "core/kube/KubeError.h"
#include "core/kube/Kubectl.h"
#include "core/lab/LabCatalog.h"
#include "core/process/Command.h"
#include "core/process/Redactor.h"
#include "gui/cluster/CodeEditor.h"
#include "gui/cluster/YamlHighlighter.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QSet>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
constexpr auto kRecentKey = "cluster/recentManifests";
constexpr int kMaxRecent = 8;
constexpr qint64 kMaxFileBytes = Manifest::kMaxBytes;

QTreeWidget* makeTree(const QStringList& headers, const QString& name)
{
    auto* tree = new QTreeWidget;
    tree->setObjectName(name);
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(false);
    tree->setUniformRowHeights(true);
    tree->setAlternatingRowColors(true);
    tree->header()->setStretchLastSection(true);
    return tree;
}
}  // namespace

ManifestEditor::ManifestEditor(ClusterContext* context, QWidget* parent)
    : QWidget(parent)
    , context_(context)
    , confirm_(ClusterActions::dialogConfirmer(this))
{
    setObjectName(u"manifestEditor"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* bar = new QToolBar;
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto addButton = [&](const QString& text, const QString& name, const QString& tip) {
        auto* button = new QToolButton;
        button->setText(text);
        button->setObjectName(name);
        button->setToolTip(tip);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        bar->addWidget(button);
        return button;
    };
    QToolButton* open = addButton(tr("Open…"), u"openButton"_s, tr("Open a manifest file"));
    connect(open, &QToolButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open manifest"), QFileInfo(file_).absolutePath(),
                                         tr("YAML (*.yaml *.yml);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    recentMenu_ = new QMenu(this);
    open->setMenu(recentMenu_);
    open->setPopupMode(QToolButton::MenuButtonPopup);
    connect(recentMenu_, &QMenu::aboutToShow, this, &ManifestEditor::fillRecentMenu);
    QToolButton* saveButton = addButton(tr("Save"), u"saveButton"_s, tr("Save the manifest"));
    connect(saveButton, &QToolButton::clicked, this, [this] { save(); });
    QToolButton* saveAsButton = addButton(tr("Save As…"), u"saveAsButton"_s, {});
    connect(saveAsButton, &QToolButton::clicked, this, [this] { saveAs(); });
    bar->addSeparator();
    diffButton_ = addButton(tr("Diff"), u"diffButton"_s,
                            tr("Compare with the cluster: kubectl diff -f - (changes nothing)"));
    applyButton_ = addButton(tr("Apply"), u"applyButton"_s,
                             tr("Create or update the objects: kubectl apply -f -"));
    deleteButton_ = addButton(tr("Delete"), u"deleteButton"_s,
                              tr("Delete the objects: kubectl delete -f - --ignore-not-found"));
    connect(diffButton_, &QToolButton::clicked, this, &ManifestEditor::diff);
    connect(applyButton_, &QToolButton::clicked, this, &ManifestEditor::apply);
    connect(deleteButton_, &QToolButton::clicked, this, &ManifestEditor::deleteResources);
    summary_ = new QLabel;
    summary_->setObjectName(u"manifestSummary"_s);
    auto* spacer = new QWidget;
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    bar->addWidget(summary_);
    layout->addWidget(bar);

    auto* splitter = new QSplitter(Qt::Horizontal);
    editor_ = new CodeEditor;
    editor_->setObjectName(u"manifestText"_s);
    editor_->setPlaceholderText(
        tr("Paste or open a Kubernetes manifest (several documents separated by ---)."));
    new YamlHighlighter(editor_->document());
    splitter->addWidget(editor_);

    side_ = new QTabWidget;
    problems_ = makeTree({tr("Line"), tr("Problem")}, u"manifestProblems"_s);
    connect(problems_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        editor_->goTo(item->data(0, Qt::UserRole).toInt(), item->data(0, Qt::UserRole + 1).toInt());
    });
    resources_ =
        makeTree({tr("Kind"), tr("Name"), tr("Namespace"), tr("Line")}, u"manifestResources"_s);
    connect(resources_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        editor_->goTo(item->data(0, Qt::UserRole).toInt(), 1);
    });
    results_ = makeTree({tr("Object"), tr("Result")}, u"manifestResults"_s);
    diff_ = new QPlainTextEdit;
    diff_->setObjectName(u"manifestDiff"_s);
    diff_->setReadOnly(true);
    diff_->setLineWrapMode(QPlainTextEdit::NoWrap);
    diff_->setFont(editor_->font());
    new DiffHighlighter(diff_->document());
    side_->addTab(problems_, tr("Problems"));
    side_->addTab(resources_, tr("Resources"));
    side_->addTab(diff_, tr("Diff"));
    side_->addTab(results_, tr("Results"));
    splitter->addWidget(side_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    command_ = new QLineEdit;
    command_->setObjectName(u"manifestCommand"_s);
    command_->setReadOnly(true);
    command_->setFont(editor_->font());
    command_->setPlaceholderText(tr("The command an action runs shows here before it runs."));
    status_ = new QLabel;
    status_->setObjectName(u"manifestStatus"_s);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(command_);
    layout->addWidget(status_);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(300);
    connect(debounce_, &QTimer::timeout, this, &ManifestEditor::validateNow);
    connect(editor_, &QPlainTextEdit::textChanged, this, &ManifestEditor::scheduleValidation);
    updateActions();
    validateNow();
}

void ManifestEditor::scheduleValidation()
{
    ++generation_;
    summary_->setText(tr("checking…"));
    debounce_->start();
    updateActions();
}

void ManifestEditor::validateNow()
{
    debounce_->stop();
    const quint64 generation = ++generation_;
    const QByteArray text = editor_->toPlainText().toUtf8();
    // Parsing megabytes takes a while: off the UI thread; stale results are dropped.
    auto* watcher = new QFutureWatcher<ManifestParse>(this);
    connect(watcher, &QFutureWatcher<ManifestParse>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        onParsed(watcher->result(), generation);
    });
    watcher->setFuture(QtConcurrent::run([text] { return Manifest::parse(text); }));
}

void ManifestEditor::onParsed(const ManifestParse& parse, quint64 generation)
{
    if (generation != generation_)
        return;
    parse_ = parse;
    parsedGeneration_ = generation;

    QMap<int, CodeEditor::Mark> marks;
    problems_->clear();
    for (const ManifestIssue& issue : parse.issues) {
        auto* item = new QTreeWidgetItem(
            problems_, {u"%1:%2"_s.arg(issue.line).arg(issue.column), issue.message});
        item->setData(0, Qt::UserRole, issue.line);
        item->setData(0, Qt::UserRole + 1, issue.column);
        item->setToolTip(1, issue.toString());
        item->setIcon(0, style()->standardIcon(issue.isError() ? QStyle::SP_MessageBoxCritical
                                                               : QStyle::SP_MessageBoxWarning));
        CodeEditor::Mark& mark = marks[issue.line];
        const bool wasMarked = !mark.message.isEmpty();
        mark.error = wasMarked ? (mark.error || issue.isError()) : issue.isError();
        mark.message += (wasMarked ? u"\n"_s : QString()) + issue.toString();
    }
    editor_->setMarks(marks);
    problems_->resizeColumnToContents(0);

    resources_->clear();
    for (const ManifestResource& r : parse.resources) {
        QString name = r.name;
        if (!r.secretKeys.isEmpty())
            name += tr("  (keys: %1, values hidden)").arg(r.secretKeys.join(u", "_s));
        auto* item = new QTreeWidgetItem(resources_, {r.kind, name, r.ns, QString::number(r.line)});
        item->setData(0, Qt::UserRole, r.line);
    }
    for (int c = 0; c < 3; ++c)
        resources_->resizeColumnToContents(c);

    const int errors = parse.errorCount();
    const int warnings = parse.warningCount();
    QString text = Manifest::summary(parse.resources);
    if (errors)
        text += errors == 1 ? tr(" — 1 error") : tr(" — %1 errors").arg(errors);
    if (warnings)
        text += warnings == 1 ? tr(" — 1 warning") : tr(" — %1 warnings").arg(warnings);
    summary_->setText(text);
    side_->setTabText(0, parse.issues.isEmpty() ? tr("Problems")
                                                : tr("Problems (%1)").arg(parse.issues.size()));
    updateActions();
    Q_EMIT validated();

    if (pending_ != Action::None) {
        const Action action = pending_;
        pending_ = Action::None;
        run(action);
    }
}

void ManifestEditor::updateActions()
{
    const bool upToDate = parsedGeneration_ == generation_;
    const bool usable = !parse_.resources.isEmpty() && !parse_.hasErrors();
    const bool enable = !isBusy() && (!upToDate || usable);
    for (QToolButton* b : {diffButton_, applyButton_, deleteButton_})
        b->setEnabled(enable);
}

void ManifestEditor::showStatus(const QString& text, bool error)
{
    status_->setText(error ? u"<b>%1</b>"_s.arg(text.toHtmlEscaped()) : text.toHtmlEscaped());
    status_->setProperty("error", error);
}

QString ManifestEditor::actionName(Action action) const
{
    switch (action) {
    case Action::Diff:
        return u"diff"_s;
    case Action::Apply:
        return u"apply"_s;
    case Action::Delete:
        return u"delete"_s;
    case Action::None:
        break;
    }
    return {};
}

void ManifestEditor::diff()
{
    run(Action::Diff);
}

void ManifestEditor::apply()
{
    run(Action::Apply);
}

void ManifestEditor::deleteResources()
{
    run(Action::Delete);
}

void ManifestEditor::run(Action action)
{
    if (isBusy())
        return;
    if (parsedGeneration_ != generation_) {
        pending_ = action;  // runs once the text is checked
        validateNow();
        return;
    }
    auto refuse = [&](const QString& why) {
        showStatus(why, true);
        Q_EMIT actionFinished(actionName(action), false);
    };
    if (parse_.resources.isEmpty())
        return refuse(
            tr("Nothing to %1: the editor holds no Kubernetes object.").arg(actionName(action)));
    if (parse_.hasErrors())
        return refuse(
            parse_.errorCount() == 1
                ? tr("Fix the error first (marked in the margin).")
                : tr("Fix the %1 errors first (marked in the margin).").arg(parse_.errorCount()));
    if (!context_ || !context_->isReady())
        return refuse(tr("No cluster context yet: check the cluster (Cluster ▸ Check again)."));

    // kubectl refuses objects whose namespace differs from -n: run in theirs, one at a time.
    QSet<QString> namespaces;
    for (const ManifestResource& r : parse_.resources) {
        if (!r.ns.isEmpty())
            namespaces.insert(r.ns);
    }
    if (namespaces.size() > 1)
        return refuse(tr("The objects name several namespaces (%1); kubectl applies one "
                         "namespace per run: split the manifest.")
                          .arg(QStringList(namespaces.cbegin(), namespaces.cend()).join(u", "_s)));
    KubeTarget target = context_->target();
    if (!namespaces.isEmpty())
        target.ns = *namespaces.cbegin();

    const QByteArray text = editor_->toPlainText().toUtf8();
    CommandSpec spec;
    switch (action) {
    case Action::Diff:
        spec = Kubectl::diff(target, text);
        break;
    case Action::Apply:
        spec = Kubectl::apply(target, text);
        break;
    case Action::Delete:
        spec = Kubectl::deleteManifest(target, text);
        break;
    case Action::None:
        return;
    }
    command_->setText(u"$ "_s + ClusterActions::shownCommand(spec));
    showStatus(tr("Running kubectl %1…").arg(actionName(action)), false);
    const ClusterActions::Started started = ClusterActions::start(context_, spec, confirm_);
    if (!started.command)
        return refuse(started.error);
    running_ = started.command;
    updateActions();
    connect(started.command, &Command::finished, this,
            [this, action](const CommandResult& result) { onFinished(action, result); });
}

void ManifestEditor::onFinished(Action action, const CommandResult& result)
{
    running_.clear();
    updateActions();
    const QString out = QString::fromUtf8(result.stdoutData);
    if (action == Action::Diff) {
        const DiffOutcome outcome = DiffResult::outcome(result);
        if (outcome != DiffOutcome::Failed) {
            const bool same = outcome == DiffOutcome::Same;
            // kubectl masks Secret values in diffs itself; redact anything it missed.
            diff_->setPlainText(same ? tr("No differences: the cluster already matches.")
                                     : Redactor::redactText(out));
            side_->setCurrentWidget(diff_);
            showStatus(same ? tr("No differences.")
                            : tr("Differences shown in the Diff tab (+ what apply would "
                                 "set, - what the cluster has)."),
                       false);
            Q_EMIT actionFinished(u"diff"_s, true);
            return;
        }
    } else if (result.ok()) {
        results_->clear();
        const QList<AppliedObject> objects = ApplyResult::parse(result.stdoutData);
        for (const AppliedObject& o : objects) {
            auto* item =
                new QTreeWidgetItem(results_, {o.resource + u'/' + o.name, o.operationText});
            item->setData(1, Qt::UserRole, int(o.operation));
        }
        results_->resizeColumnToContents(0);
        side_->setCurrentWidget(results_);
        const QString count =
            objects.size() == 1 ? tr("1 object") : tr("%1 objects").arg(objects.size());
        showStatus(action == Action::Apply ? tr("Applied: %1.").arg(count)
                                           : tr("Deleted: %1.").arg(count),
                   false);
        Q_EMIT actionFinished(actionName(action), true);
        return;
    }
    const KubeError error = KubeErrors::classify(result);
    results_->clear();
    for (const KubeError& e : KubeErrors::classifyAll(result.stderrData)) {
        auto* item = new QTreeWidgetItem(results_, {e.object, e.line});
        item->setToolTip(1, e.message);
    }
    side_->setCurrentWidget(results_);
    showStatus(tr("kubectl %1 failed: %2").arg(actionName(action), error.message), true);
    Q_EMIT actionFinished(actionName(action), false);
}

void ManifestEditor::setText(const QString& text)
{
    editor_->setPlainText(text);
    validateNow();
}

void ManifestEditor::openManifest(const QString& pathOrText)
{
    const QFileInfo info(pathOrText);
    if (!pathOrText.contains(u'\n') && info.isFile()) {
        openFile(info.absoluteFilePath());
        return;
    }
    file_.clear();
    Q_EMIT fileChanged(file_);
    setText(pathOrText);
}

bool ManifestEditor::openFile(const QString& path)
{
    QFile f(path);
    if (f.size() > kMaxFileBytes) {
        showStatus(tr("%1 is larger than %2 MiB; ObsLab edits manifests up to that size.")
                       .arg(path)
                       .arg(kMaxFileBytes / (1024 * 1024)),
                   true);
        return false;
    }
    if (!f.open(QIODevice::ReadOnly)) {
        showStatus(tr("Could not open %1: %2").arg(path, f.errorString()), true);
        return false;
    }
    file_ = path;
    setText(QString::fromUtf8(f.readAll()));
    addRecent(path);
    showStatus(tr("Opened %1").arg(path), false);
    Q_EMIT fileChanged(file_);
    return true;
}

bool ManifestEditor::save()
{
    return file_.isEmpty() ? saveAs() : saveAs(file_);
}

bool ManifestEditor::saveAs(const QString& path)
{
    QString target = path;
    if (target.isEmpty()) {
        target = QFileDialog::getSaveFileName(this, tr("Save manifest"), file_,
                                              tr("YAML (*.yaml *.yml);;All files (*)"));
        if (target.isEmpty())
            return false;
    }
    QSaveFile f(target);
    if (!f.open(QIODevice::WriteOnly) || f.write(editor_->toPlainText().toUtf8()) < 0 ||
        !f.commit()) {
        showStatus(tr("Could not save %1: %2").arg(target, f.errorString()), true);
        return false;
    }
    file_ = target;
    editor_->document()->setModified(false);
    addRecent(target);
    showStatus(tr("Saved %1").arg(target), false);
    Q_EMIT fileChanged(file_);
    return true;
}

void ManifestEditor::addRecent(const QString& path)
{
    QSettings settings;
    QStringList recent = settings.value(QLatin1String(kRecentKey)).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QLatin1String(kRecentKey), recent);
}

void ManifestEditor::fillRecentMenu()
{
    recentMenu_->clear();
    const QStringList recent = QSettings().value(QLatin1String(kRecentKey)).toStringList();
    if (recent.isEmpty())
        recentMenu_->addAction(tr("No recent manifests"))->setEnabled(false);
    for (const QString& path : recent) {
        recentMenu_->addAction(QFileInfo(path).fileName() + u"  —  "_s + path, this,
                               [this, path] { openFile(path); });
    }
    // The built-in labs' manifests (plain files beside each lab.yaml; a directory listing only).
    QSet<QString> seen;
    for (const QString& dir : LabCatalog::searchDirs()) {
        for (const QFileInfo& lab : QDir(dir).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QFileInfoList files =
                QDir(lab.filePath() + u"/manifests"_s)
                    .entryInfoList({u"*.yaml"_s, u"*.yml"_s}, QDir::Files, QDir::Name);
            if (files.isEmpty() || seen.contains(lab.fileName()))
                continue;
            seen.insert(lab.fileName());
            QMenu* menu = recentMenu_->addMenu(tr("Lab %1").arg(lab.fileName()));
            menu->setObjectName(u"labManifests_"_s + lab.fileName());
            for (const QFileInfo& f : files) {
                const QString path = f.absoluteFilePath();
                menu->addAction(f.fileName(), this, [this, path] { openFile(path); });
            }
        }
    }
}

}  // namespace obslab
