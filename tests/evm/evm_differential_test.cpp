// Differential tests: our EVM and an independent one (@ethereumjs/evm from npm, Cancun; pinned in
// tests/interop/package.json) run the same batch lines of `pv evm exec --batch` (same code,
// contracts, call data, gas, caller and value) and must give the same status, gas used, return
// data, logs and storage written. Our side runs in-process through the very functions the
// command uses (src/cli/evm_run_json.cpp); the other side is tests/interop/evm_differential.mjs,
// one Node process for the whole batch.
//
// Random programs: PV_EVM_DIFF_PROGRAMS (default 3000), PV_EVM_DIFF_SEED (default below) and
// PV_EVM_DIFF_FIRST (the first case index, default 0) choose them; case i of seed s is always
// the same program, so a failure names its seed and index, prints the program and writes the
// line to evm-diff-failures.jsonl, which `pv evm exec --batch` and the script both take.
// PV_EVM_DIFF_KEEP=DIR keeps the whole batch and the other engine's answers in DIR.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../interop/node_script.hpp"
#include "cli/evm_run_json.hpp"
#include "evm_program_generator.hpp"

namespace pv::evm {
namespace {

using nlohmann::json;
using testing::assemble;
using testing::disassemble;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Comparison {
  std::vector<json> ours, theirs;
  std::vector<std::size_t> differing;
  int halt_names_differ = 0;  // accepted by same_halt()
};

// @ethereumjs/evm names a RETURNDATACOPY past the end "out of gas"; we name it
// invalid-memory-access. Both are the same exceptional halt (all gas consumed, nothing kept).
json same_names(json answer) {
  auto rename = [](json& report) {
    if (report.at("status") == "invalid-memory-access") report["status"] = "out-of-gas";
  };
  if (answer.contains("calls"))
    for (auto& r : answer["calls"]) rename(r);
  else
    rename(answer);
  return answer;
}

// @ethereumjs/evm computes the memory cost of LOGn from its two operands before it checks that
// the topics are on the stack, so a LOG short of items but with a huge size is "out of gas"
// there and stack-underflow here (as in geth and evmone, which check the stack first). Both are
// the same exceptional halt; the names are the only difference allowed, and only this pair.
bool same_halt(const json& ours, const json& theirs) {
  if (ours.contains("calls") != theirs.contains("calls")) return false;
  std::vector<json> a =
      ours.contains("calls") ? ours.at("calls").get<std::vector<json>>() : std::vector<json>{ours};
  std::vector<json> b = theirs.contains("calls") ? theirs.at("calls").get<std::vector<json>>()
                                                 : std::vector<json>{theirs};
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].at("status") == "stack-underflow" && b[i].value("status", "") == "out-of-gas")
      a[i]["status"] = "out-of-gas";
  return a == b;
}

// Both engines on `lines`; fails the test when the other engine cannot run at all.
Comparison run_both(const std::vector<json>& lines) {
  Comparison c;
  const auto dir =
      std::filesystem::temp_directory_path() / ("pv-evm-diff-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream in(dir / "lines.jsonl");
    for (const auto& line : lines) in << line.dump() << '\n';
  }
  const auto r = pv::testing::run_node_script(
      "evm_differential.mjs", pv::testing::shell_quote((dir / "lines.jsonl").string()) + " " +
                                  pv::testing::shell_quote((dir / "answers.jsonl").string()));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::ifstream answers(dir / "answers.jsonl");
  std::string text;
  while (std::getline(answers, text)) c.theirs.push_back(json::parse(text, nullptr, false));
  if (const char* keep = std::getenv("PV_EVM_DIFF_KEEP"))  // a folder to keep the batch in
    std::filesystem::copy(dir, keep,
                          std::filesystem::copy_options::overwrite_existing |
                              std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(c.theirs.size(), lines.size()) << r.out;
  if (c.theirs.size() != lines.size()) return c;

  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto batch_case = cli::parse_evm_batch_case(lines[i]);
    EXPECT_TRUE(batch_case.is_ok()) << lines[i].dump();
    c.ours.push_back(batch_case ? same_names(cli::run_evm_batch_case(*batch_case)) : json());
    if (c.ours[i] == c.theirs[i]) continue;
    if (same_halt(c.ours[i], c.theirs[i]))
      ++c.halt_names_differ;
    else
      c.differing.push_back(i);
  }
  return c;
}

