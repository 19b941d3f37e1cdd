#include "LogCorpus.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/JsonFlatScanner.h"
#include "core/logs/LineJsonWriter.h"
#include "core/logs/LogTime.h"
#include "core/logs/ResponseFlags.h"
#include "core/logs/UpstreamCluster.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <random>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

// Counts heap allocations so a test can prove parse() makes none. QByteArray/QString allocate
// with malloc, not new, so glibc's allocator is interposed too. Not under AddressSanitizer,
// which owns the allocator (the test is skipped there).
#if defined(__SANITIZE_ADDRESS__)
#define OBSLAB_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OBSLAB_COUNT_ALLOCATIONS 0
#endif
#endif
#if !defined(OBSLAB_COUNT_ALLOCATIONS) && defined(__GLIBC__)
#define OBSLAB_COUNT_ALLOCATIONS 1
#endif
#ifndef OBSLAB_COUNT_ALLOCATIONS
#define OBSLAB_COUNT_ALLOCATIONS 0
#endif

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
[[maybe_unused]] void countAllocation()
{
    if (g_counting.load(std::memory_order_relaxed))
        g_allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

#if OBSLAB_COUNT_ALLOCATIONS
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* malloc(size_t size)
{
    countAllocation();
    return __libc_malloc(size);
}
void* calloc(size_t n, size_t size)
{
    countAllocation();
    return __libc_calloc(n, size);
}
void* realloc(void* p, size_t size)
{
    countAllocation();
    return __libc_realloc(p, size);
}
}

