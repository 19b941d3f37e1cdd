#include "gui/app/ConsoleArea.h"

#include "core/process/Transcript.h"
#include "gui/app/TranscriptDelegate.h"
#include "gui/widgets/EmptyState.h"
#include "gui/widgets/Icons.h"

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QListView>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
struct WriteResult
{
    bool ok = false;
    QString message;
};

WriteResult writeFile(const QString& path, const QByteArray& data, bool executable)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {false, file.errorString()};
    file.write(data);
    if (!file.commit())
        return {false, file.errorString()};
    if (executable) {
        QFile::setPermissions(path, QFile::permissions(path) | QFile::ExeOwner | QFile::ExeGroup |
                                        QFile::ExeOther);
    }
    return {true, {}};
}
}  // namespace

ConsoleArea::ConsoleArea(Transcript* transcript, QWidget* parent)
    : QWidget(parent)
    , transcript_(transcript)
    , stack_(new QStackedWidget(this))
    , empty_(new EmptyState(this))
    , view_(new QListView(this))
    , output_(new QPlainTextEdit(this))
    , outputTimer_(new QTimer(this))
{
    setObjectName(u"consoleArea"_s);

    copyCommand_ = new QAction(Icons::icon(u"copy"_s), tr("Copy command"), this);
    copyCommand_->setObjectName(u"copyCommand"_s);
    copyCommand_->setShortcut(QKeySequence::Copy);
    copyCommand_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    copyOutput_ = new QAction(tr("Copy output"), this);
    copyOutput_->setObjectName(u"copyOutput"_s);
    exportMarkdown_ =
        new QAction(Icons::icon(u"export"_s), tr("Export transcript as Markdown…"), this);
    exportMarkdown_->setObjectName(u"exportMarkdown"_s);
    exportScript_ = new QAction(tr("Export transcript as shell script…"), this);
    exportScript_->setObjectName(u"exportScript"_s);
    connect(copyCommand_, &QAction::triggered, this, &ConsoleArea::copyCommand);
    connect(copyOutput_, &QAction::triggered, this, &ConsoleArea::copyOutput);
    connect(exportMarkdown_, &QAction::triggered, this,
            [this] { chooseExport(ExportFormat::Markdown); });
    connect(exportScript_, &QAction::triggered, this,
            [this] { chooseExport(ExportFormat::ShellScript); });
    view_->addAction(copyCommand_);

    auto* bar = new QToolBar(this);
    bar_ = bar;
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(copyCommand_);
    bar->addAction(copyOutput_);
    auto* exportButton = new QToolButton(bar);
    exportButton->setText(tr("Export"));
    exportButton->setIcon(Icons::icon(u"export"_s));
    exportButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    exportMenu->addAction(exportMarkdown_);
    exportMenu->addAction(exportScript_);
    exportButton->setMenu(exportMenu);
    bar->addWidget(exportButton);

    empty_->setCompact(true);
    empty_->setIconName(u"console"_s);
    empty_->setTitle(tr("Every command, exactly as it runs"));
    empty_->setText(tr("ObsLab never runs a shell: each kubectl or istioctl call appears here "
                       "before it runs, with its output and exit status. Copy any command, or "
                       "export the whole session as a Markdown handout or a shell script."));

    view_->setObjectName(u"transcriptView"_s);
    view_->setModel(transcript_);
    view_->setItemDelegate(new TranscriptDelegate(transcript_, view_));
    view_->setUniformItemSizes(true);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    view_->setAlternatingRowColors(true);
    view_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view_, &QWidget::customContextMenuRequested, this, &ConsoleArea::showContextMenu);

    output_->setObjectName(u"transcriptOutput"_s);
    output_->setReadOnly(true);
    output_->setUndoRedoEnabled(false);
    output_->setLineWrapMode(QPlainTextEdit::NoWrap);
    output_->setPlaceholderText(tr("The selected command's output shows here."));

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(view_);
    splitter->addWidget(output_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    stack_->addWidget(empty_);
    stack_->addWidget(splitter);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(bar);
    layout->addWidget(stack_, 1);

    // Output arrives line by line; repainting the pane at most every 100 ms keeps a chatty
    // command from flooding the event loop.
    outputTimer_->setSingleShot(true);
    outputTimer_->setInterval(100);
    connect(outputTimer_, &QTimer::timeout, this, &ConsoleArea::updateOutput);

    if (transcript_) {
        // Follow new entries only when the user is already at the bottom: scrolling up to read
        // an older command must not be undone by the next one.
        connect(transcript_, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
            const QScrollBar* scroll = view_->verticalScrollBar();
            followNewest_ = scroll->value() >= scroll->maximum() - 2;
            const QModelIndex current = view_->currentIndex();
            selectionOnNewest_ = !current.isValid() || current.row() == transcript_->rowCount() - 1;
        });
        connect(transcript_, &QAbstractItemModel::rowsInserted, this, [this] {
            stack_->setCurrentIndex(1);
            // Whoever is looking at the newest command keeps looking at the newest one.
            if (followNewest_ && selectionOnNewest_ && view_->currentIndex().isValid())
                view_->setCurrentIndex(transcript_->index(transcript_->rowCount() - 1));
            if (followNewest_)
                view_->scrollToBottom();
            updateActions();
            outputTimer_->start();
        });
        connect(transcript_, &QAbstractItemModel::modelReset, this, [this] {
            stack_->setCurrentIndex(transcript_->rowCount() > 0 ? 1 : 0);
            updateActions();
            updateOutput();
        });
        connect(transcript_, &QAbstractItemModel::rowsRemoved, this, [this] {
            stack_->setCurrentIndex(transcript_->rowCount() > 0 ? 1 : 0);
            updateActions();
            updateOutput();
        });
        connect(transcript_, &Transcript::entryOutputAppended, this, [this](quint64 id) {
            const TranscriptEntry* entry = currentEntry();
            if (entry && entry->id == id && !outputTimer_->isActive())
                outputTimer_->start();
        });
        connect(transcript_, &Transcript::entryFinished, this, [this](quint64 id) {
            const TranscriptEntry* entry = currentEntry();
            if (entry && entry->id == id)
                outputTimer_->start();
        });
        stack_->setCurrentIndex(transcript_->rowCount() > 0 ? 1 : 0);
    }
    connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        updateActions();
        updateOutput();
    });
    updateFonts();
    updateActions();
}

