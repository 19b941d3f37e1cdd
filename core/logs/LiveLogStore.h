#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>
#include <QString>

#include <type_traits>

namespace obslab {

class LogFile;

// Lines streaming from a cluster (kubectl logs -f of many pods), kept without loss and shown
// like a growing file.
//
// Each appended line is written, in the form `kubectl logs --prefix --timestamps` prints
// (`[pod/NAME/CONTAINER] TIMESTAMP TEXT`), to a private, already unlinked temporary file that
// logFile() follows and indexes in the background. Memory therefore holds only the index (about
// 32 bytes a line): a follow of any length spills to disk by construction, and the file vanishes
// when the store is destroyed, even after a crash. The viewer, filters and trace lanes work on
// it exactly as on a file; pod and container come from LogFile::pods() and the parsed prefix.
// Lives on the GUI thread; append() only copies bytes into a buffer, flush() is one write().
class LiveLogStore : public QObject
{
    Q_OBJECT
public:
    explicit LiveLogStore(QObject* parent = nullptr);
    ~LiveLogStore() override;

    // Creates the temporary file and the LogFile. False with errorString() when the disk
    // refuses. Calling it again starts over with an empty store.
    bool start(const QString& displayName);
    bool isStarted() const { return fd_ >= 0; }
    QString errorString() const { return error_; }

    // One line; text must not include its newline (a newline inside it starts a new line with
    // the same prefix; a '\r' before it is dropped). Empty timestamp: none is written.
    void append(QByteArrayView pod, QByteArrayView container, QByteArrayView timestamp,
                QByteArrayView text);
    // Writes what is buffered and tells the LogFile to look now. Call after a batch.
    void flush();

    // A batch of lines with members pod, container, timestamp, text (QString or QByteArray),
    // e.g. PodFollower's FollowedLine; flushed at the end.
    template <typename Lines>
    void appendAll(const Lines& lines)
    {
        for (const auto& line : lines)
            append(QByteArrayView(bytes(line.pod)), QByteArrayView(bytes(line.container)),
                   QByteArrayView(bytes(line.timestamp)), QByteArrayView(bytes(line.text)));
        flush();
    }

    LogFile* logFile() const { return file_; }
    qint64 linesWritten() const { return lines_; }
    qint64 bytesWritten() const { return written_; }

    // Copies everything followed so far to path in the background (the saved file opens in the
    // viewer with its pods); saved() reports the outcome. False when a save is already running.
    bool saveAs(const QString& path);
    bool isSaving() const { return saving_; }

    static constexpr qint64 kFlushBytes = 1024 * 1024;

Q_SIGNALS:
    void saved(const QString& path, const QString& error);  // error empty on success
    // The disk refused a write (full?). Lines stay buffered in memory and are retried at the next
    // flush, so none is lost while the disk recovers.
    void writeFailed(const QString& message);

private:
    static QByteArray bytes(const QString& s) { return s.toUtf8(); }
    static const QByteArray& bytes(const QByteArray& b) { return b; }
    void appendOne(QByteArrayView pod, QByteArrayView container, QByteArrayView timestamp,
                   QByteArrayView text);

    int fd_ = -1;
    LogFile* file_ = nullptr;
    QByteArray buffer_;
    qint64 lines_ = 0;
    qint64 written_ = 0;
    bool saving_ = false;
    bool writeFailing_ = false;
    QString error_;
};

}  // namespace obslab
