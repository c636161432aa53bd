#pragma once
// The JSON of `pv evm exec`: how a run is written in a batch line and how its report is printed
// (docs/evm.md, "pv evm exec"). The differential tests read both engines' answers in this form.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "evm/code_run.hpp"

namespace pv::cli {

// Hex bytes, with or without 0x; surrounding whitespace ignored.
[[nodiscard]] Result<Bytes> parse_evm_hex(std::string text, const std::string& what);
// A 20-byte address in hex.
[[nodiscard]] Result<evm::Address> parse_evm_address(const std::string& text,
                                                     const std::string& what);
// A decimal number or 0x-prefixed hex, at most 256 bits.
[[nodiscard]] Result<evm::uint256> parse_evm_word(const std::string& text, const std::string& what);

// {"status", "gasUsed", "output", "logs": [{address, topics, data}], "storage": {address: {key:
// value}}}
nlohmann::json evm_report_json(const evm::CodeRunReport& report);
// The same report as lines of text.
std::string evm_report_text(const evm::CodeRunReport& report);

// One batch line: the contracts present first, then the calls on that state in order.
struct EvmBatchCase {
  std::vector<evm::ContractSetup> contracts;
  std::vector<evm::CodeCall> calls;
  bool sequence = false;  // the line had "calls": its answer is {"calls": [report, ...]}
};

// {"code", "input", "gas", "caller", "value", "contracts": [{"address", "code", "balance",
// "storage": {key: value}}], "calls": [{"to", "input", "gas", "caller", "value"}]}. Without
// "calls", one call of "code" at 0x…c0de with the top-level input, gas, caller and value.
[[nodiscard]] Result<EvmBatchCase> parse_evm_batch_case(const nlohmann::json& line);

// Runs the case on a fresh state: the report of its one call, or {"calls": [report, ...]}.
nlohmann::json run_evm_batch_case(const EvmBatchCase& c);

}  // namespace pv::cli
