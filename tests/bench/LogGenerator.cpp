#include "LogGenerator.h"

#include <QDateTime>

#include <array>

namespace obslab::bench {

namespace {

struct Service
{
    const char* name;
    const char* ns;
    int port;
    const char* ip;
    std::array<const char*, 3> pods;
    std::array<const char*, 3> podIps;
    const char* path;
};

// bookinfo plus the tutorial's frontend/backend, with realistic pod names and addresses.
const std::array<Service, 7> kServices{{
    {"istio-ingressgateway",
     "istio-system",
     8080,
     "10.96.0.20",
     {"istio-ingressgateway-6b7b4f9c8d-q2x7l", "istio-ingressgateway-6b7b4f9c8d-z8m4k",
      "istio-ingressgateway-6b7b4f9c8d-p9w2c"},
     {"10.244.0.12", "10.244.1.7", "10.244.2.9"},
     "/productpage"},
    {"productpage",
     "bookinfo",
     9080,
     "10.96.14.115",
     {"productpage-v1-7d4cd8d5d-2f9xq", "productpage-v1-7d4cd8d5d-h6n2m",
      "productpage-v1-7d4cd8d5d-r4t8w"},
     {"10.244.1.21", "10.244.2.14", "10.244.0.33"},
     "/productpage"},
    {"details",
     "bookinfo",
     9080,
     "10.96.201.3",
     {"details-v1-65b4f6c9d-8k2lp", "details-v1-65b4f6c9d-c7v9x", "details-v1-65b4f6c9d-m3q5z"},
     {"10.244.2.17", "10.244.0.41", "10.244.1.26"},
     "/details/0"},
    {"reviews",
     "bookinfo",
     9080,
     "10.96.77.52",
     {"reviews-v1-5c8f7b6d9-4hz8n", "reviews-v2-7f9b8c5d4-9xk2w", "reviews-v3-6d8c9f7b5-b5r7t"},
     {"10.244.0.52", "10.244.1.38", "10.244.2.23"},
     "/reviews/0"},
    {"ratings",
     "bookinfo",
     9080,
     "10.96.130.8",
     {"ratings-v1-84d7c8b9f-6jw4s", "ratings-v1-84d7c8b9f-t2p8r", "ratings-v1-84d7c8b9f-x9d3v"},
     {"10.244.1.44", "10.244.2.31", "10.244.0.60"},
     "/ratings/0"},
    {"frontend",
     "default",
     80,
     "10.96.245.140",
     {"frontend-5f7c9d8b6-kq2wz", "frontend-5f7c9d8b6-n8t4x", "frontend-5f7c9d8b6-v6p3r"},
     {"10.244.2.40", "10.244.0.71", "10.244.1.55"},
     "/"},
    {"backend",
     "default",
     80,
     "10.96.188.19",
     {"backend-6c8d7f9b5-2mz7k", "backend-6c8d7f9b5-f4x8q", "backend-6c8d7f9b5-w9n3j"},
     {"10.244.1.63", "10.244.2.52", "10.244.0.84"},
     "/api/items"},
}};

// Call graphs: bookinfo's productpage fans out; the tutorial's frontend calls its backend.
const std::vector<std::vector<std::pair<int, int>>> kFlows{
    {{0, 1}, {1, 2}, {1, 3}, {3, 4}},
    {{0, 1}, {1, 2}, {1, 3}},
    {{5, 6}},
    {{5, 6}},
};

const char* const kAgents[] = {"curl/7.73.0-DEV", "Mozilla/5.0 (X11; Linux x86_64)",
                               "python-requests/2.31.0", "Go-http-client/1.1"};

}  // namespace

LogGenerator::LogGenerator(Options options)
    : options_(options)
    , rng_(options.seed)
    , nowMs_(options.startMs)
{}

QByteArray LogGenerator::hex(int digits)
{
    static const char kHex[] = "0123456789abcdef";
    QByteArray out(digits, Qt::Uninitialized);
    std::uint64_t bits = rng_();
    for (int i = 0; i < digits; ++i) {
        if (i % 16 == 15)
            bits = rng_();
        out[i] = kHex[bits & 15];
        bits >>= 4;
    }
    if (out.front() == '0')
        out[0] = '7';  // never all zeros
    return out;
}

QByteArray LogGenerator::uuid()
{
    QByteArray id = hex(8) + '-' + hex(4) + '-' + hex(4) + '-' + hex(4) + '-' + hex(12);
    id[14] = '9';  // Envoy's trace-decision byte: sampled
    return id;
}

QByteArray LogGenerator::time(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
}

void LogGenerator::appendLine(QByteArray& out, int service, int pod, const QByteArray& body,
                              qint64 ms)
{
    if (options_.timestamps) {
        // kubectl prints the kubelet's receive time with nanoseconds.
        out += QDateTime::fromMSecsSinceEpoch(ms + 1, Qt::UTC)
                   .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"))
                   .toLatin1();
        out += QByteArray::number(100000 + qint64(rng_() % 900000)) + "Z ";
    }
    if (options_.kubectlPrefix) {
        out += "[pod/";
        out += kServices[size_t(service)].pods[size_t(pod)];
        out += "/istio-proxy] ";
    }
    out += body;
    out += '\n';
    ++lines_;
}

void LogGenerator::appendTrace(QByteArray& out)
{
    std::uniform_int_distribution<int> percent(0, 99);
    const auto& flow = kFlows[size_t(rng_() % kFlows.size())];
    const bool traced = percent(rng_) >= options_.untracedPercent;
    const QByteArray traceId =
        traced ? hex(percent(rng_) < options_.wideIdPercent ? 32 : 16) : QByteArray();
    if (traced)
        traceIds_.push_back(traceId);
    const int formatPick = percent(rng_);
    const int format = formatPick < options_.textPercent                              ? 0
                       : formatPick < options_.textPercent + options_.keyValuePercent ? 1
                                                                                      : 2;
    const QByteArray agent = kAgents[rng_() % std::size(kAgents)];
    // Half the TEXT-format meshes append "%REQ(X-B3-TRACEID)%" to Istio's default format.
    const bool logsTraceField = (rng_() & 1) != 0;
    nowMs_ += 5 + qint64(rng_() % 400);
    qint64 hopStart = nowMs_;
    QByteArray parentSpan = traced ? traceId.right(16) : QByteArray();

    for (const auto& [from, to] : flow) {
        const Service& src = kServices[size_t(from)];
        const Service& dst = kServices[size_t(to)];
        const int srcPod = int(rng_() % 3);
        const int dstPod = int(rng_() % 3);
        const QByteArray requestId = uuid();
        const QByteArray spanId = traced ? hex(16) : QByteArray();
        int status = 200;
        QByteArray flags = "-";
        QByteArray details = "via_upstream";
        const int fault = percent(rng_);
        if (fault < 2) {
            status = 503;
            flags = "UF";
            details = "upstream_reset_before_response_started{connection_failure}";
        } else if (fault < 3) {
            status = 503;
            flags = "UH";
            details = "no_healthy_upstream";
        } else if (fault < 5) {
            status = 404;
        } else if (fault < 6) {
            status = 0;
            flags = "DC";
            details = "downstream_remote_disconnect";
        }
        const qint64 serverMs = 1 + qint64(rng_() % 40) + (rng_() % 50 == 0 ? 900 : 0);
        const qint64 clientMs = serverMs + 1 + qint64(rng_() % 3);
        const QByteArray method = percent(rng_) < 90 ? "GET" : "POST";
        const QByteArray path = QByteArray(dst.path);
        const QByteArray authority = QByteArray(dst.name) + ':' + QByteArray::number(dst.port);
        const QByteArray fqdn = QByteArray(dst.name) + '.' + dst.ns + ".svc.cluster.local";
        const QByteArray bytesOut = QByteArray::number(100 + qint64(rng_() % 5000));
        const QByteArray srcIp = src.podIps[size_t(srcPod)];
        const QByteArray dstIp = dst.podIps[size_t(dstPod)];
        const QByteArray srcPort = QByteArray::number(30000 + qint64(rng_() % 30000));
        const QByteArray code = QByteArray::number(status);

        for (int side = 0; side < 2; ++side) {
            const bool outbound = side == 0;
            const qint64 at = hopStart + (outbound ? 0 : 1);
            const QByteArray duration = QByteArray::number(outbound ? clientMs : serverMs);
            const QByteArray cluster =
                outbound ? QByteArray("outbound|" + QByteArray::number(dst.port) + "||" + fqdn)
                         : QByteArray("inbound|" + QByteArray::number(dst.port) + "||");
            const QByteArray upstreamHost =
                outbound ? QByteArray(dstIp + ':' + QByteArray::number(dst.port))
                         : QByteArray("127.0.0.1:" + QByteArray::number(dst.port));
            QByteArray body;
            if (format == 0) {
                body =
                    '[' + time(at) + "] \"" + method + ' ' + path + " HTTP/1.1\" " + code + ' ' +
                    flags + ' ' + details + " - \"-\" 0 " + bytesOut + ' ' + duration + ' ' +
                    (status ? QByteArray::number(serverMs) : QByteArray("-")) + " \"-\" \"" +
                    agent + "\" \"" + requestId + "\" \"" + authority + "\" \"" + upstreamHost +
                    "\" " + cluster + ' ' +
                    (outbound ? QByteArray(srcIp + ':' + srcPort) : QByteArray("127.0.0.1:41854")) +
                    ' ' +
                    (outbound ? QByteArray(QByteArray(dst.ip) + ':' + QByteArray::number(dst.port))
                              : QByteArray(dstIp + ":80")) +
                    ' ' + srcIp + ':' + srcPort + ' ' +
                    (outbound ? QByteArray("-")
                              : QByteArray("outbound_." + QByteArray::number(dst.port) + "_._." +
                                           fqdn)) +
                    " default";
                if (traced && logsTraceField)
                    body += " \"" + traceId + "\"";  // a mesh that appends %REQ(X-B3-TRACEID)%
            } else if (format == 1) {
                body = '[' + time(at) + "] \"" + method + ' ' + path + " HTTP/1.1\" " + code +
                       " traceID=" + (traced ? traceId : QByteArray("-")) +
                       " spanID=" + (traced ? spanId : QByteArray("-")) +
                       " service=" + QByteArray(dst.ip) + ':' + QByteArray::number(dst.port);
            } else {
                body = "{\"start_time\":\"" + time(at) + "\",\"method\":\"" + method +
                       "\",\"path\":\"" + path +
                       "\",\"protocol\":\"HTTP/1.1\",\"response_code\":" + code +
                       ",\"response_flags\":\"" + flags + "\",\"response_code_details\":\"" +
                       details + "\",\"bytes_received\":0,\"bytes_sent\":" + bytesOut +
                       ",\"duration\":" + duration + ",\"upstream_service_time\":\"" +
                       QByteArray::number(serverMs) + "\",\"user_agent\":\"" + agent +
                       "\",\"request_id\":\"" + requestId + "\",\"authority\":\"" + authority +
                       "\",\"upstream_host\":\"" + upstreamHost + "\",\"upstream_cluster\":\"" +
                       cluster + "\",\"x_b3_traceid\":" +
                       (traced ? '"' + traceId + '"' : QByteArray("null")) +
                       ",\"x_b3_spanid\":" + (traced ? '"' + spanId + '"' : QByteArray("null")) +
                       ",\"x_b3_parentspanid\":" +
                       (traced ? '"' + parentSpan + '"' : QByteArray("null")) + '}';
            }
            appendLine(out, outbound ? from : to, outbound ? srcPod : dstPod, body, at);
        }
        if (percent(rng_) < options_.proxyLogPercent) {
            const QByteArray line =
                time(hopStart) +
                "\twarning\tenvoy config external/envoy/source/extensions/config_subscription/grpc/"
                "grpc_stream.h:193\tStreamAggregatedResources gRPC config stream to "
                "xds-grpc closed since 412s ago: 14, connection error";
            appendLine(out, from, srcPod, line, hopStart);
        }
        hopStart += 1 + qint64(rng_() % 5);
        if (traced)
            parentSpan = spanId;
    }
}

QByteArray LogGenerator::generate(qint64 bytes)
{
    QByteArray out;
    out.reserve(bytes + 4096);
    while (out.size() < bytes)
        appendTrace(out);
    return out;
}

}  // namespace obslab::bench
