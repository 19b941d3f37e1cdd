#include "core/logs/LogSession.h"

#include "core/logs/LineExport.h"
#include "core/logs/LiveLogStore.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"
#include "core/logs/LogMerge.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

LogSession::LogSession(QObject* parent)
    : QObject(parent)
{
    histogramTimer_.setSingleShot(true);
    histogramTimer_.setInterval(700);
    connect(&histogramTimer_, &QTimer::timeout, this, &LogSession::computeHistogram);
}

LogSession::~LogSession()
{
    stopJobs();
    // The filter watches the current file: it goes first.
    delete filter_;
    filter_ = nullptr;
    for (Source& s : sources_) {
        delete s.follower;
        delete s.merge;  // stops its worker before the file it writes goes
        if (s.live)
            delete s.live;  // owns its LogFile
        else
            delete s.file;
    }
}

int LogSession::indexOf(const QString& path) const
{
    const auto it = std::find_if(sources_.cbegin(), sources_.cend(),
                                 [&](const Source& s) { return s.path == path; });
    return it == sources_.cend() ? -1 : int(it - sources_.cbegin());
}

int LogSession::add(const Source& source)
{
    sources_.append(source);
    return int(sources_.size()) - 1;
}

int LogSession::openFile(const QString& path, const QString& disk, const QString& title,
                         QString* error)
{
    auto* file = new LogFile(this);
    if (!file->open(disk)) {
        if (error)
            *error = file->errorString();
        delete file;
        return -1;
    }
    Source source;
    source.path = path;
    source.title = title;
    source.file = file;
    return add(source);
}

int LogSession::openMerged(const QStringList& given, const QStringList& disks, QString* error)
{
    auto* file = new LogFile(this);
    auto* merge = new LogMerge(this);
    if (!merge->open(disks, file)) {
        if (error)
            *error = merge->errorString();
        delete merge;
        delete file;
        return -1;
    }
    Source source;
    source.path = given.join(u'\n');
    source.title = LogMerge::displayName(disks);
    source.file = file;
    source.merge = merge;
    const int index = add(source);
    connect(merge, &LogMerge::progressChanged, this,
            [this, index](qint64 done, qint64 total) { Q_EMIT mergeProgress(index, done, total); });
    connect(merge, &LogMerge::finished, this, [this, index](const QStringList& problems, bool) {
        Q_EMIT mergeFinished(index, problems);
    });
    return index;
}

int LogSession::addLive(const QString& title, LiveLogStore* store, PodFollower* follower)
{
    const int index = int(sources_.size());
    if (store) {
        store->setParent(this);
        connect(store, &LiveLogStore::writeFailed, this,
                [this, index](const QString& message) { Q_EMIT liveWriteFailed(index, message); });
        connect(store, &LiveLogStore::saved, this,
                [this, index](const QString& path, const QString& error) {
                    Q_EMIT liveSaved(index, path, error);
                });
    }
    if (follower) {
        follower->setParent(this);
        connect(follower, &PodFollower::linesReady, this,
                [this, index, store](const QVector<kube::FollowedLine>& lines) {
                    if (store)
                        store->appendAll(lines);
                    Q_EMIT linesFollowed(index, lines);
                });
        connect(follower, &PodFollower::podAppeared, this,
                [this, index](const QString& pod) { Q_EMIT podAppeared(index, pod); });
        connect(follower, &PodFollower::podStateChanged, this,
                [this, index](const QString& pod, PodFollower::PodState state, const QString& why) {
                    Q_EMIT podStateChanged(index, pod, state, why);
                });
        connect(follower, &PodFollower::warning, this,
                [this, index](const QString& message) { Q_EMIT followWarning(index, message); });
        connect(follower, &PodFollower::failed, this, [this, index, follower](const QString& m) {
            Q_EMIT followFailed(index, m, follower->gaveUp());
        });
        connect(follower, &PodFollower::stopped, this,
                [this, index] { Q_EMIT followStopped(index); });
    }
    Source source;
    source.path = u"live:"_s + title;
    source.title = title;
    source.file = store ? store->logFile() : nullptr;
    source.live = store;
    source.follower = follower;
    return add(source);
}

