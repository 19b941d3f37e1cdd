// Log engine benchmark, per log layout: generates a realistic istio-proxy log (deterministic) in
// each layout the parser knows, then times, in one run on the same file with the page cache warm,
// `wc -l`, `grep -F -c <trace id>`, ObsLab's engine (line index, full index in this process and
// in a fresh one as when the app opens a file, parser, queries),
// the `obslab logs` command-line paths (--stats, --trace, --query) and lnav's open + filter when
// lnav is installed, and prints the ratios. Not a test: CI runs it on small files as a smoke test.
//   bench_logs [--size MB] [--layout NAME|all] [--dir DIR] [--keep] [--obslab PATH] [--markdown]
//   bench_logs --full-index-only N --file PATH     (profiling; also prints the peak RSS growth)
//   bench_logs --peak-rss PROGRAM ARGS…            (prints PROGRAM's peak RSS in KiB)
#include "LogGenerator.h"
#include "core/common/Allocator.h"
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
#include <QStandardPaths>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <sys/resource.h>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using obslab::bench::LogGenerator;

namespace {

struct Layout
{
    const char* name;
    const char* description;
    LogGenerator::Options options;
};

LogGenerator::Options layoutOptions(int textPercent, int keyValuePercent, bool prefix,
                                    bool timestamps)
{
    LogGenerator::Options o;
    o.textPercent = textPercent;
    o.keyValuePercent = keyValuePercent;
    o.kubectlPrefix = prefix;
    o.timestamps = timestamps;
    return o;
}

// Every layout the parser recognises that a mesh writes in bulk; the tutorial's format first.
const std::vector<Layout>& layouts()
{
    static const std::vector<Layout> all{
        {"tutorial", "the tutorial's traceID= format, kubectl --prefix",
         layoutOptions(0, 100, true, false)},
        {"tutorial-bare", "the tutorial's traceID= format, no prefix",
         layoutOptions(0, 100, false, false)},
        {"tutorial-timestamps", "the tutorial's format, kubectl --prefix --timestamps",
         layoutOptions(0, 100, true, true)},
        {"istio-text", "Istio's default TEXT format, kubectl --prefix",
         layoutOptions(100, 0, true, false)},
        {"istio-json", "Istio's default JSON format, kubectl --prefix",
         layoutOptions(0, 0, true, false)},
        {"mixed", "60% TEXT, 20% traceID=, 20% JSON, kubectl --prefix",
         layoutOptions(60, 20, true, false)},
    };
    return all;
}

struct Timed
{
    double seconds = -1;  // < 0: not run
    QByteArray output;
    int exitCode = -1;
};

// Best of `runs` runs of a program (no shell: program and argument list).
Timed timeTool(const QString& program, const QStringList& args, int runs = 3)
{
    Timed best;
    for (int i = 0; i < runs; ++i) {
        QProcess p;
        p.setStandardOutputFile(QProcess::nullDevice());
        QElapsedTimer t;
        t.start();
        p.start(program, args);
        p.waitForFinished(-1);  // a benchmark: no GUI thread to keep responsive
        const double s = t.nsecsElapsed() / 1e9;
        if (best.seconds < 0 || s < best.seconds) {
            best.seconds = s;
            best.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        }
    }
    // The output once more, untimed (a pipe would slow the timed runs' writes down).
    QProcess p;
    p.start(program, args);
    p.waitForFinished(-1);
    best.output = p.readAllStandardOutput();
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

// Peak RSS (KiB) of a program, measured by running this benchmark again as `--peak-rss`: a fresh
// process whose only child is the program, so its children's maximum is that program's.
qint64 peakRssKiB(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(QCoreApplication::applicationFilePath(), QStringList{u"--peak-rss"_s, program} + args);
    p.waitForFinished(-1);
    bool ok = false;
    const qint64 kib = p.readAllStandardOutput().trimmed().toLongLong(&ok);
    return ok ? kib : -1;
}

// A /proc/self/status figure in KiB ("VmRSS", "VmHWM"), or -1.
qint64 statusKiB(const char* key)
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(key) + ':';
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// The full index as the app builds it when a file is opened: in a fresh process (this benchmark
// run again with --full-index-only 1), best of three; and how much that process's peak RSS grew
// while it indexed (the index and everything indexing needed on the way).
struct FreshIndex
{
    double seconds = -1;
    qint64 growthKiB = -1;
};
FreshIndex freshIndex(const QString& path)
{
    FreshIndex best;
    for (int i = 0; i < 3; ++i) {
        QProcess p;
        p.start(QCoreApplication::applicationFilePath(),
                {u"--full-index-only"_s, u"1"_s, u"--file"_s, path});
        p.waitForFinished(-1);
        for (const QByteArray& line : p.readAllStandardOutput().split('\n')) {
            if (line.startsWith("full index: ")) {
                const double s = line.mid(12).split(' ').value(0).toDouble() / 1000.0;
                if (best.seconds < 0 || s < best.seconds)
                    best.seconds = s;
            } else if (line.startsWith("peak RSS growth: ")) {
                best.growthKiB = line.mid(17).split(' ').value(0).toLongLong();
            }
        }
    }
    return best;
}

int runPeakRss(const QStringList& command)
{
    if (command.isEmpty())
        return 2;
    QProcess p;
    p.setStandardOutputFile(QProcess::nullDevice());
    p.start(command.front(), command.mid(1));
    p.waitForFinished(-1);
    struct rusage usage
    {};
    ::getrusage(RUSAGE_CHILDREN, &usage);
    std::printf("%ld\n", usage.ru_maxrss);
    return 0;
}

struct Row
{
    QByteArray what;
    double seconds = -1;
    double reference = -1;  // ratio denominator, or < 0 for none
    const char* refName = "";
    QByteArray note;
};

struct Report
{
    QByteArray layout;
    QByteArray description;
    double mib = 0;
    qint64 lines = 0;
    std::vector<Row> rows;
    QByteArrayList facts;
    bool agree = true;
};

void printReport(const Report& r, double bytes, bool markdown)
{
    std::printf("\n== %s: %s — %.1f MiB, %lld lines, %.0f bytes a line\n", r.layout.constData(),
                r.description.constData(), r.mib, static_cast<long long>(r.lines),
                bytes / double(std::max<qint64>(r.lines, 1)));
    if (markdown) {
        std::printf("\n| what | time | × `wc -l` | note |\n|---|---:|---:|---|\n");
        for (const Row& row : r.rows) {
            if (row.seconds < 0)
                continue;
            std::printf("| %s | %.0f ms | ", row.what.constData(), row.seconds * 1000);
            if (row.reference > 0)
                std::printf("%.2f ×", row.seconds / row.reference);
            std::printf(" | %s |\n", row.note.constData());
        }
    } else {
        std::printf("%-44s %10s  %10s   %s\n", "", "time", "throughput", "ratio");
        for (const Row& row : r.rows) {
            if (row.seconds < 0)
                continue;
            std::printf("%-44s %8.1f ms  %6.2f GB/s", row.what.constData(), row.seconds * 1000,
                        bytes / row.seconds / 1e9);
            if (row.reference > 0)
                std::printf("   %5.2f x %s", row.seconds / row.reference, row.refName);
            if (!row.note.isEmpty())
                std::printf("   (%s)", row.note.constData());
            std::printf("\n");
        }
    }
    for (const QByteArray& fact : r.facts)
        std::printf("%s%s\n", markdown ? "- " : "  ", fact.constData());
    if (!r.agree)
        std::printf("  DISAGREEMENT: the counts above differ\n");
}

// Writes the layout's log (whole traces until size bytes); returns a trace id from its middle.
QByteArray writeLog(const Layout& layout, const QString& path, qint64 size, bool reuse,
                    qint64* lines)
{
    LogGenerator generator(layout.options);
    QFile f(path);
    if (!reuse && !f.open(QIODevice::WriteOnly)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        return {};
    }
    qint64 written = 0;
    QByteArray probe;  // a trace from the middle of the file that its lines show
    while (written < size) {
        QByteArray chunk;
        chunk.reserve(8 * 1024 * 1024 + 65536);
        const size_t idsBefore = generator.traceIds().size();
        while (chunk.size() < std::min<qint64>(8 * 1024 * 1024, size - written))
            generator.appendTrace(chunk);
        if (probe.isEmpty() && written + chunk.size() >= size / 2) {
            // Not every generated trace is logged with its id (Istio's TEXT has no trace field).
            const auto& ids = generator.traceIds();
            for (size_t i = idsBefore + (ids.size() - idsBefore) / 2; i < ids.size(); ++i) {
                if (chunk.contains(ids[i])) {
                    probe = ids[i];
                    break;
                }
            }
        }
        if (!reuse && f.write(chunk) != chunk.size()) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
            return {};
        }
        written += chunk.size();
    }
    *lines = generator.linesGenerated();
    return probe;
}

qint64 countLines(const QByteArray& text)
{
    return text.count('\n');
}

Report benchLayout(const Layout& layout, const QString& path, qint64 size, bool keep,
                   const QString& obslab)
{
    Report report;
    report.layout = layout.name;
    report.description = layout.description;
    qint64 generated = 0;
    const bool reuse = keep && QFileInfo(path).size() >= size;
    const QByteArray probeTrace = writeLog(layout, path, size, reuse, &generated);
    const QString trace = QString::fromLatin1(probeTrace);
    const double bytes = double(QFileInfo(path).size());
    report.mib = bytes / 1048576.0;

    timeTool(u"cat"_s, {path, u"/dev/null"_s}, 1);  // warm the page cache (cat FILE /dev/null)
    const Timed wc = timeTool(u"wc"_s, {u"-l"_s, path});
    const Timed grep = timeTool(u"grep"_s, {u"-F"_s, u"-c"_s, trace, path});
    const double ref = wc.seconds;
    const qint64 wcLines = wc.output.trimmed().split(' ').value(0).toLongLong();

    qint64 lines = 0;
    qint64 indexBytes = 0;
    const auto openAndIndex = [&](bool full) {
        obslab::LogFile file;
        openIndexed(file, path, full);
        lines = file.lineCount();
        indexBytes = file.indexBytes();
    };
    const double lineIndex = bestOf3([&] { openAndIndex(false); });
    const double fullIndex = bestOf3([&] { openAndIndex(true); });
    report.lines = lines;

    // Queries on an indexed file: one trace, and a free-text filter over every line.
    obslab::LogFile indexed;
    openIndexed(indexed, path, true);
    const obslab::LogFile::Snapshot snap = indexed.snapshot();
    const std::atomic<bool> noCancel{false};
    const auto traceQuery = *obslab::LogQuery::parse(u"trace:"_s + trace, 0);
    qint64 traceLines = 0;
    const double traceIndexed = bestOf3([&] {
        traceLines = qint64(
            obslab::LogFilter::filterRange(snap, traceQuery, 0, snap.lineCount, noCancel).size());
    });
    const auto textQuery = *obslab::LogQuery::parse(trace, 0);
    qint64 textLines = 0;
    const double text = bestOf3([&] {
        obslab::LogFilter filter(&indexed);
        QEventLoop loop;
        QObject::connect(&filter, &obslab::LogFilter::finished, &loop, &QEventLoop::quit);
        filter.start(textQuery);
        loop.exec();
        textLines = qint64(filter.matches().size());
    });
    indexed.close();

    // The parser alone, one core: blocks read with QFile, lines split with memchr.
    const double parse = bestOf3([&] {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return;
        QByteArray block(4 * 1024 * 1024, Qt::Uninitialized);
        qsizetype carried = 0;
        obslab::ParsedLine parsed;
        for (;;) {
            const qint64 n = f.read(block.data() + carried, block.size() - carried);
            if (n <= 0)
                break;
            const char* p = block.constData();
            const char* end = p + carried + n;
            while (p < end) {
                const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
                if (!nl)
                    break;
                obslab::AccessLogParser::parse(QByteArrayView(p, nl - p), parsed);
                p = nl + 1;
            }
            carried = end - p;
            std::memmove(block.data(), p, size_t(carried));
            if (carried == block.size())
                block.resize(block.size() * 2);
        }
        if (carried > 0)
            obslab::AccessLogParser::parse(QByteArrayView(block.constData(), carried), parsed);
    });

    report.rows.push_back({"wc -l", wc.seconds, -1, "", {}});
    report.rows.push_back({"grep -F -c <trace id>", grep.seconds, ref, "wc -l", {}});
    report.rows.push_back({"line index (LogFile, line ends only)", lineIndex, ref, "wc -l", {}});
    report.rows.push_back({"full index (LogFile, every record)", fullIndex, ref, "wc -l", {}});
    const FreshIndex fresh = freshIndex(path);
    report.rows.push_back(
        {"full index in a fresh process (opening the file)", fresh.seconds, ref, "wc -l", {}});
    report.rows.push_back({"parser alone, every line, 1 core", parse, ref, "wc -l", {}});
    report.rows.push_back({"trace query on the index", traceIndexed, -1, "", {}});
    report.rows.push_back(
        {"free-text filter on the index (2 cores)", text, grep.seconds, "grep -F -c", {}});

    Timed cliTrace;
    Timed cliQuery;
    if (!obslab.isEmpty()) {
        const Timed stats = timeTool(obslab, {u"logs"_s, path, u"--stats"_s});
        cliTrace =
            timeTool(obslab, {u"logs"_s, path, u"--trace"_s, trace, u"--output"_s, u"text"_s});
        cliQuery = timeTool(
            obslab, {u"logs"_s, path, u"--query"_s, u"status:5xx"_s, u"--output"_s, u"text"_s});
        report.rows.push_back(
            {"obslab logs F --stats (streamed, no index)", stats.seconds, ref, "wc -l", {}});
        report.rows.push_back(
            {"obslab logs F --trace ID --output text", cliTrace.seconds, ref, "wc -l", {}});
        report.rows.push_back(
            {"obslab logs F --query status:5xx --output text", cliQuery.seconds, ref, "wc -l", {}});
        const qint64 statsPeak = peakRssKiB(obslab, {u"logs"_s, path, u"--stats"_s});
        if (statsPeak > 0)
            report.facts.append(QByteArray("obslab logs --stats peak RSS: ") +
                                QByteArray::number(statsPeak / 1024.0, 'f', 1) +
                                " MiB (streamed: the same at any file size)");
        if (countLines(cliTrace.output) != traceLines)
            report.agree = false;
    }
    if (fresh.growthKiB > 0)
        report.facts.append(
            QByteArray("index memory: peak RSS growth while indexing in a fresh process = ") +
            QByteArray::number(fresh.growthKiB / 1024.0, 'f', 1) + " MiB, " +
            QByteArray::number(fresh.growthKiB * 1024.0 / double(std::max<qint64>(lines, 1)), 'f',
                               1) +
            " bytes a line");
    report.facts.append(
        QByteArray("index size (offsets + records): ") +
        QByteArray::number(double(indexBytes) / double(std::max<qint64>(lines, 1)), 'f', 1) +
        " bytes a line");

    const QString lnav = QStandardPaths::findExecutable(u"lnav"_s);
    if (!lnav.isEmpty()) {
        // Headless: open the file, keep the trace's lines, print them (lnav's own time to
        // the filtered view).
        const Timed lnavRun = timeTool(lnav, {u"-n"_s, u"-c"_s, u":filter-in "_s + trace, path});
        report.rows.push_back({"lnav -n -c ':filter-in ID' F", lnavRun.seconds, ref, "wc -l", {}});
        if (cliTrace.seconds > 0)
            report.facts.append(QByteArray("obslab --trace is ") +
                                QByteArray::number(lnavRun.seconds / cliTrace.seconds, 'f', 1) +
                                " x faster than lnav's open + filter");
    } else {
        report.facts.append("lnav: not installed, not measured");
    }

    report.facts.append(
        QByteArray("lines: wc -l ") + QByteArray::number(wcLines) + ", ObsLab " +
        QByteArray::number(lines) + ", generated " + QByteArray::number(generated) +
        "; the trace: grep " + grep.output.trimmed() + " lines, index query " +
        QByteArray::number(traceLines) + ", text filter " + QByteArray::number(textLines) +
        (cliTrace.seconds >= 0
             ? ", obslab --trace " + QByteArray::number(countLines(cliTrace.output))
             : QByteArray()) +
        (cliQuery.seconds >= 0
             ? "; status:5xx lines " + QByteArray::number(countLines(cliQuery.output))
             : QByteArray()));
    // The trace id appears once on each of its lines in these layouts.
    if (wcLines != lines || generated != lines || grep.output.trimmed().toLongLong() != textLines ||
        traceLines != textLines || traceLines == 0)
        report.agree = false;
    if (!keep)
        QFile::remove(path);
    return report;
}

QString defaultObslab()
{
#ifdef OBSLAB_CLI_BINARY
    if (QFileInfo(QStringLiteral(OBSLAB_CLI_BINARY)).isExecutable())
        return QStringLiteral(OBSLAB_CLI_BINARY);
#endif
    return {};
}

}  // namespace

