#include "gui/logs/LogsArea.h"

#include "core/common/AppSettings.h"
#include "core/kube/PodFollower.h"
#include "core/logs/LiveLogStore.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"
#include "core/logs/LogMerge.h"
#include "core/process/Transcript.h"
#include "gui/common/Navigator.h"
#include "gui/logs/LineDetails.h"
#include "gui/logs/LogExport.h"
#include "gui/logs/LogRowDelegate.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/TraceLane.h"
#include "gui/logs/WholeLineViewer.h"
#include "gui/widgets/Banner.h"
#include "gui/widgets/EmptyState.h"
#include "gui/widgets/Icons.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMimeData>
#include <QProgressBar>
#include <QRegularExpression>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <climits>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QToolButton* toolButton(QWidget* parent, const QString& text, const QString& tip,
                        const QString& icon = {})
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    if (!icon.isEmpty()) {
        b->setIcon(Icons::icon(icon));
        b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    }
    return b;
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

}  // namespace

LogsArea::LogsArea(QWidget* parent)
    : QWidget(parent)
    , stack_(new QStackedWidget(this))
    , empty_(new EmptyState(this))
{
    setObjectName(u"logsArea"_s);
    setAcceptDrops(true);

    empty_->setIconName(u"logs"_s);
    empty_->setTitle(tr("Browse Envoy access logs"));
    empty_->setText(tr("Open a saved <code>istio-proxy</code> log — plain or <code>.gz</code>, "
                       "gigabytes are fine — to filter it by trace, status, service or time "
                       "and follow one request across services."));
    empty_->addAction(tr("Open a saved log…"), u"open"_s, [this] {
        if (navigator_)
            navigator_->openLogDialog();
    });
    empty_->addAction(tr("Open the sample log"), u"sample"_s,
                      [this] { openFiles({sampleLogPath()}); });
    empty_->setFootnote(tr("or drop files here · Ctrl+O"));

    stack_->addWidget(empty_);
    buildViewer();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(banner_);
    layout->addWidget(stack_);
    createShortcuts();
    updateFonts();

    histogramTimer_.setSingleShot(true);
    histogramTimer_.setInterval(700);
    connect(&histogramTimer_, &QTimer::timeout, this, &LogsArea::computeHistogram);
    statusTimer_.setSingleShot(true);
    statusTimer_.setInterval(100);
    connect(&statusTimer_, &QTimer::timeout, this, &LogsArea::updateStatus);
}

LogsArea::~LogsArea()
{
    // From here on nothing of ours may react to the children: QWidget's destructor deletes them
    // after this object is no longer a LogsArea, and a table that relayouts meanwhile would call
    // our lambdas on a half-destroyed object (UBSan caught it with the scroll bar's rangeChanged).
    const QList<QObject*> children = findChildren<QObject*>();
    for (QObject* child : children)
        child->disconnect(this);
    stopHistogram();
    stopExport();
    // The filter and the trace lane watch the files: let them go first.
    delete filter_;
    filter_ = nullptr;
    lane_->clear();
    model_->setLogFile(nullptr);
    for (Source& s : sources_) {
        delete s.follower;
        delete s.merge;  // stops its worker before the file it writes goes
        if (s.live)
            delete s.live;  // owns its LogFile
        else
            delete s.file;
    }
}

