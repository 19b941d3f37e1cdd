// The headless `obslab` CLI without the GUI library: the same entry point (cli::runHeadless) the
// obslab binary takes for subcommands, for tests that must run the CLI as a separate process
// (signals, child processes).
#include "core/cli/Cli.h"

int main(int argc, char** argv)
{
    return obslab::cli::runHeadless(argc, argv);
}