int main(int argc, char** argv)
{
    obslab::tuneAllocator();  // as the app does
    if (argc >= 2 && std::strcmp(argv[1], "--peak-rss") == 0) {
        QCoreApplication app(argc, argv);
        return runPeakRss(app.arguments().mid(2));
    }
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(u"ObsLab log engine benchmark, per log layout"_s);
    cli.addHelpOption();
    cli.addOption(
        {u"size"_s, u"size of each generated log in MiB (default 1024)"_s, u"MB"_s, u"1024"_s});
    QStringList names;
    for (const Layout& l : layouts())
        names << QString::fromLatin1(l.name);
    cli.addOption({u"layout"_s, u"one of: %1, or all (default)"_s.arg(names.join(u", "_s)),
                   u"NAME"_s, u"all"_s});
    cli.addOption({u"dir"_s, u"where to write the logs (default: the temp dir)"_s, u"DIR"_s});
    cli.addOption({u"keep"_s, u"keep the generated files for the next run"_s});
    cli.addOption(
        {u"obslab"_s, u"the obslab binary for the CLI rows (default: the build's)"_s, u"PATH"_s});
    cli.addOption({u"markdown"_s, u"print the tables as Markdown"_s});
    cli.addOption({u"file"_s, u"with --full-index-only: the log to index"_s, u"PATH"_s});
    cli.addOption({u"full-index-only"_s,
                   u"only time the full index of an existing --file, N times (for profiling)"_s,
                   u"N"_s});
    cli.process(app);

    const qint64 size = cli.value(u"size"_s).toLongLong() * 1024 * 1024;
    if (cli.isSet(u"full-index-only"_s)) {
        const int runs = std::max(1, cli.value(u"full-index-only"_s).toInt());
        const qint64 before = statusKiB("VmRSS");
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer t;
            t.start();
            obslab::LogFile file;
            openIndexed(file, cli.value(u"file"_s), true);
            std::printf("full index: %.1f ms, %lld lines, %.1f index bytes a line\n",
                        t.nsecsElapsed() / 1e6, static_cast<long long>(file.lineCount()),
                        double(file.indexBytes()) / double(std::max<qint64>(file.lineCount(), 1)));
        }
        std::printf("peak RSS growth: %lld KiB\n",
                    static_cast<long long>(statusKiB("VmHWM") - before));
        return 0;
    }
    const QString which = cli.value(u"layout"_s);
    if (which != u"all" && !names.contains(which)) {
        std::fprintf(stderr, "unknown layout %s\n", qPrintable(which));
        return 2;
    }
    const QString dir = cli.isSet(u"dir"_s) ? cli.value(u"dir"_s) : QDir::tempPath();
    const QString obslab = cli.isSet(u"obslab"_s) ? cli.value(u"obslab"_s) : defaultObslab();
    std::printf("ObsLab log engine benchmark: %lld MiB per layout, %s, obslab CLI: %s\n",
                static_cast<long long>(size >> 20), QSysInfo::prettyProductName().toUtf8().data(),
                obslab.isEmpty() ? "not found (CLI rows skipped)" : qPrintable(obslab));
    bool agree = true;
    for (const Layout& layout : layouts()) {
        if (which != u"all" && which != QLatin1StringView(layout.name))
            continue;
        const QString path = QDir(dir).filePath(
            u"obslab-bench-%1-%2.log"_s.arg(QLatin1StringView(layout.name)).arg(size >> 20));
        const Report report = benchLayout(layout, path, size, cli.isSet(u"keep"_s), obslab);
        printReport(report, report.mib * 1048576.0, cli.isSet(u"markdown"_s));
        std::fflush(stdout);
        agree = agree && report.agree;
    }
    return agree ? 0 : 1;
}