void LogsArea::buildViewer()
{
    auto* page = new QWidget(this);
    banner_ = new Banner(this);
    banner_->setObjectName(u"logsBanner"_s);
    banner_->hide();
    connect(banner_, &Banner::dismissed, banner_, &QWidget::hide);

    sourceBox_ = new QComboBox(page);
    sourceBox_->setObjectName(u"logSources"_s);
    sourceBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    sourceBox_->setMinimumContentsLength(18);
    sourceBox_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    sourceBox_->setMinimumWidth(fontMetrics().horizontalAdvance(u'x') * 6);
    connect(sourceBox_, &QComboBox::activated, this, &LogsArea::showSource);
    progress_ = new QProgressBar(page);
    progress_->setObjectName(u"indexProgress"_s);
    progress_->setRange(0, 1000);
    progress_->setTextVisible(true);
    progress_->setMaximumWidth(fontMetrics().horizontalAdvance(u'x') * 28);
    progress_->hide();
    cancelIndexing_ =
        toolButton(page, tr("Stop"), tr("Stop indexing; what is read stays"), u"stop"_s);
    cancelIndexing_->setObjectName(u"cancelIndexing"_s);
    cancelIndexing_->hide();
    connect(cancelIndexing_, &QToolButton::clicked, this, [this] {
        if (LogFile* f = logFile())
            f->cancelIndexing();
        progress_->hide();
        cancelIndexing_->hide();
        updateStatus();
    });
    followButton_ =
        toolButton(page, tr("Follow"), tr("Keep the newest line in view as lines arrive (Space)"));
    followButton_->setObjectName(u"followButton"_s);
    followButton_->setCheckable(true);
    connect(followButton_, &QToolButton::toggled, this, &LogsArea::setFollowing);
    rawButton_ = toolButton(page, tr("Raw"), tr("Show each line as it is written"));
    rawButton_->setCheckable(true);
    connect(rawButton_, &QToolButton::toggled, this, &LogsArea::setRawMode);
    utcButton_ = toolButton(page, tr("UTC"), tr("Show times in UTC or in local time"));
    utcButton_->setObjectName(u"utcButton"_s);
    connect(utcButton_, &QToolButton::clicked, this, [this] { setUtc(!model_->isUtc()); });
    laneButton_ =
        toolButton(page, tr("Trace lane"),
                   tr("Every line of the current line's trace, across pods (Ctrl+T)"), u"traces"_s);
    connect(laneButton_, &QToolButton::clicked, this, &LogsArea::openTraceLaneForCurrent);
    exportButton_ = toolButton(page, tr("Export"), tr("Save or copy lines"), u"export"_s);
    exportButton_->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton_);
    exportMenu->addAction(tr("Save Shown Lines As…"), this, [this] {
        auto* dialog = new QFileDialog(this, tr("Save the lines shown"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setNameFilters({tr("Logs (*.log *.txt)"), tr("All files (*)")});
        dialog->selectFile(u"filtered.log"_s);
        connect(dialog, &QFileDialog::fileSelected, this, &LogsArea::exportLines);
        dialog->open();
    });
    exportMenu->addAction(tr("Copy Selected Lines"), QKeySequence::Copy, this,
                          [this] { QApplication::clipboard()->setText(selectedAsText()); });
    exportMenu->addAction(tr("Copy Selected as Markdown Table"), QKeySequence(u"Ctrl+Shift+C"_s),
                          this,
                          [this] { QApplication::clipboard()->setText(selectedAsMarkdown()); });
    exportButton_->setMenu(exportMenu);

    stopLive_ = toolButton(page, tr("Stop following"),
                           tr("Stop the kubectl logs streams; the lines stay"), u"stop"_s);
    stopLive_->setObjectName(u"stopLive"_s);
    stopLive_->hide();
    connect(stopLive_, &QToolButton::clicked, this, [this] {
        if (current_ >= 0 && sources_.at(current_).follower)
            sources_.at(current_).follower->stop();
        stopLive_->hide();
    });
    saveSession_ = exportMenu->addAction(tr("Save Live Session As…"), this, [this] {
        auto* dialog = new QFileDialog(this, tr("Save everything followed"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->selectFile(u"session.log"_s);
        connect(dialog, &QFileDialog::fileSelected, this,
                [this](const QString& path) { saveSession(path); });
        dialog->open();
    });
    saveSession_->setVisible(false);

    auto* top = new QHBoxLayout;
    top->setContentsMargins(4, 2, 4, 0);
    top->setSpacing(4);
    top->addWidget(sourceBox_);
    top->addWidget(progress_);
    top->addWidget(cancelIndexing_);
    top->addWidget(stopLive_);
    top->addStretch(1);
    top->addWidget(laneButton_);
    top->addWidget(rawButton_);
    top->addWidget(utcButton_);
    top->addWidget(followButton_);
    top->addWidget(exportButton_);

    filterBar_ = new FilterBar(page);
    connect(filterBar_, &FilterBar::queryApplied, this, &LogsArea::onQuery);
    connect(filterBar_, &FilterBar::modeChanged, this, &LogsArea::applyMode);
    connect(filterBar_, &FilterBar::nextRequested, this, [this] { jumpToMatch(true); });
    connect(filterBar_, &FilterBar::previousRequested, this, [this] { jumpToMatch(false); });

    histogram_ = new HistogramStrip(page);
    connect(histogram_, &HistogramStrip::rangeSelected, this, &LogsArea::setTimeRange);
    connect(histogram_, &HistogramStrip::selectionCleared, this, [this] { setTimeRange(0, 0); });
    connect(histogram_, &HistogramStrip::timeClicked, this, [this](qint64 ms) {
        const int row = model_->rowForTime(ms);
        if (row >= 0)
            goToLine(model_->lineAt(row));
    });

    model_ = new LogTableModel(this);
    table_ = new QTableView(page);
    table_->setObjectName(u"logTable"_s);
    table_->setModel(model_);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &LogsArea::updateDetails);
    delegate_ = new LogRowDelegate(table_);
    table_->setItemDelegate(delegate_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setShowGrid(false);
    table_->setWordWrap(false);
    table_->setAlternatingRowColors(true);
    table_->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    table_->setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->horizontalHeader()->setHighlightSections(false);
    table_->setContextMenuPolicy(Qt::ActionsContextMenu);
    table_->addActions(exportMenu->actions());
    auto* wholeLine = new QAction(tr("Open Whole Line"), table_);
    wholeLine->setObjectName(u"openWholeLine"_s);
    connect(wholeLine, &QAction::triggered, this, [this] {
        const QModelIndex index = table_->currentIndex();
        if (index.isValid())
            openWholeLine(model_->lineAt(index.row()));
    });
    table_->addAction(wholeLine);
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (model_->isRawMode())
            openWholeLine(model_->lineAt(index.row()));
    });
    connect(table_, &QTableView::clicked, this, [this](const QModelIndex& index) {
        if (model_->isRawMode() || index.column() != LogTableModel::TraceColumn)
            return;
        const QString id = index.data(LogTableModel::TraceIdRole).toString();
        if (!id.isEmpty())
            openTraceLane(id);
    });
    connect(model_, &QAbstractItemModel::rowsInserted, this, &LogsArea::onRowsInserted);
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        updateDetails();
        scheduleStatus();
    });
    connect(table_->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (autoScrolling_)
            return;
        const bool atEnd = value >= table_->verticalScrollBar()->maximum();
        if (follow_ != atEnd && (!atEnd || value > 0))
            setFollowing(atEnd);
    });
    connect(table_->verticalScrollBar(), &QScrollBar::rangeChanged, this, [this] {
        if (follow_) {
            autoScrolling_ = true;
            table_->scrollToBottom();
            autoScrolling_ = false;
        }
    });

    details_ = new QTextBrowser(page);
    details_->setObjectName(u"lineDetails"_s);
    details_->setOpenLinks(false);
    details_->setMinimumWidth(fontMetrics().horizontalAdvance(u'x') * 24);
    details_->setPlaceholderText(tr("Select a line to see its fields decoded"));
    connect(details_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        const QString value = QUrl::fromPercentEncoding(url.path().toUtf8());
        if (url.scheme() == u"obslab-trace")
            openTraceLane(value);
        else if (url.scheme() == u"obslab-request")
            openRequestLane(value);
        else if (url.scheme() == u"obslab-line")
            openWholeLine(value.toLongLong());
    });

    lane_ = new TraceLane(page);
    lane_->hide();
    connect(lane_, &TraceLane::closeRequested, lane_, &QWidget::hide);
    connect(lane_, &TraceLane::lineActivated, this, &LogsArea::goToLine);
    connect(lane_, &TraceLane::filterRequested, this, [this](const QString& q) {
        filterBar_->setMode(FilterBar::Mode::Filter);
        filterBar_->setText(q);
    });
    connect(lane_, &TraceLane::openTraceRequested, this, [this](const QString& traceId) {
        if (navigator_)
            navigator_->showTrace(traceId);
    });
    connect(lane_, &TraceLane::openRequestIdRequested, this, [this](const QString& requestId) {
        if (navigator_)
            navigator_->showRequestId(requestId);
    });

    auto* horizontal = new QSplitter(Qt::Horizontal, page);
    horizontal->addWidget(table_);
    horizontal->addWidget(details_);
    horizontal->setStretchFactor(0, 4);
    horizontal->setStretchFactor(1, 1);
    horizontal->setChildrenCollapsible(false);
    horizontal->setSizes({780, 220});  // proportions: the side panel reads a field a line
    vertical_ = new QSplitter(Qt::Vertical, page);
    vertical_->addWidget(horizontal);
    vertical_->addWidget(lane_);
    vertical_->setStretchFactor(0, 3);
    vertical_->setStretchFactor(1, 1);
    vertical_->setChildrenCollapsible(false);

    status_ = new QLabel(page);
    status_->setObjectName(u"logStatus"_s);
    goTo_ = new QLineEdit(page);
    goTo_->setObjectName(u"goToLine"_s);
    goTo_->setPlaceholderText(tr("Go to line (Ctrl+G)"));
    goTo_->setValidator(new QIntValidator(1, INT_MAX, goTo_));
    goTo_->setMaximumWidth(fontMetrics().horizontalAdvance(u'x') * 22);
    connect(goTo_, &QLineEdit::returnPressed, this, [this] {
        goToLine(goTo_->text().toLongLong() - 1);
        table_->setFocus();
    });
    auto* bottom = new QHBoxLayout;
    bottom->setContentsMargins(6, 0, 4, 2);
    bottom->addWidget(status_, 1);
    bottom->addWidget(goTo_);

    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(filterBar_);
    layout->addWidget(histogram_);
    layout->addWidget(vertical_, 1);
    layout->addLayout(bottom);
    stack_->addWidget(page);
}

