#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <random>
#include <vector>

namespace obslab::bench {

// Deterministic generator of realistic istio-proxy access logs: multi-service traces (each hop a
// client-side outbound line and a server-side inbound line sharing the x-request-id), in Istio's
// default TEXT format, the tutorial's `traceID=… spanID=…` custom format and JSON; some requests
// without trace headers; 64- and 128-bit trace ids; non-access proxy lines; errors with response
// flags. The same seed gives the same bytes.
class LogGenerator
{
public:
    struct Options
    {
        std::uint64_t seed = 20251111;
        bool kubectlPrefix = true;  // `[pod/NAME/istio-proxy] `
        bool timestamps = false;    // kubectl --timestamps RFC 3339 prefix
        int textPercent = 60;       // the rest is split between key=value and JSON
        int keyValuePercent = 20;
        int proxyLogPercent = 2;         // Envoy / pilot-agent lines between requests
        int untracedPercent = 10;        // requests that carry no trace headers
        int wideIdPercent = 30;          // 128-bit trace ids (else 64-bit)
        qint64 startMs = 1762857084000;  // 2025-11-11T10:31:24Z
    };

    explicit LogGenerator(Options options);

    // Appends one whole trace (several lines, each ending in '\n') to out.
    void appendTrace(QByteArray& out);
    // Generates at least `bytes` bytes (whole lines).
    QByteArray generate(qint64 bytes);

    // Every trace id generated so far, in its logged form (16 or 32 hex), for queries.
    const std::vector<QByteArray>& traceIds() const { return traceIds_; }
    qint64 linesGenerated() const { return lines_; }

private:
    struct Hop
    {
        int from;  // service index
        int to;
    };
    QByteArray hex(int digits);
    QByteArray uuid();
    QByteArray time(qint64 ms);
    void appendLine(QByteArray& out, int service, int pod, const QByteArray& body, qint64 ms);

    Options options_;
    std::mt19937_64 rng_;
    qint64 nowMs_;
    qint64 lines_ = 0;
    std::vector<QByteArray> traceIds_;
};

}  // namespace obslab::bench
