// Generates N MB of realistic mixed istio-proxy lines into a temporary file, then times
// `wc -l`, `grep -c <trace id>` and AccessLogParser over the same file (read in 4 MiB blocks),
// printing MB/s and the ratios. Usage: bench_parser [MB=256] [--keep] [--file PATH] [--parse-only]
#include "core/logs/AccessLogParser.h"
#include "core/logs/LineJsonWriter.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

quint64 g_rng = 0x9E3779B97F4A7C15ULL;
quint64 next()
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

QByteArray hexId(int digits)
{
    static constexpr char d[] = "0123456789abcdef";
    QByteArray out(digits, Qt::Uninitialized);
    for (int i = 0; i < digits; ++i)
        out[i] = d[next() & 15];
    return out;
}

QByteArray uuid()
{
    QByteArray u = hexId(32);
    u.insert(20, '-');
    u.insert(16, '-');
    u.insert(12, '-');
    u.insert(8, '-');
    u[14] = '9';
    return u;
}

QByteArray timestamp(qint64 ms)
{
    char buf[40];
    const qint64 s = ms / 1000;
    std::snprintf(buf, sizeof buf, "2025-11-11T%02lld:%02lld:%02lld.%03lldZ", (s / 3600) % 24,
                  (s / 60) % 60, s % 60, ms % 1000);
    return buf;
}

QByteArray makeLine(qint64 i, const QByteArray& needle)
{
    const QByteArray t = timestamp(36000000 + i * 7);
    const QByteArray trace = (i % 5000 == 0) ? needle : hexId(i % 3 == 0 ? 16 : 32);
    static const char* services[] = {"productpage", "reviews", "ratings", "details", "frontend"};
    const char* svc = services[next() % 5];
    const quint64 kind = next() % 100;
    QByteArray line;
    if (i % 4 == 0)
        line += "[pod/"_ba + svc + "-7d4b9c6f5d-x2kq9/istio-proxy] ";
    if (kind < 55) {
        const int code = (next() % 20 == 0) ? 503 : 200;
        line += "[" + t + "] \"GET /api/v1/" + svc + "/" + QByteArray::number(i % 977) +
                " HTTP/1.1\" " + QByteArray::number(code) + (code == 503 ? " UF,URX " : " - ") +
                "via_upstream - \"-\" 0 " + QByteArray::number(next() % 9000) + " " +
                QByteArray::number(next() % 300) + " " + QByteArray::number(next() % 250) +
                " \"-\" \"python-requests/2.31.0\" \"" + uuid() + "\" \"" + svc +
                ":9080\" \"10.244.0." + QByteArray::number(next() % 250) +
                ":9080\" outbound|9080||" + svc +
                ".bookinfo.svc.cluster.local 10.244.0.9:46312 10.96.12.34:9080 10.244.0.9:52114 - "
                "default \"" +
                trace + "\"";
    } else if (kind < 80) {
        line += "[" + t + "] \"GET / HTTP/1.1\" 200 traceID=" + trace + " spanID=" + hexId(16) +
                " service=10.96.245.140:80";
    } else if (kind < 92) {
        line += "{\"start_time\":\"" + t +
                "\",\"method\":\"POST\",\"path\":\"/checkout\","
                "\"protocol\":\"HTTP/2\",\"response_code\":200,\"response_flags\":\"-\","
                "\"bytes_received\":412,\"bytes_sent\":96,\"duration\":23,"
                "\"upstream_service_time\":\"21\",\"x_forwarded_for\":null,"
                "\"user_agent\":\"grpc-go/1.62.1\",\"request_id\":\"" +
                uuid() +
                "\",\"authority\":\"checkout:8080\",\"upstream_cluster\":\"outbound|8080||" + svc +
                ".shop.svc.cluster.local\",\"traceparent\":\"00-" + trace.rightJustified(32, '0') +
                "-" + hexId(16) + "-01\"}";
    } else {
        line +=
            "2025-11-11T10:31:41.502190Z\twarning\tenvoy config\tStreamAggregatedResources gRPC "
            "config stream to istiod.istio-system.svc:15012 closed since 1800s ago: 13, ";
    }
    line += '\n';
    return line;
}

double seconds(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e9;
}

double runTool(const QString& program, const QStringList& args, QByteArray* output)
{
    const QString exe = QStandardPaths::findExecutable(program);
    if (exe.isEmpty())
        return -1;
    QProcess p;
    p.setProgram(exe);
    p.setArguments(args);
    QElapsedTimer t;
    t.start();
    p.start();
    p.waitForFinished(-1);  // a benchmark, no GUI thread to protect
    const double s = seconds(t);
    if (output)
        *output = p.readAllStandardOutput().trimmed();
    return s;
}

struct ParseResult
{
    double seconds = 0;
    qint64 lines = 0;
    qint64 requests = 0;
    qint64 traced = 0;
    qint64 needleHits = 0;
};

