#pragma once

#include "core/logs/ParsedLine.h"

#include <QByteArrayView>

namespace obslab {

// Recognises, per line and without being told the format, Istio/Envoy access-log lines (TEXT in
// every historical layout, Envoy's default, JSON, key=value and custom tails with trace headers),
// istio-proxy's own log lines, and the `kubectl logs --prefix/--timestamps` prefixes; anything
// else still gets its trace-like tokens. Stateless and thread-safe; parse() allocates nothing and
// runs in time linear in the line, whatever the bytes are (invalid UTF-8, NULs, huge lines).
class AccessLogParser
{
public:
    // line excludes the '\n' (a trailing '\r' is ignored). Offsets in out are into line.
    static void parse(QByteArrayView line, ParsedLine& out);
};

}  // namespace obslab
