#pragma once

#include <QByteArray>
#include <QPalette>
#include <QString>

namespace obslab {

// The side panel's text for one line: every field the parser found, the upstream cluster split
// into direction / port / subset / service, each response flag explained, the trace context.
// Links: `obslab-trace:ID` and `obslab-request:ID` (the panel opens the trace lane for them).
struct LineDetails
{
    static QString html(const QByteArray& line, qint64 lineNumber, bool utc,
                        const QPalette& palette);
};

}  // namespace obslab
