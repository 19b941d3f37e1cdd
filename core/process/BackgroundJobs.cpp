#include "core/process/BackgroundJobs.h"

#include "core/process/Redactor.h"
#include "core/process/Transcript.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab {

BackgroundJobs::BackgroundJobs(Transcript* transcript, QObject* parent)
    : QAbstractListModel(parent)
    , transcript_(transcript)
{}

BackgroundJobs::~BackgroundJobs()
{
    // The jobs are children; their destructors kill what still runs. No model signals from here.
    for (BackgroundJob* job : std::as_const(jobs_))
        job->disconnect(this);
}

BackgroundJob* BackgroundJobs::start(const CommandSpec& spec)
{
    auto* job = new BackgroundJob(spec, transcript_, this);
    connect(job, &BackgroundJob::stateChanged, this, [this, job] { onJobStateChanged(job); });
    const int row = int(jobs_.size());
    beginInsertRows({}, row, row);
    jobs_.append(job);
    endInsertRows();
    job->start();
    return job;
}

void BackgroundJobs::stop(int row)
{
    if (BackgroundJob* j = job(row))
        j->stop();
}

void BackgroundJobs::stopAll()
{
    for (BackgroundJob* job : std::as_const(jobs_))
        job->stop();
}

bool BackgroundJobs::remove(int row)
{
    BackgroundJob* j = job(row);
    if (!j || j->state() == BackgroundJob::State::Running ||
        j->state() == BackgroundJob::State::Stopping)
        return false;
    beginRemoveRows({}, row, row);
    jobs_.removeAt(row);
    endRemoveRows();
    j->disconnect(this);
    // deleteLater: this may run inside a slot connected to the job's own finished().
    j->deleteLater();
    return true;
}

void BackgroundJobs::removeFinished()
{
    for (int row = int(jobs_.size()) - 1; row >= 0; --row)
        remove(row);
}

int BackgroundJobs::runningCount() const
{
    int count = 0;
    for (const BackgroundJob* job : jobs_) {
        if (job->state() == BackgroundJob::State::Running ||
            job->state() == BackgroundJob::State::Stopping)
            ++count;
    }
    return count;
}

BackgroundJob* BackgroundJobs::job(int row) const
{
    return row >= 0 && row < jobs_.size() ? jobs_.at(row) : nullptr;
}

int BackgroundJobs::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(jobs_.size());
}

QVariant BackgroundJobs::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BackgroundJob* j = jobs_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return j->title().isEmpty() ? j->spec().program : j->title();
    case Qt::ToolTipRole:
    case CommandLineRole:
        return Redactor::redactSpec(j->spec()).toShellLine();
    case StateRole:
        return QVariant::fromValue(j->state());
    case StartedAtRole:
        return j->startedAt();
    case JobRole:
        return QVariant::fromValue(const_cast<BackgroundJob*>(j));
    default:
        return {};
    }
}

QHash<int, QByteArray> BackgroundJobs::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(StateRole, "state");
    names.insert(CommandLineRole, "commandLine");
    names.insert(StartedAtRole, "startedAt");
    names.insert(JobRole, "job");
    return names;
}

void BackgroundJobs::onJobStateChanged(BackgroundJob* job)
{
    const int row = int(jobs_.indexOf(job));
    if (row >= 0) {
        const QModelIndex idx = index(row);
        Q_EMIT dataChanged(idx, idx, {StateRole});
    }
    const int count = runningCount();
    if (count != lastRunningCount_) {
        lastRunningCount_ = count;
        Q_EMIT runningCountChanged(count);
    }
}

}  // namespace obslab
