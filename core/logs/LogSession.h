#pragma once

#include "core/kube/PodFollower.h"
#include "core/logs/LogHistogram.h"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>

namespace obslab {

class LiveLogStore;
class LogFile;
class LogFilter;
class LogMerge;
class Transcript;

// The logs a user has open, and what runs on them (like klogg's or Konsole's session): each
// source — one file, several files merged by time, or a live follow of a selector's pods — with
// the current source's filter, its statistics (the histogram) and export jobs. A live follow's
// PodFollower feeds its LiveLogStore here, so the Logs area and `obslab follow` only listen.
// Sources are never removed; their index is stable. GUI (event-loop) thread.
class LogSession : public QObject
{
    Q_OBJECT
public:
    struct Source
    {
        QString path;  // as given: a file path, paths joined by '\n' (merged), "live:TITLE"
        QString title;
        LogFile* file = nullptr;          // what the viewer reads; null for a lines-only follow
        LogMerge* merge = nullptr;        // several files merged by time into file
        LiveLogStore* live = nullptr;     // followed lines spooled to disk (owns file)
        PodFollower* follower = nullptr;  // null for lines appended by someone else

        bool isLive() const { return live != nullptr || follower != nullptr; }
    };

    // Where a follow's lines go besides linesFollowed(): a LiveLogStore the viewer reads (Disk),
    // or nowhere (LinesOnly: the CLI prints them, nothing grows on disk).
    enum class Spool
    {
        Disk,
        LinesOnly,
    };

    explicit LogSession(QObject* parent = nullptr);
    ~LogSession() override;

    int count() const { return int(sources_.size()); }
    const Source& source(int index) const { return sources_.at(index); }
    int indexOf(const QString& path) const;  // -1 when not open

    // Opens one file (disk: where it is; path: how the user named it). -1 with *error when the
    // file cannot be opened.
    int openFile(const QString& path, const QString& disk, const QString& title, QString* error);
    // Several files as one log, merged by time (LogMerge); given: the paths as named.
    int openMerged(const QStringList& given, const QStringList& disks, QString* error);
    // A live source of lines appended to store (and, when there is one, fed by follower); takes
    // ownership of both. The follower is not started: startFollowing().
    int addLive(const QString& title, LiveLogStore* store, PodFollower* follower);
    // Follows the selector's pods (not started yet: startFollowing(), after the caller has
    // shown the source). -1 with *error when the spool cannot be created.
    int follow(const QString& title, const KubeTarget& target, const FollowOptions& options,
               Transcript* transcript, Spool spool, QString* error);
    void startFollowing(int index);
    void stopFollowing(int index);
    bool isFollowing(int index) const;
    // Copies everything followed in the source to path in the background (liveSaved()).
    bool saveLive(int index, const QString& path);

    // The source the viewer shows: its filter (recreated for each source) and its jobs.
    void setCurrent(int index);
    int current() const { return current_; }
    LogFile* currentFile() const;
    LogFilter* filter() const { return filter_; }

    // The histogram of the current file, from its index, on a worker; histogramReady() gives it.
    // buckets is asked at each run (the strip's width may have changed).
    void setHistogramBuckets(std::function<int()> buckets) { buckets_ = std::move(buckets); }
    void computeHistogram();
    void scheduleHistogram();  // at most one run per 700 ms while lines arrive
    // Writes the current file's lines (only the filter's matches when filteredOnly) to path on a
    // worker; exportFinished() reports it (lines -1 and the error when it failed).
    void exportLines(const QString& path, bool filteredOnly);
    // Stops the histogram and export jobs and waits for them (a file about to close).
    void stopJobs();

Q_SIGNALS:
    void histogramReady(const obslab::LogHistogram& histogram);
    void exportFinished(const QString& path, qint64 lines, const QString& error);
    void mergeProgress(int source, qint64 done, qint64 total);
    void mergeFinished(int source, const QStringList& problems);

    void linesFollowed(int source, const QVector<obslab::kube::FollowedLine>& lines);
    void podAppeared(int source, const QString& pod);
    void podStateChanged(int source, const QString& pod, obslab::PodFollower::PodState state,
                         const QString& why);
    void followWarning(int source, const QString& message);
    void followFailed(int source, const QString& message, bool gaveUp);
    void followStopped(int source);
    void liveWriteFailed(int source, const QString& message);
    void liveSaved(int source, const QString& path, const QString& error);

private:
    int add(const Source& source);
    void stopHistogram();
    void stopExport();

    QList<Source> sources_;
    int current_ = -1;
    LogFilter* filter_ = nullptr;

    std::function<int()> buckets_;
    QTimer histogramTimer_;
    std::shared_ptr<std::atomic<bool>> histogramCancel_;
    QFuture<LogHistogram> histogramJob_;
    bool histogramRunning_ = false;
    bool histogramAgain_ = false;
    std::shared_ptr<std::atomic<bool>> exportCancel_;
    QFuture<void> exportJob_;
};

}  // namespace obslab
