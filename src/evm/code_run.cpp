#include "evm/code_run.hpp"

#include <algorithm>

#include "evm/precompiles.hpp"
#include "evm/vm.hpp"

namespace pv::evm {

Address code_run_address() {
  Address a;
  a.bytes[18] = 0xc0;
  a.bytes[19] = 0xde;
  return a;
}

CodeSession::CodeSession(const std::vector<ContractSetup>& contracts) {
  for (const auto& c : contracts) {
    Account a;
    a.code = c.code;
    a.balance = c.balance;
    // A contract has nonce 1 (EIP-161); an account without code is an externally owned one.
    a.nonce = c.code.empty() ? 0 : 1;
    for (const auto& [key, value] : c.storage) a.storage[key] = StorageSlot{value, value, false};
    state_.insert(c.address, std::move(a));
  }
}

CodeRunReport CodeSession::call(const CodeCall& call) {
  BlockContext block;  // our chain's constants
  block.gas_limit = static_cast<std::uint64_t>(call.gas);
  TxContext tx;
  tx.origin = call.caller;
  if (!call.value.is_zero()) state_.add_balance(state_.get(call.caller), call.value);

  // EIP-2929 and EIP-3651: what a transaction starts with warm.
  (void)state_.access_account(state_.get(call.caller));
  (void)state_.access_account(state_.get(call.to));
  (void)state_.access_account(state_.get(block.coinbase));
  for (std::uint8_t p = 1; p <= last_precompile; ++p)
    (void)state_.access_account(state_.get(small_address(p)));

  Vm vm(state_, block, tx);
  Message msg;
  msg.gas = call.gas;
  msg.sender = call.caller;
  msg.recipient = call.to;
  msg.code_address = call.to;
  msg.input = call.input;
  msg.value = call.value;
  CallResult result = vm.call(msg);

  CodeRunReport report;
  report.status = result.status;
  report.gas_used = call.gas - result.gas_left;
  report.output = std::move(result.output);
  report.logs = state_.logs();
  for (const auto& [address, account] : state_.accounts())
    for (const auto& [key, slot] : account.storage)
      if (slot.current != slot.original) report.storage.push_back({address, key, slot.current});
  std::sort(report.storage.begin(), report.storage.end(), [](const auto& a, const auto& b) {
    return a.address != b.address ? a.address < b.address : a.key < b.key;
  });
  state_.finish_transaction();
  return report;
}

CodeRunReport run_code(const CodeRun& run) {
  std::vector<ContractSetup> contracts = run.contracts;
  contracts.push_back({code_run_address(), run.code, {}, {}});
  CodeSession session(contracts);
  return session.call({code_run_address(), run.input, run.gas, run.caller, run.value});
}

}  // namespace pv::evm