// The JSON lines a generator script wrote to `file` (the directory is removed afterwards).
std::vector<json> read_lines_and_remove(const std::filesystem::path& dir,
                                        const std::filesystem::path& file) {
  std::vector<json> lines;
  std::ifstream in(file);
  for (std::string text; std::getline(in, text);) lines.push_back(json::parse(text));
  std::filesystem::remove_all(dir);
  return lines;
}

// Fails the test with the first two differing lines (`what` names a line: "sequence", ...).
void expect_same(const Comparison& c, const std::vector<json>& lines, std::uint64_t seed,
                 const char* what) {
  ASSERT_EQ(c.ours.size(), lines.size());
  for (std::size_t n = 0; n < c.differing.size() && n < 2; ++n) {
    const std::size_t i = c.differing[n];
    ADD_FAILURE() << "seed " << seed << " " << what << " " << i
                  << " differs\nline: " << lines[i].dump() << "\nours:   " << c.ours[i].dump()
                  << "\ntheirs: " << c.theirs[i].dump();
  }
  EXPECT_EQ(c.differing.size(), 0u);
}

std::string describe(const json& line, const json& ours, const json& theirs) {
  std::ostringstream out;
  out << "line: " << line.dump() << "\nours:   " << ours.dump() << "\ntheirs: " << theirs.dump()
      << "\ncode at 0x…c0de:\n"
      << disassemble(*from_hex(line.value("code", "0x").substr(2)));
  for (const auto& c : line.value("contracts", json::array()))
    if (c.contains("code"))
      out << "code at " << c.at("address").get<std::string>() << ":\n"
          << disassemble(*from_hex(c.at("code").get<std::string>().substr(2)));
  return out.str();
}

// Every top-level report of an answer (one call, or each of a sequence).
std::vector<json> reports(const json& answer) {
  if (answer.contains("calls")) return answer.at("calls").get<std::vector<json>>();
  return {answer};
}

TEST(EvmDifferential, RandomPrograms) {
  pv::testing::require_interop_tools("@ethereumjs/evm");
  const std::uint64_t seed = env_number("PV_EVM_DIFF_SEED", 20261207);
  const std::uint64_t first = env_number("PV_EVM_DIFF_FIRST", 0);
  const std::uint64_t count = env_number("PV_EVM_DIFF_PROGRAMS", 3000);
  std::cout << "seed " << seed << ", programs " << first << " to " << first + count - 1 << "\n";
  std::vector<json> lines;
  for (std::uint64_t i = first; i < first + count; ++i)
    lines.push_back(testing::generate_program_case(seed, i));
  const Comparison c = run_both(lines);
  ASSERT_EQ(c.ours.size(), lines.size());

  if (!c.differing.empty()) {
    std::ofstream failures("evm-diff-failures.jsonl");
    for (std::size_t i : c.differing) failures << lines[i].dump() << '\n';
  }
  for (std::size_t n = 0; n < c.differing.size() && n < 3; ++n) {
    const std::size_t i = c.differing[n];
    ADD_FAILURE() << "seed " << seed << " program " << first + i
                  << " differs (rerun alone: PV_EVM_DIFF_SEED=" << seed
                  << " PV_EVM_DIFF_FIRST=" << first + i << " PV_EVM_DIFF_PROGRAMS=1; every "
                  << "differing line is in evm-diff-failures.jsonl)\n"
                  << describe(lines[i], c.ours[i], c.theirs[i]);
  }
  EXPECT_EQ(c.differing.size(), 0u) << "of " << lines.size() << " programs";

  // The programs reach what they are meant to reach: every ending, logs, storage writes.
  std::map<std::string, int> statuses;
  int with_logs = 0, with_storage = 0, calls = 0;
  for (const auto& answer : c.ours)
    for (const auto& r : reports(answer)) {
      ++calls;
      ++statuses[r.at("status").get<std::string>()];
      with_logs += !r.at("logs").empty();
      with_storage += !r.at("storage").empty();
    }
  std::ostringstream seen;
  for (const auto& [s, n] : statuses) seen << s << " " << n << ", ";
  std::cout << calls << " calls: " << seen.str() << with_logs << " with logs, " << with_storage
            << " writing storage; " << c.halt_names_differ
            << " stack underflows that ethereumjs names out of gas (see same_halt)\n";
  if (count >= 1000) {
    for (const char* s :
         {"success", "revert", "out-of-gas", "invalid", "stack-underflow", "bad-jump-destination"})
      EXPECT_GE(statuses[s], static_cast<int>(count / 200)) << s << ": " << seen.str();
    EXPECT_GE(with_logs, static_cast<int>(count / 50));
    EXPECT_GE(with_storage, static_cast<int>(count / 20));
  }
}

