#pragma once

#include "core/logs/ParsedLine.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace obslab {

class LogFile;

// One log line with its fields decoded, as views show it: the bytes and what the access-log
// parser found in them. Views take this from core and never run the parser themselves.
struct DecodedLine
{
    QByteArray bytes;
    ParsedLine parsed;

    static DecodedLine of(QByteArray line);
    // Line index of file (0-based), read up to the file's line cap.
    static DecodedLine of(const LogFile& file, qint64 index);

    QString text(Field f) const { return parsed.text(bytes, f); }
    QByteArray fieldBytes(Field f) const { return parsed.bytes(bytes, f); }

    // Where the trace ids are in the line, in order and not overlapping: {offset, length}.
    struct Span
    {
        qsizetype offset = 0;
        qsizetype length = 0;
    };
    QList<Span> traceIdSpans() const;
};

}  // namespace obslab
