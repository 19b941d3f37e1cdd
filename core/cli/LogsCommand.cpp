#include "core/cli/LogsCommand.h"

#include "core/cli/CommonOptions.h"
#include "core/cli/OptionParser.h"
#include "core/common/Allocator.h"
#include "core/common/AppSettings.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/ByteScan.h"
#include "core/logs/FileRead.h"
#include "core/logs/LineJsonWriter.h"
#include "core/logs/LineRecord.h"
#include "core/logs/LogQuery.h"
#include "core/logs/LogStats.h"
#include "core/logs/QueryMatcher.h"
#include "core/logs/RecordDecoder.h"
#include "core/logs/TraceContext.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QtConcurrent/QtConcurrentRun>

#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli {

namespace {

constexpr qint64 kBlockSize = 4 << 20;
constexpr qsizetype kFlushSize = 1 << 20;

enum class Output
{
    Text,
    Ndjson
};

// Exit code of an input that ended early or changed while it was read (the lines before the
// loss are printed): a truncated gzip file, a file truncated under the reader.
constexpr int kExitPartial = 3;

// Splits a byte stream into lines without copying the ones that lie inside one block: those go
// to onLines together, as one view of whole lines (each may be longer than the cap; the handler
// cuts it). A line that spans blocks is gathered in carry_, up to the line cap: past it the rest
// of the line is only counted, so memory stays bounded whatever the line lengths (a line that
// never ends, like /dev/zero's, is read on without growing); onLine gets it (its first cap bytes)
// and its whole length.
class LineSink
{
public:
    LineSink(qint64 cap, std::function<void(QByteArrayView)> onLines,
             std::function<void(QByteArrayView, qint64)> onLine)
        : cap_(cap)
        , onLines_(std::move(onLines))
        , onLine_(std::move(onLine))
    {}

    void feed(QByteArrayView block)
    {
        const char* d = block.data();
        qsizetype pos = 0;
        if (pending_ > 0) {
            // Finish the line the last block began.
            const void* nl = std::memchr(d, '\n', size_t(block.size()));
            if (!nl) {
                take(block);
                return;
            }
            const qsizetype end = static_cast<const char*>(nl) - d;
            take(block.first(end));
            onLine_(carry_, pending_);
            carry_.resize(0);
            pending_ = 0;
            pos = end + 1;
        }
        const void* lastNl = memrchr(d + pos, '\n', size_t(block.size() - pos));
        if (lastNl) {
            const qsizetype complete = static_cast<const char*>(lastNl) - d + 1;
            onLines_(block.sliced(pos, complete - pos));
            pos = complete;
        }
        if (pos < block.size())
            take(block.sliced(pos));
    }
    void finish()
    {
        if (pending_ > 0)
            onLine_(carry_, pending_);
        carry_.clear();
        pending_ = 0;
    }

private:
    void take(QByteArrayView part)
    {
        const qsizetype room = qsizetype(cap_) - carry_.size();
        if (room > 0)
            carry_.append(part.first(std::min(room, part.size())));
        pending_ += part.size();
    }

    qint64 cap_;
    std::function<void(QByteArrayView)> onLines_;
    std::function<void(QByteArrayView, qint64)> onLine_;
    QByteArray carry_;
    qint64 pending_ = 0;  // bytes of the unfinished line, carried or not
};

// Below this many bytes, a block's lines are handled on one core.
constexpr qsizetype kSplitBytes = 64 * 1024;

// A block is cut at line ends into parts that the two workers take in turn (lines differ in
// cost: halves would rarely be even).
constexpr int kParts = 8;

// Cuts lines (whole lines, each ending with '\n') into at most kParts views of about equal size
// when two cores are there for them, else one; returns how many.
int cutLines(QByteArrayView lines, bool twoCores, std::array<QByteArrayView, kParts>& parts)
{
    if (!twoCores || lines.size() < kSplitBytes) {
        parts[0] = lines;
        return 1;
    }
    int count = 0;
    qsizetype from = 0;
    for (int k = 1; k <= kParts && from < lines.size(); ++k) {
        qsizetype cut = lines.size();
        if (k < kParts) {
            const qsizetype at = std::max(from, lines.size() * k / kParts);
            const void* nl = std::memchr(lines.data() + at, '\n', size_t(lines.size() - at));
            cut = static_cast<const char*>(nl) - lines.data() + 1;
        }
        parts[size_t(count++)] = lines.sliced(from, cut - from);
        from = cut;
    }
    return count;
}

// Calls work(worker, k) for k in [0, count): worker 0 on this thread, worker 1 on a pool
// thread, each taking the next part when done with one.
template <typename Worker, typename Work>
void onTwoCores(std::array<Worker, 2>& workers, int count, Work&& work)
{
    std::atomic<int> next{0};
    const auto take = [&](Worker& worker) {
        for (int k = next.fetch_add(1); k < count; k = next.fetch_add(1))
            work(worker, k);
    };
    if (count == 1) {
        take(workers[0]);
        return;
    }
    QFuture<void> other = QtConcurrent::run([&] { take(workers[1]); });
    take(workers[0]);
    other.waitForFinished();
}

// For `--stats`: the figures of one core's share of the lines, each decoded into the index's
// record as it is read (the record decoder for the common layouts, else a full parse), and
// counted; no index is kept, so memory stays flat whatever the file's size.
class StatsWorker
{
public:
    explicit StatsWorker(qint64 cap)
        : cap_(cap)
    {}
    StatsWorker(const StatsWorker&) = delete;
    StatsWorker& operator=(const StatsWorker&) = delete;