void* operator new(std::size_t size)
{
    countAllocation();
    if (void* p = __libc_malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}
#endif

namespace {

QJsonObject toJson(QByteArrayView line, const ParsedLine& parsed, qint64 lineNumber)
{
    QByteArray out;
    LineJsonWriter::appendJson(out, line, parsed, lineNumber);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "invalid JSON:" << error.errorString() << out.left(400);
    return doc.object();
}

using obslab::test::logFiles;
using obslab::test::readLines;

QJsonObject parseToJson(QByteArrayView line, qint64 lineNumber = 1)
{
    ParsedLine parsed;
    AccessLogParser::parse(line, parsed);
    return toJson(line, parsed, lineNumber);
}

}  // namespace

class TstAccessLogParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Every line of the shared fixtures and of tests/data/logs against its reviewed expectation
    // (tests/data/logs/expected/NAME.ndjson, the `obslab logs --output ndjson` schema).
    void everyLine_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("expected");
        QTest::addColumn<int>("lineNumber");
        int files = 0;
        for (const QString& path : logFiles()) {
            const QString base = QFileInfo(path).completeBaseName();
            const QList<QByteArray> lines = readLines(path);
            const QList<QByteArray> expected = readLines(
                QStringLiteral(OBSLAB_TEST_DATA_DIR "/logs/expected/") + base + u".ndjson"_s);
            QVERIFY2(lines.size() == expected.size(), qPrintable(base));
            for (qsizetype i = 0; i < lines.size(); ++i)
                QTest::addRow("%s:%lld", qPrintable(base), i + 1)
                    << lines.at(i) << expected.at(i) << int(i + 1);
            ++files;
        }
        QVERIFY(files >= 14);
    }
    void everyLine()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, expected);
        QFETCH(int, lineNumber);
        const QJsonObject actual = parseToJson(line, lineNumber);
        const QJsonObject wanted = QJsonDocument::fromJson(expected).object();
        QVERIFY(!wanted.isEmpty());
        for (auto it = wanted.begin(); it != wanted.end(); ++it)
            QVERIFY2(actual.value(it.key()) == it.value(),
                     qPrintable(it.key() + u": got "_s +
                                QString::fromUtf8(
                                    QJsonDocument(QJsonObject{{u"v"_s, actual.value(it.key())}})
                                        .toJson(QJsonDocument::Compact))));
        for (auto it = actual.begin(); it != actual.end(); ++it)
            QVERIFY2(wanted.contains(it.key()), qPrintable(u"unexpected field "_s + it.key()));
    }

    // Highlight spans point at the right bytes.
    void highlights_data() { everyLine_data(); }
    void highlights()
    {
        QFETCH(QByteArray, line);
        ParsedLine parsed;
        AccessLogParser::parse(line, parsed);
        for (int i = 0; i < parsed.highlightCount; ++i) {
            const Highlight& h = parsed.highlights[size_t(i)];
            QVERIFY(h.range.end() <= quint32(line.size()));
            const QByteArrayView text = QByteArrayView(line).sliced(h.range.offset, h.range.length);
            switch (h.kind) {
            case HighlightKind::TraceId:
                QCOMPARE(TraceId::fromHex(text), parsed.trace.traceId);
                break;
            case HighlightKind::SpanId:
                QCOMPARE(hex::spanIdFromHex(text), parsed.trace.spanId);
                break;
            case HighlightKind::Status:
                QCOMPARE(text.toInt(), parsed.responseCode);
                break;
            case HighlightKind::RequestId:
                QCOMPARE(text, parsed.view(line, Field::RequestId));
                break;
            case HighlightKind::Flags:
                QCOMPARE(ResponseFlags::parse(text).bits(), parsed.responseFlags.bits());
                break;
            case HighlightKind::ParentSpanId:
            case HighlightKind::Level:
                QVERIFY(!text.isEmpty());
                break;
            }
        }
    }

    // Hand-written lines for each variant, checked field by field.
    void fields_data()
    {
#ifndef Q_MOC_RUN  // moc mis-reads some raw string literals; it needs only the declaration
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("expected");  // a JSON object: these keys must match

        QTest::newRow("istio-1.23-raw-cluster")
            << R"x([2025-03-04T10:15:02.121Z] "GET /reviews/0 HTTP/1.1" 200 - via_upstream - "-" 0 358 12 11 "-" "python-requests/2.31.0" "3f5c3e0a-8d4e-9c41-a7b2-6f1d0e2c9a11" "reviews:9080" "10.244.0.15:9080" outbound|9080|v2|reviews.bookinfo.svc.cluster.local 10.244.0.12:50788 10.96.12.34:9080 10.244.0.12:33902 - default)x"_ba
            << R"x({"format":"istio_text","kind":"request","response_code":200,"duration":12,"upstream_service_time":11,"upstream_cluster":"outbound|9080|v2|reviews.bookinfo.svc.cluster.local","upstream_cluster_subset":"v2","upstream_cluster_service":"reviews.bookinfo.svc.cluster.local","upstream_cluster_port":9080,"upstream_cluster_direction":"outbound","route_name":"default","time_us":1741083302121000})x"_ba;
        QTest::newRow("istio-1.9-cluster-semicolon")
            << R"x([2025-03-04T10:15:02.121Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 1 1 1 "-" "curl" "x" "a" "10.0.0.1:80" outbound|80||a.b.svc.cluster.local; 10.0.0.2:1 10.0.0.3:80 10.0.0.2:2 - default)x"_ba
            << R"x({"format":"istio_text","upstream_cluster":"outbound|80||a.b.svc.cluster.local","upstream_cluster_service":"a.b.svc.cluster.local","request_id":"x"})x"_ba;
        QTest::newRow("error-details-with-braces")
            << R"x([2025-03-04T10:15:09.550Z] "GET /ratings/0 HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{connection_failure,delayed_connect_error:_Connection_refused} - "delayed_connect_error:_Connection_refused" 0 91 2 - "-" "Apache-CXF/3.1.18" "a3a9e7b1-0c2f-9b7d-8e5a-1c2d3e4f5a6b" "ratings:9080" "10.244.0.17:9080" outbound|9080||ratings.bookinfo.svc.cluster.local - 10.96.77.1:9080 10.244.0.15:48822 - default)x"_ba
            << R"x({"response_code":503,"response_flags":"UF,URX","response_flags_explained":["UF: upstream connection failure (503)","URX: upstream retry limit (HTTP) or maximum connect attempts (TCP) reached"],"response_code_details":"upstream_reset_before_response_started{connection_failure,delayed_connect_error:_Connection_refused}","upstream_transport_failure_reason":"delayed_connect_error:_Connection_refused","complete":true})x"_ba;
        QTest::newRow("tcp-passthrough")
            << R"x([2025-03-04T10:15:13.450Z] "- - -" 0 - - - "-" 1520 4310 95 - "-" "-" "-" "-" "142.250.74.46:443" PassthroughCluster 10.244.0.9:51234 142.250.74.46:443 10.244.0.9:51232 www.google.com -)x"_ba
            << R"x({"kind":"request","response_code":0,"bytes_received":1520,"bytes_sent":4310,"upstream_cluster_kind":"passthrough","upstream_cluster_direction":"outbound","requested_server_name":"www.google.com"})x"_ba;
        QTest::newRow("no-route")
            << R"x([2025-03-04T10:15:12.300Z] "GET /missing HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "curl/8.5.0" "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9" "unknown.example:80" "-" - - 10.96.0.99:80 10.244.0.9:40000 - -)x"_ba
            << R"x({"response_flags_explained":["NR: no route configured for the request (404), or no matching filter chain for a connection"],"downstream_local_address":"10.96.0.99:80","complete":true})x"_ba;
        QTest::newRow("legacy-1.1-mixer-no-route")
            << R"x([2019-03-01T08:12:44.102Z] "GET /productpage HTTP/1.1" 200 - "-" 0 4415 62 61 "10.128.0.5" "curl/7.58.0" "b8a2c3d4-e5f6-47a8-99b0-c1d2e3f4a5b6" "35.200.1.2" "10.4.2.9:9080" outbound|9080||productpage.default.svc.cluster.local - 10.4.2.9:9080 10.128.0.5:0 -)x"_ba
            << R"x({"format":"istio_text_legacy","x_forwarded_for":"10.128.0.5","downstream_remote_address":"10.128.0.5:0","bytes_sent":4415})x"_ba;
        QTest::newRow("legacy-1.5-inbound-portname")
            << R"x([2019-11-20T14:02:10.557Z] "GET /reviews/0 HTTP/1.1" 200 - "-" "-" 0 295 6 5 "-" "python-requests/2.21.0" "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4" "reviews:9080" "127.0.0.1:9080" inbound|9080|http|reviews.default.svc.cluster.local - 127.0.0.1:9080 10.4.2.9:48792 outbound_.9080_.v1_.reviews.default.svc.cluster.local default)x"_ba
            << R"x({"format":"istio_text_legacy","upstream_cluster_direction":"inbound","upstream_cluster_subset":"http","upstream_cluster_service":"reviews.default.svc.cluster.local","route_name":"default"})x"_ba;
        QTest::newRow("envoy-default")
            << R"x([2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80")x"_ba
            << R"x({"format":"envoy_default","method":"POST","protocol":"HTTP/2","bytes_received":154,"duration":226,"upstream_service_time":100,"x_forwarded_for":"10.0.35.28","upstream_host":"tcp://10.0.2.1:80"})x"_ba;
        QTest::newRow("json-typed-any-order")
            << R"x({"duration":4,"response_code":418,"method":"GET","start_time":"2020-11-25T21:26:18.409Z","upstream_cluster":"outbound|8000||httpbin.foo.svc.cluster.local;","response_flags":"-","bytes_sent":135,"x_forwarded_for":null})x"_ba
            << R"x({"format":"istio_json","response_code":418,"duration":4,"bytes_sent":135,"upstream_cluster":"outbound|8000||httpbin.foo.svc.cluster.local","time_us":1606339578409000})x"_ba;
        QTest::newRow("json-legacy-strings")
            << R"x({"response_code":"503","duration":"7","bytes_sent":"-","response_flags":"UH","istio_policy_status":"-"})x"_ba
            << R"x({"format":"istio_json_legacy","response_code":503,"duration":7,"response_flags":"UH"})x"_ba;
        QTest::newRow("json-escapes")
            << "{\"method\":\"GET\",\"path\":\"/a\\\"b\\\\c\\u00e9\\ud83d\\ude00\",\"response_code\":200,\"user_agent\":\"x\\ty\"}"_ba
            << "{\"path\":\"/a\\\"b\\\\c\xc3\xa9\xf0\x9f\x98\x80\",\"user_agent\":\"x\\ty\"}"_ba;
        QTest::newRow("json-custom-trace-keys")
            << R"x({"response_code":200,"x-b3-traceid":"463AC35C9F6413AD","x-b3-spanid":"a2fb4a1d1a96d312","x-b3-sampled":"0"})x"_ba
            << R"x({"trace_id":"0000000000000000463ac35c9f6413ad","span_id":"a2fb4a1d1a96d312","sampled":"not_sampled"})x"_ba;
        QTest::newRow("json-trace_id-empty")
            << R"x({"response_code":200,"trace_id":"","span_id":"-"})x"_ba
            << R"x({"format":"istio_json","kind":"request"})x"_ba;
        QTest::newRow("custom-quoted-b3")
            << R"x([2025-11-11T10:31:24.746Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 615 3 2 "-" "curl/8.5.0" "e1f2a3b4-c5d6-9e7f-8a9b-0c1d2e3f4a5b" "frontend" "10.244.0.20:80" outbound|80||frontend.default.svc.cluster.local 10.244.0.9:40100 10.96.245.140:80 10.244.0.9:40098 - default "463ac35c9f6413ad48485a3953bb6124")x"_ba
            << R"x({"trace_id":"463ac35c9f6413ad48485a3953bb6124","route_name":"default","complete":true})x"_ba;
        QTest::newRow("custom-traceparent")
            << R"x([2025-11-11T10:31:25.100Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 615 3 2 "-" "curl/8.5.0" "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9" "frontend" "10.244.0.20:80" outbound|80||frontend.default.svc.cluster.local 10.244.0.9:40102 10.96.245.140:80 10.244.0.9:40100 - default "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")x"_ba
            << R"x({"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","sampled":"sampled","trace_header":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})x"_ba;
        QTest::newRow("custom-trace-id-operator")
            << R"x([2025-11-11T10:31:25.200Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 615 3 2 "-" "curl/8.5.0" "01234567-89ab-4cde-8f01-23456789abcd" "frontend" "10.244.0.20:80" outbound|80||frontend.default.svc.cluster.local 10.244.0.9:40104 10.96.245.140:80 10.244.0.9:40102 - default 4bf92f3577b34da6a3ce929d0e0e4736)x"_ba
            << R"x({"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"})x"_ba;
        QTest::newRow("tutorial-kv")
            << R"x([2025-11-11T10:31:24.746Z] "GET / HTTP/1.1" 200 traceID=e28cfcca4e031099 spanID=07d23de702980446 service=10.96.245.140:80)x"_ba
            << R"x({"format":"text_custom","trace_id":"0000000000000000e28cfcca4e031099","trace_id_raw":"e28cfcca4e031099","span_id":"07d23de702980446"})x"_ba;
        QTest::newRow("tutorial-kv-no-trace")
            << R"x([2025-11-11T10:31:23.108Z] "GET / HTTP/1.1" 200 traceID=- spanID=- service=10.96.245.140:80)x"_ba
            << R"x({"format":"text_custom","kind":"request","response_code":200,"highlights":[{"kind":"status","offset":44,"length":3}]})x"_ba;
        QTest::newRow("kv-invalid-trace")
            << R"x([2025-11-11T10:31:23.108Z] "GET / HTTP/1.1" 200 traceID=xyz spanID=0000000000000000)x"_ba
            << R"x({"trace_id_raw":"xyz","span_id_raw":"0000000000000000"})x"_ba;
        QTest::newRow("kubectl-prefix-and-timestamps")
            << "[pod/frontend-1/istio-proxy] 2025-11-11T10:31:24.747312405Z [2025-11-11T10:31:24.746Z] \"GET / HTTP/1.1\" 200 traceID=f8fd657e618fd308"_ba
            << R"x({"pod":"frontend-1","container":"istio-proxy","kube_timestamp":"2025-11-11T10:31:24.747312405Z","time_us":1762857084746000,"trace_id":"0000000000000000f8fd657e618fd308"})x"_ba;
        QTest::newRow("kubectl-timestamp-then-prefix")
            << "2025-11-11T10:31:24.747312405Z [pod/frontend-1/istio-proxy] {\"response_code\":200}"_ba
            << R"x({"pod":"frontend-1","format":"istio_json","time_us":1762857084747312})x"_ba;
        QTest::newRow("envoy-epoch-log")
            << "[Envoy (Epoch 0)] [2020-08-18 23:32:50.996][13][warning][config] [grpc_stream.h:101] gRPC config stream closed: 13, "_ba
            << R"x({"kind":"proxy_log","format":"envoy_log","level":"warning","logger":"config"})x"_ba;
        QTest::newRow("pilot-agent-log")
            << "2024-01-11T21:09:42.003311Z\twarning\tenvoy config\tStreamAggregatedResources gRPC config stream closed"_ba
            << R"x({"kind":"proxy_log","format":"istio_log","level":"warning","logger":"envoy config","message":"StreamAggregatedResources gRPC config stream closed"})x"_ba;
        QTest::newRow("unknown-with-traceparent")
            << "calling backend with traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"_ba
            << R"x({"kind":"unknown","trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331"})x"_ba;
        QTest::newRow("unknown-hex-without-key")
            << "checksum 463ac35c9f6413ad48485a3953bb6124 ok"_ba
            << R"x({"kind":"unknown","highlights":[]})x"_ba;
        QTest::newRow("unknown-uber")
            << "uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1"_ba
            << R"x({"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"})x"_ba;
        QTest::newRow("unknown-b3-single")
            << "b3: 80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1"_ba
            << R"x({"trace_id":"80f198ee56343ba864fe8b2a57d3eff7","span_id":"05e3ac9a4f6e3b90","sampled":"sampled"})x"_ba;
        QTest::newRow("trailing-space-and-crlf")
            << "[2024-01-11T21:09:42.835Z] \"- - -\" 0 - - - \"-\" 839 2504306 231 - \"-\" \"-\" \"-\" \"-\" \"151.101.195.5:443\" outbound|443||edition.cnn.com 172.30.239.8:34470 172.30.239.8:443 172.30.239.15:43956 edition.cnn.com - \r"_ba
            << R"x({"complete":true,"requested_server_name":"edition.cnn.com","bytes_sent":2504306})x"_ba;
        QTest::newRow("epoch-start-time") << R"x([1700000000.123] "GET / HTTP/1.1" 200 x=1)x"_ba
                                          << R"x({"time_us":1700000000123000})x"_ba;