int LogSession::follow(const QString& title, const KubeTarget& target, const FollowOptions& options,
                       Transcript* transcript, Spool spool, QString* error)
{
    LiveLogStore* store = nullptr;
    if (spool == Spool::Disk) {
        store = new LiveLogStore(this);
        if (!store->start(title)) {
            if (error)
                *error = store->errorString();
            delete store;
            return -1;
        }
    }
    return addLive(title, store, new PodFollower(target, options, transcript, this));
}

void LogSession::startFollowing(int index)
{
    if (index >= 0 && index < sources_.size() && sources_.at(index).follower)
        sources_.at(index).follower->start();
}

void LogSession::stopFollowing(int index)
{
    if (index >= 0 && index < sources_.size() && sources_.at(index).follower)
        sources_.at(index).follower->stop();
}

bool LogSession::isFollowing(int index) const
{
    return index >= 0 && index < sources_.size() && sources_.at(index).follower &&
           sources_.at(index).follower->isRunning();
}

bool LogSession::saveLive(int index, const QString& path)
{
    if (index < 0 || index >= sources_.size() || !sources_.at(index).live)
        return false;
    return sources_.at(index).live->saveAs(path);
}

LogFile* LogSession::currentFile() const
{
    return current_ >= 0 ? sources_.at(current_).file : nullptr;
}

void LogSession::setCurrent(int index)
{
    if (index < -1 || index >= sources_.size())
        return;
    stopJobs();
    if (LogFile* old = currentFile())
        old->disconnect(this, nullptr);
    delete filter_;
    filter_ = nullptr;
    current_ = index;
    LogFile* file = currentFile();
    if (!file)
        return;
    filter_ = new LogFilter(file, this);
    connect(file, &LogFile::aboutToClose, this, &LogSession::stopJobs, Qt::DirectConnection);
}

void LogSession::stopJobs()
{
    stopHistogram();
    stopExport();
}

void LogSession::scheduleHistogram()
{
    if (!histogramTimer_.isActive())
        histogramTimer_.start();
}

void LogSession::computeHistogram()
{
    LogFile* file = currentFile();
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
    const int buckets = buckets_ ? buckets_() : 40;
    histogramJob_ = QtConcurrent::run(
        [snap, cancel, buckets] { return LogHistogram::compute(*snap, buckets, *cancel); });
    auto* watcher = new QFutureWatcher<LogHistogram>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, cancel] {
        watcher->deleteLater();
        histogramRunning_ = false;
        if (cancel->load())
            return;
        Q_EMIT histogramReady(watcher->result());
        if (histogramAgain_)
            scheduleHistogram();
    });
    watcher->setFuture(histogramJob_);
}

void LogSession::stopHistogram()
{
    histogramTimer_.stop();
    if (histogramCancel_)
        histogramCancel_->store(true);
    histogramJob_.waitForFinished();
    histogramRunning_ = false;
}

void LogSession::stopExport()
{
    if (exportCancel_)
        exportCancel_->store(true);
    exportJob_.waitForFinished();
}

void LogSession::exportLines(const QString& path, bool filteredOnly)
{
    LogFile* file = currentFile();
    if (!file || path.isEmpty())
        return;
    stopExport();
    auto snap = std::make_shared<LogFile::Snapshot>(file->snapshot());
    std::shared_ptr<std::vector<qint64>> lines;
    if (filteredOnly && filter_)
        lines = std::make_shared<std::vector<qint64>>(filter_->matches());
    exportCancel_ = std::make_shared<std::atomic<bool>>(false);
    auto cancel = exportCancel_;
    QPointer<LogSession> self(this);
    exportJob_ = QtConcurrent::run([snap, lines, path, cancel, self] {
        const Result<qint64> result = LineExport::writeLines(*snap, lines.get(), path, *cancel);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, path, result] {
                if (!self)
                    return;
                if (result)
                    Q_EMIT self->exportFinished(path, result.value(), QString());
                else
                    Q_EMIT self->exportFinished(path, -1, result.error().message);
            },
            Qt::QueuedConnection);
    });
}

}  // namespace obslab
