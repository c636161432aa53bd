#pragma once
// The check a node runs before it accepts writes: block 0 is the genesis block, the head block
// decodes and carries a valid seal by a member node, the last blocks chain by hash, and the
// stored Merkle log reproduces the head's log root. Cheap (independent of ledger size); the full
// check is `pv verify --data-dir`.

#include "ledger/genesis.hpp"
#include "storage/ledger_store.hpp"

namespace pv {

inline constexpr std::uint64_t kStartupChainDepth = 64;

// Ok, or what is wrong (naming the block).
[[nodiscard]] Status startup_check(const LedgerStore& store, const Genesis& genesis);

// True if `key` is a node key of a member organization in `state`.
bool is_member_node(const StateView& state, const PublicKey& key);

}  // namespace pv