// A case written by hand: code at 0x…c0de and the call's fields.
json hand_case(const std::string& assembly, std::int64_t gas = 100000,
               json extra = json::object()) {
  json line = {{"code", "0x" + to_hex(assemble(assembly))}, {"gas", gas}};
  for (const auto& [k, v] : extra.items()) line[k] = v;
  return line;
}

json contract(const std::string& address, const std::string& assembly,
              json storage = json::object()) {
  json c = {{"address", address},
            {"code", "0x" + to_hex(assemble(assembly))},
            {"balance", "1000000000000000000"}};
  if (!storage.empty()) c["storage"] = storage;
  return c;
}

TEST(EvmDifferential, EdgeCases) {
  pv::testing::require_interop_tools("@ethereumjs/evm");
  const std::string other = "0x000000000000000000000000000000000000c0d1";
  const std::string max = "0x" + std::string(64, 'f');
  const std::vector<std::pair<std::string, json>> cases = {
      // Arithmetic at the edges.
      {"SDIV of -2^255 by -1",
       hand_case("PUSH " + max +
                 " PUSH1 0x80 PUSH1 0xf8 SHL SDIV PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN")},
      {"SMOD of negatives",
       hand_case(
           "PUSH1 0x03 PUSH0 SUB PUSH1 0x08 PUSH0 SUB SMOD PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN")},
      {"ADDMOD and MULMOD overflow 256 bits",
       hand_case("PUSH1 0x07 PUSH " + max + " PUSH " + max + " MULMOD PUSH1 0x07 PUSH " + max +
                 " PUSH " + max + " ADDMOD ADD PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN")},
      {"EXP with a 32-byte exponent",
       hand_case("PUSH " + max + " PUSH1 0x03 EXP PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN")},
      {"SIGNEXTEND, BYTE and SAR beyond 31",
       hand_case("PUSH1 0x80 PUSH1 0x00 SIGNEXTEND PUSH1 0xff PUSH1 0x20 BYTE PUSH1 0x80 PUSH1 "
                 "0xf8 SHL PUSH2 0x0100 SAR ADD ADD PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN")},
      {"division by zero",
       hand_case("PUSH0 PUSH1 0x05 DIV PUSH0 PUSH1 0x05 SMOD PUSH0 PUSH1 0x01 PUSH1 0x05 ADDMOD "
                 "ADD ADD PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN")},
      // Memory.
      {"memory expansion to 1 MiB",
       hand_case("PUSH1 0x01 PUSH3 0x100000 MSTORE8 MSIZE PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN",
                 1000000)},
      {"memory beyond 2^32 is out of gas",
       hand_case("PUSH1 0x01 PUSH5 0x0100000000 MSTORE", 1000000)},
      {"MCOPY overlapping forwards",
       hand_case("PUSH " + max +
                 " PUSH0 MSTORE PUSH1 0x20 PUSH0 PUSH1 0x10 MCOPY PUSH1 0x40 PUSH0 RETURN")},
      {"MCOPY of zero bytes far away costs nothing",
       hand_case("PUSH0 PUSH4 0xffffffff PUSH4 0xffffffff MCOPY MSIZE PUSH0 MSTORE PUSH1 0x20 "
                 "PUSH0 RETURN")},
      {"RETURNDATACOPY past the end", hand_case("PUSH1 0x01 PUSH0 PUSH0 RETURNDATACOPY")},
      {"CALLDATACOPY past the end pads with zeros",
       hand_case("PUSH1 0x40 PUSH1 0x02 PUSH0 CALLDATACOPY PUSH1 0x40 PUSH0 RETURN", 100000,
                 {{"input", "0xaabbccdd"}})},
      {"KECCAK256 of nothing",
       hand_case("PUSH0 PUSH0 KECCAK256 PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN")},
      // Storage: EIP-2200/3529 rules on each original/current/new combination.
      {"SSTORE 0 -> 1 -> 0 refunds", hand_case("PUSH1 0x01 PUSH0 SSTORE PUSH0 PUSH0 SSTORE")},
      {"SSTORE 1 -> 0 -> 1",
       json{{"contracts", json::array({contract(other, "PUSH0 PUSH0 SSTORE PUSH1 0x01 PUSH0 SSTORE",
                                                {{"0x0", "0x1"}})})},
            {"calls", json::array({{{"to", other}, {"gas", 100000}}})}}},
      {"SSTORE with 2300 gas left fails", hand_case("PUSH1 0x01 PUSH0 SSTORE", 2306)},
      {"SSTORE clearing a slot",
       hand_case("PUSH0 PUSH1 0x01 SSTORE PUSH0 PUSH1 0x02 SSTORE", 100000)},
      {"TSTORE then TLOAD, gone in the next call",
       json{{"code", "0x" + to_hex(assemble("PUSH0 TLOAD PUSH0 SSTORE PUSH1 0x2a PUSH0 TSTORE"))},
            {"calls", json::array({{{"gas", 100000}}, {{"gas", 100000}}})}}},
      {"original value of a slot across two calls",
       json{{"code", "0x" + to_hex(assemble("PUSH0 SLOAD PUSH1 0x01 ADD PUSH0 SSTORE"))},
            {"calls", json::array({{{"gas", 100000}}, {{"gas", 100000}}, {{"gas", 30000}}})}}},
      // Calls.
      {"63/64 of the gas goes to a callee",
       hand_case("PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xc0d1 GAS CALL GAS PUSH0 MSTORE PUSH1 0x20 "
                 "PUSH0 RETURN",
                 200000,
                 {{"contracts",
                   json::array({contract(other, "GAS PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN")})}})},
      {"a callee that runs out of gas",
       hand_case("PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xc0d1 PUSH2 0x1000 CALL PUSH0 MSTORE PUSH1 "
                 "0x20 PUSH0 RETURN",
                 100000, {{"contracts", json::array({contract(other, "JUMPDEST PUSH0 JUMP")})}})},
      {"value to an empty account costs 25000 more",
       hand_case("PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 0x01 PUSH2 0xbeef PUSH0 CALL", 100000,
                 {{"value", "5"}})},
      {"a call with more value than the balance fails",
       hand_case("PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0x03e8 PUSH2 0xc0d1 GAS CALL PUSH0 MSTORE PUSH1 "
                 "0x20 PUSH0 RETURN",
                 100000, {{"contracts", json::array({contract(other, "STOP")})}})},
      {"STATICCALL to a writer fails",
       hand_case("PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xc0d1 GAS STATICCALL PUSH0 MSTORE PUSH1 0x20 "
                 "PUSH0 RETURN",
                 100000,
                 {{"contracts", json::array({contract(other, "PUSH1 0x01 PUSH0 SSTORE")})}})},
      {"DELEGATECALL writes the caller's storage",
       hand_case("PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xc0d1 GAS DELEGATECALL CALLER PUSH1 0x01 SSTORE",
                 100000,
                 {{"caller", "0x000000000000000000000000000000000000cafe"},
                  {"contracts",
                   json::array({contract(
                       other, "CALLVALUE CALLER PUSH0 SSTORE PUSH1 0x09 PUSH1 0x02 SSTORE")})}})},
      {"revert data comes back",
       hand_case("PUSH1 0x20 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xc0d1 GAS CALL RETURNDATASIZE PUSH1 "
                 "0x20 MSTORE PUSH1 0x40 PUSH0 RETURN",
                 100000,
                 {{"contracts", json::array({contract(
                                    other, "PUSH1 0x2a PUSH0 MSTORE PUSH1 0x20 PUSH0 REVERT")})}})},
      {"deep recursion",
       hand_case("PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 ADDRESS GAS CALL PUSH1 0x01 ADD PUSH0 SSTORE",
                 30000000)},
      // Precompiles.
      {"ecrecover of a garbage signature",
       hand_case("PUSH1 0x20 PUSH1 0x80 PUSH1 0x80 PUSH0 PUSH1 0x01 GAS STATICCALL RETURNDATASIZE "
                 "PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN")},
      {"sha256, ripemd160 and identity",
       hand_case("PUSH1 0x20 PUSH0 PUSH1 0x03 PUSH0 PUSH1 0x02 GAS STATICCALL PUSH1 0x20 PUSH1 "
                 "0x20 PUSH1 0x03 PUSH0 PUSH1 0x03 GAS STATICCALL PUSH1 0x20 PUSH1 0x40 PUSH1 0x40 "
                 "PUSH0 PUSH1 0x04 GAS STATICCALL PUSH1 0x60 PUSH0 RETURN")},
      {"modexp 3^5 mod 7 and zero lengths",
       hand_case("PUSH1 0x01 PUSH0 MSTORE PUSH1 0x01 PUSH1 0x20 MSTORE PUSH1 0x01 PUSH1 0x40 "
                 "MSTORE PUSH3 0x030507 PUSH1 0xe8 SHL PUSH1 0x60 MSTORE PUSH1 0x01 PUSH1 0xa0 "
                 "PUSH1 0x63 PUSH0 PUSH1 0x05 GAS STATICCALL PUSH1 0x20 PUSH1 0xc0 PUSH1 0x60 "
                 "PUSH1 0x60 PUSH1 0x05 GAS STATICCALL PUSH1 0xe0 PUSH0 RETURN")},
      {"bn254 addition of the generator to itself",
       hand_case("PUSH1 0x01 PUSH0 MSTORE PUSH1 0x02 PUSH1 0x20 MSTORE PUSH1 0x01 PUSH1 0x40 "
                 "MSTORE PUSH1 0x02 PUSH1 0x60 MSTORE PUSH1 0x40 PUSH1 0x80 PUSH1 0x80 PUSH0 PUSH1 "
                 "0x06 GAS STATICCALL PUSH1 0xc0 PUSH0 RETURN")},
      // Creation.
      {"CREATE2 twice with one salt collides",
       hand_case("PUSH1 0x2a PUSH0 MSTORE8 PUSH0 PUSH1 0x01 PUSH0 PUSH0 CREATE2 PUSH0 PUSH1 0x01 "
                 "PUSH0 PUSH0 CREATE2 PUSH0 MSTORE PUSH0 MSTORE8 PUSH1 0x20 PUSH0 RETURN",
                 200000)},
      {"CREATE of code starting with 0xef fails",
       hand_case("PUSH8 0x60ef5f5360015ff3 PUSH1 0xc0 SHL PUSH0 MSTORE PUSH1 0x08 PUSH0 PUSH0 "
                 "CREATE PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN",
                 200000)},
      {"init code over 49152 bytes", hand_case("PUSH2 0xc001 PUSH0 PUSH0 CREATE", 1000000)},
      {"created then self-destructed in one transaction",
       hand_case("PUSH3 0x5f5fff PUSH1 0xe8 SHL PUSH0 MSTORE PUSH1 0x03 PUSH0 PUSH1 0x05 CREATE "
                 "EXTCODESIZE PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN",
                 200000, {{"value", "10"}})},
      {"SELFDESTRUCT of an old contract only moves its balance",
       hand_case("PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xc0d1 GAS CALL PUSH2 0xc0d1 EXTCODESIZE "
                 "PUSH2 0xbeef BALANCE ADD PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN",
                 200000,
                 {{"contracts", json::array({contract(other, "PUSH2 0xbeef SELFDESTRUCT")})}})},
      // Logs and the environment.
      {"LOG4 with data", hand_case("PUSH1 0x2a PUSH0 MSTORE PUSH1 0x04 PUSH1 0x03 PUSH1 0x02 PUSH1 "
                                   "0x01 PUSH1 0x21 PUSH1 0x00 LOG4")},
      {"LOG in a reverted frame is dropped",
       hand_case(
           "PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH2 0xc0d1 GAS CALL PUSH0 PUSH0 LOG0", 100000,
           {{"contracts", json::array({contract(other, "PUSH0 PUSH0 LOG0 PUSH0 PUSH0 REVERT")})}})},
      {"our chain's block constants",
       hand_case("CHAINID BASEFEE BLOBBASEFEE COINBASE TIMESTAMP NUMBER PREVRANDAO GASLIMIT "
                 "GASPRICE PUSH0 BLOBHASH PUSH0 BLOCKHASH ADD ADD ADD ADD ADD ADD ADD ADD ADD ADD "
                 "PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN")},
      {"cold and warm account access",
       hand_case("PUSH2 0xbeef BALANCE PUSH2 0xbeef BALANCE PUSH1 0x07 EXTCODEHASH PUSH2 0xc0d1 "
                 "EXTCODEHASH GAS PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN",
                 100000, {{"contracts", json::array({contract(other, "STOP")})}})},
      // Bad code.
      {"a jump into push data", hand_case("PUSH1 0x03 JUMP PUSH1 0x5b STOP")},
      {"JUMPI not taken to a bad place",
       hand_case("PUSH0 PUSH1 0x33 JUMPI PUSH1 0x01 PUSH0 SSTORE")},
      {"stack overflow", hand_case("JUMPDEST PUSH0 PUSH0 JUMP", 1000000)},
      {"an undefined opcode", hand_case("0x0c")},
      {"a truncated PUSH32 at the end", hand_case("0x7f0102")},
  };
  std::vector<json> lines;
  for (const auto& [name, line] : cases) lines.push_back(line);
  const Comparison c = run_both(lines);
  ASSERT_EQ(c.ours.size(), lines.size());
  for (std::size_t i : c.differing)
    ADD_FAILURE() << cases[i].first << "\n" << describe(lines[i], c.ours[i], c.theirs[i]);
}

