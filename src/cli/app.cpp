#include "cli/app.hpp"

#include <cstdio>
#include <exception>

#include "api/client.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"

namespace pv::cli {

CLI::Option* add_node_url_option(CLI::App& cmd, std::string& url) {
  url = api::kDefaultNodeUrl;
  return cmd.add_option("--node", url, "URL of the node's HTTP API")
      ->envname("PV_NODE")
      ->capture_default_str();
}

int run(int argc, char** argv) {
  CLI::App app{"pv - PatientVault: a permissioned ledger node and its command-line wallet"};
  app.require_subcommand(1);
  app.footer(
      "Start a node with `pv node start`, create an identity with `pv id create --name alice`, "
      "then anchor a document with `pv tx submit --as alice --file report.pdf --wait`. Run `pv "
      "COMMAND --help` for details.");
  int exit_code = kExitOk;
  add_node_commands(app, exit_code);
  add_id_commands(app, exit_code);
  add_tx_commands(app, exit_code);
  add_verify_command(app, exit_code);
  add_node_key_command(app, exit_code);
  add_blob_commands(app, exit_code);
  add_org_commands(app, exit_code);
  add_credential_commands(app, exit_code);
  add_record_commands(app, exit_code);
  add_consent_commands(app, exit_code);
  add_access_log_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const std::exception& e) {
    // Commands return errors as values; this is a bug, reported rather than crashing.
    std::fprintf(stderr, "pv: error: unexpected failure: %s; please report this bug\n", e.what());
    return kExitFailure;
  }
  return exit_code;
}

}  // namespace pv::cli
