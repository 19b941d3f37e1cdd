#include "LogsCommand.h"

#include "logs/AccessLogParser.h"
#include "logs/LineJsonWriter.h"

#include <QFile>
#include <QFileInfo>

#include <zlib.h>

#include <cstring>
#include <functional>
#include <memory>

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
    u"Usage: obslab logs FILE|- [--output text|ndjson]\n\n"
    "Parses an Envoy/Istio access log (plain or gzip; - reads stdin) and\n"
    "prints one line per input line: a readable summary (text, the default)\n"
    "or a JSON object with every parsed field (ndjson; see docs/logs-ndjson.md).\n"
    "Recognised: Istio's TEXT and JSON access logs of every version, Envoy's\n"
    "default format, key=value and custom formats with trace headers,\n"
    "istio-proxy log lines, kubectl --prefix/--timestamps prefixes.\n\n"
    "Exit codes: 0 success, 2 usage error or unreadable file.\n"_s;

int usageError(const CliContext& ctx, const QString& message)
{
    ctx.printError(u"obslab logs: "_s + message + u"\nRun 'obslab logs --help' for usage.\n"_s);
    return ExitUsage;
}

int runLogs(const QStringList& args, const CliContext& ctx)
{
    Output output = Output::Text;
    QString path;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args.at(i);
        QString value;
        if (a == u"--output" || a == u"-o") {
            if (i + 1 >= args.size())
                return usageError(ctx, u"--output needs a value: text or ndjson"_s);
            value = args.at(++i);
        } else if (a.startsWith(u"--output=")) {
            value = a.mid(9);
        } else if (a.startsWith(u'-') && a != u"-") {
            return usageError(ctx, u"unknown option '%1'"_s.arg(a));
        } else {
            if (!path.isEmpty())
                return usageError(ctx, u"only one FILE can be given"_s);
            path = a;
            continue;
        }
        if (value == u"text")
            output = Output::Text;
        else if (value == u"ndjson" || value == u"json")
            output = Output::Ndjson;
        else
            return usageError(ctx, u"unknown output '%1': use text or ndjson"_s.arg(value));
    }
    if (path.isEmpty())
        return usageError(ctx, u"missing FILE (use - for stdin)"_s);

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

    QByteArray out;
    out.reserve(kFlushSize + 64 * 1024);
    ParsedLine parsed;
    qint64 lineNumber = 0;
    LineSink sink([&](QByteArrayView line) {
        ++lineNumber;
        AccessLogParser::parse(line, parsed);
        if (output == Output::Ndjson)
            LineJsonWriter::appendJson(out, line, parsed, lineNumber);
        else
            LineJsonWriter::appendSummary(out, line, parsed, lineNumber);
        if (out.size() >= kFlushSize) {
            ctx.write(out);
            out.resize(0);
        }
    });
    const QString error = pump(*dev, sink);
    ctx.write(out);
    if (!error.isEmpty()) {
        ctx.printError(u"obslab logs: reading '%1' failed after %2 lines: %3\n"_s.arg(path)
                           .arg(lineNumber)
                           .arg(error));
        return ExitUsage;
    }
    return ExitOk;
}

}  // namespace

Subcommand logsSubcommand()
{
    return Subcommand{u"logs"_s, u"parse an Envoy/Istio access log (text or ndjson)"_s, kUsage,
                      runLogs};
}

}  // namespace obslab::cli
