// pv evm exec: run EVM bytecode alone, outside the ledger (docs/evm.md), for contract developers
// and for differential tests against other EVMs.

#include <fstream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "evm/code_run.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

struct EvmExecOptions {
  std::string code, code_file, input, caller, value = "0";
  std::int64_t gas = 10'000'000;
  bool json = false;
};

std::string hex0x(ByteView b) { return "0x" + to_hex(b); }
std::string word_hex(const evm::uint256& v) { return hex0x(evm::to_bytes32(v).view()); }

Result<Bytes> parse_hex(std::string text, const char* what) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  std::string_view v = text;
  if (v.starts_with("0x") || v.starts_with("0X")) v.remove_prefix(2);
  auto b = from_hex(v);
  if (!b) return make_error(Errc::invalid_argument, std::string(what) + ": " + b.error().message);
  return b;
}

// A decimal number or 0x-prefixed hex, at most 256 bits.
Result<evm::uint256> parse_word(const std::string& text) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    std::string digits = text.substr(2);
    if (digits.empty() || digits.size() > 64) return make_error(Errc::invalid_argument, "--value: bad hex number");
    if (digits.size() % 2) digits.insert(digits.begin(), '0');
    auto b = from_hex(digits);
    if (!b) return make_error(Errc::invalid_argument, "--value: " + b.error().message);
    return evm::load_be(b->data(), b->size());
  }
  if (text.empty()) return make_error(Errc::invalid_argument, "--value: empty");
  evm::uint256 v{0};
  for (char c : text) {
    if (c < '0' || c > '9') return make_error(Errc::invalid_argument, "--value: not a number");
    const evm::uint256 next = v * evm::uint256{10} + evm::uint256{static_cast<std::uint64_t>(c - '0')};
    if (evm::udivmod(next, evm::uint256{10}).quot != v)
      return make_error(Errc::invalid_argument, "--value: above 2^256");
    v = next;
  }
  return v;
}

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
  auto code = parse_hex(code_text, o.code_file.empty() ? "--code" : "--code-file");
  if (!code) return out.fail(code.error(), "bytecode is hex, with or without 0x");
  run.code = std::move(*code);
  auto input = parse_hex(o.input, "--input");
  if (!input) return out.fail(input.error());
  run.input = std::move(*input);
  if (o.gas < 0) return out.fail("--gas must not be negative");
  run.gas = o.gas;
  if (!o.caller.empty()) {
    auto caller = parse_hex(o.caller, "--caller");
    if (!caller || caller->size() != 20)
      return out.fail("--caller: expected a 20-byte address in hex");
    std::copy(caller->begin(), caller->end(), run.caller.bytes.begin());
  }
  auto value = parse_word(o.value);
  if (!value) return out.fail(value.error());
  run.value = *value;

  const evm::CodeRunReport r = evm::run_code(run);
  json logs = json::array();
  std::string human = std::string("status: ") + evm::status_name(r.status) +
                      "\ngasUsed: " + std::to_string(r.gas_used) + "\noutput: " + hex0x(r.output);
  for (const auto& log : r.logs) {
    json topics = json::array();
    for (const auto& t : log.topics) topics.push_back(hex0x(t.view()));
    logs.push_back({{"address", hex0x(log.address.view())}, {"topics", topics}, {"data", hex0x(log.data)}});
    human += "\nlog " + hex0x(log.address.view()) + " topics " + topics.dump() + " data " + hex0x(log.data);
  }
  json storage = json::object();
  for (const auto& w : r.storage) {
    storage[hex0x(w.address.view())][word_hex(w.key)] = word_hex(w.value);
    human += "\nstorage " + hex0x(w.address.view()) + " " + word_hex(w.key) + " = " + word_hex(w.value);
  }
  out.result({{"status", evm::status_name(r.status)},
              {"gasUsed", r.gas_used},
              {"output", hex0x(r.output)},
              {"logs", logs},
              {"storage", storage}},
             human);
  return kExitOk;
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
      "invalid, …), the gas used, the output, the logs and the storage it wrote.");
  auto* code = cmd->add_option("--code", o->code, "bytecode in hex");
  auto* file = cmd->add_option("--code-file", o->code_file, "a file holding bytecode in hex");
  code->excludes(file);
  cmd->add_option("--input", o->input, "call data in hex");
  cmd->add_option("--gas", o->gas, "gas for the call")->capture_default_str();
  cmd->add_option("--caller", o->caller, "the caller's address (default: zero)");
  cmd->add_option("--value", o->value, "wei sent with the call (decimal or 0x hex)")
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "print the result as JSON");
  cmd->footer("Example:\n  pv evm exec --code 602a5f5260205ff3 --json");
  cmd->callback([o, code, file, &exit_code] {
    Output out(o->json);
    if (!code->count() && !file->count()) {
      (void)out.fail("give --code HEX or --code-file FILE");
      exit_code = kExitUsage;
      return;
    }
    exit_code = exec(*o, out);
  });
}

}  // namespace pv::cli
