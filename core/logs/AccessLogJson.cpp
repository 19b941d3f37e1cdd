#include "core/logs/AccessLogApply.h"

#include "core/logs/JsonFlatScanner.h"

namespace obslab::accesslog {

// JSON access logs (Istio's JSON encoding, typed or all strings) and JSON log lines.

void LineParser::parseJson(Sz p)
{
    JsonFlatScanner scanner(v(0, end_), p);
    JsonFlatScanner::Member m;
    bool typedCode = false;
    bool istio = false;
    while (scanner.next(m)) {
        const Key key = lookupKey(d_ + m.keyOffset, m.keyLength);
        if (key == Key::None)
            continue;
        if (m.type == JsonFlatScanner::Type::Null || m.type == JsonFlatScanner::Type::Nested)
            continue;
        if (key == Key::ResponseCode && m.type == JsonFlatScanner::Type::Number)
            typedCode = true;
        if (key == Key::ResponseCode || key == Key::UpstreamCluster || key == Key::ResponseFlags ||
            key == Key::BytesReceived)
            istio = true;
        if (key == Key::StartTime && out_.has(Field::StartTime))
            continue;
        apply(key, m.valueOffset, m.valueLength);
    }
    if (!scanner.finished() && !scanner.failed())
        return;
    if (scanner.failed() && m.keyLength == 0 && !istio && !out_.has(Field::Level) &&
        !out_.trace.isValid()) {
        scanTokens(p, end_);
        return;
    }
    out_.complete = scanner.finished();
    out_.format = istio ? (typedCode ? LineFormat::IstioJson : LineFormat::IstioJsonLegacy)
                        : LineFormat::Json;
    if (out_.has(Field::Method) || out_.responseCode >= 0 || istio)
        out_.kind = LineKind::Request;
    else if (out_.level != LogLevel::None)
        out_.kind = LineKind::ProxyLog;
    if (scanner.failed())
        scanTokens(scanner.position(), end_);
}

}  // namespace obslab::accesslog
