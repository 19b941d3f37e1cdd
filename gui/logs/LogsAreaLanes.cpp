#include "gui/logs/LogsArea.h"

#include "core/logs/LogFile.h"
#include "gui/common/Navigator.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/TraceLane.h"
#include "gui/logs/WholeLineViewer.h"
#include "gui/widgets/Banner.h"

#include <QLabel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

// Moving around the log: to a line, to the next match, and the trace lanes of a trace or a
// request id.

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

}  // namespace obslab
