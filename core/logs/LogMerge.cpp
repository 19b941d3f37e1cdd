#include "core/logs/LogMerge.h"

#include "core/logs/AccessLogParser.h"
#include "core/logs/FileRead.h"
#include "core/logs/LogFile.h"

#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <cerrno>
#include <fcntl.h>
#include <limits>
#include <queue>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

constexpr int kReadBlock = 1024 * 1024;
constexpr qsizetype kMaxLine = 64 * 1024 * 1024;  // a longer "line" is cut, never dropped
constexpr qint64 kFirstFlush = 64 * 1024;         // the first screen goes out early
constexpr qint64 kMaxFlush = 4 * 1024 * 1024;
constexpr qint64 kNoTime = std::numeric_limits<qint64>::min();

// One input file read line by line; gzip or plain (zlib reads plain files as they are).
struct Source
{
    gzFile gz = nullptr;
    QString path;
    QByteArray prefix;  // "[pod/NAME/file] "
    qint64 size = 0;
    QByteArray buffer;
    qsizetype pos = 0;
    bool eof = false;
    QString problem;
    // The current line and its time (µs; the previous line's when it has none).
    QByteArray line;
    qint64 timeUs = kNoTime;
    bool hasLine = false;

    bool fill()
    {
        if (eof)
            return false;
        if (pos > 0) {
            buffer.remove(0, pos);
            pos = 0;
        }
        const qsizetype old = buffer.size();
        buffer.resize(old + kReadBlock);
        const int n = gzread(gz, buffer.data() + old, unsigned(kReadBlock));
        if (n <= 0) {
            buffer.resize(old);
            eof = true;
            int code = Z_OK;
            const char* message = gzerror(gz, &code);
            if (n < 0 || (code != Z_OK && code != Z_STREAM_END)) {
                problem = u"%1: %2; the lines before that are shown"_s.arg(
                    path, QString::fromLocal8Bit(message ? message : "read error"));
            }
            return false;
        }
        buffer.resize(old + n);
        return true;
    }

    // Reads the next line; false at the end.
    bool next()
    {
        hasLine = false;
        while (true) {
            const qsizetype nl = buffer.indexOf('\n', pos);
            if (nl >= 0) {
                take(pos, nl - pos);
                pos = nl + 1;
                return true;
            }
            if (buffer.size() - pos >= kMaxLine) {
                take(pos, kMaxLine);
                pos += kMaxLine;
                return true;
            }
            if (!fill()) {
                if (pos < buffer.size()) {
                    take(pos, buffer.size() - pos);
                    pos = buffer.size();
                    return true;
                }
                return false;
            }
        }
    }

    void take(qsizetype from, qsizetype length)
    {
        if (length > 0 && buffer.at(from + length - 1) == '\r')
            --length;
        line = buffer.mid(from, length);
        ParsedLine parsed;
        AccessLogParser::parse(line, parsed);
        if (parsed.timeUs != ParsedLine::kMissing)
            timeUs = parsed.timeUs;
        hasLine = true;
    }

    qint64 bytesRead() const { return gz ? qint64(gzoffset(gz)) : 0; }
};

QByteArray prefixFor(const QString& path)
{
    QByteArray name = QFileInfo(path).fileName().toUtf8();
    for (char& c : name) {
        if (c == ']' || c == '/' || c == ' ' || c == '\n' || c == '\r')
            c = '_';
    }
    return "[pod/" + name + "/file] ";
}

}  // namespace

LogMerge::LogMerge(QObject* parent)
    : QObject(parent)
{}

LogMerge::~LogMerge()
{
    cancel();
    job_.waitForFinished();
}

void LogMerge::cancel()
{
    if (cancel_)
        cancel_->store(true);
}

QString LogMerge::displayName(const QStringList& paths)
{
    return tr("%n file(s) merged by time", nullptr, int(paths.size()));
}