void LogsArea::createShortcuts()
{
    auto add = [this](const QString& text, const QKeySequence& keys, auto slot) {
        auto* action = new QAction(text, this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        keyActions_ << action;
        return action;
    };
    add(tr("Logs: Find (Highlight Matches)"), QKeySequence(u"Ctrl+F"_s), [this] {
        filterBar_->setMode(FilterBar::Mode::Highlight);
        filterBar_->edit()->setFocus();
        filterBar_->edit()->selectAll();
    });
    add(tr("Logs: Filter"), QKeySequence(u"Ctrl+L"_s), [this] {
        filterBar_->edit()->setFocus();
        filterBar_->edit()->selectAll();
    });
    add(tr("Logs: Next Match"), QKeySequence(Qt::Key_F3), [this] { jumpToMatch(true); });
    add(tr("Logs: Previous Match"), QKeySequence(Qt::SHIFT | Qt::Key_F3),
        [this] { jumpToMatch(false); });
    add(tr("Logs: Go to Line"), QKeySequence(u"Ctrl+G"_s), [this] {
        goTo_->setFocus();
        goTo_->selectAll();
    });
    add(tr("Logs: Trace Lane of the Current Line"), QKeySequence(u"Ctrl+T"_s),
        [this] { openTraceLaneForCurrent(); });
    add(tr("Logs: Follow / Pause"), QKeySequence(Qt::Key_Space),
        [this] { setFollowing(!follow_); });
    add(tr("Logs: Close the Trace Lane"), QKeySequence(Qt::Key_Escape), [this] {
        if (lane_->isVisible())
            lane_->hide();
    });
}

void LogsArea::setSettings(AppSettings* settings)
{
    settings_ = settings;
    filterBar_->setSettings(settings);
    if (settings_) {
        const QVariant utc = settings_->raw().value(u"logs/utc"_s);
        if (utc.isValid())
            setUtc(utc.toBool());
    }
}

void LogsArea::setTranscript(Transcript* transcript)
{
    transcript_ = transcript;
}

QString LogsArea::sampleLogPath()
{
    return u":/samples/istio-proxy-sample.log"_s;
}

QStringList LogsArea::files() const
{
    QStringList out;
    for (const Source& s : sources_)
        out << s.path;
    return out;
}

QString LogsArea::currentFile() const
{
    return current_ >= 0 ? sources_.at(current_).path : QString();
}

LogFile* LogsArea::logFile() const
{
    return current_ >= 0 ? sources_.at(current_).file : nullptr;
}

QString LogsArea::localCopyOf(const QString& resource)
{
    // LogFile reads with pread: a bundled resource becomes a real (temporary) file first.
    if (!tempDir_.isValid())
        return {};
    const QString target = tempDir_.filePath(QFileInfo(resource).fileName());
    if (!QFileInfo::exists(target) && !QFile::copy(resource, target))
        return {};
    QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
    return target;
}

void LogsArea::showError(const QString& html)
{
    banner_->setMessage(Tone::Danger, u"error"_s, html);
    banner_->clearActions();
    banner_->addAction(tr("Open another log…"), [this] {
        if (navigator_)
            navigator_->openLogDialog();
    });
    banner_->show();
}

void LogsArea::openFiles(const QStringList& paths)
{
    QStringList added;
    int first = -1;
    QStringList problems;
    QList<QPair<QString, QString>> fresh;  // (path as given, file on disk)
    for (const QString& given : paths) {
        const bool resource = given.startsWith(u':');
        const QString path = resource ? given : QFileInfo(given).absoluteFilePath();
        const auto existing = std::find_if(sources_.cbegin(), sources_.cend(),
                                           [&](const Source& s) { return s.path == path; });
        if (existing != sources_.cend()) {
            if (first < 0)
                first = int(existing - sources_.cbegin());
            continue;
        }
        if (std::any_of(fresh.cbegin(), fresh.cend(),
                        [&](const auto& f) { return f.first == path; }))
            continue;
        const QString disk = resource ? localCopyOf(path) : path;
        if (disk.isEmpty()) {
            problems << tr("<b>%1</b>: the bundled sample could not be copied to %2")
                            .arg(QFileInfo(path).fileName().toHtmlEscaped(),
                                 tempDir_.path().toHtmlEscaped());
            continue;
        }
        if (!QFileInfo(disk).isFile() || !QFileInfo(disk).isReadable()) {
            problems << tr("<b>%1</b>: %2")
                            .arg(QFileInfo(path).fileName().toHtmlEscaped(),
                                 (!QFileInfo::exists(disk)  ? tr("no such file")
                                  : QFileInfo(disk).isDir() ? tr("it is a folder")
                                                            : tr("it cannot be read (permissions)"))
                                     .toHtmlEscaped());
            continue;
        }
        fresh.append({path, disk});
    }
    if (fresh.size() >= 2) {
        // Several files at once: one log, merged by time, each line prefixed with its file.
        QStringList disks;
        QStringList given;
        for (const auto& f : std::as_const(fresh)) {
            given << f.first;
            disks << f.second;
        }
        auto* file = new LogFile(this);
        auto* merge = new LogMerge(this);
        if (merge->open(disks, file)) {
            Source source;
            source.path = given.join(u'\n');
            source.title = LogMerge::displayName(disks);
            source.file = file;
            source.merge = merge;
            connect(
                merge, &LogMerge::progressChanged, this, [this, file](qint64 done, qint64 total) {
                    if (file != logFile())
                        return;
                    progress_->setVisible(done < total);
                    cancelIndexing_->setVisible(done < total);
                    progress_->setFormat(tr("Merging %p%"));
                    progress_->setValue(total > 0 ? int(1000.0 * double(done) / double(total)) : 0);
                });
            connect(merge, &LogMerge::finished, this,
                    [this, file](const QStringList& mergeProblems, bool) {
                        if (file == logFile()) {
                            progress_->hide();
                            cancelIndexing_->hide();
                        }
                        if (!mergeProblems.isEmpty()) {
                            banner_->setMessage(
                                Tone::Warning, u"warning"_s,
                                tr("Some lines could not be merged:<br>%1")
                                    .arg(mergeProblems.join(u"<br>"_s).toHtmlEscaped()));
                            banner_->clearActions();
                            banner_->show();
                        }
                    });
            const int index = addSource(source);
            if (first < 0)
                first = index;
            added << given;
        } else {
            problems << merge->errorString().toHtmlEscaped();
            delete merge;
            delete file;
        }
    } else if (fresh.size() == 1) {
        const auto& [path, disk] = fresh.constFirst();
        auto* file = new LogFile(this);
        if (!file->open(disk)) {
            problems << tr("<b>%1</b>: %2")
                            .arg(QFileInfo(path).fileName().toHtmlEscaped(),
                                 file->errorString().toHtmlEscaped());
            delete file;
        } else {
            Source source;
            source.path = path;
            source.title =
                path == sampleLogPath() ? tr("Sample istio-proxy log") : QFileInfo(path).fileName();
            source.file = file;
            const int index = addSource(source);
            if (first < 0)
                first = index;
            added << path;
        }
    }
    if (!problems.isEmpty())
        showError(tr("Could not open %1").arg(problems.join(u"<br>"_s)));
    else if (first >= 0)
        banner_->hide();
    if (first >= 0) {
        stack_->setCurrentIndex(1);
        showSource(first);
    }
    if (!added.isEmpty())
        Q_EMIT filesOpened(added);
}

int LogsArea::addSource(Source source)
{
    LogFile* file = source.file;
    sources_.append(source);
    sourceBox_->addItem(Icons::icon(source.live ? u"running"_s : u"logs"_s), source.title);
    sourceBox_->setItemData(sourceBox_->count() - 1, source.path, Qt::ToolTipRole);
    connect(file, &LogFile::linesAppended, this, [this, file] {
        for (Source& s : sources_) {
            if (s.file == file && !s.shown && file == logFile()) {
                s.shown = true;
                Q_EMIT fileShown(s.path);
            }
        }
    });
    return int(sources_.size()) - 1;
}

int LogsArea::addLiveSource(const QString& title, LiveLogStore* store, PodFollower* follower)
{
    store->setParent(this);
    if (follower) {
        follower->setParent(this);
        connect(follower, &PodFollower::linesReady, store,
                [store](const QVector<kube::FollowedLine>& lines) { store->appendAll(lines); });
        connect(follower, &PodFollower::warning, this, [this](const QString& message) {
            banner_->setMessage(Tone::Warning, u"warning"_s, message.toHtmlEscaped());
            banner_->clearActions();
            banner_->show();
        });
        connect(follower, &PodFollower::failed, this, [this](const QString& message) {
            showError(tr("Following stopped: %1").arg(message.toHtmlEscaped()));
        });
        connect(follower, &PodFollower::podAppeared, this,
                [this](const QString& pod) { status_->setText(tr("Following pod %1").arg(pod)); });
        connect(follower, &PodFollower::stopped, this, &LogsArea::updateLiveControls);
    }
    connect(store, &LiveLogStore::writeFailed, this, [this](const QString& message) {
        showError(tr("Followed lines cannot be written to disk (%1); they are kept in memory and "
                     "written when the disk accepts them again.")
                      .arg(message.toHtmlEscaped()));
    });
    connect(store, &LiveLogStore::saved, this, [this](const QString& path, const QString& error) {
        if (error.isEmpty())
            status_->setText(tr("Session saved to %1").arg(path));
        else
            showError(tr("The session could not be saved: %1").arg(error.toHtmlEscaped()));
        Q_EMIT sessionSaved(path, error);
    });
    Source source;
    source.path = u"live:"_s + title;
    source.title = title;
    source.file = store->logFile();
    source.live = store;
    source.follower = follower;
    const int index = addSource(source);
    stack_->setCurrentIndex(1);
    showSource(index);
    setFollowing(true);
    return index;
}

bool LogsArea::saveSession(const QString& path)
{
    if (current_ < 0 || !sources_.at(current_).live)
        return false;
    return sources_.at(current_).live->saveAs(path);
}

void LogsArea::updateLiveControls()
{
    const Source* s = current_ >= 0 ? &sources_.at(current_) : nullptr;
    const bool live = s && s->live;
    stopLive_->setVisible(live && s->follower && s->follower->isRunning());
    saveSession_->setEnabled(live);
    saveSession_->setVisible(live);
}

void LogsArea::showSource(int index)
{
    if (index < 0 || index >= sources_.size())
        return;
    if (index == current_) {
        sourceBox_->setCurrentIndex(index);
        return;
    }
    stopHistogram();
    stopExport();
    if (LogFile* old = logFile())
        old->disconnect(this, nullptr);
    current_ = index;
    sourceBox_->setCurrentIndex(index);
    sourceBox_->setVisible(sources_.size() > 1 || !sources_.isEmpty());
    attachFile(sources_.at(index).file);
    Source& s = sources_[index];
    model_->setMarkPodReplacements(s.live != nullptr);
    updateLiveControls();
    if (!s.shown && s.file->lineCount() > 0) {
        s.shown = true;
        Q_EMIT fileShown(s.path);
    }
}

void LogsArea::attachFile(LogFile* file)
{
    lane_->clear();
    lane_->hide();
    delete filter_;
    filter_ = nullptr;
    model_->setFilter(nullptr);
    model_->setLogFile(file);
    histogram_->setHistogram({});
    histogram_->setSelection(0, 0);
    if (!file)
        return;
    filter_ = new LogFilter(file, this);
    model_->setFilter(filter_);
    connect(filter_, &LogFilter::progressChanged, this, [this] { scheduleStatus(); });
    connect(filter_, &LogFilter::finished, this, [this] { scheduleStatus(); });
    connect(filter_, &LogFilter::matchesAppended, this, [this] { scheduleStatus(); });

    connect(file, &LogFile::progressChanged, this, [this](qint64 done, qint64 total) {
        const bool busy = total > 0 && done < total;
        progress_->setVisible(busy);
        cancelIndexing_->setVisible(busy);
        if (total > 0)
            progress_->setValue(int(1000.0 * double(done) / double(total)));
        progress_->setFormat(tr("Indexing %p%"));
        scheduleStatus();
    });
    connect(file, &LogFile::indexingFinished, this, [this] {
        progress_->hide();
        cancelIndexing_->hide();
        computeHistogram();
        scheduleStatus();
    });
    connect(file, &LogFile::linesAppended, this, [this] {
        scheduleHistogram();
        scheduleStatus();
    });
    connect(
        file, &LogFile::aboutToClose, this,
        [this] {
            stopHistogram();
            stopExport();
        },
        Qt::DirectConnection);
    connect(file, &LogFile::rotated, this, [this](const QString& message) {
        banner_->setMessage(Tone::Info, u"refresh"_s,
                            tr("The log was rotated: %1. Lines read so far are kept; the new "
                               "file is followed.")
                                .arg(message.toHtmlEscaped()));
        banner_->clearActions();
        banner_->show();
    });
    connect(file, &LogFile::reset, this, [this](const QString& reason) {
        banner_->setMessage(Tone::Warning, u"warning"_s,
                            tr("The log was truncated (%1); reading it again from the start.")
                                .arg(reason.toHtmlEscaped()));
        banner_->clearActions();
        banner_->show();
    });
    connect(file, &LogFile::failed, this, [this](const QString& message) {
        showError(tr("Reading the log failed: %1").arg(message.toHtmlEscaped()));
    });
    const bool busy = file->state() == LogFile::State::Indexing;
    progress_->setVisible(busy);
    cancelIndexing_->setVisible(busy);
    onQuery(query_);
    if (file->state() == LogFile::State::Ready)
        computeHistogram();
    if (model_->rowCount() > 0)
        table_->selectRow(0);
    updateStatus();
}

void LogsArea::onQuery(const LogQuery& query)
{
    query_ = query;
    if (!filter_)
        return;
    if (query.isEmpty()) {
        filter_->cancel();
        model_->setMode(LogTableModel::Mode::All);
    } else {
        const qint64 keep = model_->lineAt(table_->currentIndex().row());
        applyMode();
        filter_->start(query);
        if (keep >= 0 && filterBar_->mode() == FilterBar::Mode::Highlight)
            goToLine(keep);
    }
    histogram_->setSelection(0, 0);
    for (const QueryTerm* t : query.terms()) {
        if (t->kind == QueryTerm::Kind::Since || t->kind == QueryTerm::Kind::Until) {
            qint64 from = 0;
            qint64 to = 0;
            for (const QueryTerm* u : query.terms()) {
                if (u->kind == QueryTerm::Kind::Since)
                    from = u->number;
                if (u->kind == QueryTerm::Kind::Until)
                    to = u->number;
            }
            if (from && to)
                histogram_->setSelection(from, to);
            break;
        }
    }
    scheduleStatus();
}

void LogsArea::applyMode()
{
    if (query_.isEmpty()) {
        model_->setMode(LogTableModel::Mode::All);
        return;
    }
    const qint64 keep = model_->lineAt(table_->currentIndex().row());
    model_->setMode(filterBar_->mode() == FilterBar::Mode::Filter
                        ? LogTableModel::Mode::Filtered
                        : LogTableModel::Mode::Highlighted);
    if (keep >= 0)
        goToLine(keep);
    scheduleStatus();
}

void LogsArea::setTimeRange(qint64 fromMs, qint64 toMs)
{
    // Replace any since:/until: terms with the new range; keep the rest of the query.
    static const QRegularExpression timeTerms(u"(^|\\s)(since|until):\\S+"_s);
    QString text = filterBar_->text();
    text.remove(timeTerms);
    text = text.simplified();
    if (toMs > fromMs)
        text = QString(text + u" since:"_s + isoTime(fromMs) + u" until:"_s + isoTime(toMs + 1))
                   .trimmed();
    filterBar_->setMode(FilterBar::Mode::Filter);
    filterBar_->setText(text);
    histogram_->setSelection(fromMs, toMs);
}

void LogsArea::onRowsInserted()
{
    scheduleStatus();
    if (follow_) {
        autoScrolling_ = true;
        table_->scrollToBottom();
        autoScrolling_ = false;
    }
    if (!table_->currentIndex().isValid() && model_->rowCount() > 0 && !follow_) {
        table_->setCurrentIndex(model_->index(0, 0));
        updateDetails();
    }
}

void LogsArea::setFollowing(bool follow)
{
    if (follow_ == follow) {
        followButton_->setChecked(follow);
        return;
    }
    follow_ = follow;
    followButton_->setChecked(follow);
    followButton_->setText(follow ? tr("Following") : tr("Follow"));
    if (follow_) {
        autoScrolling_ = true;
        table_->scrollToBottom();
        autoScrolling_ = false;
    }
    scheduleStatus();
}

void LogsArea::setRawMode(bool raw)
{
    const qint64 keep = model_->lineAt(table_->currentIndex().row());
    rawButton_->setChecked(raw);
    delegate_->setRawMode(raw);
    model_->setRawMode(raw);
    updateFonts();
    if (keep >= 0)
        goToLine(keep);
}

void LogsArea::setUtc(bool utc)
{
    model_->setUtc(utc);
    histogram_->setUtc(utc);
    lane_->setUtc(utc);
    utcButton_->setText(utc ? tr("UTC") : tr("Local"));
    if (settings_)
        settings_->raw().setValue(u"logs/utc"_s, utc);
    updateDetails();
}

void LogsArea::goToLine(qint64 line)
{
    const int row = model_->rowForLine(line);
    if (row < 0)
        return;
    const QModelIndex index = model_->index(row, 0);
    table_->setCurrentIndex(index);
    table_->selectRow(row);
    table_->scrollTo(index, QAbstractItemView::PositionAtCenter);
    updateDetails();
}

void LogsArea::jumpToMatch(bool forward)
{
    const qint64 current = model_->lineAt(table_->currentIndex().row());
    if (model_->mode() == LogTableModel::Mode::Filtered) {
        const int row = table_->currentIndex().row() + (forward ? 1 : -1);
        if (row >= 0 && row < model_->rowCount())
            goToLine(model_->lineAt(row));
        return;
    }
    if (model_->mode() != LogTableModel::Mode::Highlighted)
        return;
    qint64 next = model_->nextMatch(current, forward);
    if (next < 0)  // wrap around, like an editor's find
        next = model_->nextMatch(forward ? -1 : std::numeric_limits<qint64>::max(), forward);
    if (next >= 0)
        goToLine(next);
}

void LogsArea::openTraceLaneForCurrent()
{
    const QModelIndex index = table_->currentIndex();
    if (!index.isValid())
        return;
    const QString trace = index.data(LogTableModel::TraceIdRole).toString();
    if (!trace.isEmpty()) {
        openTraceLane(trace);
        return;
    }
    const QString request = index.data(LogTableModel::RequestIdRole).toString();
    if (!request.isEmpty())
        openRequestLane(request);
    else
        status_->setText(tr("This line has neither a trace id nor a request id."));
}

void LogsArea::openTraceLane(const QString& traceId)
{
    if (!logFile())
        return;
    lane_->showTrace(logFile(), traceId);
    showLaneKeepingLine();
}

void LogsArea::showLaneKeepingLine()
{
    // The lane takes at most a third of the height, and the selected line stays in view (in the
    // middle) once the splitter has made room for the lane.
    const bool opening = lane_->isHidden();
    lane_->show();
    if (opening) {
        const int total = vertical_->height();
        const int lane = qMin(lane_->sizeHint().height(), total / 3);
        vertical_->setSizes({total - lane, lane});
    }
    QTimer::singleShot(0, this, [this] {
        const QModelIndex current = table_->currentIndex();
        if (current.isValid())
            table_->scrollTo(current, QAbstractItemView::PositionAtCenter);
    });
}

void LogsArea::openRequestLane(const QString& requestId)
{
    if (!logFile())
        return;
    lane_->showRequest(logFile(), requestId);
    showLaneKeepingLine();
}

void LogsArea::showTraceLines(const QString& traceId, const QStringList& requestIds)
{
    if (!logFile()) {
        stack_->setCurrentIndex(1);
        banner_->setMessage(Tone::Info, u"info"_s,
                            tr("Open the log of the pods this trace went through to see its lines "
                               "(trace %1).")
                                .arg(traceId.toHtmlEscaped()));
        banner_->clearActions();
        banner_->addAction(tr("Open a log…"), [this] {
            if (navigator_)
                navigator_->openLogDialog();
        });
        banner_->show();
        return;
    }
    QStringList terms;
    if (!traceId.isEmpty())
        terms << u"trace:"_s + traceId;
    for (const QString& r : requestIds)
        terms << u"req:"_s + r;
    filterBar_->setMode(FilterBar::Mode::Filter);
    filterBar_->setText(terms.join(u" OR "_s));
    if (!traceId.isEmpty())
        openTraceLane(traceId);
    else if (!requestIds.isEmpty())
        openRequestLane(requestIds.constFirst());
}

void LogsArea::followSelector(const QString& namespaceName, const QString& selector,
                              const QString& container)
{
    KubeTarget target = kubeTarget_;
    if (!kubeTargetSet_ && settings_ && !settings_->kubectlPath().isEmpty())
        target.kubectl = settings_->kubectlPath();
    if (!namespaceName.isEmpty())
        target.ns = namespaceName;
    FollowOptions options;
    options.selector = selector;
    if (!container.isEmpty())
        options.container = container;
    const QString title = tr("Live: %1 in %2").arg(selector, target.ns);
    auto* store = new LiveLogStore(this);
    if (!store->start(title)) {
        showError(tr("Cannot follow %1: %2")
                      .arg(selector.toHtmlEscaped(), store->errorString().toHtmlEscaped()));
        stack_->setCurrentIndex(1);
        delete store;
        return;
    }
    auto* follower = new PodFollower(target, options, transcript_, this);
    addLiveSource(title, store, follower);
    follower->start();
    updateLiveControls();
}

void LogsArea::scheduleStatus()
{
    // Throttled, not debounced: a steady stream of batches must not keep the status stale.
    if (!statusTimer_.isActive())
        statusTimer_.start();
}

void LogsArea::updateStatus()
{
    LogFile* file = logFile();
    if (!file) {
        status_->clear();
        return;
    }
    const QLocale locale;
    QStringList parts;
    parts << tr("%1 lines").arg(locale.toString(file->lineCount()));
    if (file->sizeOnDisk() > 0)
        parts << locale.formattedDataSize(file->sizeOnDisk());
    if (file->isCompressed())
        parts << tr("gzip");
    if (file->state() == LogFile::State::Indexing)
        parts << tr("indexing %1").arg(locale.formattedDataSize(file->bytesIndexed()));
    if (follow_)
        parts << tr("following — scroll up or press Space to pause");
    status_->setText(parts.join(u"  ·  "_s));

    if (query_.isEmpty() || !filter_) {
        filterBar_->setStatus(QString());
        return;
    }
    QString s = tr("%1 matches").arg(locale.toString(qint64(filter_->matches().size())));
    if (filter_->isRunning() && file->lineCount() > 0)
        s += u"  "_s + tr("(%1%)").arg(100 * filter_->linesFiltered() / file->lineCount());
    filterBar_->setStatus(s);
}

void LogsArea::updateDetails()
{
    const QModelIndex index = table_->currentIndex();
    LogFile* file = logFile();
    if (!index.isValid() || !file) {
        details_->clear();
        return;
    }
    const qint64 line = model_->lineAt(index.row());
    details_->setHtml(LineDetails::html(file->line(line), line, model_->isUtc(), palette(),
                                        file->lineLength(line)));
    const qint64 t = file->timeMs(line);
    histogram_->setCursorTime(t == ParsedLine::kMissing ? -1 : t);
}

WholeLineViewer* LogsArea::openWholeLine(qint64 line)
{
    LogFile* file = logFile();
    if (!file || line < 0 || line >= file->lineCount())
        return nullptr;
    auto* viewer = new WholeLineViewer(file, line, this);
    viewer->setAttribute(Qt::WA_DeleteOnClose);
    viewer->show();
    return viewer;
}

void LogsArea::scheduleHistogram()
{
    if (!histogramTimer_.isActive())
        histogramTimer_.start();
}

void LogsArea::computeHistogram()
{
    LogFile* file = logFile();
    if (!file || !file->isIndexing())
        return;
    if (histogramRunning_) {
        histogramAgain_ = true;
        return;
    }
    histogramRunning_ = true;
    histogramAgain_ = false;
    histogramCancel_ = std::make_shared<std::atomic<bool>>(false);
    auto cancel = histogramCancel_;
    auto snap = std::make_shared<LogFile::Snapshot>(file->snapshot());
    const int buckets = std::max(40, histogram_->width() / 4);
    histogramJob_ = QtConcurrent::run(
        [snap, cancel, buckets] { return LogHistogram::compute(*snap, buckets, *cancel); });
    auto* watcher = new QFutureWatcher<LogHistogram>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, cancel] {
        watcher->deleteLater();
        histogramRunning_ = false;
        if (cancel->load())
            return;
        histogram_->setHistogram(watcher->result());
        Q_EMIT histogramUpdated();
        if (histogramAgain_)
            scheduleHistogram();
    });
    watcher->setFuture(histogramJob_);
}

