#pragma once
// pv record erase | legal-hold | erasure-status (docs/erasure.md): registered under `pv record`.

#include <CLI/CLI.hpp>

namespace pv::cli {

void add_record_erasure_commands(CLI::App& record, int& exit_code);

}  // namespace pv::cli
