#include "audit/ledger_replica.hpp"

#include <filesystem>

namespace pv::audit {
namespace {

BlockRefusal refuse(BlockFault fault, std::uint64_t height, const std::string& why) {
  return BlockRefusal{fault, height, "block " + std::to_string(height) + ": " + why};
}

ReplicaHead head_of(const BlockHeader& h, std::uint64_t transactions) {
  return ReplicaHead{h.height, block_hash(h), h.log_size, h.log_root, h.state_digest, transactions};
}

}  // namespace

const char* block_fault_name(BlockFault fault) {
  switch (fault) {
    case BlockFault::undecodable:
      return "undecodable";
    case BlockFault::out_of_order:
      return "out-of-order";
    case BlockFault::foreign_network:
      return "foreign-network";
    case BlockFault::bad_seal:
      return "bad-seal";
    case BlockFault::reexecution:
      return "reexecution";
  }
  return "unknown";
}

Result<std::unique_ptr<LedgerReplica>> LedgerReplica::open(const std::string& dir,
                                                           const Genesis& genesis,
                                                           std::shared_ptr<SignaturePool> pool) {
  if (!pool) pool = std::make_shared<SignaturePool>();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(Errc::io, "cannot create " + dir + ": " + ec.message());
  // Writes go to RocksDB's log without an fsync each: a killed process (kill -9) loses none of
  // them, and after a power loss the replica is still a verified prefix of the ledger (RocksDB
  // recovers to a point in time) that the follower extends again. An fsync per block would cap
  // re-verification of a ledger of small blocks at the disk's sync rate.
  // The replica re-executes, proves nothing and answers no lookup by id: no transaction-id index
  // and only the right edge of the Merkle log after each block (root_at recomputes a root inside
  // a block from that block's leaves). Together they were three of a transaction's four writes.
  auto store = LedgerStore::open(dir, LedgerStore::Mode::read_write,
                                 LedgerStoreOptions{.sync_writes = false,
                                                    .index_transactions = false,
                                                    .merkle = MerkleLayout::right_edge});
  if (!store) return store.error();
  // The replica's seal is its own business (outside the block hash): a fresh key each run.
  SigningKey key = SigningKey::generate();
  auto head = (*store)->head();
  if (!head) return head.error();
  const Bytes genesis_bytes = encode_genesis(genesis);
  if (!*head) {
    PV_TRY(commit_genesis_block(**store, genesis, key));
  } else {
    auto stored = (*store)->genesis_bytes();
    if (!stored) return stored.error();
    if (*stored != genesis_bytes)
      return make_error(Errc::conflict, dir +
                                            " holds the replica of another network's ledger; "
                                            "give the genesis it was created with, or "
                                            "--from-genesis to rebuild it");
  }
  std::unique_ptr<LedgerReplica> replica(
      new LedgerReplica(std::move(*store), genesis_network_id(genesis), std::move(key),
                        std::move(pool)));
  replica->genesis_header_ = make_genesis_block(genesis).header;
  auto committer = Committer::resume(*replica->store_, builtin_tx_registry(), replica->key_);
  if (!committer) return committer.error();
  replica->committer_ = std::move(*committer);
  replica->head_ = head_of(replica->committer_->head(), 0);
  return replica;
}

std::optional<BlockRefusal> LedgerReplica::check_genesis_block(ByteView encoded) const {
  auto block = decode_block(encoded);
  if (!block) return refuse(BlockFault::undecodable, 0, block.error().message);
  if (block->header.network != network_)
    return refuse(BlockFault::foreign_network, 0, "genesis block of another network");
  if (block_hash(block->header) != block_hash(genesis_header_))
    return refuse(BlockFault::reexecution, 0,
                  "the node's genesis block is not the one the genesis file derives");
  return std::nullopt;
}

PreparedBlock LedgerReplica::prepare(ByteView encoded, std::uint64_t height,
                                     const PublicKey& sealer) const {
  PreparedBlock out;
  out.height = height;
  auto block = decode_block(encoded);
  if (!block) {
    out.refusal = refuse(BlockFault::undecodable, height, block.error().message);
    return out;
  }
  const BlockHeader& h = block->header;
  if (h.height != height)
    out.refusal =
        refuse(BlockFault::out_of_order, height, "the node sent block " + std::to_string(h.height));
  else if (h.network != network_)
    out.refusal = refuse(BlockFault::foreign_network, height, "belongs to another network");
  else if (block->seal.node_key != sealer)
    out.refusal = refuse(BlockFault::bad_seal, height,
                         "sealed by " + block->seal.node_key.hex() + ", not the node's key");
  else if (Status sealed = verify_block_seal(h, block->seal); !sealed)
    out.refusal =
        refuse(BlockFault::bad_seal, height, "seal does not verify: " + sealed.error().message);
  if (out.refusal) return out;
  out.signatures = pool_->submit(network_, block->transactions);
  out.block = std::move(*block);
  return out;
}

Result<std::optional<BlockRefusal>> LedgerReplica::apply(ByteView encoded,
                                                         const PublicKey& sealer) {
  return apply(prepare(encoded, committer_->head().height + 1, sealer));
}

Result<std::optional<BlockRefusal>> LedgerReplica::apply(PreparedBlock&& prepared) {
  const std::uint64_t height = committer_->head().height + 1;
  if (prepared.refusal) return std::optional(std::move(*prepared.refusal));
  if (prepared.height != height)
    return std::optional(refuse(BlockFault::out_of_order, height,
                                "block " + std::to_string(prepared.height) + " came out of turn"));
  const BlockHeader h = prepared.block.header;
  const std::vector<bool> checked = pool_->wait(*prepared.signatures);
  OrderedBatch batch;
  batch.time_ms = h.time_ms;
  batch.transactions.reserve(prepared.block.transactions.size());
  for (std::size_t i = 0; i < prepared.block.transactions.size(); ++i)
    batch.transactions.push_back(
        OrderedTx{std::move(prepared.block.transactions[i]), checked[i], 0});
  auto committed = committer_->commit(std::move(batch), &h);
  if (!committed) {
    // Errc::conflict is the committer's "came out different"; anything else is the replica's
    // own failure (its disk), not the node's.
    if (committed.error().code != Errc::conflict) return committed.error();
    return std::optional(BlockRefusal{BlockFault::reexecution, height, committed.error().message});
  }
  std::lock_guard lock(mu_);
  head_ = head_of(committed->block.header, head_.transactions + h.tx_count);
  return std::optional<BlockRefusal>();
}

ReplicaHead LedgerReplica::head() const {
  std::lock_guard lock(mu_);
  return head_;
}

Result<Block> LedgerReplica::block(std::uint64_t height) const {
  if (height > head().height)
    return make_error(Errc::not_found, "the replica has verified blocks only to height " +
                                           std::to_string(head().height));
  return store_->block(height);
}

Result<Hash32> LedgerReplica::root_at(std::uint64_t size) const {
  const std::uint64_t verified = head().log_size;
  if (size > verified)
    return make_error(Errc::invalid_argument,
                      "the replica has verified the log only to size " + std::to_string(verified));
  // At a block boundary the right edge is stored (a replica of an earlier version keeps every
  // subtree, which answers any size).
  auto stored = merkle_root_at(*store_, size);
  if (stored || size == 0) return stored;
  // Inside a block: the frontier where the block began, then its leaves up to `size`. Where it
  // began is its end less its transactions (a replica written before spans were recorded keeps
  // every subtree, so the frontier there loads too).
  auto span = store_->leaf_span(size - 1);
  if (!span) return span.error();
  if (!*span) return stored.error();
  auto block = store_->block((*span)->height);
  if (!block) return block.error();
  const std::uint64_t leaves = block->transactions.size();
  if (leaves > (*span)->end || (*span)->end - leaves >= size)
    return make_error(Errc::corruption, "block " + std::to_string((*span)->height) + " holds " +
                                            std::to_string(leaves) +
                                            " transactions, which do not reach leaf " +
                                            std::to_string(size - 1) + " its span records");
  const std::uint64_t first = (*span)->end - leaves;
  auto frontier = MerkleFrontier::load(*store_, first);
  if (!frontier) return frontier.error();
  std::vector<MerkleNode> completed;
  for (std::uint64_t leaf = first; leaf < size; ++leaf)
    frontier->append(merkle_leaf_hash(block->transactions[leaf - first]), completed);
  return frontier->root();
}

}  // namespace pv::audit
