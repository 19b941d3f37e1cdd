#pragma once

#include "core/common/Result.h"
#include "core/tracing/Trace.h"

#include <QByteArrayView>
#include <QList>
#include <QStringList>

// Pure parsers for what Jaeger's query API returns (FORMATS §4) and for trace files saved from
// it. Never throw, never crash on garbage (fuzzed by tests/fuzz/fuzz_jaegerjson.cpp); times are
// clamped so that later arithmetic cannot overflow.
namespace obslab::jaegerjson {

// Jaeger v1 JSON: the envelope {"data":[trace…]}, a bare trace {"traceID","spans","processes"},
// or an array of traces. An envelope whose `errors` carry a message and no data is an Error.
Result<QList<Trace>> parseV1Traces(QByteArrayView json);

// OTLP JSON as api_v3 returns it ({"result":{"resourceSpans":[…]}}), as an OTLP export writes it
// ({"resourceSpans":[…]}) or Tempo/Kiali's {"batches":[…]}; hex or base64 ids. Spans are grouped
// into traces by trace id, in order of first appearance.
Result<QList<Trace>> parseOtlpTraces(QByteArrayView json);

// Either of the above, told apart by shape: what File → Open trace and `obslab trace --file` use.
Result<QList<Trace>> parseTraceDocument(QByteArrayView json);

// v1 `data` of /api/services and /api/services/{s}/operations (strings), or /api/operations
// (objects with `name`); also v3 {"services":[…]} and {"operations":[{"name"}…]}.
Result<QStringList> parseNameList(QByteArrayView json);

// The message of a v1 envelope's errors[] or of a v3 {"error":{"message"}}; empty when none.
QString apiErrorMessage(QByteArrayView body);
// The HTTP code inside such an error body (v1 errors[0].code, v3 error.httpCode); 0 when none.
int apiErrorCode(QByteArrayView body);

// True when the body is an HTML page (Jaeger 1.x answers unknown paths with its UI and 200).
bool looksLikeHtml(QByteArrayView body);
// The path of `<base href="/jaeger/">` in such a page, without the trailing slash; empty if none.
QString htmlBasePath(QByteArrayView body);

}  // namespace obslab::jaegerjson