void LogsArea::stopHistogram()
{
    histogramTimer_.stop();
    if (histogramCancel_)
        histogramCancel_->store(true);
    histogramJob_.waitForFinished();
    histogramRunning_ = false;
}

void LogsArea::stopExport()
{
    if (exportCancel_)
        exportCancel_->store(true);
    exportJob_.waitForFinished();
}

void LogsArea::exportLines(const QString& path)
{
    LogFile* file = logFile();
    if (!file || path.isEmpty())
        return;
    stopExport();
    auto snap = std::make_shared<LogFile::Snapshot>(file->snapshot());
    std::shared_ptr<std::vector<qint64>> lines;
    if (model_->mode() == LogTableModel::Mode::Filtered && filter_)
        lines = std::make_shared<std::vector<qint64>>(filter_->matches());
    exportCancel_ = std::make_shared<std::atomic<bool>>(false);
    auto cancel = exportCancel_;
    QPointer<LogsArea> self(this);
    exportJob_ = QtConcurrent::run([snap, lines, path, cancel, self] {
        const Result<qint64> result = LogExport::writeLines(*snap, lines.get(), path, *cancel);
        QMetaObject::invokeMethod(
            qApp,
            [self, path, result] {
                if (!self)
                    return;
                if (result) {
                    self->status_->setText(
                        tr("Saved %1 lines to %2").arg(QLocale().toString(result.value()), path));
                    Q_EMIT self->exportFinished(path, result.value(), QString());
                } else {
                    self->showError(result.error().message.toHtmlEscaped());
                    Q_EMIT self->exportFinished(path, -1, result.error().message);
                }
            },
            Qt::QueuedConnection);
    });
}

