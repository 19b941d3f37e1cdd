#pragma once

#include "core/logs/ParsedLine.h"

#include <QByteArray>
#include <QByteArrayView>

namespace obslab {

// Writes a parsed line as one JSON object (the `obslab logs --output ndjson` schema, documented
// in docs/logs-ndjson.md) and the one-line text summary. Appends to a caller-owned buffer so a
// long run reuses one allocation. Output is always valid UTF-8: invalid bytes become U+FFFD.
class LineJsonWriter
{
public:
    static void appendJson(QByteArray& out, QByteArrayView line, const ParsedLine& parsed,
                           qint64 lineNumber);
    static void appendSummary(QByteArray& out, QByteArrayView line, const ParsedLine& parsed,
                              qint64 lineNumber);
    // A JSON string literal (with quotes) of bytes that may be any bytes at all.
    static void appendJsonString(QByteArray& out, QByteArrayView bytes);
    // Appends bytes as valid UTF-8, invalid sequences replaced, control characters (C0, DEL and
    // the C1 range U+0080–U+009F) shown as U+FFFD too (so a terminal is not driven by log content).
    static void appendDisplayText(QByteArray& out, QByteArrayView bytes, qsizetype maxBytes);
};

}  // namespace obslab
