#pragma once

#include "core/process/BackgroundJob.h"

#include <QAbstractListModel>
#include <QList>
#include <QPointer>

namespace obslab {

class Transcript;

// The app's list of background jobs, as a model for the status bar (one row per job:
// Qt::DisplayRole = title, StateRole (a BackgroundJob::State), CommandLineRole (redacted),
// StartedAtRole, JobRole). Owns the jobs. GUI thread only.
class BackgroundJobs : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        StateRole = Qt::UserRole + 1,
        CommandLineRole,
        StartedAtRole,
        JobRole
    };

    explicit BackgroundJobs(Transcript* transcript, QObject* parent = nullptr);
    ~BackgroundJobs() override;

    // Creates, lists and starts a job. It stays listed until it has finished and remove() or
    // removeFinished() is called.
    BackgroundJob* start(const CommandSpec& spec);
    void stop(int row);
    // Removes (and deletes, later) a job that is not running; false when it still runs.
    bool remove(int row);
    void stopAll();
    void removeFinished();
    int runningCount() const;
    BackgroundJob* job(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void runningCountChanged(int count);

private:
    void onJobStateChanged(BackgroundJob* job);

    QPointer<Transcript> transcript_;
    QList<BackgroundJob*> jobs_;
    int lastRunningCount_ = 0;
};

}  // namespace obslab
