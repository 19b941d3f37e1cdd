#pragma once

#include "core/logs/LogFile.h"
#include "core/logs/LogQuery.h"

#include <QFuture>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <memory>
#include <vector>

namespace obslab {

// Runs a LogQuery over a LogFile in the background and keeps the numbers of the matching lines,
// in order. Results are published as they come (matchesAppended), so a view can show the first
// matches of a big file at once; lines the file gains later (a followed file) are filtered too.
// Work is split over two cores; a lone free-text term is searched block-wise, like grep.
// Lives on the file's thread. Cancelled (and waited for, at most one block) when the file closes.
class LogFilter : public QObject
{
    Q_OBJECT
public:
    explicit LogFilter(LogFile* file, QObject* parent = nullptr);
    ~LogFilter() override;

    void start(const LogQuery& query);
    void cancel();
    bool isRunning() const { return running_; }
    const LogQuery& query() const { return query_; }

    const std::vector<qint64>& matches() const { return matches_; }
    qint64 linesFiltered() const { return done_; }

    // The worker's search over lines [first, last) of a snapshot; public for the benchmark.
    static std::vector<qint64> filterRange(const LogFile::Snapshot& snap, const LogQuery& query,
                                           qint64 first, qint64 last,
                                           const std::atomic<bool>& cancel);

Q_SIGNALS:
    void matchesAppended(qint64 first, qint64 count);  // indexes into matches()
    void progressChanged(qint64 linesDone, qint64 linesTotal);
    void finished();
    void reset();  // the file was closed or reset: matches() is empty again

private:
    void runFrom(qint64 first);
    void onBatch(quint64 generation, std::vector<qint64> lines, qint64 doneUpTo, bool last);
    void stopWorker();

    QPointer<LogFile> file_;
    LogQuery query_;
    std::vector<qint64> matches_;
    qint64 done_ = 0;
    bool running_ = false;
    bool active_ = false;  // a query is set: appended lines are filtered too
    quint64 generation_ = 0;
    std::shared_ptr<std::atomic<bool>> cancel_;
    QFuture<void> job_;
};

}  // namespace obslab
