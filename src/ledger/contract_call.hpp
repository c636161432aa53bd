#pragma once
// One call of the consent contract on the ledger's state (docs/evm.md, "Data flow"): a
// transaction's call, whose storage writes join the transaction's state changes, or a
// decision's static call, which writes nothing. Both run under the gas cap of the version in
// force and with our chain's block constants (height, block time in seconds).
//
// Every failure is a value: the call's evm status (revert with its decoded reason,
// out-of-gas, invalid, stack-underflow, bad-jump-destination, call-depth-exceeded ...), never a
// crash; the same state and call give the same outcome on every node.

#include <string>

#include "evm/message.hpp"
#include "ledger/contract_version.hpp"

namespace pv {

struct ContractCall {
  evm::Address sender;  // msg.sender: identity_address of the signer, or the ledger
  Bytes input;          // ABI-encoded call
  std::uint64_t height = 0;
  std::uint64_t time_ms = 0;
};

struct ContractCallResult {
  evm::Status status = evm::Status::success;
  std::int64_t gas_used = 0;
  Bytes output;            // return data, or revert data
  evm::Bytes32 code_hash;  // the code that ran
};

// A transaction's call: on success (status success) its changes are written to `state`; on any
// other status nothing is. An error only when the state cannot run it (no version in force,
// stored code or accounts that do not decode: Errc::corruption).
[[nodiscard]] Result<ContractCallResult> call_contract(StateOverlay& state,
                                                       const ContractCall& call);

// A static call (a decision): nothing is written. The result carries any failure status.
[[nodiscard]] Result<ContractCallResult> static_call_contract(const StateView& state,
                                                              const ContractCall& call);

// "NotGrantor(0x...)" for revert data of the consent contract's custom errors, the message of
// Error(string), "Panic(0x11)", or the data in hex.
std::string describe_revert(ByteView data);

// The verdict text of a failed call:
//   "the consent contract (code 1a2b3c4d5e6f7a8b) refused: NotGrantor(0x...)"  for a revert
//   "the consent contract (code 1a2b3c4d5e6f7a8b) failed: out-of-gas (gas cap 10000000)"
std::string contract_failure_text(const ContractCallResult& r, std::uint64_t gas_cap);

}  // namespace pv
