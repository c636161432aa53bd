#pragma once
// Each command group registers its subcommands on the `pv` app. A command's callback stores the
// process exit code in `exit_code`.

#include <CLI/CLI.hpp>

#include "api/client.hpp"

namespace pv::cli {

void add_node_commands(CLI::App& app, int& exit_code);
void add_id_commands(CLI::App& app, int& exit_code);
void add_tx_commands(CLI::App& app, int& exit_code);
void add_verify_command(CLI::App& app, int& exit_code);
void add_blob_commands(CLI::App& app, int& exit_code);
void add_org_commands(CLI::App& app, int& exit_code);
// `pv node key`; REQUIRES: add_node_commands ran first.
void add_node_key_command(CLI::App& app, int& exit_code);
void add_credential_commands(CLI::App& app, int& exit_code);
void add_consent_commands(CLI::App& app, int& exit_code);
void add_record_commands(CLI::App& app, int& exit_code);
// `pv pseudonym issue | list`: a patient's record pseudonyms (docs/erasure.md).
void add_pseudonym_commands(CLI::App& app, int& exit_code);
void add_access_log_command(CLI::App& app, int& exit_code);
void add_emergency_commands(CLI::App& app, int& exit_code);
// `pv evm exec`: bytecode run alone on the embedded EVM (docs/evm.md).
void add_evm_commands(CLI::App& app, int& exit_code);
// `pv contract show | verify`: the consent contract in force, rebuilt from source.
void add_contract_commands(CLI::App& app, int& exit_code);
// `pv audit key|witness`: the auditor's C2SP witness (docs/audit.md).
void add_audit_commands(CLI::App& app, int& exit_code);
// `pv audit report`: the regulator's report of what the auditor verified (audit/report.hpp).
void add_audit_report_command(CLI::App& audit, int& exit_code);

// --node URL (or PV_NODE), shared by every client command; it also adds --node-ca FILE (or
// PV_NODE_CA), the CA that an https node's certificate must chain to.
CLI::Option* add_node_url_option(CLI::App& cmd, std::string& url);

// How this process trusts https nodes (--node-ca / PV_NODE_CA).
const api::NodeTrust& node_trust();

}  // namespace pv::cli
