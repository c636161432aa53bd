#include "cli/evm_run_json.hpp"

#include <algorithm>
#include <cctype>

namespace pv::cli {
namespace {

using nlohmann::json;

std::string hex0x(ByteView b) {
  return "0x" + to_hex(b);
}
std::string word_hex(const evm::uint256& v) {
  return hex0x(evm::to_bytes32(v).view());
}

Error bad(const std::string& what, const std::string& why) {
  return Error{Errc::invalid_argument, what + ": " + why};
}

// A string field (absent: `fallback`); anything else is an error.
Result<std::string> text_field(const json& obj, const char* key, const std::string& fallback,
                               const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (!it->is_string()) return bad(where + key, "expected a string");
  return it->get<std::string>();
}

Result<std::int64_t> gas_field(const json& obj, const std::string& where) {
  const auto it = obj.find("gas");
  if (it == obj.end()) return std::int64_t{10'000'000};
  if (!it->is_number_integer() || (!it->is_number_unsigned() && it->get<std::int64_t>() < 0))
    return bad(where + "gas", "expected a non-negative integer");
  const std::uint64_t gas = it->get<std::uint64_t>();
  if (gas > static_cast<std::uint64_t>(INT64_MAX)) return bad(where + "gas", "too large");
  return static_cast<std::int64_t>(gas);
}

Result<evm::CodeCall> parse_call(const json& obj, const std::string& where) {
  if (!obj.is_object()) return bad(where, "expected an object");
  evm::CodeCall call;
  auto to = text_field(obj, "to", "", where);
  auto input = text_field(obj, "input", "", where);
  auto caller = text_field(obj, "caller", "", where);
  auto value = text_field(obj, "value", "0", where);
  auto gas = gas_field(obj, where);
  if (!to) return to.error();
  if (!input) return input.error();
  if (!caller) return caller.error();
  if (!value) return value.error();
  if (!gas) return gas.error();
  if (!to->empty()) {
    auto a = parse_evm_address(*to, where + "to");
    if (!a) return a.error();
    call.to = *a;
  }
  auto in = parse_evm_hex(*input, where + "input");
  if (!in) return in.error();
  call.input = std::move(*in);
  if (!caller->empty()) {
    auto a = parse_evm_address(*caller, where + "caller");
    if (!a) return a.error();
    call.caller = *a;
  }
  auto v = parse_evm_word(*value, where + "value");
  if (!v) return v.error();
  call.value = *v;
  call.gas = *gas;
  return call;
}

Result<evm::ContractSetup> parse_contract(const json& obj, const std::string& where) {
  if (!obj.is_object()) return bad(where, "expected an object");
  evm::ContractSetup c;
  auto address = text_field(obj, "address", "", where);
  auto code = text_field(obj, "code", "", where);
  auto balance = text_field(obj, "balance", "0", where);
  if (!address) return address.error();
  if (!code) return code.error();
  if (!balance) return balance.error();
  auto a = parse_evm_address(*address, where + "address");
  if (!a) return a.error();
  c.address = *a;
  auto b = parse_evm_hex(*code, where + "code");
  if (!b) return b.error();
  c.code = std::move(*b);
  auto v = parse_evm_word(*balance, where + "balance");
  if (!v) return v.error();
  c.balance = *v;
  if (const auto it = obj.find("storage"); it != obj.end()) {
    if (!it->is_object()) return bad(where + "storage", "expected an object of slot: value");
    for (const auto& [key, value] : it->items()) {
      if (!value.is_string()) return bad(where + "storage", "values are strings");
      auto k = parse_evm_word(key, where + "storage key");
      auto s = parse_evm_word(value.get<std::string>(), where + "storage value");
      if (!k) return k.error();
      if (!s) return s.error();
      c.storage.emplace_back(*k, *s);
    }
  }
  return c;
}

}  // namespace

Result<Bytes> parse_evm_hex(std::string text, const std::string& what) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::string_view v = text;
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  if (v.starts_with("0x") || v.starts_with("0X")) v.remove_prefix(2);
  auto b = from_hex(v);
  if (!b) return bad(what, b.error().message);
  return b;
}

