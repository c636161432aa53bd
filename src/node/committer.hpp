#pragma once
// The committer: turns each ordered batch into the next block. It executes the transactions
// deterministically (ledger/executor.hpp), extends the Merkle log, chains the state digest,
// seals the block with the node key and commits everything in one atomic, synced write. Only
// then does it report the block, so nobody hears "committed" before it is durable.
// Not thread-safe: one thread (the orderer's delivery thread) calls commit().

#include <memory>

#include "ledger/executor.hpp"
#include "ledger/genesis.hpp"
#include "ordering/orderer.hpp"
#include "storage/ledger_store.hpp"

namespace pv {

struct CommittedBlock {
  Block block;
  BlockHash hash;
  std::vector<TxId> ids;
  std::vector<TxIndexEntry> locations;
};

class Committer {
 public:
  // Resumes after the stored head.
  [[nodiscard]] static Result<std::unique_ptr<Committer>> resume(LedgerStore& store, const TxRegistry& registry,
                                                                 const SigningKey& node_key);
  // Builds, seals and durably writes the next block from `batch` (its position, if any, is
  // stored with it). With `expected`, the block is written only if its header hash equals that
  // header's: blocks copied from a peer (or followed by an auditor) are re-executed here and
  // must come out byte-identical; if not, the error is Errc::conflict and names the fields that
  // differ (no other failure of commit() is a conflict).
  [[nodiscard]] Result<CommittedBlock> commit(OrderedBatch&& batch,
                                              const BlockHeader* expected = nullptr);
  const BlockHeader& head() const { return head_; }
  const MerkleFrontier& frontier() const { return frontier_; }

 private:
  Committer(LedgerStore& store, const TxRegistry& registry, const SigningKey& key, BlockHeader head,
            MerkleFrontier frontier)
      : store_(store), registry_(registry), key_(key), head_(head), frontier_(std::move(frontier)) {}
  LedgerStore& store_;
  const TxRegistry& registry_;
  SigningKey key_;
  BlockHeader head_;
  MerkleFrontier frontier_;
};

// Writes block 0 of `genesis` sealed by `node_key` into an empty store.
[[nodiscard]] Status commit_genesis_block(LedgerStore& store, const Genesis& genesis, const SigningKey& node_key);

}  // namespace pv
