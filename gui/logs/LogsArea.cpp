#include "gui/logs/LogsArea.h"

#include "core/common/AppSettings.h"
#include "core/logs/DecodedLine.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"
#include "core/logs/LogSession.h"
#include "core/process/Transcript.h"
#include "gui/common/Navigator.h"
#include "gui/logs/LineDetails.h"
#include "gui/logs/LogExport.h"
#include "gui/logs/LogRowDelegate.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/LogsToolbar.h"
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
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMimeData>
#include <QRegularExpression>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

}  // namespace

LogsArea::LogsArea(QWidget* parent)
    : QWidget(parent)
    , session_(new LogSession(this))
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
    connectSession();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(banner_);
    layout->addWidget(stack_);
    createShortcuts();
    updateFonts();

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
    session_->stopJobs();
    // The filter and the trace lane watch the files: let them go first.
    session_->setCurrent(-1);
    lane_->clear();
    model_->setLogFile(nullptr);
    delete session_;
    session_ = nullptr;
}

void LogsArea::buildViewer()
{
    auto* page = new QWidget(this);
    banner_ = new Banner(this);
    banner_->setObjectName(u"logsBanner"_s);
    banner_->hide();
    connect(banner_, &Banner::dismissed, banner_, &QWidget::hide);

    toolbar_ = new LogsToolbar(page);
    connect(toolbar_, &LogsToolbar::sourceActivated, this, &LogsArea::showSource);
    connect(toolbar_, &LogsToolbar::cancelIndexingRequested, this, [this] {
        if (LogFile* f = logFile())
            f->cancelIndexing();
        toolbar_->setBusy(false);
        updateStatus();
    });
    connect(toolbar_, &LogsToolbar::followToggled, this, &LogsArea::setFollowing);
    connect(toolbar_, &LogsToolbar::rawToggled, this, &LogsArea::setRawMode);
    connect(toolbar_, &LogsToolbar::utcToggleRequested, this, [this] { setUtc(!model_->isUtc()); });
    connect(toolbar_, &LogsToolbar::laneRequested, this, &LogsArea::openTraceLaneForCurrent);
    connect(toolbar_, &LogsToolbar::exportRequested, this, &LogsArea::exportLines);
    connect(toolbar_, &LogsToolbar::copyRequested, this,
            [this] { QApplication::clipboard()->setText(selectedAsText()); });
    connect(toolbar_, &LogsToolbar::copyMarkdownRequested, this,
            [this] { QApplication::clipboard()->setText(selectedAsMarkdown()); });
    connect(toolbar_, &LogsToolbar::stopLiveRequested, this,
            [this] { session_->stopFollowing(session_->current()); });
    connect(toolbar_, &LogsToolbar::saveSessionRequested, this,
            [this](const QString& path) { saveSession(path); });

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
    table_->addActions(toolbar_->exportMenu()->actions());
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
    layout->addWidget(toolbar_);
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

void LogsArea::showWarning(const QString& html)
{
    banner_->setMessage(Tone::Warning, u"warning"_s, html);
    banner_->clearActions();
    banner_->show();
}

void LogsArea::onQuery(const LogQuery& query)
{
    query_ = query;
    if (!logFilter())
        return;
    if (query.isEmpty()) {
        logFilter()->cancel();
        model_->setMode(LogTableModel::Mode::All);
    } else {
        const qint64 keep = model_->lineAt(table_->currentIndex().row());
        applyMode();
        logFilter()->start(query);
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
        toolbar_->setFollowing(follow);
        return;
    }
    follow_ = follow;
    toolbar_->setFollowing(follow);
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
    toolbar_->setRaw(raw);
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
    toolbar_->setUtc(utc);
    if (settings_)
        settings_->raw().setValue(u"logs/utc"_s, utc);
    updateDetails();
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

    if (query_.isEmpty() || !logFilter()) {
        filterBar_->setStatus(QString());
        return;
    }
    QString s = tr("%1 matches").arg(locale.toString(qint64(logFilter()->matches().size())));
    if (logFilter()->isRunning() && file->lineCount() > 0)
        s += u"  "_s + tr("(%1%)").arg(100 * logFilter()->linesFiltered() / file->lineCount());
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
    details_->setHtml(LineDetails::html(DecodedLine::of(*file, line), line, model_->isUtc(),
                                        palette(), file->lineLength(line)));
    const qint64 t = file->timeMs(line);
    histogram_->setCursorTime(t == ParsedLine::kMissing ? -1 : t);
}

void LogsArea::computeHistogram()
{
    session_->computeHistogram();
}

void LogsArea::exportLines(const QString& path)
{
    session_->exportLines(path, model_->mode() == LogTableModel::Mode::Filtered);
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

void LogsArea::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        updateFonts();
    if (event->type() == QEvent::PaletteChange)
        updateDetails();
    QWidget::changeEvent(event);
}

}  // namespace obslab
