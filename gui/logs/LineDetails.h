#pragma once

#include "core/logs/DecodedLine.h"

#include <QByteArray>
#include <QPalette>
#include <QString>

namespace obslab {

// The side panel's text for one line: every field the parser found, the upstream cluster split
// into direction / port / subset / service, each response flag explained, the trace context.
// Links: `obslab-trace:ID` and `obslab-request:ID` (the panel opens the trace lane for them),
// `obslab-line:N` (the whole-line viewer for line N, 0-based).
// Bounded whatever the line: each value is cut at kFieldChars characters (with how many more
// there are), and a line longer than that, or than the engine's cap (wholeLength, its length in
// bytes, larger than the line's bytes), gets its length and the link to open it whole.
struct LineDetails
{
    static QString html(const DecodedLine& line, qint64 lineNumber, bool utc,
                        const QPalette& palette, qint64 wholeLength = -1);
    static constexpr qsizetype kFieldChars = 2000;
};

}  // namespace obslab