    // line: at most the cap's first bytes of a line.
    void count(QByteArrayView line)
    {
        qint64 timeMs = ParsedLine::kMissing;
        QByteArrayView pod;
        LineRecord record = recorddecoder::recordOf(line, parsed_, attempts_, timeMs, pod, false);
        record.pod = podCache_.intern(pod);
        tally_.add(record, timeMs);
    }
    // lines: whole lines, each ending with '\n'.
    void countLines(QByteArrayView lines)
    {
        const char* p = lines.data();
        const char* const end = p + lines.size();
        while (p < end) {
            const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
            count(QByteArrayView(p, std::min<qint64>(nl - p, cap_)));
            p = nl + 1;
        }
    }
    // Both workers' figures, in this one (the other's pods renumbered by name).
    LogStats merged(const StatsWorker& other)
    {
        std::vector<quint16> map;
        map.reserve(size_t(other.pods_.size()));
        for (const QByteArray& name : other.pods_.names())
            map.push_back(pods_.intern(name));
        tally_.merge(other.tally_, map);
        return tally_.result(pods_);
    }

private:
    PodTable pods_;
    PodCache podCache_{pods_};
    StatsTally tally_;
    recorddecoder::Attempts attempts_;
    ParsedLine parsed_;
    qint64 cap_;
};

// A share of a block's lines: which of them pass the filter, and their printed form.
struct BlockPart
{
    struct Hit
    {
        qint64 index;  // the line's number in the part, from 0
        qsizetype offset;
        qsizetype length;
    };
    QByteArrayView lines;
    std::vector<Hit> hits;
    qint64 lineCount = 0;
    qint64 base = 0;  // lines in the file before the part
    QByteArray out;
};

// One core's share of the lines: which pass the filter, and their printed form. The index's
// record decoder answers for the common layouts; a line is parsed in full only when it is
// something else, when the query needs more than the record, or to be printed.
class LineWorker
{
public:
    LineWorker(const std::optional<LogQuery>& query, bool ndjson, qint64 cap)
        : podCache_(pods_)
        , ndjson_(ndjson)
        , cap_(cap)
    {
        if (query) {
            matcher_.emplace(*query, pods_);
            readsTrace_ = matcher_->readsTraceHash();
            readsPod_ = matcher_->readsPod();
        }
    }
    LineWorker(const LineWorker&) = delete;
    LineWorker& operator=(const LineWorker&) = delete;

    // Whether the line passes the filter (every line does without one).
    bool matches(QByteArrayView line)
    {
        if (!matcher_)
            return true;
        qint64 timeMs = 0;
        QByteArrayView pod;
        LineRecord record =
            recorddecoder::recordOf(line, parsed_, attempts_, timeMs, pod, readsTrace_);
        if (readsPod_)
            record.pod = podCache_.intern(pod);
        return matcher_->matches(record, timeMs, line);
    }

