#include "GzipForTests.h"
#include "LogGenerator.h"
#include "core/cli/Cli.h"
#include "core/cli/LogsCommand.h"
#include "core/common/AppSettings.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/LineJsonWriter.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogQuery.h"
#include "core/logs/LogStats.h"
#include "core/logs/QueryMatcher.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using obslab::test::gzip;
using namespace obslab::cli;

namespace {

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Run runLogs(const QStringList& args, const QByteArray& stdinBytes = {})
{
    QByteArray inBytes = stdinBytes;
    QBuffer in(&inBytes);
    QBuffer out;
    QBuffer err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    const Dispatcher dispatcher;
    Run r;
    r.code = dispatcher.run(QStringList{u"logs"_s} + args, CliContext{&in, &out, &err});
    r.out = out.data();
    r.err = err.data();
    return r;
}

QList<QJsonObject> ndjson(const QByteArray& out)
{
    QList<QJsonObject> objects;
    const QList<QByteArray> lines = out.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i == lines.size() - 1 && lines.at(i).isEmpty())
            break;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(lines.at(i), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            qWarning() << "not a JSON object:" << lines.at(i).left(300) << error.errorString();
            return {};
        }
        objects.append(doc.object());
    }
    return objects;
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

const QString kFixture = QStringLiteral(OBSLAB_FIXTURES_DIR "/istio-access-log-text-default.log");

// The figures of path as the GUI gets them: indexed by LogFile, counted by LogStats::compute.
std::optional<obslab::LogStats> indexedStats(const QString& path)
{
    obslab::LogFile file;
    file.setFollowing(false);
    file.setLineCap(qint64(obslab::AppSettings().logMaxLineMiB()) << 20);  // as obslab logs
    QSignalSpy finished(&file, &obslab::LogFile::indexingFinished);
    if (!file.open(path))
        return std::nullopt;
    if (file.state() == obslab::LogFile::State::Indexing && !finished.wait(60000))
        return std::nullopt;
    const std::atomic<bool> never{false};
    return obslab::LogStats::compute(file.snapshot(), never);
}

qint64 msOf(const QJsonValue& iso)
{
    return QDateTime::fromString(iso.toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
}

// Every figure of `--stats --output ndjson`'s object against the index's.
bool sameFigures(const QJsonObject& o, const obslab::LogStats& st)
{
    static const char* const kClasses[] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
    bool same = o.value(u"lines"_s).toInteger() == st.lines &&
                o.value(u"requests"_s).toInteger() == st.requests &&
                o.value(u"proxy_logs"_s).toInteger() == st.proxyLogs &&
                o.value(u"unknown"_s).toInteger() == st.unknown &&
                o.value(u"p50_ms"_s).toInteger(-1) == st.p50Ms &&
                o.value(u"p90_ms"_s).toInteger(-1) == st.p90Ms &&
                o.value(u"p99_ms"_s).toInteger(-1) == st.p99Ms;
    for (int c = 0; c < 6; ++c)
        same =
            same && o.value(u"status"_s).toObject().value(QLatin1String(kClasses[c])).toInteger() ==
                        st.statusClasses[size_t(c)];
    const QJsonObject flags = o.value(u"flags"_s).toObject();
    const QJsonObject workloads = o.value(u"workloads"_s).toObject();
    same = same && flags.size() == st.flags.size() && workloads.size() == st.workloads.size();
    for (auto it = st.flags.cbegin(); it != st.flags.cend(); ++it)
        same = same && flags.value(it.key()).toInteger() == it.value();
    for (auto it = st.workloads.cbegin(); it != st.workloads.cend(); ++it)
        same = same && workloads.value(it.key()).toInteger() == it.value();
    if (st.firstMs == obslab::ParsedLine::kMissing)
        return same && !o.contains(u"first_time"_s);
    return same && msOf(o.value(u"first_time"_s)) == st.firstMs &&
           msOf(o.value(u"last_time"_s)) == st.lastMs;
}

}  // namespace

class TstLogsCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registered()
    {
        const Dispatcher dispatcher;
        QVERIFY(dispatcher.find(u"logs"_s));
        QVERIFY(dispatcher.helpText().contains(u"logs"_s));
    }

    // A file of many blocks, its lines shared out between two cores, against the same lines taken
    // one by one (parse, record, match, print): the same output, byte for byte, in the same order
    // with the same line numbers, whichever way the filter is answered (the record decoder, the
    // full parse, the trace prefilter) and however lines straddle the blocks (long ones included).
    void twoCoresGiveTheOneByOneOutput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("query");  // what the reference matches
        QTest::newRow("all, text") << QStringList{} << QString();
        QTest::newRow("all, ndjson") << QStringList{u"--output"_s, u"ndjson"_s} << QString();
        QTest::newRow("status") << QStringList{u"--query"_s, u"status:5xx"_s} << u"status:5xx"_s;
        QTest::newRow("text and not status")
            << QStringList{u"--query"_s, u"productpage -status:2xx"_s, u"-o"_s, u"ndjson"_s}
            << u"productpage -status:2xx"_s;
        QTest::newRow("flags or slow") << QStringList{u"--query"_s, u"flag:UF OR duration:>900"_s}
                                       << u"flag:UF OR duration:>900"_s;
    }
    void twoCoresGiveTheOneByOneOutput()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, query);
        obslab::bench::LogGenerator::Options o;
        o.textPercent = 40;
        o.keyValuePercent = 40;
        o.timestamps = true;
        obslab::bench::LogGenerator generator(o);
        QByteArray data = generator.generate(6 * 1024 * 1024);
        // Lines that straddle the 1 MiB read blocks, one of them longer than a block.
        data.insert(1024 * 1024 - 10, QByteArray("a line across a block boundary traceID=") +
                                          QByteArray(300, 'x') + '\n');
        data.insert(3 * 1024 * 1024 - 100, "[2025-11-11T10:31:24.746Z] \"GET / HTTP/1.1\" 503 " +
                                               QByteArray(900 * 1024, 'y') + '\n');
        data += "[2025-11-11T10:31:24.746Z] \"GET / HTTP/1.1\" 504 traceID=e28cfcca4e031099";
        QTemporaryDir dir;
        const QString path = dir.filePath(u"big.log"_s);
        QVERIFY(writeFile(path, data));

        const bool ndjsonOut = args.contains(u"ndjson"_s);
        std::optional<obslab::QueryMatcher> matcher;
        obslab::PodTable pods;
        std::optional<obslab::LogQuery> parsedQuery;
        if (!query.isEmpty()) {
            parsedQuery = *obslab::LogQuery::parse(query, 0);
            matcher.emplace(*parsedQuery, pods);
        }
        QByteArray wanted;
        obslab::ParsedLine parsed;
        const QList<QByteArray> lines = data.split('\n');
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QByteArray& line = lines.at(i);
            if (i == lines.size() - 1 && line.isEmpty())
                break;
            obslab::AccessLogParser::parse(line, parsed);
            if (matcher) {
                qint64 timeMs = 0;
                const obslab::LineRecord r = obslab::makeRecord(parsed, line, &pods, &timeMs);
                if (!matcher->matches(r, timeMs, line))
                    continue;
            }
            if (ndjsonOut)
                obslab::LineJsonWriter::appendJson(wanted, line, parsed, i + 1);
            else
                obslab::LineJsonWriter::appendSummary(wanted, line, parsed, i + 1);
        }
        QVERIFY(wanted.size() > 1000);
        const Run r = runLogs(QStringList{path} + args);
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.size(), wanted.size());
        QVERIFY(r.out == wanted);
    }

    // --trace on the same file: the prefilter finds the trace's lines in both halves of a block.
    void twoCoresTraceLines()
    {
        obslab::bench::LogGenerator generator({});
        const QByteArray data = generator.generate(4 * 1024 * 1024);
        const QByteArray id = generator.traceIds()[generator.traceIds().size() / 2];
        QTemporaryDir dir;
        const QString path = dir.filePath(u"big.log"_s);
        QVERIFY(writeFile(path, data));
        QList<qint64> wantedNumbers;
        const QList<QByteArray> lines = data.split('\n');
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (lines.at(i).contains(id))
                wantedNumbers.append(i + 1);
        }
        QVERIFY(!wantedNumbers.isEmpty());
        const Run r = runLogs({path, u"--trace"_s, QString::fromLatin1(id), u"-o"_s, u"ndjson"_s});
        QCOMPARE(r.code, 0);
        QList<qint64> numbers;
        for (const QJsonObject& o : ndjson(r.out))
            numbers.append(o.value(u"line"_s).toInteger());
        QCOMPARE(numbers, wantedNumbers);
    }

    void ndjsonFixture()
    {
        const Run r = runLogs({kFixture, u"--output"_s, u"ndjson"_s});
        QCOMPARE(r.code, int(ExitOk));
        QVERIFY(r.err.isEmpty());
        const QList<QJsonObject> objects = ndjson(r.out);
        QCOMPARE(objects.size(), 3);
        QCOMPARE(objects.at(0).value(u"line"_s).toInt(), 1);
        QCOMPARE(objects.at(0).value(u"kind"_s).toString(), u"request"_s);
        QCOMPARE(objects.at(0).value(u"format"_s).toString(), u"istio_text"_s);
        QCOMPARE(objects.at(0).value(u"response_code"_s).toInt(), 418);
        QCOMPARE(objects.at(0).value(u"request_id"_s).toString(),
                 u"84961386-6d84-929d-98bd-c5aee93b5c88"_s);
        QCOMPARE(objects.at(1).value(u"upstream_cluster_direction"_s).toString(), u"inbound"_s);
        QCOMPARE(objects.at(2).value(u"bytes_sent"_s).toInteger(), 2504306);
        QVERIFY(!objects.at(2).contains(u"method"_s));  // TCP: absent, not "-"
        const QJsonArray highlights = objects.at(0).value(u"highlights"_s).toArray();
        QVERIFY(!highlights.isEmpty());
        for (const QJsonValue& h : highlights)
            QVERIFY(h.toObject().contains(u"offset"_s) && h.toObject().contains(u"length"_s));
    }

    void outputForms_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("separate") << QStringList{kFixture, u"--output"_s, u"ndjson"_s};
        QTest::newRow("equals") << QStringList{u"--output=ndjson"_s, kFixture};
        QTest::newRow("short") << QStringList{u"-o"_s, u"ndjson"_s, kFixture};
    }
    void outputForms()
    {
        QFETCH(QStringList, args);
        const Run r = runLogs(args);
        QCOMPARE(r.code, int(ExitOk));
        QCOMPARE(ndjson(r.out).size(), 3);
    }

    void textOutput()
    {
        const Run r = runLogs({QStringLiteral(OBSLAB_FIXTURES_DIR "/seed-custom-format.log")});
        QCOMPARE(r.code, int(ExitOk));
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 10);
        QVERIFY(lines.at(0).startsWith("1 HTTP"));
        // The log wrote 16 digits: so does the text output (ndjson's trace_id is normalised).
        QVERIFY2(lines.at(1).contains("trace=e28cfcca4e031099 "), lines.at(1).constData());
        QVERIFY(!lines.at(1).contains("trace=0000000000000000e28cfcca4e031099"));
        QVERIFY(lines.at(1).contains("span=07d23de702980446"));
        QVERIFY(!lines.at(0).contains("trace="));
    }

    void textOutputKeepsTheLoggedWidth()
    {
        // A 64-bit id logged with 32 digits (zero high half) stays 32; a 128-bit one too.
        const QByteArray input =
            "[2020-11-25T21:26:18.409Z] \"GET /a HTTP/1.1\" 200 "
            "traceID=00000000000000000ef8e6c97936fc16\n"
            "[2020-11-25T21:26:18.409Z] \"GET /b HTTP/1.1\" 200 traceID=0ef8e6c97936fc16\n"
            "[2020-11-25T21:26:18.409Z] \"GET /c HTTP/1.1\" 200 traceID=4bf92f3577b34da6a3ce929d0e0e4736\n"_ba;
        const Run r = runLogs({u"-"_s}, input);
        QCOMPARE(r.code, int(ExitOk));
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines.at(0).contains("trace=00000000000000000ef8e6c97936fc16"),
                 lines.at(0).constData());
        QVERIFY2(lines.at(1).contains("trace=0ef8e6c97936fc16"), lines.at(1).constData());
        QVERIFY(!lines.at(1).contains("trace=00000000"));
        QVERIFY2(lines.at(2).contains("trace=4bf92f3577b34da6a3ce929d0e0e4736"),
                 lines.at(2).constData());
    }

    void stdinWithOddLines()
    {
        const QByteArray input =
            "[2020-11-25T21:26:18.409Z] \"GET /a HTTP/1.1\" 200 traceID=e28cfcca4e031099\r\n"
            "\n"
            "\xff\xfe garbage \x01\x02\n"
            "2024-01-11T21:09:41.502190Z\tinfo\tEnvoy proxy is ready"_ba;  // no final newline
        const Run r = runLogs({u"-"_s, u"--output"_s, u"ndjson"_s}, input);
        QCOMPARE(r.code, int(ExitOk));
        const QList<QJsonObject> objects = ndjson(r.out);
        QCOMPARE(objects.size(), 4);
        QCOMPARE(objects.at(0).value(u"trace_id"_s).toString(),
                 u"0000000000000000e28cfcca4e031099"_s);
        QCOMPARE(objects.at(0).value(u"complete"_s).toBool(), true);
        QCOMPARE(objects.at(1).value(u"kind"_s).toString(), u"unknown"_s);
        QCOMPARE(objects.at(2).value(u"kind"_s).toString(), u"unknown"_s);
        QCOMPARE(objects.at(3).value(u"kind"_s).toString(), u"proxy_log"_s);
        QCOMPARE(objects.at(3).value(u"level"_s).toString(), u"info"_s);
    }

    void emptyInput()
    {
        const Run r = runLogs({u"-"_s}, QByteArray());
        QCOMPARE(r.code, int(ExitOk));
        QVERIFY(r.out.isEmpty());
    }

    // Lines longer than the read block, and lines straddling blocks.
    void longLinesAcrossBlocks()
    {
        QByteArray input;
        const QByteArray longPath(3 * 1024 * 1024 + 17, 'p');
        input += "[2020-11-25T21:26:18.409Z] \"GET /" + longPath + " HTTP/1.1\" 204 x=1\n";
        for (int i = 0; i < 50000; ++i)
            input += "[2020-11-25T21:26:18.409Z] \"GET / HTTP/1.1\" 200 traceID=e28cfcca4e031099\n";
        input += QByteArray(2 * 1024 * 1024, '\0') + '\n';
        const Run r = runLogs({u"-"_s, u"-o"_s, u"ndjson"_s}, input);
        QCOMPARE(r.code, int(ExitOk));
        const QList<QJsonObject> objects = ndjson(r.out);
        QCOMPARE(objects.size(), 50002);
        // Over the 1 MiB line cap: parsed from its first MiB (the path is cut, so no status),
        // and marked with its whole length.
        const qint64 firstLength = input.indexOf('\n');
        QVERIFY(firstLength > 1024 * 1024);
        QCOMPARE(objects.first().value(u"truncated"_s).toBool(), true);
        QCOMPARE(objects.first().value(u"line_bytes"_s).toInteger(), firstLength);
        QVERIFY(!objects.first().contains(u"response_code"_s));
        QVERIFY(!objects.at(1).contains(u"truncated"_s));
        QCOMPARE(objects.at(50000).value(u"line"_s).toInt(), 50001);
        QCOMPARE(objects.at(50000).value(u"response_code"_s).toInt(), 200);
        QCOMPARE(objects.last().value(u"kind"_s).toString(), u"unknown"_s);
        QCOMPARE(objects.last().value(u"line_bytes"_s).toInteger(), 2 * 1024 * 1024);
    }

    // --trace skips the lines without the id's hex digits unparsed: the lines it prints, and
    // their numbers, are those of a --query that reads every line. The id is spelled in every
    // form the parser accepts (upper case, padded, traceparent, a short uber-trace-id) and
    // lines of it straddle the 1 MiB read blocks.
    void traceSkipsOtherLinesExactly()
    {
        const QByteArray id = "00000000000000000000000000abc123";
        const QList<QByteArray> spellings{
            "traceID=0000000000abc123",
            "traceID=0000000000ABC123",
            "x-b3-traceid=000000000000000000000000002BC123",  // another trace
            "traceparent=00-00000000000000000000000000ABC123-00f067aa0ba902b7-01",
            "uber-trace-id=abc123:1:0:1",
            "traceID=1111111111abc123",  // the digits inside another id
        };
        QByteArray input;
        int traced = 0;
        for (int i = 0; input.size() < 3 * 1024 * 1024; ++i) {
            const QByteArray& tail = spellings.at(i % spellings.size());
            input += "[2020-11-25T21:26:18.409Z] \"GET /" + QByteArray(i % 97, 'x') +
                     " HTTP/1.1\" 200 " + tail + '\n';
            traced += (i % spellings.size() != 2 && i % spellings.size() != 5) ? 1 : 0;
        }
        const Run trace = runLogs({u"-"_s, u"--trace"_s, QString::fromLatin1(id)}, input);
        // `trace:x OR trace:x` is not a required trace: every line is parsed.
        const Run every = runLogs(
            {u"-"_s, u"--query"_s, u"trace:"_s + QString::fromLatin1(id) + u" OR trace:abc123"_s},
            input);
        QCOMPARE(trace.code, int(ExitOk));
        QCOMPARE(trace.out.count('\n'), traced);
        QCOMPARE(trace.out, every.out);
    }

    void gzipFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile source(kFixture);
        QVERIFY(source.open(QIODevice::ReadOnly));
        const QByteArray plain = source.readAll();
        QFile gz(dir.filePath(u"access.log.gz"_s));
        QVERIFY(gz.open(QIODevice::WriteOnly));
        gz.write(gzip(plain) + gzip(plain));  // two members, as `cat a.gz b.gz` makes
        gz.close();
        const Run r = runLogs({gz.fileName(), u"--output"_s, u"ndjson"_s});
        QCOMPARE(r.code, int(ExitOk));
        const QList<QJsonObject> objects = ndjson(r.out);
        QCOMPARE(objects.size(), 6);
        QCOMPARE(objects.at(3).value(u"response_code"_s).toInt(), 418);
    }

    void corruptGzip()
    {
        QTemporaryDir dir;
        QFile gz(dir.filePath(u"broken.gz"_s));
        QVERIFY(gz.open(QIODevice::WriteOnly));
        gz.write(QByteArray::fromHex("1f8b08000000000000") + QByteArray(100, 'x'));
        gz.close();
        const Run r = runLogs({gz.fileName()});
        QCOMPARE(r.code, int(ExitUsage));
        QVERIFY(r.err.contains("gzip"));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("no-file") << QStringList() << "missing FILE"_ba;
        QTest::newRow("unknown-option")
            << QStringList{kFixture, u"--frob"_s} << "unknown option"_ba;
        QTest::newRow("bad-output")
            << QStringList{kFixture, u"--output"_s, u"xml"_s} << "unknown output"_ba;
        QTest::newRow("output-without-value")
            << QStringList{kFixture, u"--output"_s} << "needs a value"_ba;
        QTest::newRow("stdin-twice") << QStringList{u"-"_s, u"-"_s} << "only once"_ba;
        QTest::newRow("bad-query")
            << QStringList{kFixture, u"--query"_s, u"status:abc"_s} << "position 8"_ba;
        QTest::newRow("bad-trace")
            << QStringList{kFixture, u"--trace"_s, u"not-hex"_s} << "not a trace id"_ba;
        QTest::newRow("stats-with-query")
            << QStringList{kFixture, u"--stats"_s, u"--query"_s, u"x"_s} << "whole files"_ba;
        QTest::newRow("missing-file")
            << QStringList{u"/nonexistent/obslab/access.log"_s} << "cannot read"_ba;
        QTest::newRow("directory")
            << QStringList{QStringLiteral(OBSLAB_FIXTURES_DIR)} << "is a directory"_ba;
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const Run r = runLogs(args);
        QCOMPARE(r.code, int(ExitUsage));
        QVERIFY2(r.err.contains(message), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void help()
    {
        const Run r = runLogs({u"--help"_s});
        QCOMPARE(r.code, int(ExitOk));
        QVERIFY(r.out.contains("obslab logs FILE…|-"));
        QVERIFY(r.out.contains("--query"));
    }

    // --query and --trace print only the matching lines, with their line numbers; no match is
    // exit 1.
    void query_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QList<int>>("lines");
        const QString seed = QStringLiteral(OBSLAB_FIXTURES_DIR "/seed-custom-format.log");
        const QString text =
            QStringLiteral(OBSLAB_FIXTURES_DIR "/istio-access-log-text-default.log");
        QTest::newRow("trace-64") << QStringList{seed, u"--trace"_s, u"f8fd657e618fd308"_s} << 0
                                  << QList<int>{3};
        QTest::newRow("trace-padded")
            << QStringList{seed, u"--trace"_s, u"0000000000000000f8fd657e618fd308"_s} << 0
            << QList<int>{3};
        QTest::newRow("trace-none")
            << QStringList{seed, u"--trace"_s, u"1111111111111111"_s} << 1 << QList<int>{};
        QTest::newRow("request-both-sides")
            << QStringList{text, u"--query"_s, u"req:84961386-6d84-929d-98bd-c5aee93b5c88"_s} << 0
            << QList<int>{1, 2};
        QTest::newRow("tcp-status-0")
            << QStringList{text, u"--query"_s, u"status:0"_s} << 0 << QList<int>{3};
        QTest::newRow("negation") << QStringList{text, u"--query=-svc:httpbin"_s} << 0
                                  << QList<int>{3};
        QTest::newRow("two-files-numbered-each")
            << QStringList{text, seed, u"--query"_s, u"status:418 OR traceID=-"_s} << 0
            << QList<int>{1, 2, 1};
        QTest::newRow("query-and-trace")
            << QStringList{seed, u"--query"_s, u"status:200"_s, u"--trace"_s, u"340e3a3dbe1aadc3"_s}
            << 0 << QList<int>{4};
    }
    void query()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QList<int>, lines);
        const Run r = runLogs(args + QStringList{u"--output"_s, u"ndjson"_s});
        QCOMPARE(r.code, code);
        const QList<QJsonObject> objects = ndjson(r.out);
        QList<int> got;
        for (const QJsonObject& o : objects)
            got << o.value(u"line"_s).toInt();
        QCOMPARE(got, lines);
    }

    // `--stats` reads each input once and counts as it goes, on two cores, keeping no index: its
    // figures must be the index's, whatever the layout, with lines across the read blocks and
    // longer than the line cap, an unfinished last line, gzip, and from standard input.
    void statsEqualTheIndexFigures_data()
    {
        QTest::addColumn<QString>("layout");
        QTest::newRow("mixed") << u"mixed"_s;
        QTest::newRow("tutorial") << u"tutorial"_s;
        QTest::newRow("istio-json") << u"istio-json"_s;
        QTest::newRow("fixtures") << u"fixtures"_s;
    }
    void statsEqualTheIndexFigures()
    {
        QFETCH(QString, layout);
        QByteArray data;
        if (layout == u"fixtures") {
            const QStringList files = QDir(QStringLiteral(OBSLAB_FIXTURES_DIR))
                                          .entryList({u"*.log"_s, u"*.txt"_s}, QDir::Files);
            QVERIFY(!files.isEmpty());
            QByteArray all;
            for (const QString& name : files) {
                QFile f(QStringLiteral(OBSLAB_FIXTURES_DIR "/") + name);
                QVERIFY(f.open(QIODevice::ReadOnly));
                all += f.readAll();
                if (!all.endsWith('\n'))
                    all += '\n';
            }
            while (data.size() < 9 * 1024 * 1024)
                data += all;
        } else {
            obslab::bench::LogGenerator::Options o;
            if (layout == u"mixed") {
                o.textPercent = 40;
                o.keyValuePercent = 40;
                o.timestamps = true;
            } else if (layout == u"tutorial") {
                o.textPercent = 0;
                o.keyValuePercent = 100;
            } else {
                o.textPercent = 0;
                o.keyValuePercent = 0;
            }
            data = obslab::bench::LogGenerator(o).generate(9 * 1024 * 1024);
        }
        // Across the 4 MiB read blocks, one over the 1 MiB line cap, one longer than a read
        // block (the index then reads on to its end); no newline at the end.
        data.insert(data.size() / 3, "[2025-11-11T10:31:24.746Z] \"GET / HTTP/1.1\" 503 " +
                                         QByteArray(1100 * 1024, 'y') + " x=1\n");
        const qsizetype at = data.indexOf('\n', data.size() * 2 / 3) + 1;
        data.insert(at, "[2025-11-11T10:31:25.746Z] \"GET / HTTP/1.1\" 200 " +
                            QByteArray(5 * 1024 * 1024, 'z') + " traceID=abc\n");
        data += "[2025-11-12T10:31:24.746Z] \"GET /last HTTP/1.1\" 404 - - 0 0 7 -";
        QTemporaryDir dir;
        const QString plain = dir.filePath(u"plain.log"_s);
        const QString packed = dir.filePath(u"packed.log.gz"_s);
        QVERIFY(writeFile(plain, data));
        QVERIFY(writeFile(packed, gzip(data)));
        const std::optional<obslab::LogStats> expected = indexedStats(plain);
        QVERIFY(expected);
        QVERIFY(expected->lines > 1000);
        // The index of the gzip file (inflated as it is indexed) has the same figures.
        const std::optional<obslab::LogStats> fromGzip = indexedStats(packed);
        QVERIFY(fromGzip);
        QCOMPARE(fromGzip->lines, expected->lines);
        QCOMPARE(fromGzip->statusClasses, expected->statusClasses);
        QCOMPARE(fromGzip->workloads, expected->workloads);
        QCOMPARE(fromGzip->p99Ms, expected->p99Ms);
        QCOMPARE(fromGzip->lastMs, expected->lastMs);
        for (const QString& input : {plain, packed, u"-"_s}) {
            const Run r = runLogs({input, u"--stats"_s, u"-o"_s, u"ndjson"_s},
                                  input == u"-" ? data : QByteArray());
            QCOMPARE(r.code, int(ExitOk));
            const QList<QJsonObject> objects = ndjson(r.out);
            QCOMPARE(objects.size(), 1);
            QCOMPARE(objects.first().value(u"file"_s).toString(), input);
            QVERIFY2(sameFigures(objects.first(), *expected),
                     qPrintable(input + u": "_s + QString::fromUtf8(r.out)));
        }
    }

    void stats()
    {
        const QString text =
            QStringLiteral(OBSLAB_FIXTURES_DIR "/istio-access-log-text-default.log");
        const Run r = runLogs({text, u"--stats"_s, u"--output"_s, u"ndjson"_s});
        QCOMPARE(r.code, int(ExitOk));
        const QList<QJsonObject> objects = ndjson(r.out);
        QCOMPARE(objects.size(), 1);
        const QJsonObject o = objects.first();
        QCOMPARE(o.value(u"lines"_s).toInt(), 3);
        QCOMPARE(o.value(u"requests"_s).toInt(), 3);
        QCOMPARE(o.value(u"status"_s).toObject().value(u"4xx"_s).toInt(), 2);
        QCOMPARE(o.value(u"status"_s).toObject().value(u"none"_s).toInt(), 1);
        QCOMPARE(o.value(u"p50_ms"_s).toInt(), 4);
        QCOMPARE(o.value(u"first_time"_s).toString(), u"2020-11-25T21:26:18.409Z"_s);
        const Run t = runLogs({text, u"--stats"_s});
        QCOMPARE(t.code, int(ExitOk));
        QVERIFY2(t.out.contains("4xx 2"), t.out.constData());
        QVERIFY(t.out.contains("latency    p50 4 ms"));
    }
};

QTEST_GUILESS_MAIN(TstLogsCommand)
#include "tst_logscommand.moc"
