#pragma once
// Deterministic execution of an ordered batch of transactions against committed state: the
// verdict on each transaction and the block's state changes. Every node (and the offline
// verifier) runs exactly this function; its output depends only on its inputs.

#include <vector>

#include "ledger/block.hpp"
#include "ledger/tx_registry.hpp"

namespace pv {

// A transaction may be at most this old or this far ahead of the block time.
inline constexpr std::uint64_t kTxMaxAgeMs = 24ull * 3600 * 1000;
inline constexpr std::uint64_t kTxMaxFutureMs = 5ull * 60 * 1000;

struct BlockExecution {
  std::vector<TxResult> results;        // one per transaction
  std::vector<StateChange> changes;     // sorted by key
  std::vector<TxId> ids;                // transaction_id() of each transaction, in block order
};

struct ExecutionInput {
  const NetworkId& network;
  std::uint64_t height;
  std::uint64_t block_time_ms;
  const std::vector<Bytes>& transactions;
  // Optional: signature_checked[i] true means transaction i's signature was already verified by
  // this process (a pure function of its bytes, so skipping it changes no verdict).
  const std::vector<bool>* signature_checked = nullptr;
};

BlockExecution execute_block(const TxRegistry& registry, const StateView& state, const ExecutionInput& in);

// The last committed nonce of a nonce owner (a DID: see nonce_owner() in ledger/signer.hpp), 0
// if none.
std::uint64_t committed_nonce(const StateView& state, const std::string& owner);
std::string nonce_state_key(const std::string& owner);

}  // namespace pv