    // Appends the line's printed form; length is the whole line's (line may be its first cap
    // bytes).
    void print(QByteArray& out, QByteArrayView line, qint64 length, qint64 number)
    {
        AccessLogParser::parse(line, parsed_);
        if (ndjson_)
            LineJsonWriter::appendJson(out, line, parsed_, number);
        else
            LineJsonWriter::appendSummary(out, line, parsed_, number);
        if (length > line.size()) {
            // Longer than the cap: what was parsed is its beginning; say so on the same line.
            if (ndjson_) {
                out.chop(2);  // "}\n"
                out += ",\"truncated\":true,\"line_bytes\":" + QByteArray::number(length) + "}\n";
            } else {
                out.chop(1);
                out += " \xe2\x80\xa6 [line truncated: " + QByteArray::number(length) +
                       " bytes, the first " + QByteArray::number(line.size()) + " read]\n";
            }
        }
    }

    // Finds the lines of part.lines (complete lines, each ending with '\n') that pass the
    // filter; with digits, only the lines that hold them (see bytescan::findFolded) are looked
    // at, found block-wise like grep does.
    void collect(BlockPart& part, const QByteArray& digits)
    {
        part.hits.clear();
        const char* d = part.lines.data();
        const qsizetype size = part.lines.size();
        qsizetype pos = 0;
        qint64 index = 0;
        while (pos < size) {
            if (!digits.isEmpty()) {
                const qsizetype hit =
                    bytescan::findFolded(d, pos, size, digits.constData(), digits.size());
                const qsizetype to = hit < 0 ? size : hit;
                const char* lineStart = d + pos;
                if (const void* nl = memrchr(d + pos, '\n', size_t(to - pos)))
                    lineStart = static_cast<const char*>(nl) + 1;
                index += bytescan::count(d, pos, lineStart - d, '\n');
                pos = lineStart - d;
                if (hit < 0)
                    break;
            }
            const char* nl =
                static_cast<const char*>(std::memchr(d + pos, '\n', size_t(size - pos)));
            const qsizetype length = nl - (d + pos);
            if (matches(QByteArrayView(d + pos, std::min<qint64>(length, cap_))))
                part.hits.push_back(BlockPart::Hit{index, pos, length});
            ++index;
            pos = nl - d + 1;
        }
        part.lineCount = index;
    }

