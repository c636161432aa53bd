// pv evm exec: run EVM bytecode outside the ledger (docs/evm.md), for contract developers and for
// differential tests against other EVMs.

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/evm_run_json.hpp"
#include "cli/output.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct EvmExecOptions {
  std::string code, code_file, input, caller, value = "0", batch;
  std::int64_t gas = 10'000'000;
  bool json = false;
};

int exec(const EvmExecOptions& o, const Output& out) {
  evm::CodeRun run;
  std::string code_text = o.code;
  if (!o.code_file.empty()) {
    std::ifstream in(o.code_file);
    if (!in) return out.fail("cannot read " + o.code_file, "pass a file of hex bytecode");
    std::stringstream ss;
    ss << in.rdbuf();
    code_text = ss.str();
  }
  auto code = parse_evm_hex(code_text, o.code_file.empty() ? "--code" : "--code-file");
  if (!code) return out.fail(code.error(), "bytecode is hex, with or without 0x");
  run.code = std::move(*code);
  auto input = parse_evm_hex(o.input, "--input");
  if (!input) return out.fail(input.error());
  run.input = std::move(*input);
  if (o.gas < 0) return out.fail("--gas must not be negative");
  run.gas = o.gas;
  if (!o.caller.empty()) {
    auto caller = parse_evm_address(o.caller, "--caller");
    if (!caller) return out.fail(caller.error());
    run.caller = *caller;
  }
  auto value = parse_evm_word(o.value, "--value");
  if (!value) return out.fail(value.error());
  run.value = *value;

  const evm::CodeRunReport r = evm::run_code(run);
  out.result(evm_report_json(r), evm_report_text(r));
  return kExitOk;
}

// One JSON line in, one JSON line out, in order; a line that does not parse answers
// {"error": ...} and the command exits non-zero once all lines are done.
int exec_batch(const std::string& path, const Output& out) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) return out.fail("cannot read " + path, "pass a file of JSON lines, or - for stdin");
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::string text;
  std::size_t number = 0;
  bool all_ok = true;
  while (std::getline(in, text)) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const json line = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (line.is_discarded()) {
      std::cout << json{{"error", "line " + std::to_string(number) + ": not JSON"}}.dump() << '\n';
      all_ok = false;
      continue;
    }
    auto c = parse_evm_batch_case(line);
    if (!c) {
      std::cout
          << json{{"error", "line " + std::to_string(number) + ": " + c.error().message}}.dump()
          << '\n';
      all_ok = false;
      continue;
    }
    std::cout << run_evm_batch_case(*c).dump() << '\n';
  }
  std::cout.flush();
  return all_ok ? kExitOk : kExitFailure;
}

}  // namespace

void add_evm_commands(CLI::App& app, int& exit_code) {
  auto* evm = app.add_subcommand("evm", "Run the embedded EVM (Cancun) on its own");
  evm->require_subcommand(1);
  auto o = std::make_shared<EvmExecOptions>();
  auto* cmd = evm->add_subcommand(
      "exec",
      "Run bytecode in one call, outside the ledger: the code sits at 0x…c0de on an empty state "
      "with this chain's block constants. Prints the status (success, revert, out-of-gas, "
      "invalid, …), the gas used, the output, the logs and the storage it wrote. With --batch, "
      "runs one JSON line after another (several contracts, a sequence of calls; docs/evm.md) "
      "and prints one JSON line for each.");
  auto* code = cmd->add_option("--code", o->code, "bytecode in hex");
  auto* file = cmd->add_option("--code-file", o->code_file, "a file holding bytecode in hex");
  auto* batch = cmd->add_option("--batch", o->batch,
                                "a file of JSON lines, one run each (- reads stdin); prints JSON "
                                "lines");
  code->excludes(file);
  batch->excludes(code);
  batch->excludes(file);
  cmd->add_option("--input", o->input, "call data in hex");
  cmd->add_option("--gas", o->gas, "gas for the call")->capture_default_str();
  cmd->add_option("--caller", o->caller, "the caller's address (default: zero)");
  cmd->add_option("--value", o->value, "wei sent with the call (decimal or 0x hex)")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "print the result as JSON");
  cmd->footer(
      "Examples:\n"
      "  pv evm exec --code 602a5f5260205ff3 --json\n"
      "  echo '{\"code\":\"602a5f5260205ff3\",\"gas\":50000}' | pv evm exec --batch -");
  cmd->callback([o, code, file, batch, &exit_code] {
    Output out(o->json || batch->count());
    if (batch->count()) {
      exit_code = exec_batch(o->batch, out);
      return;
    }
    if (!code->count() && !file->count()) {
      (void)out.fail("give --code HEX, --code-file FILE or --batch FILE");
      exit_code = kExitUsage;
      return;
    }
    exit_code = exec(*o, out);
  });
}

}  // namespace pv::cli