// (c) compiled Solidity: tests/evm/contracts/ConsentCheck.sol (a small consent contract) built by
// the pinned solc, optimized and not, and sequences of calls of its functions on one state.
TEST(EvmDifferential, CompiledSolidityContract) {
  pv::testing::require_interop_tools("@ethereumjs/evm");
  pv::testing::require_interop_tools("solc");
  const std::uint64_t seed = env_number("PV_EVM_DIFF_SEED", 20261207);
  const auto dir =
      std::filesystem::temp_directory_path() / ("pv-evm-sol-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto source = std::filesystem::path(PV_SOURCE_DIR) / "tests/evm/contracts/ConsentCheck.sol";
  const auto made = pv::testing::run_node_script(
      "solidity_cases.mjs", pv::testing::shell_quote(source.string()) + " ConsentCheck " +
                                std::to_string(seed) + " 150 " +
                                pv::testing::shell_quote((dir / "lines.jsonl").string()));
  ASSERT_EQ(made.exit_code, 0) << made.out;
  const std::vector<json> lines = read_lines_and_remove(dir, dir / "lines.jsonl");
  ASSERT_EQ(lines.size(), 150u);

  const Comparison c = run_both(lines);
  expect_same(c, lines, seed, "sequence");
  if (::testing::Test::HasFatalFailure()) return;

  // The sequences do what they are meant to: succeed, revert with a reason string
  // (Error(string), 0x08c379a0) and with custom errors, and check both ways.
  int calls = 0, success = 0, reason = 0, custom = 0, allowed = 0, refused = 0;
  for (const auto& answer : c.ours)
    for (const auto& r : answer.at("calls")) {
      ++calls;
      const std::string out = r.at("output");
      if (r.at("status") == "success") {
        ++success;
        allowed += out == "0x" + std::string(63, '0') + "1";
        refused += out == "0x" + std::string(64, '0');
      } else if (r.at("status") == "revert") {
        reason += out.starts_with("0x08c379a0");
        custom += out.starts_with("0x66064d6d") || out.starts_with("0x8cadfeec");
      }
    }
  std::cout << calls << " calls: " << success << " succeed (" << allowed << " true, " << refused
            << " false or zero), " << reason << " revert with a reason, " << custom
            << " with a custom error\n";
  EXPECT_GT(success, calls / 5);
  EXPECT_GT(allowed, 20);
  EXPECT_GT(refused, 20);
  EXPECT_GT(reason, 20);
  EXPECT_GT(custom, 20);
}

// (c) the ledger's consent contract, contracts/ConsentRules.sol, compiled with the settings the
// build uses (contracts/settings.json) by the same solc version, driven through histories of
// membership, anchors, grants, revocations and decisions.
TEST(EvmDifferential, ConsentRulesContract) {
  pv::testing::require_interop_tools("@ethereumjs/evm");
  pv::testing::require_interop_tools("solc");
  const std::uint64_t seed = env_number("PV_EVM_DIFF_SEED", 20261207);
  const auto dir =
      std::filesystem::temp_directory_path() / ("pv-evm-rules-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto contracts = std::filesystem::path(PV_SOURCE_DIR) / "contracts";
  const auto made = pv::testing::run_node_script(
      "consent_rules_cases.mjs",
      pv::testing::shell_quote((contracts / "ConsentRules.sol").string()) + " " +
          pv::testing::shell_quote((contracts / "settings.json").string()) + " " +
          std::to_string(seed) + " 100 " +
          pv::testing::shell_quote((dir / "lines.jsonl").string()));
  ASSERT_EQ(made.exit_code, 0) << made.out;
  const std::vector<json> lines = read_lines_and_remove(dir, dir / "lines.jsonl");
  ASSERT_EQ(lines.size(), 100u);

  const Comparison c = run_both(lines);
  expect_same(c, lines, seed, "history");
  if (::testing::Test::HasFatalFailure()) return;

  // The histories reach every basis of a permit and most refusals: a decision is six words
  // (permitted, basis, consent, via, reason, detail).
  std::map<std::string, int> seen;
  int calls = 0, reverts = 0;
  for (const auto& answer : c.ours)
    for (const auto& r : answer.at("calls")) {
      ++calls;
      const std::string out = r.at("output");
      if (r.at("status") == "revert") ++reverts;
      if (r.at("status") != "success" || out.size() != 2 + 6 * 64) continue;
      auto word = [&](int i) { return std::stoi(out.substr(2 + 64 * i + 56, 8), nullptr, 16); };
      ++seen[word(0) ? "permit basis " + std::to_string(word(1))
                     : "refuse reason " + std::to_string(word(4))];
    }
  std::ostringstream text;
  for (const auto& [k, n] : seen) text << k << ": " << n << ", ";
  std::cout << calls << " calls, " << reverts << " reverted; decisions: " << text.str() << "\n";
  for (int basis = 1; basis <= 4; ++basis)
    EXPECT_GE(seen["permit basis " + std::to_string(basis)], 5) << text.str();
  for (int reason : {1, 2, 3, 4, 5, 8})
    EXPECT_GE(seen["refuse reason " + std::to_string(reason)], 5) << text.str();
  EXPECT_GT(reverts, calls / 10);
}

}  // namespace
}  // namespace pv::evm
