#pragma once

namespace pv::cli {

// Parses the command line and runs one `pv` subcommand; returns the process exit code.
int run(int argc, char** argv);

}  // namespace pv::cli