QList<int> LogsArea::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex& i : table_->selectionModel()->selectedRows())
        rows << i.row();
    std::sort(rows.begin(), rows.end());
    if (rows.isEmpty() && table_->currentIndex().isValid())
        rows << table_->currentIndex().row();
    return rows;
}

QString LogsArea::selectedAsText() const
{
    return LogExport::rowsAsText(*model_, selectedRows());
}

QString LogsArea::selectedAsMarkdown() const
{
    return LogExport::rowsAsMarkdown(*model_, selectedRows());
}

QString LogsArea::visibleText(int first, int count) const
{
    QString out;
    for (int r = first; r < std::min(model_->rowCount(), first + count); ++r)
        out += model_->index(r, 0).data(LogTableModel::RawTextRole).toString() + u'\n';
    return out;
}

void LogsArea::updateFonts()
{
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(font().pointSizeF());
    table_->setFont(mono);
    const QFontMetrics fm(mono);
    table_->verticalHeader()->setDefaultSectionSize(fm.height() + 6);
    QHeaderView* h = table_->horizontalHeader();
    const int ch = fm.horizontalAdvance(u'0');
    if (model_->isRawMode()) {
        h->setSectionResizeMode(QHeaderView::Interactive);
        h->resizeSection(0, ch * 8);
        h->setStretchLastSection(true);
        return;
    }
    h->setStretchLastSection(false);
    // In characters; the path takes what is left. Pod names keep their workload and the start
    // of their hash (the full name is in the tooltip and the details), so that the path still
    // gets room beside the details panel at 1366 pixels.
    const int widths[] = {7, 13, 25, 6, 12, 7, 0, 7, 9, 10, 18};
    for (int c = 0; c < LogTableModel::ColumnCount; ++c) {
        if (c == LogTableModel::PathColumn) {
            h->setSectionResizeMode(c, QHeaderView::Stretch);
        } else {
            h->setSectionResizeMode(c, QHeaderView::Interactive);
            h->resizeSection(c, ch * widths[c] + 12);
        }
    }
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

void LogsArea::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        updateFonts();
    if (event->type() == QEvent::PaletteChange)
        updateDetails();
    QWidget::changeEvent(event);
}

}  // namespace obslab
