#pragma once

#include "core/common/Result.h"
#include "core/logs/LogFile.h"

#include <QString>

#include <atomic>
#include <vector>

namespace obslab {

// Log lines written to a file as they are in the log (not decoded), from a snapshot.
struct LineExport
{
    // Writes the given lines (all lines when `lines` is null), each followed by '\n', to path.
    // Any thread; returns the number of lines written. Stops early (and says so) when cancelled.
    static Result<qint64> writeLines(const LogFile::Snapshot& snap,
                                     const std::vector<qint64>* lines, const QString& path,
                                     const std::atomic<bool>& cancel);
};

}  // namespace obslab
