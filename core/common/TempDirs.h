#pragma once

#include <QString>

namespace obslab::TempDirs {

// The template for every temporary folder ObsLab makes: <temp>/obslab-<pid>-XXXXXX, so that a
// later start can tell the folders of a process that no longer runs from those in use.
QString pattern();

// Removes this user's obslab-<pid>-* folders under the temp path whose process has ended (a
// crash or a kill -9 left them). Returns how many were removed. Touches the disk: call once at
// start, off the paths that must be quick, or on a worker thread.
int removeStale();

}  // namespace obslab::TempDirs