bool LogMerge::open(const QStringList& paths, LogFile* target)
{
    cancel();
    job_.waitForFinished();
    error_.clear();
    target_ = target;

    auto sources = std::make_shared<std::vector<Source>>();
    QStringList problems;
    for (const QString& path : paths) {
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
        struct stat st
        {};
        if (fd < 0 || ::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
            const int e = errno;
            problems.append(fd >= 0       ? tr("%1 is a folder, not a log file.").arg(path)
                            : e == ENOENT ? tr("%1 does not exist.").arg(path)
                                          : tr("Cannot open %1: %2.").arg(path, errnoText(e)));
            if (fd >= 0)
                ::close(fd);
            continue;
        }
        Source source;
        source.gz = gzdopen(fd, "rb");
        if (!source.gz) {
            ::close(fd);
            problems.append(tr("Cannot read %1.").arg(path));
            continue;
        }
        gzbuffer(source.gz, kReadBlock);
        source.path = path;
        source.prefix = prefixFor(path);
        source.size = st.st_size;
        sources->push_back(std::move(source));
    }
    if (sources->empty()) {
        error_ = problems.isEmpty() ? tr("No files to merge.") : problems.join(u'\n');
        return false;
    }
    const int out = anonymousTempFile("merged", &error_);
    const int readFd = out >= 0 ? ::dup(out) : -1;
    if (out < 0 || readFd < 0 || !target->openTemporary(readFd, displayName(paths))) {
        if (out >= 0) {
            error_ = target->errorString();
            ::close(out);
        }
        for (Source& s : *sources)
            gzclose(s.gz);
        return false;
    }

    cancel_ = std::make_shared<std::atomic<bool>>(false);
    running_ = true;
    auto cancel = cancel_;
    job_ = QtConcurrent::run([this, sources, out, cancel, problems]() mutable {
        qint64 total = 0;
        for (const Source& s : *sources)
            total += s.size;
        // Min-heap on (time, file order): equal times keep the order the files were given.
        using Head = std::pair<qint64, size_t>;
        std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
        for (size_t i = 0; i < sources->size(); ++i) {
            if ((*sources)[i].next())
                heads.emplace((*sources)[i].timeUs, i);
        }
        QByteArray buffer;
        qint64 flushAt = kFirstFlush;
        QString writeError;
        const auto flush = [&] {
            if (!buffer.isEmpty() && writeError.isEmpty() &&
                !writeFully(out, buffer.constData(), buffer.size()))
                writeError = tr("Cannot write the merged lines to a temporary file: %1.")
                                 .arg(errnoText(errno));
            buffer.clear();
            qint64 done = 0;
            for (const Source& s : *sources)
                done += s.bytesRead();
            QMetaObject::invokeMethod(
                this,
                [this, done, total] {
                    if (target_)
                        target_->checkNow();
                    Q_EMIT progressChanged(done, std::max(done, total));
                },
                Qt::QueuedConnection);
        };
        while (!heads.empty() && !cancel->load() && writeError.isEmpty()) {
            const size_t i = heads.top().second;
            heads.pop();
            Source& s = (*sources)[i];
            // Emit this file's lines for as long as they are not later than the next file's.
            const qint64 limit =
                heads.empty() ? std::numeric_limits<qint64>::max() : heads.top().first;
            bool more = true;
            do {
                const bool prefixed = s.line.startsWith("[pod/");
                if (!prefixed)
                    buffer.append(s.prefix);
                buffer.append(s.line);
                buffer.append('\n');
                if (buffer.size() >= flushAt) {
                    flush();
                    flushAt = std::min(flushAt * 2, kMaxFlush);
                    if (cancel->load())
                        break;
                }
                more = s.next();
            } while (more && (s.timeUs < limit || (s.timeUs == limit && i < heads.top().second)));
            if (more)
                heads.emplace(s.timeUs, i);
        }
        flush();
        for (Source& s : *sources) {
            if (!s.problem.isEmpty())
                problems.append(s.problem);
            gzclose(s.gz);
        }
        ::close(out);
        if (!writeError.isEmpty())
            problems.append(writeError);
        const bool cancelled = cancel->load();
        QMetaObject::invokeMethod(
            this,
            [this, problems, cancelled] {
                running_ = false;
                if (target_)
                    target_->checkNow();
                Q_EMIT finished(problems, cancelled);
            },
            Qt::QueuedConnection);
    });
    return true;
}

}  // namespace obslab