    // Prints the lines collect() kept; part.base is the number of lines before them.
    void printHits(BlockPart& part)
    {
        part.out.resize(0);
        for (const BlockPart::Hit& h : part.hits) {
            const QByteArrayView line(part.lines.data() + h.offset,
                                      std::min<qint64>(h.length, cap_));
            print(part.out, line, h.length, part.base + h.index + 1);
        }
    }

private:
    PodTable pods_;
    PodCache podCache_;
    std::optional<QueryMatcher> matcher_;
    bool readsTrace_ = true;
    bool readsPod_ = true;
    recorddecoder::Attempts attempts_;
    ParsedLine parsed_;
    bool ndjson_;
    qint64 cap_;
};

// How reading one input ended.
struct PumpResult
{
    QString error;    // unreadable or corrupt: nothing more could be read
    QString partial;  // the input ended early or shrank: what was before is kept
};

// Reads dev to the end, inflating gzip (detected by its magic bytes, concatenated members
// allowed). A file is read with read(2) on its descriptor, so a pipe's or FIFO's lines go on as
// they arrive (QFile would wait for a whole block); flush() is called whenever the input has
// nothing more for now. A regular file that shrinks while it is read, and gzip data that stops
// inside a member, are reported in partial.
PumpResult pump(QIODevice& dev, LineSink& sink, const std::function<void()>& flush)
{
    PumpResult result;
    // Two blocks: a regular file's next block is read while this one's lines are handled.
    std::array<LargeArray<char>, 2> blocks{makeLargeArray<char>(kBlockSize, true),
                                           makeLargeArray<char>(kBlockSize, true)};
    int current = 0;
    QFuture<qint64> ahead;  // the read of blocks[current ^ 1], or nothing
    QByteArray inflated;
    std::unique_ptr<z_stream, void (*)(z_stream*)> zs(nullptr, [](z_stream* z) {
        inflateEnd(z);
        delete z;
    });
    auto* file = qobject_cast<QFileDevice*>(&dev);
    const int fd = file ? file->handle() : -1;
    struct stat st
    {};
    const bool regular = fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    const qint64 sizeAtStart = regular ? qint64(st.st_size) : -1;
    qint64 bytesRead = 0;
    bool first = true;
    bool memberEnded = false;  // the last inflate() ended a gzip member
    // read(2), or -errno.
    const auto readFd = [fd](char* into) {
        qint64 n = 0;
        do
            n = ::read(fd, into, size_t(kBlockSize));
        while (n < 0 && errno == EINTR);
        return n < 0 ? qint64(-errno) : n;
    };
    const auto waitAhead = qScopeGuard([&] { ahead.waitForFinished(); });
    for (;;) {
        char* const block = blocks[size_t(current)].get();
        qint64 n = 0;
        if (fd >= 0) {
            n = ahead.isValid() ? ahead.result() : readFd(block);
            ahead = {};
            if (n < 0) {
                result.error = errnoText(int(-n));
                return result;
            }
            if (regular && n > 0) {
                char* const next = blocks[size_t(current ^ 1)].get();
                ahead = QtConcurrent::run([&readFd, next] { return readFd(next); });
            }
            current ^= 1;
        } else {
            n = dev.read(block, kBlockSize);
            if (n < 0) {
                result.error = dev.errorString();
                return result;
            }
        }
        if (n == 0)
            break;
        bytesRead += n;
        QByteArrayView data(block, n);
        if (first && n >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
            static_cast<unsigned char>(data[1]) == 0x8b) {
            zs.reset(new z_stream{});
            if (inflateInit2(zs.get(), 15 + 32) != Z_OK) {
                result.error = u"cannot initialise zlib"_s;
                return result;
            }
            inflated.resize(kBlockSize);
        }
        first = false;
        if (!zs) {
            sink.feed(data);
        } else {
            zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
            zs->avail_in = uInt(data.size());
            while (zs->avail_in > 0) {
                zs->next_out = reinterpret_cast<Bytef*>(inflated.data());
                zs->avail_out = uInt(inflated.size());
                const int rc = inflate(zs.get(), Z_NO_FLUSH);
                sink.feed(QByteArrayView(inflated.constData(), inflated.size() - zs->avail_out));
                memberEnded = rc == Z_STREAM_END;
                if (rc == Z_STREAM_END) {
                    if (inflateReset(zs.get()) != Z_OK) {
                        result.error = u"gzip: cannot continue after a member"_s;
                        return result;
                    }
                } else if (rc == Z_BUF_ERROR) {
                    if (zs->avail_out != 0)
                        break;
                } else if (rc != Z_OK) {
                    result.error =
                        u"gzip: %1"_s.arg(QString::fromLatin1(zs->msg ? zs->msg : "corrupt data"));
                    return result;
                }
            }
        }
        if (!regular && n < kBlockSize)
            flush();  // a stream with nothing more for now: show what it gave
    }
    if (zs && !memberEnded)
        result.partial = u"the gzip data is cut off"_s;
    if (regular && ::fstat(fd, &st) == 0 && qint64(st.st_size) < std::max(sizeAtStart, bytesRead))
        result.partial = u"the file was truncated while it was read (%1 bytes at the start, %2 "
                         u"now)"_s.arg(sizeAtStart)
                             .arg(qint64(st.st_size));
    sink.finish();
    return result;
}

const QString kUsage =
    u"Usage: obslab logs FILE…|- [--query Q] [--trace ID] [--output text|ndjson] [--stats]\n\n"
    "Parses Envoy/Istio access logs (plain or gzip; - reads stdin) and prints one line per\n"
    "input line: a readable summary (text, the default) or a JSON object with every parsed\n"
    "field (ndjson; see docs/logs-ndjson.md). Several files are read one after the other.\n"
    "Recognised: Istio's TEXT and JSON access logs of every version, Envoy's default format,\n"
    "key=value and custom formats with trace headers, istio-proxy log lines, kubectl\n"
    "--prefix/--timestamps prefixes.\n\n"
    "  --query Q    print only the lines that match Q, in ObsLab's filter language:\n"
    "               text, \"a phrase\", /regex/, trace:ID, req:ID, status:5xx|404|>=400,\n"
    "               flag:UF, pod:glob, svc:NAME, method:GET, path:glob, dur>100ms,\n"
    "               since:TIME, until:TIME, -term (not), OR, ( … ); terms are ANDed\n"
    "  --trace ID   print only the lines of this trace (B3 16/32 hex, traceparent, b3)\n"
    "  --stats      print each input's figures instead of its lines: line kinds, status\n"
    "               classes, response flags, requests per workload, p50/p90/p99 latency,\n"
    "               time span (with --output ndjson: one JSON object per input)\n\n"
    "A line longer than the line cap (1 MiB; logs/maxLineMiB in obslab.conf) is parsed from\n"
    "its beginning and marked as truncated with its length. FIFOs and pipes stream.\n\n"
    "Exit codes: 0 success, 1 --query/--trace matched no line, 2 usage error or\n"
    "unreadable file, 3 the input ended early or was truncated while read (truncated\n"
    "gzip, a file cut under the reader); the lines before are printed.\n"_s;

int usageError(const CliContext& ctx, const QString& message)
{
    ctx.printError(u"obslab logs: "_s + message + u"\nRun 'obslab logs --help' for usage.\n"_s);
    return ExitUsage;
}

QByteArray formatTime(qint64 ms)
{
    return ms == ParsedLine::kMissing
               ? QByteArray("-")
               : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8();
}

// The input path names: standard input for "-", else the file, opened in file. Null, with the
// reason in error, when it cannot be read.
QIODevice* openInput(const QString& path, QFile& file, const CliContext& ctx, QString& error)
{
    if (path == u"-") {
        if (!ctx.in)
            error = u"no standard input"_s;
        return ctx.in;
    }
    if (QFileInfo(path).isDir()) {
        error = u"'%1' is a directory"_s.arg(path);
        return nullptr;
    }
    file.setFileName(path);
    if (!file.open(QIODevice::ReadOnly)) {
        error = u"cannot read '%1': %2"_s.arg(path, file.errorString());
        return nullptr;
    }
    return &file;
}

// Reads path (- for standard input) once and prints its figures: every line decoded into the
// index's record and counted, on two cores; no index is built, so memory stays flat.
int printStats(const QString& path, Output output, const CliContext& ctx)
{
    QFile file;
    QString error;
    QIODevice* const dev = openInput(path, file, ctx, error);
    if (!dev)
        return usageError(ctx, error);
    const qint64 lineCap = qint64(AppSettings().logMaxLineMiB()) << 20;
    const bool twoCores = QThreadPool::globalInstance()->maxThreadCount() >= 2;
    std::array<StatsWorker, 2> workers{StatsWorker(lineCap), StatsWorker(lineCap)};
    std::array<QByteArrayView, kParts> views;
    LineSink sink(
        lineCap,
        [&](QByteArrayView lines) {
            const int count = cutLines(lines, twoCores, views);
            onTwoCores(workers, count,
                       [&](StatsWorker& w, int k) { w.countLines(views[size_t(k)]); });
        },
        [&](QByteArrayView line, qint64) { workers[0].count(line); });
    const PumpResult result = pump(*dev, sink, [] {});
    const LogStats st = workers[0].merged(workers[1]);
    if (!result.error.isEmpty())
        ctx.printError(u"obslab logs: reading '%1' failed after %2 lines: %3. The figures are "
                       u"those of the lines before.\n"_s.arg(path)
                           .arg(st.lines)
                           .arg(result.error));
    else if (!result.partial.isEmpty())
        ctx.printError(u"obslab logs: '%1': the file ends early after %2 lines: %3. The figures "
                       u"are those of the lines before; the rest is lost.\n"_s.arg(path)
                           .arg(st.lines)
                           .arg(result.partial));
    static const char* const kClasses[] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
    QByteArray out;
    if (output == Output::Ndjson) {
        QJsonObject o;
        o[u"file"_s] = path;
        o[u"lines"_s] = st.lines;
        o[u"requests"_s] = st.requests;
        o[u"proxy_logs"_s] = st.proxyLogs;
        o[u"unknown"_s] = st.unknown;
        QJsonObject classes;
        for (int c = 0; c < 6; ++c)
            classes[QString::fromLatin1(kClasses[c])] = st.statusClasses[size_t(c)];
        o[u"status"_s] = classes;
        QJsonObject flags;
        for (auto it = st.flags.cbegin(); it != st.flags.cend(); ++it)
            flags[it.key()] = it.value();
        o[u"flags"_s] = flags;
        QJsonObject workloads;
        for (auto it = st.workloads.cbegin(); it != st.workloads.cend(); ++it)
            workloads[it.key()] = it.value();
        o[u"workloads"_s] = workloads;
        if (st.p50Ms >= 0) {
            o[u"p50_ms"_s] = st.p50Ms;
            o[u"p90_ms"_s] = st.p90Ms;
            o[u"p99_ms"_s] = st.p99Ms;
        }
        if (st.firstMs != ParsedLine::kMissing) {
            o[u"first_time"_s] = QString::fromUtf8(formatTime(st.firstMs));
            o[u"last_time"_s] = QString::fromUtf8(formatTime(st.lastMs));
        }
        out = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    } else {
        out += path.toUtf8() + '\n';
        out += "  lines      " + QByteArray::number(st.lines) + " (" +
               QByteArray::number(st.requests) + " requests, " + QByteArray::number(st.proxyLogs) +
               " proxy log lines, " + QByteArray::number(st.unknown) + " other)\n";
        out += "  status    ";
        for (int c = 1; c < 6; ++c)
            out += QByteArray(" ") + kClasses[c] + ' ' +
                   QByteArray::number(st.statusClasses[size_t(c)]);
        out += " none " + QByteArray::number(st.statusClasses[0]) + '\n';
        if (!st.flags.isEmpty()) {
            out += "  flags    ";
            for (auto it = st.flags.cbegin(); it != st.flags.cend(); ++it)
                out += ' ' + it.key().toUtf8() + ' ' + QByteArray::number(it.value());
            out += '\n';
        }
        if (st.p50Ms >= 0)
            out += "  latency    p50 " + QByteArray::number(st.p50Ms) + " ms, p90 " +
                   QByteArray::number(st.p90Ms) + " ms, p99 " + QByteArray::number(st.p99Ms) +
                   " ms\n";
        out += "  time       " + formatTime(st.firstMs) + " .. " + formatTime(st.lastMs) + '\n';
        for (auto it = st.workloads.cbegin(); it != st.workloads.cend(); ++it)
            out +=
                "  workload   " + it.key().toUtf8() + ' ' + QByteArray::number(it.value()) + '\n';
    }
    ctx.write(out);
    if (!result.error.isEmpty())
        return ExitUsage;
    return result.partial.isEmpty() ? ExitOk : kExitPartial;
}

int runLogs(const QStringList& args, const CliContext& ctx)
{
    OptionParser parser({CommonOptions::output(),
                         QCommandLineOption(u"query"_s, u"filter"_s, u"Q"_s),
                         QCommandLineOption(u"trace"_s, u"trace id"_s, u"ID"_s),
                         QCommandLineOption(u"stats"_s, u"figures per file"_s)});
    if (!parser.parse(args)) {
        const OptionParser::Problem& problem = parser.problem();
        if (problem.kind != OptionParser::Problem::Kind::MissingValue)
            return usageError(ctx, u"unknown option '%1'"_s.arg(problem.argument));
        if (problem.option == u"-o")
            return usageError(ctx, u"-o needs a value: text or ndjson"_s);
        return usageError(ctx, u"%1 needs a value"_s.arg(problem.option));
    }
    Output output = Output::Text;
    if (parser.isSet(u"output"_s)) {
        const QString value = parser.value(u"output"_s);
        if (value == u"ndjson" || value == u"json")
            output = Output::Ndjson;
        else if (value != u"text")
            return usageError(ctx, u"unknown output '%1': use text or ndjson"_s.arg(value));
    }
    const QStringList paths = parser.positionalArguments();
    const QString queryText = parser.value(u"query"_s);
    const QString traceId = parser.value(u"trace"_s);
    const bool stats = parser.isSet(u"stats"_s);
    if (paths.isEmpty())
        return usageError(ctx, u"missing FILE (use - for stdin)"_s);
    if (paths.count(u"-"_s) > 1)
        return usageError(ctx, u"standard input (-) can be read only once"_s);

    if (stats) {
        if (!queryText.isEmpty() || !traceId.isEmpty())
            return usageError(ctx,
                              u"--stats describes whole files: use it without --query/--trace"_s);
        for (const QString& path : std::as_const(paths)) {
            if (QFileInfo(path).isDir())
                return usageError(ctx, u"'%1' is a directory"_s.arg(path));
        }
        int worst = ExitOk;
        for (const QString& path : std::as_const(paths))
            worst = std::max(worst, printStats(path, output, ctx));
        return worst;
    }

    // The filter: --query and --trace together are both required.
    const bool filtering = !queryText.isEmpty() || !traceId.isEmpty();
    QString combined = queryText;
    if (!traceId.isEmpty()) {
        if (!TraceContext::fromTraceparent(traceId.toLatin1()).isValid() &&
            !TraceContext::fromB3Single(traceId.toLatin1()).isValid() &&
            !TraceId::fromString(traceId).isValid())
            return usageError(ctx, u"'%1' is not a trace id (16 or 32 hex digits, a traceparent "
                                   "or a b3 header)"_s.arg(traceId));
        combined = (combined.isEmpty() ? QString() : u"("_s + combined + u") "_s) + u"trace:"_s +
                   traceId.trimmed();
    }
    std::optional<LogQuery> query;
    if (filtering) {
        const auto parsedQuery = LogQuery::parse(combined, QDateTime::currentMSecsSinceEpoch());
        if (!parsedQuery)
            return usageError(ctx, u"--query: "_s + parsedQuery.error().message);
        query = *parsedQuery;
    }
    // A query that needs one trace: every line of it holds the id's significant hex digits
    // (any spelling pads them with zeros, in either case), so the other lines are not parsed.
    QByteArray traceDigits = query ? query->requiredTraceId().toLower() : QByteArray();
    while (traceDigits.startsWith('0'))
        traceDigits.remove(0, 1);

    QByteArray out;
    out.reserve(kFlushSize + 64 * 1024);
    qint64 lineNumber = 0;
    qint64 matched = 0;
    const auto flush = [&] {
        ctx.write(out);
        out.resize(0);
        if (auto* f = qobject_cast<QFileDevice*>(ctx.out))
            f->flush();
    };
    const qint64 lineCap = qint64(AppSettings().logMaxLineMiB()) << 20;
    const bool ndjson = output == Output::Ndjson;
    // Two workers, one per core (the first also takes the lines that span blocks).
    std::array<LineWorker, 2> workers{LineWorker(query, ndjson, lineCap),
                                      LineWorker(query, ndjson, lineCap)};
    const auto onLine = [&](QByteArrayView line, qint64 length) {
        ++lineNumber;
        if (workers[0].matches(line)) {
            ++matched;
            workers[0].print(out, line, length, lineNumber);
        }
    };
    const bool twoCores = QThreadPool::globalInstance()->maxThreadCount() >= 2;
    // A block's parts are filtered on both cores, then printed on both, and joined in order.
    std::array<BlockPart, kParts> parts;
    std::array<QByteArrayView, kParts> views;
    const auto onLines = [&](QByteArrayView lines) {
        const int count = cutLines(lines, twoCores, views);
        for (int k = 0; k < count; ++k)
            parts[size_t(k)].lines = views[size_t(k)];
        const auto inParallel = [&](auto&& work) {
            onTwoCores(workers, count, [&](LineWorker& w, int k) { work(w, parts[size_t(k)]); });
        };
        inParallel([&](LineWorker& w, BlockPart& part) { w.collect(part, traceDigits); });
        for (int k = 0; k < count; ++k) {
            BlockPart& part = parts[size_t(k)];
            part.base = lineNumber;
            lineNumber += part.lineCount;
            matched += qint64(part.hits.size());
        }
        inParallel([&](LineWorker& w, BlockPart& part) { w.printHits(part); });
        for (int k = 0; k < count; ++k)
            out += parts[size_t(k)].out;
        if (out.size() >= kFlushSize) {
            ctx.write(out);
            out.resize(0);
        }
    };
    LineSink sink(lineCap, onLines, onLine);

    bool partial = false;
    for (const QString& path : std::as_const(paths)) {
        QFile file;
        QString error;
        QIODevice* const dev = openInput(path, file, ctx, error);
        if (!dev)
            return usageError(ctx, error);
        lineNumber = 0;  // line numbers count within each file
        const PumpResult result = pump(*dev, sink, flush);
        flush();
        if (!result.error.isEmpty()) {
            ctx.printError(u"obslab logs: reading '%1' failed after %2 lines: %3\n"_s.arg(path)
                               .arg(lineNumber)
                               .arg(result.error));
            return ExitUsage;
        }
        if (!result.partial.isEmpty()) {
            ctx.printError(u"obslab logs: '%1': the file ends early after %2 lines: %3. The lines "
                           u"before are printed; the rest is lost.\n"_s.arg(path)
                               .arg(lineNumber)
                               .arg(result.partial));
            partial = true;
        }
    }
    if (partial)
        return kExitPartial;
    return filtering && matched == 0 ? ExitFailure : ExitOk;
}

}  // namespace

Subcommand logsSubcommand()
{
    return Subcommand{u"logs"_s, u"Parse an Envoy/Istio access log (text or ndjson)"_s, kUsage,
                      runLogs};
}

}  // namespace obslab::cli