const TranscriptEntry* ConsoleArea::currentEntry() const
{
    if (!transcript_ || transcript_->entries().isEmpty())
        return nullptr;
    const QModelIndex current = view_->currentIndex();
    if (current.isValid())
        return transcript_->entry(current.data(Transcript::EntryIdRole).toULongLong());
    return &transcript_->entries().constLast();
}

void ConsoleArea::setStrip(bool strip)
{
    strip_ = strip;
    bar_->setVisible(!strip);
}

QString ConsoleArea::outputText() const
{
    return output_->toPlainText();
}

namespace {

// Output from a cluster with its control characters shown, not obeyed: C0 and DEL as their
// pictures (␛ for ESC), the C1 range U+0080–U+009F as U+FFFD; line breaks and tabs kept.
QString visibleControls(QString text)
{
    for (QChar& c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 && u != u'\n' && u != u'\t')
            c = QChar(char16_t(0x2400 + u));
        else if (u == 0x7f)
            c = QChar(char16_t(0x2421));
        else if (u >= 0x80 && u <= 0x9f)
            c = QChar(char16_t(0xfffd));
    }
    return text;
}

}  // namespace

void ConsoleArea::updateOutput()
{
    const TranscriptEntry* entry = currentEntry();
    if (!entry) {
        shownEntry_ = 0;
        output_->clear();
        return;
    }
    QString text = visibleControls(entry->output);
    if (!entry->stdinText.isEmpty())
        text = tr("# stdin:\n") + visibleControls(entry->stdinText) + u"\n# output:\n"_s + text;
    if (entry->outputTruncated)
        text += tr("\n[output truncated: only the first %1 KiB are kept]")
                    .arg(Transcript::kOutputCap / 1024);
    if (TranscriptDelegate::diffDiffers(*entry))
        text += tr("\n# kubectl diff: differences found (exit 1 is its answer, not a failure)");
    else if (!entry->running && !entry->message.isEmpty() &&
             entry->status != CommandStatus::Succeeded)
        text += u"\n# "_s + entry->message;
    if (shownEntry_ == entry->id && output_->toPlainText() == text)
        return;
    const QScrollBar* bar = output_->verticalScrollBar();
    const bool atBottom = shownEntry_ != entry->id || bar->value() >= bar->maximum() - 2;
    shownEntry_ = entry->id;
    output_->setPlainText(text);
    if (atBottom)
        output_->verticalScrollBar()->setValue(output_->verticalScrollBar()->maximum());
}

