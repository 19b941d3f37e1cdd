#pragma once

#include "core/common/Result.h"
#include "core/logs/LogFile.h"

#include <QList>
#include <QString>

#include <atomic>
#include <vector>

class QAbstractItemModel;

namespace obslab {

// Export of log lines: the filtered lines to a file (on a worker thread, from a snapshot), and
// selected table rows as plain text or as a Markdown table (for an issue or a chat).
struct LogExport
{
    // Writes the given lines (all lines when `lines` is null), each followed by '\n', to path.
    // Any thread; returns the number of lines written. Stops early (and says so) when cancelled.
    static Result<qint64> writeLines(const LogFile::Snapshot& snap,
                                     const std::vector<qint64>* lines, const QString& path,
                                     const std::atomic<bool>& cancel);

    // The rows' raw lines, one per line.
    static QString rowsAsText(const QAbstractItemModel& model, const QList<int>& rows);
    // A Markdown table of the rows' decoded columns (`|` and newlines escaped).
    static QString rowsAsMarkdown(const QAbstractItemModel& model, const QList<int>& rows);
};

}  // namespace obslab
