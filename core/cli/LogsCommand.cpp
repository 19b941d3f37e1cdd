#include "core/cli/LogsCommand.h"

#include "core/cli/CommonOptions.h"
#include "core/cli/OptionParser.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/LineJsonWriter.h"
#include "core/logs/LineRecord.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogQuery.h"
#include "core/logs/LogStats.h"
#include "core/logs/QueryMatcher.h"
#include "core/logs/TraceContext.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <zlib.h>

#include <cstring>
#include <functional>
#include <memory>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli {

namespace {

constexpr qint64 kBlockSize = 1 << 20;
constexpr qsizetype kFlushSize = 1 << 20;

enum class Output
{
    Text,
    Ndjson
};

// Splits a byte stream into lines without copying the ones that lie inside one block; a line
// that spans blocks (or is longer than one) is gathered in carry_.
class LineSink
{
public:
    explicit LineSink(std::function<void(QByteArrayView)> onLine)
        : onLine_(std::move(onLine))
    {}

    void feed(QByteArrayView block)
    {
        const char* d = block.data();
        qsizetype pos = 0;
        while (pos < block.size()) {
            const void* nl = std::memchr(d + pos, '\n', size_t(block.size() - pos));
            if (!nl) {
                carry_.append(block.sliced(pos));
                return;
            }
            const qsizetype end = static_cast<const char*>(nl) - d;
            if (carry_.isEmpty()) {
                onLine_(block.sliced(pos, end - pos));
            } else {
                carry_.append(block.sliced(pos, end - pos));
                onLine_(carry_);
                carry_.resize(0);
            }
            pos = end + 1;
        }
    }
    void finish()
    {
        if (!carry_.isEmpty())
            onLine_(carry_);
        carry_.clear();
    }

private:
    std::function<void(QByteArrayView)> onLine_;
    QByteArray carry_;
};

// Reads dev to the end, inflating gzip (detected by its magic bytes, concatenated members
// allowed). Returns an error message, empty on success.
QString pump(QIODevice& dev, LineSink& sink)
{
    QByteArray block(kBlockSize, Qt::Uninitialized);
    QByteArray inflated;
    std::unique_ptr<z_stream, void (*)(z_stream*)> zs(nullptr, [](z_stream* z) {
        inflateEnd(z);
        delete z;
    });
    bool first = true;
    for (;;) {
        const qint64 n = dev.read(block.data(), block.size());
        if (n < 0)
            return dev.errorString();
        if (n == 0)
            break;
        QByteArrayView data(block.constData(), n);
        if (first && n >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
            static_cast<unsigned char>(data[1]) == 0x8b) {
            zs.reset(new z_stream{});
            if (inflateInit2(zs.get(), 15 + 32) != Z_OK)
                return u"cannot initialise zlib"_s;
            inflated.resize(kBlockSize * 4);
        }
        first = false;
        if (!zs) {
            sink.feed(data);
            continue;
        }
        zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        zs->avail_in = uInt(data.size());
        while (zs->avail_in > 0) {
            zs->next_out = reinterpret_cast<Bytef*>(inflated.data());
            zs->avail_out = uInt(inflated.size());
            const int rc = inflate(zs.get(), Z_NO_FLUSH);
            sink.feed(QByteArrayView(inflated.constData(), inflated.size() - zs->avail_out));
            if (rc == Z_STREAM_END) {
                if (inflateReset(zs.get()) != Z_OK)
                    return u"gzip: cannot continue after a member"_s;
            } else if (rc == Z_BUF_ERROR) {
                if (zs->avail_out != 0)
                    break;
            } else if (rc != Z_OK) {
                return u"gzip: %1"_s.arg(QString::fromLatin1(zs->msg ? zs->msg : "corrupt data"));
            }
        }
    }
    sink.finish();
    return {};
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
    "  --stats      index each FILE and print its figures instead of its lines: line\n"
    "               kinds, status classes, response flags, requests per workload,\n"
    "               p50/p90/p99 latency, time span (with --output ndjson: one JSON object)\n\n"
    "Exit codes: 0 success, 1 --query/--trace matched no line, 2 usage error or\n"
    "unreadable file.\n"_s;

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

// Indexes path with the same engine as the GUI and prints its statistics.
int printStats(const QString& path, Output output, const CliContext& ctx)
{
    LogFile file;
    file.setFollowing(false);
    QEventLoop loop;
    QObject::connect(&file, &LogFile::indexingFinished, &loop, &QEventLoop::quit);
    if (!file.open(path))
        return usageError(ctx, file.errorString());
    if (file.state() == LogFile::State::Indexing)
        loop.exec();
    if (file.state() == LogFile::State::Failed)
        ctx.printError(u"obslab logs: "_s + file.errorString() + u'\n');
    const std::atomic<bool> never{false};
    const LogStats st = LogStats::compute(file.snapshot(), never);
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
    return file.state() == LogFile::State::Failed ? ExitUsage : ExitOk;
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
        if (paths.contains(u"-"_s))
            return usageError(ctx, u"--stats indexes files: save the input to a file first"_s);
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
    PodTable pods;
    std::optional<QueryMatcher> matcher;
    if (query)
        matcher.emplace(*query, pods);

    QByteArray out;
    out.reserve(kFlushSize + 64 * 1024);
    ParsedLine parsed;
    qint64 lineNumber = 0;
    qint64 matched = 0;
    LineSink sink([&](QByteArrayView line) {
        ++lineNumber;
        AccessLogParser::parse(line, parsed);
        if (matcher) {
            qint64 timeMs = 0;
            const LineRecord record = makeRecord(parsed, line, &pods, &timeMs);
            if (!matcher->matches(record, timeMs, line))
                return;
        }
        ++matched;
        if (output == Output::Ndjson)
            LineJsonWriter::appendJson(out, line, parsed, lineNumber);
        else
            LineJsonWriter::appendSummary(out, line, parsed, lineNumber);
        if (out.size() >= kFlushSize) {
            ctx.write(out);
            out.resize(0);
        }
    });

    for (const QString& path : std::as_const(paths)) {
        QFile file;
        QIODevice* dev = nullptr;
        if (path == u"-") {
            dev = ctx.in;
            if (!dev)
                return usageError(ctx, u"no standard input"_s);
        } else {
            if (QFileInfo(path).isDir())
                return usageError(ctx, u"'%1' is a directory"_s.arg(path));
            file.setFileName(path);
            if (!file.open(QIODevice::ReadOnly))
                return usageError(ctx, u"cannot read '%1': %2"_s.arg(path, file.errorString()));
            dev = &file;
        }
        lineNumber = 0;  // line numbers count within each file
        const QString error = pump(*dev, sink);
        ctx.write(out);
        out.resize(0);
        if (!error.isEmpty()) {
            ctx.printError(u"obslab logs: reading '%1' failed after %2 lines: %3\n"_s.arg(path)
                               .arg(lineNumber)
                               .arg(error));
            return ExitUsage;
        }
    }
    return filtering && matched == 0 ? ExitFailure : ExitOk;
}

}  // namespace

Subcommand logsSubcommand()
{
    return Subcommand{u"logs"_s, u"Parse an Envoy/Istio access log (text or ndjson)"_s, kUsage,
                      runLogs};
}

}  // namespace obslab::cli
