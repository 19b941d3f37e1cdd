// Log engine benchmark: generates a realistic istio-proxy log (deterministic), then times, in one
// run on the same file with the page cache warm, `wc -l`, `grep -F -c <trace id>` and ObsLab's
// engine, and prints the ratios. Not a test: CI runs it on a small file as a smoke test only.
//   bench_logs [--size MB] [--file PATH] [--keep]
#include "LogGenerator.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#include <atomic>
#include <cstdio>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace {

struct Timed
{
    double seconds = 0;
    QByteArray output;
};

// Best of three runs of an external tool (no shell: program and argument list).
Timed timeTool(const QString& program, const QStringList& args)
{
    Timed best;
    best.seconds = 1e9;
    for (int i = 0; i < 3; ++i) {
        QProcess p;
        QElapsedTimer t;
        t.start();
        p.start(program, args);
        p.waitForFinished(-1);
        const double s = t.nsecsElapsed() / 1e9;
        if (s < best.seconds) {
            best.seconds = s;
            best.output = p.readAllStandardOutput().trimmed();
        }
    }
    return best;
}

template <typename F>
double bestOf3(F&& f)
{
    double best = 1e9;
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        best = std::min(best, t.nsecsElapsed() / 1e9);
    }
    return best;
}

// Opens path in file and returns once it is indexed (every field when full, else line ends).
void openIndexed(obslab::LogFile& file, const QString& path, bool full)
{
    file.setFollowing(false);
    file.setIndexing(full);
    QEventLoop loop;
    QObject::connect(&file, &obslab::LogFile::indexingFinished, &loop, &QEventLoop::quit);
    file.open(path);
    loop.exec();
}

