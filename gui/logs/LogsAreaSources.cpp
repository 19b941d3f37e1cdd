#include "gui/logs/LogsArea.h"

#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"
#include "core/logs/LogSession.h"
#include "gui/common/Navigator.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/LogsToolbar.h"
#include "gui/logs/TraceLane.h"
#include "gui/widgets/Banner.h"
#include "gui/widgets/Icons.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMimeData>
#include <QStackedWidget>
#include <QTableView>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

// Sources: opening files (one, or several merged), showing one, and what the session says about
// them (merge progress, histogram, export).

QString LogsArea::sampleLogPath()
{
    return u":/samples/istio-proxy-sample.log"_s;
}

QStringList LogsArea::files() const
{
    QStringList out;
    for (int i = 0; i < session_->count(); ++i)
        out << session_->source(i).path;
    return out;
}

QString LogsArea::currentFile() const
{
    const int current = session_->current();
    return current >= 0 ? session_->source(current).path : QString();
}

LogFile* LogsArea::logFile() const
{
    return session_->currentFile();
}

LogFilter* LogsArea::logFilter() const
{
    return session_->filter();
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

void LogsArea::openFiles(const QStringList& paths)
{
    QStringList added;
    int first = -1;
    QStringList problems;
    QList<QPair<QString, QString>> fresh;  // (path as given, file on disk)
    for (const QString& given : paths) {
        const bool resource = given.startsWith(u':');
        const QString path = resource ? given : QFileInfo(given).absoluteFilePath();
        if (const int existing = session_->indexOf(path); existing >= 0) {
            if (first < 0)
                first = existing;
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
        QString error;
        const int index = session_->openMerged(given, disks, &error);
        if (index >= 0) {
            addSource(index);
            if (first < 0)
                first = index;
            added << given;
        } else {
            problems << error.toHtmlEscaped();
        }
    } else if (fresh.size() == 1) {
        const auto& [path, disk] = fresh.constFirst();
        QString error;
        const int index = session_->openFile(path, disk,
                                             path == sampleLogPath() ? tr("Sample istio-proxy log")
                                                                     : QFileInfo(path).fileName(),
                                             &error);
        if (index < 0) {
            problems << tr("<b>%1</b>: %2")
                            .arg(QFileInfo(path).fileName().toHtmlEscaped(), error.toHtmlEscaped());
        } else {
            addSource(index);
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

int LogsArea::addSource(int index)
{
    const LogSession::Source& source = session_->source(index);
    QComboBox* box = toolbar_->sources();
    box->addItem(Icons::icon(source.live ? u"running"_s : u"logs"_s), source.title);
    box->setItemData(box->count() - 1, source.path, Qt::ToolTipRole);
    LogFile* file = source.file;
    connect(file, &LogFile::linesAppended, this, [this, index, file] {
        if (!shown_.contains(index) && file == logFile()) {
            shown_.insert(index);
            Q_EMIT fileShown(session_->source(index).path);
        }
    });
    return index;
}

void LogsArea::showSource(int index)
{
    if (index < 0 || index >= session_->count())
        return;
    QComboBox* box = toolbar_->sources();
    if (index == session_->current()) {
        box->setCurrentIndex(index);
        return;
    }
    if (LogFile* old = logFile())
        old->disconnect(this, nullptr);
    lane_->clear();
    lane_->hide();
    model_->setFilter(nullptr);
    session_->setCurrent(index);
    box->setCurrentIndex(index);
    box->setVisible(session_->count() > 1 || session_->count() > 0);
    const LogSession::Source& s = session_->source(index);
    attachFile(s.file);
    model_->setMarkPodReplacements(s.live != nullptr);
    updateLiveControls();
    if (!shown_.contains(index) && s.file->lineCount() > 0) {
        shown_.insert(index);
        Q_EMIT fileShown(s.path);
    }
}

void LogsArea::attachFile(LogFile* file)
{
    lane_->clear();
    lane_->hide();
    model_->setFilter(nullptr);
    model_->setLogFile(file);
    histogram_->setHistogram({});
    histogram_->setSelection(0, 0);
    if (!file)
        return;
    LogFilter* filter = session_->filter();
    model_->setFilter(filter);
    connect(filter, &LogFilter::progressChanged, this, [this] { scheduleStatus(); });
    connect(filter, &LogFilter::finished, this, [this] { scheduleStatus(); });
    connect(filter, &LogFilter::matchesAppended, this, [this] { scheduleStatus(); });

    connect(file, &LogFile::progressChanged, this, [this](qint64 done, qint64 total) {
        toolbar_->setBusy(total > 0 && done < total);
        if (total > 0)
            toolbar_->showProgress(tr("Indexing %p%"), done, total);
        scheduleStatus();
    });
    connect(file, &LogFile::indexingFinished, this, [this] {
        toolbar_->setBusy(false);
        computeHistogram();
        scheduleStatus();
    });
    connect(file, &LogFile::linesAppended, this, [this] {
        session_->scheduleHistogram();
        scheduleStatus();
    });
    connect(file, &LogFile::rotated, this, [this](const QString& message) {
        banner_->setMessage(Tone::Info, u"refresh"_s,
                            tr("The log was rotated: %1. Lines read so far are kept; the new "
                               "file is followed.")
                                .arg(message.toHtmlEscaped()));
        banner_->clearActions();
        banner_->show();
    });
    connect(file, &LogFile::reset, this, [this](const QString& reason) {
        showWarning(tr("The log was truncated (%1); reading it again from the start.")
                        .arg(reason.toHtmlEscaped()));
    });
    connect(file, &LogFile::failed, this, [this](const QString& message) {
        showError(tr("Reading the log failed: %1").arg(message.toHtmlEscaped()));
    });
    toolbar_->setBusy(file->state() == LogFile::State::Indexing);
    onQuery(query_);
    if (file->state() == LogFile::State::Ready)
        computeHistogram();
    if (model_->rowCount() > 0)
        table_->selectRow(0);
    updateStatus();
}

void LogsArea::connectSession()
{
    session_->setHistogramBuckets([this] { return std::max(40, histogram_->width() / 4); });
    connect(session_, &LogSession::histogramReady, this, [this](const LogHistogram& h) {
        histogram_->setHistogram(h);
        Q_EMIT histogramUpdated();
    });
    connect(session_, &LogSession::exportFinished, this,
            [this](const QString& path, qint64 lines, const QString& error) {
                if (error.isEmpty())
                    status_->setText(
                        tr("Saved %1 lines to %2").arg(QLocale().toString(lines), path));
                else
                    showError(error.toHtmlEscaped());
                Q_EMIT exportFinished(path, lines, error);
            });
    connect(session_, &LogSession::mergeProgress, this,
            [this](int source, qint64 done, qint64 total) {
                if (source != session_->current())
                    return;
                toolbar_->setBusy(done < total);
                toolbar_->showProgress(tr("Merging %p%"), done, total);
            });
    connect(session_, &LogSession::mergeFinished, this,
            [this](int source, const QStringList& problems) {
                if (source == session_->current())
                    toolbar_->setBusy(false);
                if (!problems.isEmpty())
                    showWarning(tr("Some lines could not be merged:<br>%1")
                                    .arg(problems.join(u"<br>"_s).toHtmlEscaped()));
            });
    connectLiveSession();
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

}  // namespace obslab
