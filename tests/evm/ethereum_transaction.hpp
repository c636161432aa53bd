#pragma once
// An Ethereum transaction applied the way Ethereum applies it (validity, intrinsic gas, gas
// purchase, nonce, warm sets, execution, refund, the coinbase's fee, end-of-transaction rules).
// Test level only: our ledger's transactions pay no fees and are not Ethereum transactions.

#include <optional>
#include <string>
#include <vector>

#include "evm/state.hpp"
#include "evm/vm.hpp"

namespace pv::evm::test {

struct AccessListEntry {
  Address address;
  std::vector<uint256> keys;
};

struct EthTransaction {
  Address sender;
  std::optional<Address> to;  // nullopt: contract creation
  std::uint64_t nonce = 0;
  bool dynamic_fee = false;   // EIP-1559 (type 2)
  uint256 gas_price{};        // legacy and type 1
  uint256 max_fee{};          // type 2
  uint256 max_priority_fee{};
  std::int64_t gas_limit = 0;
  uint256 value{};
  Bytes data;
  std::vector<AccessListEntry> access_list;
};

struct TxOutcome {
  std::optional<std::string> invalid;  // why the transaction was rejected (state unchanged)
  std::int64_t gas_used = 0;
  Status status = Status::success;
  std::vector<Log> logs;
  std::uint8_t unsupported_precompile = 0;
};

[[nodiscard]] std::int64_t intrinsic_gas(const EthTransaction& tx);

// Applies `tx` to `state` and finishes the transaction (state.finish_transaction()).
[[nodiscard]] TxOutcome apply_transaction(State& state, const BlockContext& block,
                                          const EthTransaction& tx);

}  // namespace pv::evm::test