#endif
    }
    void fields()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, expected);
        const QJsonObject actual = parseToJson(line);
        QJsonParseError error;
        const QJsonObject wanted = QJsonDocument::fromJson(expected, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        for (auto it = wanted.begin(); it != wanted.end(); ++it) {
            QVERIFY2(actual.value(it.key()) == it.value(),
                     qPrintable(it.key() + u" differs in "_s +
                                QString::fromUtf8(QJsonDocument(actual).toJson())));
        }
    }

    // Nothing crashes or hangs; what can be parsed is kept.
    void badInput_data()
    {
#ifndef Q_MOC_RUN  // moc mis-reads some raw string literals; it needs only the declaration
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("empty") << QByteArray() << R"x({"kind":"unknown","format":"unknown"})x"_ba;
        QTest::newRow("only-spaces") << "   \t "_ba
                                     << R"x({"kind":"unknown"})x"_ba;
        QTest::newRow("only-cr") << "\r"_ba
                                 << R"x({"kind":"unknown"})x"_ba;
        QTest::newRow("invalid-utf8-in-path")
            << "[2020-11-25T21:26:18.409Z] \"GET /\xff\xfe\xc3 HTTP/1.1\" 418 - via_upstream - \"-\" 0 135 4 4 \"-\" \"curl\xe2\x82\" \"84961386-6d84-929d-98bd-c5aee93b5c88\" \"httpbin:8000\" \"10.44.1.27:80\" outbound|8000||httpbin.foo.svc.cluster.local 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default"_ba
            << "{\"response_code\":418,\"path\":\"/\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\"complete\":true}"_ba;
        QTest::newRow("nul-bytes")
            << QByteArray("[2020-11-25T21:26:18.409Z] \"GET /a\0b HTTP/1.1\" 200 - via_upstream - "
                          "\"-\" 0 1 1 1 \"-\" \"c\0url\" \"r\" \"a\" \"h\" - - - - - -",
                          116)
            << "{\"response_code\":200,\"path\":\"/a\\u0000b\",\"user_agent\":\"c\\u0000url\",\"complete\":true}"_ba;
        QTest::newRow("binary-blob")
            << QByteArray::fromHex("1f8b0800000000000003ffcb48cdc9c95728cf2fca49e1020000ffff5b22") +
                   QByteArray(300, '\x01')
            << R"x({"kind":"unknown"})x"_ba;
        QTest::newRow("truncated-json")
            << R"x({"response_code":503,"method":"GET","path":"/x)x"_ba
            << R"x({"format":"istio_json","response_code":503,"method":"GET","complete":false})x"_ba;
        QTest::newRow("json-nested-values")
            << R"x({"response_code":200,"headers":{"a":[1,{"b":"}"}]},"trace_id":"463ac35c9f6413ad"})x"_ba
            << R"x({"complete":true,"trace_id":"0000000000000000463ac35c9f6413ad"})x"_ba;
        QTest::newRow("json-garbage") << R"x({:::}})x"_ba
                                      << R"x({"kind":"unknown"})x"_ba;
        QTest::newRow("truncated-text")
            << R"x([2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 4)x"_ba
            << R"x({"kind":"request","format":"istio_text","response_code":418,"duration":4,"complete":false})x"_ba;
        QTest::newRow("unterminated-request")
            << R"x([2020-11-25T21:26:18.409Z] "GET /status/418)x"_ba
            << R"x({"kind":"unknown"})x"_ba;
        QTest::newRow("kubectl-error-text")
            << "error: you are attempting to follow 6 log streams, but maximum allowed concurrency is 5, use --max-log-requests to increase the limit"_ba
            << R"x({"kind":"unknown"})x"_ba;
        QTest::newRow("unclosed-pod-prefix") << "[pod/abc"_ba
                                             << R"x({"kind":"unknown"})x"_ba;
        QTest::newRow("quotes-only")
            << QByteArray(5000, char(0x22)) << R"x({"kind":"unknown"})x"_ba;
        QTest::newRow("brackets-only") << QByteArray(5000, '[') << R"x({"kind":"unknown"})x"_ba;
        QTest::newRow("huge-code")
            << R"x([2020-11-25T21:26:18.409Z] "GET / HTTP/1.1" 99999999999999999999999 x)x"_ba
            << R"x({"kind":"request"})x"_ba;
        QTest::newRow("bad-date") << R"x([2020-13-45T99:99:99Z] "GET / HTTP/1.1" 200)x"_ba
                                  << R"x({"kind":"request","response_code":200})x"_ba;
