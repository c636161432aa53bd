#include "ledger/contract_call.hpp"

#include <map>

#include "evm/abi.hpp"
#include "evm/vm.hpp"
#include "ledger/contract_state.hpp"

namespace pv {
namespace {

Result<ContractCallResult> run(const StateView& view, StateOverlay* out, const ContractCall& call) {
  auto version = load_contract_version(view);
  if (!version) return version.error();
  LedgerEvmSource source(view);
  evm::State state(&source);
  evm::BlockContext block;
  block.number = call.height;
  block.timestamp = call.time_ms / 1000;
  block.gas_limit = version->gas_cap;
  evm::TxContext tx;
  tx.origin = call.sender;
  evm::Vm vm(state, block, tx);
  (void)state.access_account(state.get(call.sender));
  (void)state.access_account(state.get(version->address));
  evm::Message msg;
  msg.is_static = out == nullptr;
  msg.gas = static_cast<std::int64_t>(version->gas_cap);
  msg.sender = call.sender;
  msg.recipient = version->address;
  msg.code_address = version->address;
  msg.input = call.input;
  evm::CallResult r = vm.call(msg);
  if (source.corrupt()) return make_error(Errc::corruption, "stored EVM accounts do not decode");
  ContractCallResult result;
  result.status = r.status;
  result.gas_used = msg.gas - r.gas_left;
  result.output = std::move(r.output);
  result.code_hash = version->code_hash;
  if (out && r.status == evm::Status::success) write_evm_changes(state, view, *out);
  return result;
}

// The consent contract's custom errors (contracts/ConsentRules.sol), by selector.
const std::map<evm::abi::Selector, std::string>& known_errors() {
  static const std::map<evm::abi::Selector, std::string> errors = [] {
    std::map<evm::abi::Selector, std::string> m;
    for (const char* e :
         {"NotLedger()", "RecordExists(bytes32)", "OwnConsent()", "NotMember(address)",
          "AlreadyEnded()", "NoRecord(bytes32)", "NotPatientsRecord(bytes32)",
          "OtherCategory(bytes32)", "EmptyConsent()", "ConsentExists(bytes32)",
          "NoConsent(bytes32)", "NotGrantor(bytes32)", "AlreadyRevoked(bytes32)"}) {
      std::string sig = e;
      m[evm::abi::selector(sig)] = sig.substr(0, sig.find('('));
    }
    return m;
  }();
  return errors;
}

}  // namespace

Result<ContractCallResult> call_contract(StateOverlay& state, const ContractCall& call) {
  return run(state, &state, call);
}

Result<ContractCallResult> static_call_contract(const StateView& state, const ContractCall& call) {
  return run(state, nullptr, call);
}

std::string describe_revert(ByteView data) {
  if (data.empty()) return "(no reason)";
  if (data.size() >= 4) {
    evm::abi::Selector sel;
    std::copy(data.begin(), data.begin() + 4, sel.begin());
    ByteView args = data.subspan(4);
    auto it = known_errors().find(sel);
    if (it != known_errors().end()) {
      std::string text = it->second + "(";
      for (std::size_t i = 0; i + 32 <= args.size(); i += 32)
        text += (i ? ", 0x" : "0x") + to_hex(args.subspan(i, 32));
      return text + ")";
    }
    if (sel == evm::abi::selector("Error(string)") && args.size() >= 64) {
      auto len = evm::abi::word_at(args, 1);
      if (len && len->fits_u64() && len->w[0] <= args.size() - 64)
        return std::string(as_chars(args.subspan(64, len->w[0])));
    }
    if (sel == evm::abi::selector("Panic(uint256)") && args.size() == 32)
      return "Panic(0x" + to_hex(args.subspan(30, 2)) + ")";
  }
  return "0x" + to_hex(data.subspan(0, std::min<std::size_t>(data.size(), 68)));
}

std::string contract_failure_text(const ContractCallResult& r, std::uint64_t gas_cap) {
  std::string who = "the consent contract (code " + r.code_hash.hex().substr(0, 16) + ")";
  if (r.status == evm::Status::revert) return who + " refused: " + describe_revert(r.output);
  return who + " failed: " + evm::status_name(r.status) + " (gas cap " + std::to_string(gas_cap) +
         ")";
}

}  // namespace pv