void row(const char* what, double seconds, double bytes, double reference, const char* refName)
{
    std::printf("%-34s %9.1f ms  %7.2f GB/s", what, seconds * 1000, bytes / seconds / 1e9);
    if (reference > 0)
        std::printf("   %5.2f x %s", seconds / reference, refName);
    std::printf("\n");
}

}  // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(u"ObsLab log engine benchmark"_s);
    cli.addHelpOption();
    cli.addOption(
        {u"size"_s, u"size of the generated log in MiB (default 1024)"_s, u"MB"_s, u"1024"_s});
    cli.addOption({u"file"_s, u"where to write the log (default: the temp dir)"_s, u"PATH"_s});
    cli.addOption({u"keep"_s, u"keep the generated file for the next run"_s});
    cli.addOption({u"full-index-only"_s,
                   u"only time the full index of an existing --file, N times (for profiling)"_s,
                   u"N"_s});
    cli.process(app);

    const qint64 size = cli.value(u"size"_s).toLongLong() * 1024 * 1024;
    const QString path = cli.isSet(u"file"_s)
                             ? cli.value(u"file"_s)
                             : QDir::temp().filePath(u"obslab-bench-%1.log"_s.arg(size));
    if (cli.isSet(u"full-index-only"_s)) {
        const int runs = std::max(1, cli.value(u"full-index-only"_s).toInt());
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer t;
            t.start();
            obslab::LogFile file;
            openIndexed(file, path, true);
            std::printf("full index: %.1f ms, %lld lines\n", t.nsecsElapsed() / 1e6,
                        static_cast<long long>(file.lineCount()));
        }
        return 0;
    }
    obslab::bench::LogGenerator generator({});
    QByteArray probeTrace;
    {
        QFile f(path);
        const bool reuse = QFileInfo(path).size() >= size && cli.isSet(u"keep"_s);
        QElapsedTimer t;
        t.start();
        if (!reuse && !f.open(QIODevice::WriteOnly)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
            return 1;
        }
        qint64 written = 0;
        while (written < size) {
            QByteArray chunk;
            chunk.reserve(8 * 1024 * 1024 + 65536);
            while (chunk.size() < 8 * 1024 * 1024)
                generator.appendTrace(chunk);
            if (!reuse)
                f.write(chunk);
            written += chunk.size();
        }
        const auto& ids = generator.traceIds();
        probeTrace = ids[ids.size() / 2];
        std::printf("log: %s, %.1f MiB, %lld lines%s (%.1f s)\n", qPrintable(path),
                    written / 1048576.0, static_cast<long long>(generator.linesGenerated()),
                    reuse ? ", reused" : ", generated", t.nsecsElapsed() / 1e9);
    }
    const double bytes = double(QFileInfo(path).size());

    timeTool(u"cat"_s, {path, u"/dev/null"_s});  // warm the page cache (cat FILE /dev/null)
    const Timed wc = timeTool(u"wc"_s, {u"-l"_s, path});
    const Timed grep =
        timeTool(u"grep"_s, {u"-F"_s, u"-c"_s, QString::fromLatin1(probeTrace), path});

    qint64 lines = 0;
    qint64 indexBytes = 0;
    const auto openAndIndex = [&](bool full) {
        obslab::LogFile file;
        openIndexed(file, path, full);
        lines = file.lineCount();
        indexBytes = file.indexBytes();
    };
    const double index = bestOf3([&] { openAndIndex(false); });
    const double fullIndex = bestOf3([&] { openAndIndex(true); });

    // Queries on an indexed file: one trace, and a free-text filter over every line.
    obslab::LogFile indexed;
    openIndexed(indexed, path, true);
    const obslab::LogFile::Snapshot snap = indexed.snapshot();
    const std::atomic<bool> noCancel{false};
    const auto traceQuery =
        *obslab::LogQuery::parse(u"trace:"_s + QString::fromLatin1(probeTrace), 0);
    qint64 traceLines = 0;
    const double trace = bestOf3([&] {
        traceLines = qint64(
            obslab::LogFilter::filterRange(snap, traceQuery, 0, snap.lineCount, noCancel).size());
    });
    const auto textQuery = *obslab::LogQuery::parse(QString::fromLatin1(probeTrace), 0);
    qint64 textLines = 0;
    const double text = bestOf3([&] {
        obslab::LogFilter filter(&indexed);
        QEventLoop loop;
        QObject::connect(&filter, &obslab::LogFilter::finished, &loop, &QEventLoop::quit);
        filter.start(textQuery);
        loop.exec();
        textLines = qint64(filter.matches().size());
    });

    // The parser alone, one core: blocks read with QFile, lines split with memchr.
    qint64 requests = 0;
    const double parse = bestOf3([&] {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return;
        QByteArray block(4 * 1024 * 1024, Qt::Uninitialized);
        QByteArray carry;
        obslab::ParsedLine parsed;
        requests = 0;
        auto parseOne = [&](QByteArrayView line) {
            obslab::AccessLogParser::parse(line, parsed);
            requests += parsed.kind == obslab::LineKind::Request;
        };
        for (;;) {
            const qint64 n = f.read(block.data(), block.size());
            if (n <= 0)
                break;
            const char* p = block.constData();
            const char* end = p + n;
            if (!carry.isEmpty()) {
                const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
                if (!nl) {
                    carry.append(p, end - p);
                    continue;
                }
                carry.append(p, nl - p);
                parseOne(carry);
                carry.clear();
                p = nl + 1;
            }
            while (p < end) {
                const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
                if (!nl) {
                    carry.append(p, end - p);
                    break;
                }
                parseOne(QByteArrayView(p, nl - p));
                p = nl + 1;
            }
        }
        if (!carry.isEmpty())
            parseOne(carry);
    });

    std::printf("\n%-34s %10s  %12s   %s\n", "", "time", "throughput", "ratio");
    row("wc -l", wc.seconds, bytes, 0, "");
    row("grep -F -c <trace id>", grep.seconds, bytes, 0, "");
    row("ObsLab line index (LogFile)", index, bytes, wc.seconds, "wc -l");
    row("ObsLab full index (every field)", fullIndex, bytes, wc.seconds, "wc -l");
    row("ObsLab parser, every line, 1 core", parse, bytes, wc.seconds, "wc -l");
    row("ObsLab trace query (indexed)", trace, bytes, 0, "");
    row("ObsLab free-text filter (2 cores)", text, bytes, grep.seconds, "grep -F -c");
    std::printf("\nparsed %lld request lines; the index holds %.1f bytes a line\n",
                static_cast<long long>(requests),
                double(indexBytes) / double(std::max<qint64>(lines, 1)));
    std::printf("wc -l says %s lines, ObsLab %lld; grep found the trace on %s lines, the trace "
                "query on %lld, the text filter on %lld\n",
                wc.output.split(' ').value(0).constData(), static_cast<long long>(lines),
                grep.output.constData(), static_cast<long long>(traceLines),
                static_cast<long long>(textLines));
    if (!cli.isSet(u"keep"_s))
        QFile::remove(path);
    const bool agree = wc.output.split(' ').value(0).toLongLong() == lines &&
                       grep.output.toLongLong() == textLines && traceLines == textLines;
    return agree ? 0 : 1;
}