Result<evm::Address> parse_evm_address(const std::string& text, const std::string& what) {
  auto b = parse_evm_hex(text, what);
  if (!b) return b.error();
  if (b->size() != 20) return bad(what, "expected a 20-byte address in hex");
  evm::Address a;
  std::copy(b->begin(), b->end(), a.bytes.begin());
  return a;
}

Result<evm::uint256> parse_evm_word(const std::string& text, const std::string& what) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    std::string digits = text.substr(2);
    if (digits.empty() || digits.size() > 64) return bad(what, "expected 1 to 64 hex digits");
    if (digits.size() % 2) digits.insert(digits.begin(), '0');
    auto b = from_hex(digits);
    if (!b) return bad(what, b.error().message);
    return evm::load_be(b->data(), b->size());
  }
  if (text.empty()) return bad(what, "empty");
  evm::uint256 v{0};
  for (char c : text) {
    if (c < '0' || c > '9') return bad(what, "not a decimal number (hex needs 0x)");
    const evm::uint256 next =
        v * evm::uint256{10} + evm::uint256{static_cast<std::uint64_t>(c - '0')};
    if (evm::udivmod(next, evm::uint256{10}).quot != v) return bad(what, "above 2^256");
    v = next;
  }
  return v;
}

json evm_report_json(const evm::CodeRunReport& r) {
  json logs = json::array();
  for (const auto& log : r.logs) {
    json topics = json::array();
    for (const auto& t : log.topics) topics.push_back(hex0x(t.view()));
    logs.push_back(
        {{"address", hex0x(log.address.view())}, {"topics", topics}, {"data", hex0x(log.data)}});
  }
  json storage = json::object();
  for (const auto& w : r.storage)
    storage[hex0x(w.address.view())][word_hex(w.key)] = word_hex(w.value);
  return {{"status", evm::status_name(r.status)},
          {"gasUsed", r.gas_used},
          {"output", hex0x(r.output)},
          {"logs", logs},
          {"storage", storage}};
}

std::string evm_report_text(const evm::CodeRunReport& r) {
  std::string text = std::string("status: ") + evm::status_name(r.status) +
                     "\ngasUsed: " + std::to_string(r.gas_used) + "\noutput: " + hex0x(r.output);
  for (const auto& log : r.logs) {
    text += "\nlog " + hex0x(log.address.view()) + " topics [";
    for (std::size_t i = 0; i < log.topics.size(); ++i)
      text += (i ? ", " : "") + hex0x(log.topics[i].view());
    text += "] data " + hex0x(log.data);
  }
  for (const auto& w : r.storage)
    text +=
        "\nstorage " + hex0x(w.address.view()) + " " + word_hex(w.key) + " = " + word_hex(w.value);
  return text;
}

Result<EvmBatchCase> parse_evm_batch_case(const json& line) {
  if (!line.is_object()) return bad("line", "expected a JSON object");
  EvmBatchCase c;
  auto code = text_field(line, "code", "", "");
  if (!code) return code.error();
  if (const auto it = line.find("contracts"); it != line.end()) {
    if (!it->is_array()) return bad("contracts", "expected an array");
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto contract = parse_contract((*it)[i], "contracts[" + std::to_string(i) + "].");
      if (!contract) return contract.error();
      c.contracts.push_back(std::move(*contract));
    }
  }
  auto bytecode = parse_evm_hex(*code, "code");
  if (!bytecode) return bytecode.error();
  if (!bytecode->empty() || !line.contains("calls"))
    c.contracts.push_back({evm::code_run_address(), std::move(*bytecode), {}, {}});
  if (const auto it = line.find("calls"); it != line.end()) {
    if (!it->is_array()) return bad("calls", "expected an array");
    c.sequence = true;
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto call = parse_call((*it)[i], "calls[" + std::to_string(i) + "].");
      if (!call) return call.error();
      c.calls.push_back(std::move(*call));
    }
  } else {
    auto call = parse_call(line, "");
    if (!call) return call.error();
    call->to = evm::code_run_address();
    c.calls.push_back(std::move(*call));
  }
  return c;
}

json run_evm_batch_case(const EvmBatchCase& c) {
  evm::CodeSession session(c.contracts);
  json reports = json::array();
  for (const auto& call : c.calls) reports.push_back(evm_report_json(session.call(call)));
  if (c.sequence) return json{{"calls", reports}};
  return reports.at(0);
}

}  // namespace pv::cli
