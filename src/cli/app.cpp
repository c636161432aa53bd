#include "cli/app.hpp"

#include <cstdio>
#include <exception>

#include "api/client.hpp"
#include "cli/attest_commands.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"

namespace pv::cli {

namespace {
// One per process: a pv invocation runs one command.
api::NodeTrust& mutable_node_trust() {
  static api::NodeTrust trust;
  return trust;
}
}  // namespace

const api::NodeTrust& node_trust() {
  return mutable_node_trust();
}

CLI::Option* add_node_url_option(CLI::App& cmd, std::string& url) {
  url = api::kDefaultNodeUrl;
  cmd.add_option("--node-ca", mutable_node_trust().ca_file,
                 "CA certificate (PEM) that an https node's certificate must chain to (default: "
                 "the system's CA store)")
      ->envname("PV_NODE_CA");
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
  add_pseudonym_commands(app, exit_code);
  add_consent_commands(app, exit_code);
  add_access_log_command(app, exit_code);
  add_emergency_commands(app, exit_code);
  add_evm_commands(app, exit_code);
  add_attest_commands(app, exit_code);
  add_prove_command(app, exit_code);
  add_proof_commands(app, exit_code);
  add_contract_commands(app, exit_code);
  add_audit_commands(app, exit_code);
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
