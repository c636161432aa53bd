#pragma once
// The node's durable ledger in RocksDB. Column families:
//   meta     "head" -> u64 height of the last committed block; "genesis" -> genesis encoding;
//            "ordering" -> u64 position in the orderer's total order that the head block ends at
//            (the etcd revision in cluster mode; absent in embedded mode)
//   blocks   u64 height (big-endian) -> block encoding (header, transactions, verdicts, seal)
//   state    state key -> value
//   txindex  tx id (32 bytes) -> u64 height, u32 index in block, u64 log index
//   merkle   u8 level, u64 index -> 32-byte hash of a complete subtree
//            (with MerkleLayout::right_edge only the subtrees of each block's right edge, and
//            meta "leaf-end" u64 log size -> u64 height for each block with transactions)
//
// Invariant: commit_block() writes a block, its state changes, its index entries, its Merkle
// nodes and the new head in one synced WriteBatch, so after any crash either all of a block is
// there or none of it is. Thread-safety: reads may run concurrently with one writer.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/block.hpp"
#include "ledger/merkle.hpp"
#include "ledger/state.hpp"

namespace pv {

struct TxIndexEntry {
  std::uint64_t height = 0;
  std::uint32_t index = 0;
  std::uint64_t log_index = 0;
  friend bool operator==(const TxIndexEntry&, const TxIndexEntry&) = default;
};
Bytes encode_tx_index_entry(const TxIndexEntry& e);
[[nodiscard]] Result<TxIndexEntry> decode_tx_index_entry(ByteView b);

// Everything one block adds to the store.
struct BlockWrite {
  const Block* block = nullptr;
  Bytes encoded_block;
  const std::vector<StateChange>* state_changes = nullptr;
  std::vector<std::pair<TxId, TxIndexEntry>> index_entries;
  std::vector<MerkleNode> merkle_nodes;
  // Written with the block when set: where in the orderer's total order this block ends.
  std::optional<std::uint64_t> ordering_position;
};

// Which Merkle subtrees a store keeps.
enum class MerkleLayout {
  // Every complete subtree: inclusion and consistency proofs for any sizes (a node).
  every_subtree,
  // Only the subtrees on the right edge after each block (the frontier: one per set bit of the
  // block's log size), and where each block's leaves end. Roots at block boundaries read them
  // directly; a root inside a block is the frontier before it plus that block's leaf hashes
  // (LedgerStore::leaf_span). For a copy that re-executes and compares roots but serves no
  // proofs (the auditor's replica): two fewer writes per transaction.
  right_edge,
};

struct LedgerStoreOptions {
  // Each block's WriteBatch synced to disk before commit_block returns.
  bool sync_writes = true;
  // false: blocks are kept without the transaction-id index (tx_index() finds nothing), for a
  // copy that never answers lookups by id; what blocks, the log and the state hold is the same.
  bool index_transactions = true;
  MerkleLayout merkle = MerkleLayout::every_subtree;
};

// Block `height` appended the log's leaves up to `end` (exclusive); its transaction count says
// where they began.
struct LeafSpan {
  std::uint64_t height = 0;
  std::uint64_t end = 0;
};

class LedgerStore : public StateView, public MerkleNodeReader {
 public:
  enum class Mode { read_write, read_only };
  // Creates the directory and column families when missing (read_write only).
  [[nodiscard]] static Result<std::unique_ptr<LedgerStore>> open(const std::string& path, Mode mode,
                                                                 LedgerStoreOptions options = {});
  ~LedgerStore() override;

  // Head height, or nullopt for an empty store (before genesis).
  [[nodiscard]] Result<std::optional<std::uint64_t>> head() const;
  [[nodiscard]] Result<Bytes> genesis_bytes() const;
  // Ordering position written with the last block that carried one; nullopt if none did.
  [[nodiscard]] Result<std::optional<std::uint64_t>> ordering_position() const;
  [[nodiscard]] Result<Bytes> block_bytes(std::uint64_t height) const;
  [[nodiscard]] Result<Block> block(std::uint64_t height) const;
  [[nodiscard]] Result<std::optional<TxIndexEntry>> tx_index(const TxId& id) const;
  // MerkleLayout::right_edge: the block whose transactions include log leaf `leaf`; nullopt when
  // no committed block does, or the store does not record spans (MerkleLayout::every_subtree).
  [[nodiscard]] Result<std::optional<LeafSpan>> leaf_span(std::uint64_t leaf) const;

  // StateView. An I/O error reads as absent and is remembered: callers that execute
  // transactions must check take_read_failure() before trusting the verdicts.
  std::optional<Bytes> get(const std::string& key) const override;
  // The first read failure since the last call, if any.
  [[nodiscard]] Status take_read_failure() const;
  // MerkleNodeReader.
  std::optional<Hash32> node(MerkleNodeId id) const override;

  // Block 0: genesis bytes, block, genesis state, head = 0.
  [[nodiscard]] Status commit_genesis(ByteView genesis, const BlockWrite& w);
  // REQUIRES: w.block->header.height == head + 1.
  [[nodiscard]] Status commit_block(const BlockWrite& w);

  // Full scans, for the offline verifier.
  [[nodiscard]] Status for_each_state(const std::function<bool(std::string_view, ByteView)>& fn) const;
  [[nodiscard]] Status for_each_tx_index(const std::function<bool(ByteView, ByteView)>& fn) const;
  [[nodiscard]] Status for_each_merkle_node(const std::function<bool(MerkleNodeId, ByteView)>& fn) const;

  // Erasure (docs/erasure.md): flushes every column family, so no memtable or live WAL segment
  // holds a deleted value, then compacts the state column family to the bottommost level
  // (BottommostLevelCompaction::kForce), so no SST file keeps one. A value an open snapshot
  // still needs survives; the node holds no snapshot across requests. Safe while blocks commit.
  [[nodiscard]] Status compact_state();

  // Raw access for tests that corrupt stored data on purpose. Column family names: meta, blocks,
  // state, txindex, merkle.
  [[nodiscard]] Status raw_put(const std::string& cf, ByteView key, ByteView value);
  [[nodiscard]] Result<std::optional<Bytes>> raw_get(const std::string& cf, ByteView key) const;

  static Bytes height_key(std::uint64_t height);
  static Bytes merkle_key(MerkleNodeId id);

 private:
  struct Impl;
  explicit LedgerStore(std::unique_ptr<Impl> impl);
  [[nodiscard]] Status write(const BlockWrite& w, const Bytes* genesis);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pv
