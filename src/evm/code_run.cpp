#include "evm/code_run.hpp"

#include <algorithm>

#include "evm/vm.hpp"

namespace pv::evm {

Address code_run_address() {
  Address a;
  a.bytes[18] = 0xc0;
  a.bytes[19] = 0xde;
  return a;
}

CodeRunReport run_code(const CodeRun& run) {
  State state;
  Account contract;
  contract.code = run.code;
  state.insert(code_run_address(), std::move(contract));
  Account caller;
  caller.balance = run.value;
  if (run.caller != code_run_address()) state.insert(run.caller, std::move(caller));

  BlockContext block;  // our chain's constants
  block.gas_limit = static_cast<std::uint64_t>(run.gas);
  TxContext tx;
  tx.origin = run.caller;
  Vm vm(state, block, tx);
  (void)state.access_account(state.get(run.caller));
  (void)state.access_account(state.get(code_run_address()));

  Message msg;
  msg.gas = run.gas;
  msg.sender = run.caller;
  msg.recipient = code_run_address();
  msg.code_address = code_run_address();
  msg.input = run.input;
  msg.value = run.value;
  CallResult result = vm.call(msg);

  CodeRunReport report;
  report.status = result.status;
  report.gas_used = run.gas - result.gas_left;
  report.output = std::move(result.output);
  report.logs = state.logs();
  for (const auto& [address, account] : state.accounts())
    for (const auto& [key, slot] : account.storage)
      if (slot.current != slot.original) report.storage.push_back({address, key, slot.current});
  std::sort(report.storage.begin(), report.storage.end(), [](const auto& a, const auto& b) {
    return a.address != b.address ? a.address < b.address : a.key < b.key;
  });
  return report;
}

}  // namespace pv::evm
