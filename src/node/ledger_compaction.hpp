#pragma once
// Forced compaction of a node's ledger state (docs/erasure.md, "On every node, after commit"):
// after an erasure's state deletions are committed, the eraser calls this so that no memtable,
// WAL segment or SST file of the state keeps the deleted values (LedgerStore::compact_state).

#include "node/node.hpp"

namespace pv {

// Errc::unavailable for a node without a local ledger store; RocksDB errors pass through.
[[nodiscard]] Status compact_ledger_state(Node& node);

}  // namespace pv
