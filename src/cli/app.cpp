#include "cli/app.hpp"

#include <CLI/CLI.hpp>

namespace pv::cli {

int run(int argc, char** argv) {
  CLI::App app{"pv - PatientVault ledger node and wallet"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace pv::cli