void ConsoleArea::updateActions()
{
    const bool any = transcript_ && !transcript_->entries().isEmpty();
    copyCommand_->setEnabled(any);
    copyOutput_->setEnabled(any);
    exportMarkdown_->setEnabled(any);
    exportScript_->setEnabled(any);
}

void ConsoleArea::copyCommand()
{
    if (const TranscriptEntry* entry = currentEntry()) {
        QGuiApplication::clipboard()->setText(entry->shellLine);
        Q_EMIT statusMessage(tr("Copied: %1").arg(entry->shellLine));
    }
}

void ConsoleArea::copyOutput()
{
    if (const TranscriptEntry* entry = currentEntry()) {
        QGuiApplication::clipboard()->setText(entry->output);
        Q_EMIT statusMessage(tr("Copied the output of “%1”").arg(entry->title));
    }
}

void ConsoleArea::chooseExport(ExportFormat format)
{
    const bool markdown = format == ExportFormat::Markdown;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    auto* dialog = new QFileDialog(this, markdown ? tr("Export transcript as Markdown")
                                                  : tr("Export transcript as shell script"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDirectory(dir);
    dialog->selectFile(markdown ? u"obslab-transcript.md"_s : u"obslab-transcript.sh"_s);
    dialog->setNameFilter(markdown ? tr("Markdown (*.md)") : tr("Shell scripts (*.sh)"));
    dialog->setDefaultSuffix(markdown ? u"md"_s : u"sh"_s);
    connect(dialog, &QFileDialog::fileSelected, this,
            [this, format](const QString& path) { exportTranscript(format, path); });
    dialog->open();
}

void ConsoleArea::exportTranscript(ExportFormat format, const QString& path)
{
    if (!transcript_)
        return;
    // Building the text reads the model, so it happens here; the disk write does not.
    const bool script = format == ExportFormat::ShellScript;
    const QByteArray text =
        (script ? transcript_->toShellScript() : transcript_->toMarkdown()).toUtf8();
    auto* watcher = new QFutureWatcher<WriteResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        const WriteResult result = watcher->result();
        const QString message =
            result.ok ? tr("Transcript exported to %1").arg(QDir::toNativeSeparators(path))
                      : tr("Could not export to %1: %2")
                            .arg(QDir::toNativeSeparators(path), result.message);
        Q_EMIT statusMessage(message);
        Q_EMIT exported(path, result.ok, message);
    });
    watcher->setFuture(
        QtConcurrent::run([path, text, script] { return writeFile(path, text, script); }));
}

void ConsoleArea::showContextMenu(const QPoint& pos)
{
    if (!transcript_ || transcript_->entries().isEmpty())
        return;
    const QModelIndex index = view_->indexAt(pos);
    if (index.isValid())
        view_->setCurrentIndex(index);
    QMenu menu(this);
    menu.addAction(copyCommand_);
    menu.addAction(copyOutput_);
    menu.addSeparator();
    menu.addAction(exportMarkdown_);
    menu.addAction(exportScript_);
    menu.exec(view_->viewport()->mapToGlobal(pos));
}

void ConsoleArea::updateFonts()
{
    output_->setFont(TranscriptDelegate::monospaceFont(font()));
}

void ConsoleArea::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        updateFonts();
    QWidget::changeEvent(event);
}

}  // namespace obslab