#endif
    }
    void badInput()
    {
        fields();
    }

    void hugeLines_data()
    {
#ifndef Q_MOC_RUN  // moc mis-reads some raw string literals; it needs only the declaration
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<int>("kind");
        const qsizetype size = 20 * 1024 * 1024;
        QByteArray path(size, 'a');
        QTest::newRow("20MB-path")
            << "[2020-11-25T21:26:18.409Z] \"GET /"_ba + path +
                   " HTTP/1.1\" 200 - via_upstream - \"-\" 0 1 1 1 \"-\" \"curl\" \"84961386-6d84-929d-98bd-c5aee93b5c88\" \"a\" \"h\" outbound|80||x - - - - - traceID=463ac35c9f6413ad"_ba
            << int(LineKind::Request);
        QTest::newRow("20MB-quotes")
            << "[2020-11-25T21:26:18.409Z] \"GET / HTTP/1.1\" 200 - x - "_ba +
                   QByteArray(size, char(0x22))
            << int(LineKind::Request);
        QByteArray binary(size, Qt::Uninitialized);
        quint32 x = 12345;
        for (char& c : binary) {
            x = x * 1103515245u + 12345u;
            c = char(x >> 24);
        }
        QTest::newRow("20MB-binary") << binary << int(LineKind::Unknown);
        QByteArray hexy;
        hexy.reserve(size);
        while (hexy.size() < size)
            hexy += "trace_id=463ac35c9f6413ad-";
        QTest::newRow("20MB-hex-keys") << hexy << int(LineKind::Unknown);
        QTest::newRow("20MB-json-string")
            << "{\"msg\":\""_ba + QByteArray(size, '\\') + "\"}"_ba << int(LineKind::Unknown);
#endif
    }
    void hugeLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(int, kind);
        ParsedLine parsed;
        QElapsedTimer timer;
        timer.start();
        AccessLogParser::parse(line, parsed);
        // Linear time: well under a second in a release build, a few seconds under ASan; a
        // quadratic scan would take hours.
        QVERIFY2(timer.elapsed() < 30000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(int(parsed.kind), kind);
        if (QByteArrayView(QTest::currentDataTag()) == "20MB-path") {
            QCOMPARE(parsed.range(Field::Path).length, quint32(20 * 1024 * 1024 + 1));
            QCOMPARE(parsed.trace.traceId.toHex(), "0000000000000000463ac35c9f6413ad"_ba);
            QVERIFY(parsed.complete);
        }
        QByteArray out;
        LineJsonWriter::appendJson(out, line, parsed, 1);
        QVERIFY(!QJsonDocument::fromJson(out).isNull());
    }

    void parseAllocatesNothing()
    {
        if (!OBSLAB_COUNT_ALLOCATIONS)
            QSKIP("the allocator cannot be interposed in this build (sanitizer)");
        QList<QByteArray> lines;
        for (const QString& path : logFiles())
            lines += readLines(path);
        lines.append(QByteArray(4096, '\xff'));
        ParsedLine parsed;
        g_allocations = 0;
        g_counting = true;
        for (const QByteArray& line : std::as_const(lines))
            AccessLogParser::parse(line, parsed);
        g_counting = false;
        QCOMPARE(g_allocations.load(), 0L);
        // The counter itself works: building a QByteArray is seen.
        g_counting = true;
        const QByteArray probe = QByteArray(100, 'x') + lines.first();
        g_counting = false;
        QVERIFY(g_allocations.load() > 0);
        QVERIFY(!probe.isEmpty());
    }

    // One ParsedLine is reused for every line of a file: nothing may leak from the previous one.
    void reuseAcrossLines()
    {
        QList<QByteArray> lines;
        for (const QString& path : logFiles())
            lines += readLines(path);
        ParsedLine reused;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            AccessLogParser::parse(lines.at(i), reused);
            QCOMPARE(toJson(lines.at(i), reused, 1), parseToJson(lines.at(i)));
            // …and in the other order, after a line with many fields.
            AccessLogParser::parse(lines.at(lines.size() - 1 - i), reused);
            AccessLogParser::parse(lines.at(i), reused);
            QCOMPARE(toJson(lines.at(i), reused, 1), parseToJson(lines.at(i)));
        }
    }

    void responseFlags_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("codes");
        QTest::addColumn<bool>("unknown");
        QTest::newRow("none") << "-"_ba << QStringList() << false;
        QTest::newRow("one") << "UF"_ba << QStringList{u"UF"_s} << false;
        QTest::newRow("two") << "UF,URX"_ba << QStringList{u"UF"_s, u"URX"_s} << false;
        QTest::newRow("long-names") << "UpstreamConnectionFailure,NoRouteFound"_ba
                                    << QStringList{u"UF"_s, u"NR"_s} << false;
        QTest::newRow("unknown") << "UF,ZZ"_ba << QStringList{u"UF"_s} << true;
        QTest::newRow("empty-items") << ",DC,"_ba << QStringList{u"DC"_s} << false;
    }
    void responseFlags()
    {
        QFETCH(QByteArray, text);
        QFETCH(QStringList, codes);
        QFETCH(bool, unknown);
        const ResponseFlags f = ResponseFlags::parse(text);
        QCOMPARE(f.codes(), codes);
        QCOMPARE(f.has(ResponseFlags::UnknownFlag), unknown);
    }

    void everyFlagExplained()
    {
        // FORMATS.md §2's list, each with its words.
        const QList<QByteArray> codes =
            "UH UF UO NR URX NC DT DC LH UT LR UR UC DI FI RL UAEX RLSE "
            "IH SI DPE UPE UMSDR OM DF"_ba.split(' ');
        for (const QByteArray& code : codes) {
            const ResponseFlags::Info* info = ResponseFlags::infoByCode(code);
            QVERIFY2(info, code.constData());
            QVERIFY(qstrlen(info->meaning) > 5);
            QCOMPARE(ResponseFlags::parse(code).codes(), QStringList{QString::fromLatin1(code)});
        }
        QCOMPARE(ResponseFlags::parse("UF").explanations(),
                 QStringList{u"UF: upstream connection failure (503)"_s});
    }

    void upstreamCluster_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("direction");
        QTest::addColumn<int>("port");
        QTest::addColumn<QByteArray>("subset");
        QTest::addColumn<QByteArray>("fqdn");
        using K = UpstreamCluster::Kind;
        using D = UpstreamCluster::Direction;
        QTest::newRow("outbound") << "outbound|8000||httpbin.foo.svc.cluster.local"_ba
                                  << int(K::Service) << int(D::Outbound) << 8000 << QByteArray()
                                  << "httpbin.foo.svc.cluster.local"_ba;
        QTest::newRow("subset") << "outbound|9080|v2|reviews.default.svc.cluster.local"_ba
                                << int(K::Service) << int(D::Outbound) << 9080 << "v2"_ba
                                << "reviews.default.svc.cluster.local"_ba;
        QTest::newRow("semicolon") << "outbound|80||a.b;"_ba << int(K::Service) << int(D::Outbound)
                                   << 80 << QByteArray() << "a.b"_ba;
        QTest::newRow("inbound") << "inbound|8000||"_ba << int(K::Service) << int(D::Inbound)
                                 << 8000 << QByteArray() << QByteArray();
        QTest::newRow("inbound-1.5") << "inbound|9080|http|reviews.default.svc.cluster.local"_ba
                                     << int(K::Service) << int(D::Inbound) << 9080 << "http"_ba
                                     << "reviews.default.svc.cluster.local"_ba;
        QTest::newRow("passthrough") << "PassthroughCluster"_ba << int(K::Passthrough)
                                     << int(D::Outbound) << -1 << QByteArray() << QByteArray();
        QTest::newRow("blackhole") << "BlackHoleCluster"_ba << int(K::BlackHole) << int(D::Outbound)
                                   << -1 << QByteArray() << QByteArray();
        QTest::newRow("inbound-passthrough-ipv4")
            << "InboundPassthroughClusterIpv4"_ba << int(K::InboundPassthrough) << int(D::Inbound)
            << -1 << QByteArray() << QByteArray();
        QTest::newRow("dash") << "-"_ba << int(K::None) << int(D::None) << -1 << QByteArray()
                              << QByteArray();
        QTest::newRow("gateway-other") << "my_cluster"_ba << int(K::Other) << int(D::None) << -1
                                       << QByteArray() << QByteArray();
        QTest::newRow("bad-port") << "outbound|http||x"_ba << int(K::Other) << int(D::None) << -1
                                  << QByteArray() << QByteArray();
        QTest::newRow("too-many-parts") << "outbound|1|2|3|4"_ba << int(K::Other) << int(D::None)
                                        << -1 << QByteArray() << QByteArray();
    }
    void upstreamCluster()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, kind);
        QFETCH(int, direction);
        QFETCH(int, port);
        QFETCH(QByteArray, subset);
        QFETCH(QByteArray, fqdn);
        const UpstreamCluster c = UpstreamCluster::parse(text);
        QCOMPARE(int(c.kind), kind);
        QCOMPARE(int(c.direction), direction);
        QCOMPARE(c.port, port);
        QCOMPARE(c.subset.toByteArray(), subset);
        QCOMPARE(c.fqdn.toByteArray(), fqdn);
    }

    void time_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("us");
        QTest::newRow("envoy-ms") << "2020-11-25T21:26:18.409Z"_ba << qint64(1606339578409000);
        QTest::newRow("kubectl-ns")
            << "2025-11-11T10:31:24.747312405Z"_ba << qint64(1762857084747312);
        QTest::newRow("no-fraction") << "2025-11-11T10:31:25Z"_ba << qint64(1762857085000000);
        QTest::newRow("offset") << "2025-11-11T12:31:25+02:00"_ba << qint64(1762857085000000);
        QTest::newRow("envoy-log-space")
            << "2024-01-11 21:09:42.835"_ba << qint64(1705007382835000);
        QTest::newRow("epoch") << "1700000000.5"_ba << qint64(1700000000500000);
        QTest::newRow("leap-day") << "2024-02-29T00:00:00Z"_ba << qint64(1709164800000000);
        QTest::newRow("before-1970") << "1969-12-31T23:59:59Z"_ba << qint64(-1000000);
        QTest::newRow("garbage") << "yesterday"_ba << logtime::kMissing;
        QTest::newRow("bad-month") << "2024-13-01T00:00:00Z"_ba << logtime::kMissing;
    }
    void time()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, us);
        QCOMPARE(logtime::parse(text), us);
        if (us != logtime::kMissing && us >= 0)
            QCOMPARE(logtime::parse(logtime::toIsoString(us).toLatin1()), us);
    }

    // writeIso against Qt's own formatting, from year 1 to 9999 and on both sides of 1970.
    void isoFormatting()
    {
        std::mt19937_64 rng(1);
        const qint64 lo = -62135596800LL * 1000000;  // 0001-01-01
        const qint64 hi = 253402300799LL * 1000000;  // 9999-12-31T23:59:59
        for (int i = 0; i < 100000; ++i) {
            const qint64 us = i < 3 ? std::array<qint64, 3>{0, -1, lo}[size_t(i)]
                                    : lo + qint64(rng() % quint64(hi - lo));
            char buf[40];
            const QByteArray got(buf, logtime::writeIso(us, buf));
            const qint64 ms = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
            const QByteArray micros =
                QByteArray::number(((us % 1000000) + 1000000) % 1000000).rightJustified(6, '0');
            const QByteArray wanted = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                                          .toString(u"yyyy-MM-ddTHH:mm:ss."_s)
                                          .toLatin1() +
                                      micros + 'Z';
            QCOMPARE(got, wanted);
        }
    }

    void jsonUnescape()
    {
#ifndef Q_MOC_RUN  // moc mis-reads some raw string literals; it needs only the declaration
        QCOMPARE(JsonFlatScanner::unescape("a\\\"b\\\\\\/\\n\\u00e9\\ud83d\\ude00\\u12"),
                 "a\"b\\/\n\xc3\xa9\xf0\x9f\x98\x80\\u12"_ba);
        QCOMPARE(JsonFlatScanner::unescape("\\ud800x"), "\xef\xbf\xbdx"_ba);
#endif
    }
};

QTEST_GUILESS_MAIN(TstAccessLogParser)
#include "tst_accesslogparser.moc"
