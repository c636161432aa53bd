#include "node/committer.hpp"

namespace pv {
namespace {

// The header fields in which `ours` and `theirs` differ, e.g. "transaction verdicts, state digest".
std::string header_differences(const BlockHeader& ours, const BlockHeader& theirs) {
  std::string out;
  auto note = [&out](bool differs, const char* what) {
    if (!differs) return;
    if (!out.empty()) out += ", ";
    out += what;
  };
  note(ours.version != theirs.version, "version");
  note(ours.network != theirs.network, "network");
  note(ours.height != theirs.height, "height");
  note(ours.prev_hash != theirs.prev_hash, "previous block hash");
  note(ours.time_ms != theirs.time_ms, "block time");
  note(ours.tx_count != theirs.tx_count, "transaction count");
  note(ours.tx_results_hash != theirs.tx_results_hash, "transaction verdicts");
  note(ours.log_size != theirs.log_size, "log size");
  note(ours.log_root != theirs.log_root, "log root");
  note(ours.state_digest != theirs.state_digest, "state digest");
  return out.empty() ? "nothing visible" : out;
}

}  // namespace

Status commit_genesis_block(LedgerStore& store, const Genesis& genesis, const SigningKey& node_key) {
  Block block = make_genesis_block(genesis);
  block.seal = seal_block(block.header, node_key);
  auto changes = genesis_state_changes(genesis);
  BlockWrite w;
  w.block = &block;
  w.encoded_block = encode_block(block);
  w.state_changes = &changes;
  return store.commit_genesis(encode_genesis(genesis), w);
}

Result<std::unique_ptr<Committer>> Committer::resume(LedgerStore& store, const TxRegistry& registry,
                                                     const SigningKey& node_key) {
  auto head = store.head();
  if (!head) return head.error();
  if (!*head) return make_error(Errc::internal, "cannot resume an empty ledger");
  auto block = store.block(**head);
  if (!block) return block.error();
  auto frontier = MerkleFrontier::load(store, block->header.log_size);
  if (!frontier) return frontier.error();
  if (frontier->root() != block->header.log_root)
    return make_error(Errc::corruption, "the stored Merkle log does not match the log root of block " +
                                            std::to_string(**head));
  return std::unique_ptr<Committer>(new Committer(store, registry, node_key, block->header, std::move(*frontier)));
}

Result<CommittedBlock> Committer::commit(OrderedBatch&& batch, const BlockHeader* expected) {
  CommittedBlock out;
  Block& block = out.block;
  std::vector<bool> checked;
  checked.reserve(batch.transactions.size());
  block.transactions.reserve(batch.transactions.size());
  for (auto& tx : batch.transactions) {
    checked.push_back(tx.signature_checked);
    block.transactions.push_back(std::move(tx.encoded));
  }
  BlockHeader& h = block.header;
  h.network = head_.network;
  h.height = head_.height + 1;
  h.prev_hash = block_hash(head_);
  h.time_ms = std::max(batch.time_ms, head_.time_ms);
  h.tx_count = static_cast<std::uint32_t>(block.transactions.size());

  ExecutionInput input{h.network, h.height, h.time_ms, block.transactions, &checked};
  BlockExecution exec = execute_block(registry_, store_, input);
  // A state read that failed would have read as "absent" and changed a verdict.
  PV_TRY(store_.take_read_failure());
  block.results = std::move(exec.results);
  h.tx_results_hash = tx_results_hash_of_ids(exec.ids, block.results);

  // Invariant: every transaction in a block, valid or not, is a leaf of the log.
  MerkleFrontier frontier = frontier_;
  BlockWrite w;
  w.block = &block;
  w.state_changes = &exec.changes;
  w.merkle_nodes.reserve(block.transactions.size() * 2);
  w.index_entries.reserve(block.transactions.size());
  out.ids.reserve(block.transactions.size());
  for (std::uint32_t i = 0; i < block.transactions.size(); ++i) {
    const TxId& id = exec.ids[i];
    TxIndexEntry entry{h.height, i, frontier.size()};
    frontier.append(merkle_leaf_hash(block.transactions[i]), w.merkle_nodes);
    out.ids.push_back(id);
    out.locations.push_back(entry);
    // A refused replay must not move the index away from the original transaction.
    bool indexed = false;
    if (block.results[i].code != TxCode::valid) {
      for (std::uint32_t j = 0; j < i && !indexed; ++j) indexed = out.ids[j] == id;
      if (!indexed) {
        auto existing = store_.tx_index(id);
        if (!existing) return existing.error();
        indexed = existing->has_value();
      }
    }
    if (!indexed) w.index_entries.emplace_back(id, entry);
  }
  h.log_size = frontier.size();
  h.log_root = frontier.root();
  h.state_digest = chain_state_digest(head_.state_digest, exec.changes);
  if (expected && block_hash(h) != block_hash(*expected))
    return make_error(Errc::conflict, "block " + std::to_string(h.height) + " re-executed here differs in " +
                                            header_differences(h, *expected) + ": hash " + block_hash(h).hex() +
                                            ", not the " + block_hash(*expected).hex() + " received");
  block.seal = seal_block(h, key_);
  w.encoded_block = encode_block(block);
  w.ordering_position = batch.position;
  PV_TRY(store_.commit_block(w));

  head_ = h;
  frontier_ = std::move(frontier);
  out.hash = block_hash(h);
  return out;
}

}  // namespace pv
