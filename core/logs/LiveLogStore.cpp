#include "core/logs/LiveLogStore.h"

#include "core/logs/FileRead.h"
#include "core/logs/LogFile.h"

#include <QFutureWatcher>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cerrno>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
constexpr int kLivePollMs = 200;
constexpr qint64 kCopyBlock = 4 * 1024 * 1024;

// Pod and container names are DNS labels; anything that would break the prefix is replaced.
void appendName(QByteArray& out, QByteArrayView name)
{
    if (name.isEmpty()) {
        out.append('-');
        return;
    }
    const auto bad = [](char c) {
        return c == ']' || c == '/' || c == ' ' || c == '\n' || c == '\r';
    };
    if (std::none_of(name.begin(), name.end(), bad)) {
        out.append(name);
        return;
    }
    for (char c : name)
        out.append(bad(c) ? '_' : c);
}
}  // namespace

LiveLogStore::LiveLogStore(QObject* parent)
    : QObject(parent)
{}

LiveLogStore::~LiveLogStore()
{
    if (fd_ >= 0)
        ::close(fd_);
}

bool LiveLogStore::start(const QString& displayName)
{
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    delete file_;
    file_ = nullptr;
    buffer_.clear();
    lines_ = 0;
    written_ = 0;
    writeFailing_ = false;
    error_.clear();

    fd_ = anonymousTempFile("live", &error_);
    if (fd_ < 0)
        return false;
    const int readFd = ::dup(fd_);
    file_ = new LogFile(this);
    file_->setPollInterval(kLivePollMs);
    if (readFd < 0 || !file_->openTemporary(readFd, displayName)) {
        error_ = readFd < 0 ? errnoText(errno) : file_->errorString();
        ::close(fd_);
        fd_ = -1;
        return false;
    }
    return true;
}

void LiveLogStore::append(QByteArrayView pod, QByteArrayView container, QByteArrayView timestamp,
                          QByteArrayView text)
{
    // A newline inside the text would split it behind our back; give each part the prefix.
    qsizetype from = 0;
    while (true) {
        const qsizetype nl = text.indexOf('\n', from);
        const QByteArrayView part = nl < 0 ? text.sliced(from) : text.sliced(from, nl - from);
        appendOne(pod, container, timestamp, part);
        if (nl < 0)
            break;
        from = nl + 1;
        if (from == text.size())
            break;
    }
    if (buffer_.size() >= kFlushBytes)
        flush();
}

void LiveLogStore::appendOne(QByteArrayView pod, QByteArrayView container, QByteArrayView timestamp,
                             QByteArrayView text)
{
    if (text.endsWith('\r'))
        text.chop(1);
    buffer_.append("[pod/");
    appendName(buffer_, pod);
    buffer_.append('/');
    appendName(buffer_, container);
    buffer_.append("] ");
    if (!timestamp.isEmpty()) {
        buffer_.append(timestamp);
        buffer_.append(' ');
    }
    buffer_.append(text);
    buffer_.append('\n');
    ++lines_;
}

void LiveLogStore::flush()
{
    if (fd_ < 0 || buffer_.isEmpty())
        return;
    if (!writeFully(fd_, buffer_.constData(), buffer_.size())) {
        const int e = errno;
        // A partial write leaves part of the buffer on disk; the file position tells how much.
        const off_t pos = ::lseek(fd_, 0, SEEK_CUR);
        if (pos > written_) {
            buffer_.remove(0, qsizetype(pos - written_));
            written_ = pos;
        }
        if (!writeFailing_) {
            writeFailing_ = true;
            Q_EMIT writeFailed(tr("Cannot write the followed lines to the temporary file (%1); "
                                  "they are kept in memory until the disk has room again.")
                                   .arg(errnoText(e)));
        }
        return;
    }
    writeFailing_ = false;
    written_ += buffer_.size();
    buffer_.clear();
    if (file_)
        file_->checkNow();
}

bool LiveLogStore::saveAs(const QString& path)
{
    if (saving_ || fd_ < 0)
        return false;
    flush();
    const int fd = ::dup(fd_);
    if (fd < 0) {
        Q_EMIT saved(path, errnoText(errno));
        return true;
    }
    saving_ = true;
    const qint64 size = written_;
    auto future = QtConcurrent::run([fd, size, path]() -> QString {
        QString error;
        QSaveFile out(path);
        if (!out.open(QIODevice::WriteOnly)) {
            error = out.errorString();
        } else {
            QByteArray block(int(kCopyBlock), Qt::Uninitialized);
            for (qint64 at = 0; at < size && error.isEmpty();) {
                const qint64 n = preadFully(fd, block.data(), qMin(kCopyBlock, size - at), at);
                if (n <= 0) {
                    error = u"read error: %1"_s.arg(errnoText(errno));
                    break;
                }
                if (out.write(block.constData(), n) != n)
                    error = out.errorString();
                at += n;
            }
            if (error.isEmpty() && !out.commit())
                error = out.errorString();
        }
        ::close(fd);
        return error;
    });
    // A watcher connected before it gets the future: the copy may be done before this line
    // runs, and the watcher still reports it (and nothing arrives once the store is gone).
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        saving_ = false;
        Q_EMIT saved(path, watcher->result());
    });
    watcher->setFuture(future);
    return true;
}

}  // namespace obslab
