#pragma once

#include "core/logs/TraceId.h"

#include <QString>
#include <QStringView>

namespace obslab {

// A trace id as Jaeger's API accepts it (FORMATS §3.1): core/logs' TraceId, plus the base64 form
// OTLP JSON uses. Holds the canonical key: lower-case hex, left-padded to 32 characters, so a
// 64-bit B3 id and Jaeger's 128-bit form compare equal.
class JaegerTraceId
{
public:
    JaegerTraceId() = default;

    // Accepts 1–32 hex digits (any case, surrounding blanks ignored) or a base64 OTLP id of 8 or
    // 16 bytes. Returns an invalid id for anything else, including the all-zero id.
    static JaegerTraceId fromString(QStringView text);
    // From an id found in a log line (invalid stays invalid).
    static JaegerTraceId fromTraceId(const TraceId& id);
    TraceId toTraceId() const;

    bool isValid() const { return !key_.isEmpty(); }
    // 32 lower-hex characters; empty when invalid.
    const QString& key() const { return key_; }
    // The form Jaeger prints and links with: 16 characters when the high half is zero.
    QString toUrlForm() const;

    friend bool operator==(const JaegerTraceId&, const JaegerTraceId&) = default;

private:
    QString key_;
};

// Lower-case hex of a span id, left-padded to 16; accepts hex or a base64 OTLP id of 8 bytes.
// Returns the input unchanged (lower-cased) when it is neither, so odd ids still link up.
QString normaliseSpanId(QStringView text);

// Decodes an OTLP JSON id: hex stays hex (lower-cased); base64 of `bytes` bytes becomes hex.
// Empty when the text is neither.
QString otlpIdToHex(QStringView text, int bytes);

}  // namespace obslab
