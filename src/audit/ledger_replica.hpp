#pragma once
// The auditor's own copy of a ledger (docs/audit.md, "Following and alarms"). Every block a node
// serves is checked here before it is kept: it must decode strictly, be the next height of this
// network, carry a valid seal by the followed node's key, and come out byte-identical (same
// header hash, so the same verdicts, log root and state digest) when its transactions are
// re-executed on this replica's state by the node's own committer (node/committer.hpp) and
// executor. Nothing is re-implemented here: the validity rules the auditor applies are the ones
// the nodes run.
//
// The replica lives in its own RocksDB directory; a block and its state changes are written in
// one synced batch, so after any crash (kill -9 included) the replica holds exactly the blocks
// it verified. Stateless signatures are checked on the auditor's shared pool
// (audit/signature_pool.hpp), which prepare() only starts and apply() waits for (helping).
// Thread-safety: apply() from one thread; prepare(), head() and root_at() from any.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "audit/signature_pool.hpp"
#include "ledger/genesis.hpp"
#include "node/committer.hpp"
#include "storage/ledger_store.hpp"

namespace pv::audit {

// Why a block a node served was refused.
enum class BlockFault {
  undecodable,      // not a strict block encoding
  out_of_order,     // not the next height
  foreign_network,  // another network's block
  bad_seal,         // not sealed by the followed node's key, or the seal does not verify
  reexecution,      // re-executed here it comes out different (the reason names the fields)
};
const char* block_fault_name(BlockFault fault);

struct BlockRefusal {
  BlockFault fault = BlockFault::undecodable;
  std::uint64_t height = 0;  // the height asked for
  std::string reason;        // "block N: ..."
};

// A block as far as it was checked without state (LedgerReplica::prepare).
struct PreparedBlock {
  std::uint64_t height = 0;
  std::optional<BlockRefusal> refusal;  // set: a stateless check failed
  Block block;
  std::shared_ptr<SignatureCheck> signatures;  // started by prepare(), awaited by apply()
};

// What the replica has verified so far.
struct ReplicaHead {
  std::uint64_t height = 0;
  BlockHash hash;
  std::uint64_t log_size = 0;
  Hash32 log_root;
  Hash32 state_digest;
  std::uint64_t transactions = 0;  // re-executed since this process opened the replica
};

class LedgerReplica {
 public:
  // Opens the replica in `dir`, creating it at `genesis` when empty. A replica created from
  // another genesis is an error (one data directory follows one network). `pool` checks
  // signatures (shared with the auditor's other replicas); null: a pool of its own.
  [[nodiscard]] static Result<std::unique_ptr<LedgerReplica>> open(
      const std::string& dir, const Genesis& genesis,
      std::shared_ptr<SignaturePool> pool = nullptr);

  // Block 0 as the node serves it must be the genesis block of this network.
  [[nodiscard]] std::optional<BlockRefusal> check_genesis_block(ByteView encoded) const;

  // The checks that need no state (strict decoding, height, network, seal by `sealer`) for block
  // `height`, and starts its stateless signature checks on the pool. Const and thread-safe: the
  // follower prepares the next blocks while the current one executes.
  [[nodiscard]] PreparedBlock prepare(ByteView encoded, std::uint64_t height,
                                      const PublicKey& sealer) const;
  // Re-executes a prepared block as the next one and keeps it. nullopt: verified and durably
  // kept; a refusal: nothing was written. An error: the replica itself failed (I/O).
  [[nodiscard]] Result<std::optional<BlockRefusal>> apply(PreparedBlock&& prepared);
  // prepare() then apply(), for the next height.
  [[nodiscard]] Result<std::optional<BlockRefusal>> apply(ByteView encoded,
                                                          const PublicKey& sealer);

  ReplicaHead head() const;
  // A verified block, as the replica keeps it (its own seal). REQUIRES: height <= head().height.
  [[nodiscard]] Result<Block> block(std::uint64_t height) const;
  // Root of the verified log at `size`. REQUIRES: size <= head().log_size (else an error).
  [[nodiscard]] Result<Hash32> root_at(std::uint64_t size) const;
  const NetworkId& network() const { return network_; }

 private:
  LedgerReplica(std::unique_ptr<LedgerStore> store, NetworkId network, SigningKey key,
                std::shared_ptr<SignaturePool> pool)
      : store_(std::move(store)), network_(network), key_(std::move(key)), pool_(std::move(pool)) {}

  std::unique_ptr<LedgerStore> store_;
  NetworkId network_;
  SigningKey key_;  // seals the replica's own copy; the seal is outside the block hash
  std::shared_ptr<SignaturePool> pool_;
  std::unique_ptr<Committer> committer_;
  BlockHeader genesis_header_;
  mutable std::mutex mu_;  // guards head_
  ReplicaHead head_;
};

}  // namespace pv::audit
