#pragma once
// Running bytecode outside any ledger: calls on a state built from a few contracts, with our
// chain's block constants (docs/evm.md). Each call is applied as a transaction would be (the
// caller, the callee, the coinbase and the precompiles start warm; warm sets, transient storage
// and the refund counter are reset between calls) but without intrinsic gas, fees or nonces.
// What `pv evm exec` and the differential tests against other EVMs use.

#include <vector>

#include "evm/message.hpp"
#include "evm/state.hpp"

namespace pv::evm {

// Where `pv evm exec` puts the code it runs: 0x000000000000000000000000000000000000c0de.
Address code_run_address();

// An account present before the first call.
struct ContractSetup {
  Address address;
  Bytes code;
  uint256 balance{};
  std::vector<std::pair<uint256, uint256>> storage;  // slot, value
};

// One call. `value` is credited to the caller first, so any value can be sent.
struct CodeCall {
  Address to = code_run_address();
  Bytes input;
  std::int64_t gas = 10'000'000;
  Address caller;  // default: the zero address
  uint256 value{};
};

struct StorageWrite {
  Address address;
  uint256 key;
  uint256 value;
};

struct CodeRunReport {
  Status status = Status::success;
  std::int64_t gas_used = 0;  // before refunds
  Bytes output;               // return data or revert data
  std::vector<Log> logs;
  std::vector<StorageWrite> storage;  // slots whose value the call changed, by address and key
};

// A state that lives across calls: a contract's history (grant, then check) runs as a sequence.
class CodeSession {
 public:
  explicit CodeSession(const std::vector<ContractSetup>& contracts);
  CodeSession(const CodeSession&) = delete;
  CodeSession& operator=(const CodeSession&) = delete;

  [[nodiscard]] CodeRunReport call(const CodeCall& call);
  // The state between calls (after the last call's end-of-transaction rules).
  const State& state() const { return state_; }

 private:
  State state_;
};

// `code` at code_run_address(), beside `contracts`, and one call to it.
struct CodeRun {
  Bytes code;
  Bytes input;
  std::int64_t gas = 10'000'000;
  Address caller;
  uint256 value{};
  std::vector<ContractSetup> contracts;
};

[[nodiscard]] CodeRunReport run_code(const CodeRun& run);

}  // namespace pv::evm
