#pragma once

#include <QList>
#include <QString>

class QAbstractItemModel;

namespace obslab {

// Selected table rows as plain text or as a Markdown table (for an issue or a chat); writing
// lines to a file is core's (LineExport, run by LogSession).
struct LogExport
{
    // The rows' raw lines, one per line.
    static QString rowsAsText(const QAbstractItemModel& model, const QList<int>& rows);
    // A Markdown table of the rows' decoded columns (`|` and newlines escaped).
    static QString rowsAsMarkdown(const QAbstractItemModel& model, const QList<int>& rows);
};

}  // namespace obslab
