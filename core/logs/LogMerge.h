#pragma once

#include <QFuture>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>

namespace obslab {

class LogFile;

// Opens several log files (plain or gzip) as one LogFile, their lines merged by time.
//
// A worker reads every file once, front to back, and writes the merged lines to a private,
// already unlinked temporary file that the target LogFile follows and indexes as it grows, so
// the first lines show at once. Each line gets the prefix `[pod/FILE/file] ` (FILE = the file's
// name) so the viewer shows where it came from — unless it already carries a `kubectl --prefix`
// pod, which is kept. Merging is stable: lines without a time of their own (a stack trace, a
// wrapped line) stay right after the line before them in their file, and lines with the same
// time keep the order of the files given. Files that are each in time order give a merge in time
// order; no line is dropped or changed.
class LogMerge : public QObject
{
    Q_OBJECT
public:
    explicit LogMerge(QObject* parent = nullptr);
    ~LogMerge() override;  // cancels and waits for the worker

    // Starts merging paths into target (which it (re)opens). False with errorString() when none
    // of the files can be opened or the temporary file cannot be created; files that cannot be
    // opened are skipped and reported by finished().
    bool open(const QStringList& paths, LogFile* target);
    void cancel();
    bool isRunning() const { return running_; }
    QString errorString() const { return error_; }

    // A merged file's name shown for the whole set, e.g. "3 files merged by time".
    static QString displayName(const QStringList& paths);

Q_SIGNALS:
    void progressChanged(qint64 bytesDone, qint64 bytesTotal);
    // problems: one message per file that could not be read completely (empty when all went
    // well); cancelled when cancel() stopped it early (the lines written so far stay).
    void finished(const QStringList& problems, bool cancelled);

private:
    QString error_;
    bool running_ = false;
    std::shared_ptr<std::atomic<bool>> cancel_;
    QFuture<void> job_;
    QPointer<LogFile> target_;
};

}  // namespace obslab
