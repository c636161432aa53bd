#include "cli/node_audit.hpp"

#include <algorithm>
#include <random>
#include <set>

#include "ledger/merkle.hpp"

namespace pv::cli {
namespace {

Error bad_block(std::uint64_t height, const std::string& why) {
  return make_error(Errc::corruption, "block " + std::to_string(height) + ": " + why);
}

std::set<std::uint64_t> sample_heights(std::uint64_t latest, std::size_t extra) {
  std::set<std::uint64_t> heights{latest};
  if (latest > 0) heights.insert(latest - 1);
  std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::uint64_t> pick(0, latest);
  for (std::size_t tries = 0; heights.size() < extra + 2 && tries < extra * 4 + 8; ++tries)
    heights.insert(pick(rng));
  return heights;
}

// The block's header must hold a prefix of the checkpointed log.
Status check_log_position(api::NodeClient& client, const Block& block, const Checkpoint& cp,
                          NodeAuditReport& report) {
  const BlockHeader& h = block.header;
  if (h.log_size > cp.size) {
    report.notes.push_back("block " + std::to_string(h.height) +
                           " is newer than the checkpoint; its log root was not checked");
    return Status::ok();
  }
  if (h.log_size == 0 && h.log_root != merkle_empty_root())
    return bad_block(h.height, "empty log with a root that is not the empty root");
  Status extends = check_extends(client, Checkpoint{cp.origin, h.log_size, h.log_root}, cp);
  if (!extends)
    return bad_block(h.height,
                     "log root is not a prefix of the checkpoint: " + extends.error().message);
  return Status::ok();
}

Status check_transactions(api::NodeClient& client, const Block& block, const TrustedKey& key,
                          const Checkpoint& cp, std::size_t how_many, std::mt19937_64& rng,
                          NodeAuditReport& report) {
  const BlockHeader& h = block.header;
  if (h.log_size > cp.size) return Status::ok();
  std::vector<std::size_t> picks(block.transactions.size());
  for (std::size_t i = 0; i < picks.size(); ++i) picks[i] = i;
  std::shuffle(picks.begin(), picks.end(), rng);
  picks.resize(std::min(how_many, picks.size()));
  for (std::size_t i : picks) {
    const Bytes& encoded = block.transactions[i];
    const TxId id = transaction_id(encoded);
    auto status = client.get_tx(id);
    if (!status)
      return bad_block(h.height, "transaction " + id.hex() + ": " + status.error().message);
    if (!status->committed || status->committed->location.height != h.height ||
        status->committed->location.index != i)
      return bad_block(h.height, "the node places transaction " + id.hex() + " elsewhere");
    if (status->committed->result.code != block.results[i].code)
      return bad_block(h.height, "the node reports another verdict for " + id.hex());
    // Use the bytes from the block (covered by the sealed header), not the node's second copy.
    status->encoded = encoded;
    auto proof = client.inclusion_proof(id);
    if (!proof)
      return bad_block(h.height,
                       "no inclusion proof for " + id.hex() + ": " + proof.error().message);
    auto checked = check_inclusion(id, *status, *proof, key);
    if (!checked)
      return bad_block(h.height, "transaction " + id.hex() + ": " + checked.error().message);
    if (checked->log_index >= h.log_size)
      return bad_block(h.height, "transaction " + id.hex() + " sits beyond the block's log size");
    // The proof may be against a newer checkpoint than ours: it must extend ours.
    Status extends = checked->checkpoint.size >= cp.size
                         ? check_extends(client, cp, checked->checkpoint)
                         : check_extends(client, checked->checkpoint, cp);
    if (!extends) return bad_block(h.height, extends.error().message);
    ++report.inclusion_proofs_checked;
  }
  return Status::ok();
}

}  // namespace

Result<NodeAuditReport> audit_node(api::NodeClient& client,
                                   const std::optional<RememberedCheckpoint>& previous,
                                   const NodeAuditOptions& options) {
  NodeAuditReport report;
  report.previous = previous;
  auto info = client.info();
  if (!info) return info.error();
  report.info = *info;

  std::string pinned = options.pinned_key_hex;
  if (pinned.empty() && previous) pinned = previous->key.key.hex();
  auto key = trusted_checkpoint_key(*info, pinned);
  if (!key) return key.error();
  if (previous && previous->key.name != key->name)
    return make_error(Errc::corruption, "the checkpoint key name changed from \"" +
                                            previous->key.name + "\" to \"" + key->name + "\"");

  auto note = client.checkpoint_note();
  if (!note) return note.error();
  auto cp = open_signed_checkpoint(*note, *key);
  if (!cp) return cp.error();
  report.verified = {info->network, *key, *cp, *note};

  if (previous) {
    Status extends = check_extends(client, previous->checkpoint, *cp);
    if (!extends) return extends.error();
    report.consistency_checked = true;
  }

  std::mt19937_64 rng{std::random_device{}()};
  std::optional<Block> later;  // the block above the one being checked, when fetched
  auto heights = sample_heights(info->height, options.sample_blocks);
  for (auto it = heights.rbegin(); it != heights.rend(); ++it) {
    const std::uint64_t height = *it;
    auto block = client.block(height);
    if (!block) return bad_block(height, block.error().message);
    const BlockHeader& h = block->header;
    if (h.height != height)
      return bad_block(height, "the node returned block " + std::to_string(h.height));
    if (h.network != info->network_id) return bad_block(height, "belongs to another network");
    if (block->seal.node_key != key->key)
      return bad_block(height, "sealed by " + block->seal.node_key.hex() + ", not the node's key");
    Status sealed = verify_block_seal(h, block->seal);
    if (!sealed) return bad_block(height, "seal does not verify: " + sealed.error().message);
    if (later && later->header.height == height + 1 && later->header.prev_hash != block_hash(h))
      return bad_block(height + 1,
                       "previous-block hash does not match block " + std::to_string(height));
    PV_TRY(check_log_position(client, *block, *cp, report));
    PV_TRY(check_transactions(client, *block, *key, *cp, options.txs_per_block, rng, report));
    report.blocks_checked.push_back(height);
    later = std::move(*block);
  }
  std::reverse(report.blocks_checked.begin(), report.blocks_checked.end());
  return report;
}

}  // namespace pv::cli
