#pragma once
// Zero-knowledge attestations on the command line (docs/attestations.md):
// `pv attest issue|list|revoke`, `pv prove`, `pv proof verify`.

#include <CLI/CLI.hpp>

namespace pv::cli {

void add_attest_commands(CLI::App& app, int& exit_code);
void add_prove_command(CLI::App& app, int& exit_code);
void add_proof_commands(CLI::App& app, int& exit_code);

}  // namespace pv::cli
