#include "LogsArea.h"

#include "widgets/EmptyState.h"
#include "widgets/Icons.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

LogsArea::LogsArea(QWidget* parent)
    : QWidget(parent)
    , stack_(new QStackedWidget(this))
    , empty_(new EmptyState(this))
    , list_(new QListWidget(this))
    , header_(new QLabel(this))
    , preview_(new QPlainTextEdit(this))
{
    setObjectName(u"logsArea"_s);
    setAcceptDrops(true);

    empty_->setIconName(u"logs"_s);
    empty_->setTitle(tr("Browse Envoy access logs"));
    empty_->setText(tr("Open a saved <code>istio-proxy</code> log — plain text, hundreds of "
                       "megabytes are fine — to filter it by trace, status, service or time "
                       "and follow one request across services."));
    empty_->addAction(tr("Open a saved log…"), u"open"_s, [this] { Q_EMIT openRequested(); });
    empty_->addAction(tr("Open the sample log"), u"sample"_s,
                      [this] { openFiles({sampleLogPath()}); });
    empty_->setFootnote(tr("or drop a file here"));

    list_->setObjectName(u"logFiles"_s);
    list_->setIconSize(QSize(fontMetrics().height(), fontMetrics().height()));
    connect(list_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < files_.size())
            showFile(files_.at(row));
    });
    header_->setWordWrap(true);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    preview_->setObjectName(u"logPreview"_s);
    preview_->setReadOnly(true);
    preview_->setLineWrapMode(QPlainTextEdit::NoWrap);
    preview_->setUndoRedoEnabled(false);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(header_);
    rightLayout->addWidget(preview_, 1);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(list_);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 4);

    stack_->addWidget(empty_);
    stack_->addWidget(splitter);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(stack_);
    updateMonospace();
}

QString LogsArea::sampleLogPath()
{
    return u":/samples/istio-proxy-sample.log"_s;
}

QString LogsArea::previewText() const
{
    return preview_->toPlainText();
}

void LogsArea::openFiles(const QStringList& paths)
{
    QStringList added;
    QString first;
    for (const QString& path : paths) {
        const QString absolute = path.startsWith(u':') ? path : QFileInfo(path).absoluteFilePath();
        if (first.isEmpty())
            first = absolute;
        if (files_.contains(absolute))
            continue;
        files_ << absolute;
        added << absolute;
        auto* item =
            new QListWidgetItem(Icons::icon(u"logs"_s),
                                absolute == sampleLogPath() ? tr("Sample istio-proxy log")
                                                            : QFileInfo(absolute).fileName(),
                                list_);
        item->setToolTip(absolute);
    }
    if (first.isEmpty())
        return;
    stack_->setCurrentIndex(1);
    list_->setCurrentRow(int(files_.indexOf(first)));
    showFile(first);
    if (!added.isEmpty())
        Q_EMIT filesOpened(added);
}

void LogsArea::showFile(const QString& path)
{
    if (current_ == path && previews_.contains(path))
        return;
    current_ = path;
    if (const auto it = previews_.constFind(path); it != previews_.constEnd()) {
        showPreview(*it);
        return;
    }
    header_->setText(tr("<b>%1</b> — reading…").arg(QFileInfo(path).fileName().toHtmlEscaped()));
    preview_->clear();
    auto* watcher = new QFutureWatcher<FilePreview>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const FilePreview preview = watcher->result();
        previews_.insert(preview.path, preview);
        if (preview.path == current_)
            showPreview(preview);
    });
    watcher->setFuture(QtConcurrent::run([path] { return FilePreview::load(path); }));
}

void LogsArea::showPreview(const FilePreview& preview)
{
    const QString name = preview.path == sampleLogPath() ? tr("Sample istio-proxy log")
                                                         : QFileInfo(preview.path).fileName();
    QString header = u"<b>%1</b>"_s.arg(name.toHtmlEscaped());
    if (preview.size >= 0)
        header += u" — "_s + QLocale().formattedDataSize(preview.size);
    if (preview.truncated)
        header += u" — "_s +
                  tr("showing the first %1").arg(QLocale().formattedDataSize(FilePreview::kLimit));
    if (!preview.problem.isEmpty())
        header += u"<br>"_s + preview.problem.toHtmlEscaped();
    header += u"<br><span style=\"font-size: small\">%1</span>"_s.arg(
        preview.path.startsWith(u':') ? tr("bundled with ObsLab") : preview.path.toHtmlEscaped());
    header_->setText(header);
    preview_->setPlainText(preview.text);
    Q_EMIT previewShown(preview.path);
}

void LogsArea::dragEnterEvent(QDragEnterEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (std::any_of(urls.cbegin(), urls.cend(), [](const QUrl& u) { return u.isLocalFile(); }))
        event->acceptProposedAction();
}

void LogsArea::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    openFiles(paths);
    event->acceptProposedAction();
}

void LogsArea::updateMonospace()
{
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(font().pointSizeF());
    preview_->setFont(mono);
}

void LogsArea::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        updateMonospace();
    QWidget::changeEvent(event);
}

}  // namespace obslab
