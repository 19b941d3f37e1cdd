// The index's record decoder against the full parser: for every line it accepts, the record, the
// time and the pod must be exactly what AccessLogParser + makeRecord give. Checked on every line of
// the fixtures and tests/data/logs, on every layout the benchmark generates, and on byte-level
// mutations of the tutorial's lines (where a decoder that skips the parser would go wrong).
#include "LogCorpus.h"
#include "LogGenerator.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/RecordDecoder.h"
#include "core/logs/TraceId.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <random>

using namespace obslab;
using namespace Qt::Literals::StringLiterals;

namespace {

struct Full
{
    LineRecord record;
    qint64 timeMs = 0;
    QByteArray pod;
};

Full parseFully(QByteArrayView line)
{
    ParsedLine parsed;
    AccessLogParser::parse(line, parsed);
    Full f;
    f.record = makeRecord(parsed, line, nullptr, &f.timeMs);
    f.pod = parsed.view(line, Field::Pod).toByteArray();
    return f;
}

QString describe(const LineRecord& r, qint64 timeMs, QByteArrayView pod)
{
    return u"time %1 trace %2 duration %3 flags %4 status %5 kind %6 level %7 direction %8 pod '%9'"_s
        .arg(timeMs)
        .arg(r.traceHash)
        .arg(r.durationMs)
        .arg(r.flags)
        .arg(r.status)
        .arg(int(r.kind))
        .arg(int(r.level))
        .arg(int(r.direction))
        .arg(QString::fromUtf8(pod));
}

// Decodes line; when accepted, compares with the full parse. Returns whether it was accepted, and
// sets *mismatch to a description when the two disagree.
bool agrees(QByteArrayView line, QString* mismatch)
{
    LineRecord record;
    record.status = 4242;  // whatever was in the record before must not leak through
    qint64 timeMs = -7;
    QByteArrayView pod = "stale";
    if (!recorddecoder::decode(line, record, timeMs, pod))
        return false;
    // Without the trace: the same record but for its hash.
    LineRecord noTrace;
    qint64 noTraceTime = 0;
    QByteArrayView noTracePod;
    if (!recorddecoder::decode(line, noTrace, noTraceTime, noTracePod, false) ||
        noTrace.traceHash != 0 || noTraceTime != timeMs || noTracePod != pod ||
        describe(noTrace, 0, {}) != describe(
                                        [&] {
                                            LineRecord r = record;
                                            r.traceHash = 0;
                                            return r;
                                        }(),
                                        0, {})) {
        *mismatch = u"without the trace the record differs: "_s + QString::fromUtf8(line);
        return true;
    }
    const Full full = parseFully(line);
    const QString got = describe(record, timeMs, pod);
    const QString want = describe(full.record, full.timeMs, full.pod);
    if (got != want || record.pod != LineRecord::kNoPod)
        *mismatch = u"line: %1\n  decoder: %2\n  parser:  %3"_s.arg(
            QString::fromUtf8(line.toByteArray().toPercentEncoding(" []\"=/:.-")), got, want);
    return true;
}

QList<QByteArray> corpusLines()
{
    QList<QByteArray> lines;
    for (const QString& path : test::logFiles())
        lines += test::readLines(path);
    return lines;
}

// The tutorial's lines in the shapes kubectl gives them, and the variations a custom format has.
const QList<QByteArray>& seeds()
{
    static const QList<QByteArray> all{
        R"([2025-11-11T10:31:24.746Z] "GET / HTTP/1.1" 200 traceID=e28cfcca4e031099 spanID=07d23de702980446 service=10.96.245.140:80)",
        R"([pod/frontend-5f7c9d8b6-v6p3r/istio-proxy] [2025-11-11T10:31:24.746Z] "GET /api?q=a%20b HTTP/1.1" 503 traceID=463ac35c9f6413ad48485a3953bb6124 spanID=a2fb4a1d1a96d312 service=10.96.14.115:9080)",
        R"([pod/backend-6c8d7f9b5-w9n3j/istio-proxy] 2025-11-11T10:31:24.811223344Z [2025-11-11T10:31:24.811Z] "POST /orders HTTP/2" 0 traceID=- spanID=- service=10.96.201.3:9080)",
        R"(2025-11-11T10:31:24.811223344+01:00 [pod/a/b/c] [-] "GET / HTTP/1.1" 200 traceID=e28cfcca4e031099)",
        R"([2025-11-11T10:31:24.746Z] "GET /a"b" HTTP/1.1" 404 duration=17 flags=UF,URX code=502 x-b3-traceid=80f198ee56343ba864fe8b2a57d3eff7)",
        R"([2025-11-11T10:31:24Z] "GET / HTTP/1.1" 200 time=1731318684.5 response_flags=- traceID=0000000000000000 traceID=e28cfcca4e031099)",
        R"([pod/p/istio-proxy] [2025-11-11T10:31:24.746Z] "CONNECT - -" 1000 request_id=7c3f2d1e-aaaa-bbbb-cccc-0123456789ab)",
        R"([2025-11-11T10:31:24.746Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 135 4 4 "-" "curl/7.73.0" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "10.44.1.27:80" outbound|8000||httpbin.foo.svc.cluster.local 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default)",
    };
    return all;
}

}  // namespace

class TstRecordDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Every line of the fixtures and tests/data/logs: nothing accepted may differ.
    void corpus()
    {
        int accepted = 0;
        int total = 0;
        for (const QByteArray& line : corpusLines()) {
            QString mismatch;
            accepted += agrees(line, &mismatch) ? 1 : 0;
            ++total;
            QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
        }
        QVERIFY(total >= 70);
        QVERIFY(accepted > 0);
    }

    // The seed tutorial's own log (the fixture kubectl printed) is decoded whole, not parsed.
    void tutorialFixtureIsDecoded()
    {
        const QList<QByteArray> lines =
            test::readLines(QStringLiteral(OBSLAB_FIXTURES_DIR "/seed-custom-format.log"));
        QVERIFY(lines.size() >= 3);
        for (const QByteArray& line : lines) {
            QString mismatch;
            QVERIFY2(agrees(line, &mismatch), line.constData());
            QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
        }
    }

    // Every layout the benchmark writes: the tutorial's lines are all decoded, the rest either
    // agree or are left to the parser.
    void generatedLayouts_data()
    {
        QTest::addColumn<int>("textPercent");
        QTest::addColumn<int>("keyValuePercent");
        QTest::addColumn<bool>("prefix");
        QTest::addColumn<bool>("timestamps");
        QTest::newRow("tutorial") << 0 << 100 << true << false;
        QTest::newRow("tutorial-bare") << 0 << 100 << false << false;
        QTest::newRow("tutorial-timestamps") << 0 << 100 << true << true;
        QTest::newRow("istio-text") << 100 << 0 << true << false;
        QTest::newRow("istio-json") << 0 << 0 << true << false;
        QTest::newRow("mixed") << 60 << 20 << true << true;
    }
    void generatedLayouts()
    {
        QFETCH(int, textPercent);
        QFETCH(int, keyValuePercent);
        QFETCH(bool, prefix);
        QFETCH(bool, timestamps);
        bench::LogGenerator::Options o;
        o.textPercent = textPercent;
        o.keyValuePercent = keyValuePercent;
        o.kubectlPrefix = prefix;
        o.timestamps = timestamps;
        bench::LogGenerator generator(o);
        const QList<QByteArray> lines = generator.generate(2 * 1024 * 1024).split('\n');
        int requests = 0;
        int accepted = 0;
        for (const QByteArray& line : lines) {
            if (line.isEmpty())
                continue;
            QString mismatch;
            const bool ok = agrees(line, &mismatch);
            QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
            if (line.contains("traceID=") || line.contains("spanID=")) {
                ++requests;
                accepted += ok ? 1 : 0;
            }
        }
        if (keyValuePercent == 100) {
            QVERIFY(requests > 1000);
            QCOMPARE(accepted, requests);
        }
    }

    // Each byte of each seed replaced by bytes that steer the parser (quotes, brackets, '=',
    // spaces, digits, hex), deleted, or doubled: whatever the decoder accepts must agree.
    void mutations()
    {
        static const char kBytes[] = {' ', '"',  '=',  '[', ']', '/', '-', '\t',  '\r',
                                      '0', '9',  'a',  'F', 'g', ':', 'Z', '.',   '+',
                                      'T', '\0', '\n', '{', 'x', ',', '%', '\xff'};
        int accepted = 0;
        int tried = 0;
        for (const QByteArray& seed : seeds()) {
            QString mismatch;
            agrees(seed, &mismatch);
            QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
            for (qsizetype i = 0; i < seed.size(); ++i) {
                QList<QByteArray> variants;
                for (char b : kBytes) {
                    QByteArray m = seed;
                    m[i] = b;
                    variants.append(m);
                }
                variants.append(QByteArray(seed).remove(i, 1));
                variants.append(QByteArray(seed).insert(i, seed[i]));
                variants.append(seed.first(i));
                for (const QByteArray& m : std::as_const(variants)) {
                    ++tried;
                    accepted += agrees(m, &mismatch) ? 1 : 0;
                    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
                }
            }
        }
        QVERIFY(tried > 20000);
        QVERIFY(accepted > tried / 4);  // the mutations exercised the decoder, not only its exits
    }

    // Random tutorial-shaped lines built from the pieces that matter, many keys in any order.
    void randomTails()
    {
        std::mt19937_64 rng(20261206);
        const QList<QByteArray> keys{"traceID", "spanID",      "service",    "status",
                                     "code",    "duration",    "flags",      "x-b3-traceid",
                                     "time",    "method",      "request_id", "level",
                                     "b3",      "traceparent", "foo",        "TRACE_ID"};
        const QList<QByteArray> values{"-",
                                       "",
                                       "200",
                                       "0",
                                       "999",
                                       "1000",
                                       "17",
                                       "UF,URX",
                                       "NR",
                                       "e28cfcca4e031099",
                                       "463ac35c9f6413ad48485a3953bb6124",
                                       "0000000000000000",
                                       "2025-11-11T10:31:24.746Z",
                                       "1731318684",
                                       "xyz",
                                       "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01",
                                       "\"quoted value\"",
                                       "info"};
        int accepted = 0;
        for (int n = 0; n < 20000; ++n) {
            QByteArray line =
                "[pod/web-1/istio-proxy] [2025-11-11T10:31:24.746Z] \"GET / HTTP/1.1\" ";
            line += QByteArray::number(int(rng() % 700));
            const int tokens = int(rng() % 6);
            for (int t = 0; t < tokens; ++t) {
                line += ' ';
                line += keys[qsizetype(rng() % quint64(keys.size()))];
                line += '=';
                line += values[qsizetype(rng() % quint64(values.size()))];
            }
            QString mismatch;
            accepted += agrees(line, &mismatch) ? 1 : 0;
            QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
        }
        QVERIFY(accepted > 5000);
    }

    // What the decoder must leave to the parser.
    void declines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("istio text") << seeds().last();
        QTest::newRow("unknown key")
            << QByteArray(R"([2025-11-11T10:31:24Z] "GET / HTTP/1.1" 200 foo=e28cfcca4e031099)");
        QTest::newRow("bare id") << QByteArray(
            R"([2025-11-11T10:31:24Z] "GET / HTTP/1.1" 200 traceID=- e28cfcca4e031099)");
        QTest::newRow("quoted value") << QByteArray(
            R"([2025-11-11T10:31:24Z] "GET / HTTP/1.1" 200 traceID="e28cfcca4e031099")");
        QTest::newRow("traceparent under traceID") << QByteArray(
            R"([2025-11-11T10:31:24Z] "GET / HTTP/1.1" 200 traceID=00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01)");
        QTest::newRow("level") << QByteArray(
            R"([2025-11-11T10:31:24Z] "GET / HTTP/1.1" 200 level=error)");
        QTest::newRow("envoy log") << QByteArray(
            "[2025-11-11 10:31:24.746][15][warning][config] gRPC config stream closed");
        QTest::newRow("json") << QByteArray(
            R"({"start_time":"2025-11-11T10:31:24.746Z","response_code":200})");
        QTest::newRow("unclosed pod") << QByteArray(
            R"([pod/frontend [2025-11-11T10:31:24Z] "GET / HTTP/1.1" 200 traceID=e28cfcca4e031099)");
        QTest::newRow("no code") << QByteArray(
            R"([2025-11-11T10:31:24Z] "GET / HTTP/1.1" traceID=e28cfcca4e031099)");
    }
    void declines()
    {
        QFETCH(QByteArray, line);
        LineRecord record;
        qint64 timeMs = 0;
        QByteArrayView pod;
        QVERIFY(!recorddecoder::decode(line, record, timeMs, pod));
    }

    // What the tutorial's line gives, spelled out.
    void tutorialRecord()
    {
        const QByteArray line =
            R"([pod/frontend-5f7c9d8b6-v6p3r/istio-proxy] [2025-11-11T10:31:24.746Z] "GET / HTTP/1.1" 503 traceID=e28cfcca4e031099 spanID=07d23de702980446 service=10.96.245.140:80)";
        LineRecord record;
        qint64 timeMs = 0;
        QByteArrayView pod;
        QVERIFY(recorddecoder::decode(line, record, timeMs, pod));
        QCOMPARE(pod, QByteArrayView("frontend-5f7c9d8b6-v6p3r"));
        QCOMPARE(timeMs, Q_INT64_C(1762857084746));
        QCOMPARE(record.status, quint16(503));
        QCOMPARE(record.traceHash, traceHash(TraceId(0, 0xe28cfcca4e031099ULL)));
        QCOMPARE(record.kind, LineKind::Request);
        QCOMPARE(record.durationMs, LineRecord::kNoDuration);
    }

    // recordOf through a run of lines the decoder declines and back: the parser's record for
    // every line, whether it was decoded or parsed; once the layout changes back the decoder is
    // tried again within 64 lines.
    void recordOfAcrossLayouts()
    {
        QList<QByteArray> lines;
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < 100; ++i)
                lines.append(seeds().last());  // Istio TEXT: declined
            for (int i = 0; i < 100; ++i)
                lines.append(seeds().at(i % 3));
        }
        recorddecoder::Attempts attempts;
        ParsedLine parsed;
        int decodedAfterSwitch = 0;
        for (qsizetype n = 0; n < lines.size(); ++n) {
            const QByteArray& line = lines.at(n);
            qint64 timeMs = 0;
            QByteArrayView pod;
            const bool willTry = [&] {
                recorddecoder::Attempts probe = attempts;
                return probe.tryNext();
            }();
            const LineRecord r = recorddecoder::recordOf(line, parsed, attempts, timeMs, pod);
            const Full full = parseFully(line);
            QCOMPARE(describe(r, timeMs, pod), describe(full.record, full.timeMs, full.pod));
            if (n % 200 >= 164 && willTry)
                ++decodedAfterSwitch;
        }
        QVERIFY(decodedAfterSwitch >= 3 * 30);  // tried on every line again after the switch
    }

    // PodCache gives the table's ids, whatever the order and however names collide in its slots.
    void podCache()
    {
        PodTable table;
        PodCache cache(table);
        PodTable reference;
        std::mt19937 rng(7);
        for (int i = 0; i < 5000; ++i) {
            const QByteArray name = "pod-" + QByteArray::number(int(rng() % 300)) + "-x" +
                                    QByteArray(int(rng() % 3), 'z');
            QCOMPARE(cache.intern(name), reference.intern(name));
        }
        QCOMPARE(table.names(), reference.names());
        QCOMPARE(cache.intern({}), LineRecord::kNoPod);
    }
};

QTEST_GUILESS_MAIN(TstRecordDecoder)
#include "tst_recorddecoder.moc"
