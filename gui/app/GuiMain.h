#pragma once

namespace obslab {
// Creates the QApplication and the main window; returns the event loop's exit code.
int runGui(int argc, char** argv);
}  // namespace obslab