ParseResult runParser(const QString& path, const TraceId& needle, bool ndjson)
{
    ParseResult r;
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
    if (fd < 0)
        return r;
    constexpr qsizetype kBlock = 4 * 1024 * 1024;
    QByteArray block(kBlock, Qt::Uninitialized);
    QByteArray carry;
    QByteArray out;
    ParsedLine parsed;
    auto onLine = [&](QByteArrayView line) {
        AccessLogParser::parse(line, parsed);
        ++r.lines;
        r.requests += parsed.kind == LineKind::Request;
        r.traced += parsed.trace.isValid();
        r.needleHits += parsed.trace.traceId == needle;
        if (ndjson) {
            LineJsonWriter::appendJson(out, line, parsed, r.lines);
            if (out.size() > (1 << 20))
                out.resize(0);
        }
    };
    QElapsedTimer t;
    t.start();
    for (;;) {
        const ssize_t n = ::read(fd, block.data(), size_t(kBlock));
        if (n <= 0)
            break;
        const char* d = block.constData();
        qsizetype pos = 0;
        while (pos < n) {
            const void* nl = std::memchr(d + pos, '\n', size_t(n - pos));
            if (!nl) {
                carry.append(d + pos, n - pos);
                break;
            }
            const qsizetype end = static_cast<const char*>(nl) - d;
            if (carry.isEmpty()) {
                onLine(QByteArrayView(d + pos, end - pos));
            } else {
                carry.append(d + pos, end - pos);
                onLine(carry);
                carry.resize(0);
            }
            pos = end + 1;
        }
    }
    if (!carry.isEmpty())
        onLine(carry);
    r.seconds = seconds(t);
    ::close(fd);
    return r;
}

}  // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qint64 megabytes = args.size() > 1 ? qMax(1, args.at(1).toInt()) : 256;
    const bool keep = args.contains(u"--keep"_s);

    const bool parseOnly = args.contains(u"--parse-only"_s);
    const qsizetype fileArg = args.indexOf(u"--file"_s);
    QTemporaryDir dir;
    dir.setAutoRemove(!keep);
    const QString path = fileArg > 0 && fileArg + 1 < args.size()
                             ? args.at(fileArg + 1)
                             : dir.filePath(u"bench-access.log"_s);
    const QByteArray needle = "4bf92f3577b34da6a3ce929d0e0e4736";
    if (fileArg < 0) {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
            return 1;
        }
        QByteArray chunk;
        qint64 written = 0;
        for (qint64 i = 0; written < megabytes * 1024 * 1024; ++i) {
            chunk += makeLine(i, needle);
            if (chunk.size() > (1 << 22)) {
                written += f.write(chunk);
                chunk.clear();
            }
        }
        written += f.write(chunk);
    }
    const double mb = double(QFile(path).size()) / (1024.0 * 1024.0);
    std::printf("file: %s, %.1f MB\n", qPrintable(path), mb);

    if (parseOnly) {
        const ParseResult r = runParser(path, TraceId::fromHex(needle), false);
        std::printf("parser         %8.3f s  %8.0f MB/s  %lld lines\n", r.seconds, mb / r.seconds,
                    r.lines);
        return 0;
    }
    // Warm the page cache so every contender reads from memory.
    runTool(u"cat"_s, {path}, nullptr);

    auto best = [](auto fn) {
        double b = 1e300;
        for (int i = 0; i < 3; ++i)
            b = qMin(b, fn());
        return b;
    };
    QByteArray wcOut;
    QByteArray grepOut;
    const double wc = best([&] { return runTool(u"wc"_s, {u"-l"_s, path}, &wcOut); });
    const double grep = best([&] {
        return runTool(u"grep"_s, {u"-c"_s, QString::fromLatin1(needle), path}, &grepOut);
    });
    const TraceId needleId = TraceId::fromHex(needle);
    ParseResult parse;
    parse.seconds = 1e300;
    for (int i = 0; i < 3; ++i) {
        const ParseResult r = runParser(path, needleId, false);
        if (r.seconds < parse.seconds)
            parse = r;
    }
    ParseResult json;
    json.seconds = 1e300;
    for (int i = 0; i < 2; ++i) {
        const ParseResult r = runParser(path, needleId, true);
        if (r.seconds < json.seconds)
            json = r;
    }

    std::printf("wc -l          %8.3f s  %8.0f MB/s  (%s)\n", wc, mb / wc, wcOut.constData());
    std::printf("grep -c ID     %8.3f s  %8.0f MB/s  (%s matching lines)\n", grep, mb / grep,
                grepOut.constData());
    std::printf("parser         %8.3f s  %8.0f MB/s  %lld lines, %lld requests, %lld with trace, "
                "%lld with the id\n",
                parse.seconds, mb / parse.seconds, parse.lines, parse.requests, parse.traced,
                parse.needleHits);
    std::printf("parser+ndjson  %8.3f s  %8.0f MB/s\n", json.seconds, mb / json.seconds);
    std::printf("parser is %.1fx the time of wc -l, %.1fx the time of grep -c; "
                "%.0f ns per line\n",
                parse.seconds / wc, parse.seconds / grep,
                parse.seconds * 1e9 / double(parse.lines));
    return 0;
}
