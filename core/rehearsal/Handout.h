#pragma once

#include "core/rehearsal/Recording.h"

#include <QString>

namespace obslab::rehearsal {

// Markdown handouts of a lab. A Recording holds the lab's steps and commands; with results it
// also holds what a run printed and the check states. Pure functions, any thread.
namespace Handout {
struct Options
{
    bool includeResults = true;        // outputs, exit codes, check states, trace ids seen
    qsizetype maxOutputLines = 40;     // per command: longer output is cut with a note
    qsizetype maxLogLinesPerStep = 8;  // followed log lines quoted per step
};
// "# Lab title", a note on where the run came from (a simulated mesh is named as such), then per
// step its text, each command in a ```sh block and, with results, its output, the check results
// and the trace ids seen in that step; finally every trace id seen in the run.
QString toMarkdown(const Recording& recording, const Options& options = {});
}  // namespace Handout

}  // namespace obslab::rehearsal
