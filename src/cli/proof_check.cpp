#include "cli/proof_check.hpp"

#include "ledger/merkle.hpp"

namespace pv::cli {
namespace {

Error untrusted(const std::string& what) {
  return make_error(Errc::corruption, what);
}

}  // namespace

Result<TrustedKey> trusted_checkpoint_key(const NodeInfo& info, const std::string& pinned_hex) {
  TrustedKey t{info.checkpoint_key_name, info.checkpoint_key};
  if (pinned_hex.empty()) return t;
  auto pinned = PublicKey::from_hex(pinned_hex);
  if (!pinned)
    return make_error(Errc::invalid_argument, "--checkpoint-key must be 32 bytes of hex");
  if (*pinned != info.checkpoint_key)
    return untrusted("the node announces checkpoint key " + info.checkpoint_key.hex() +
                     ", not the expected " + pinned->hex());
  t.key = *pinned;
  return t;
}

Result<Checkpoint> open_signed_checkpoint(const std::string& note, const TrustedKey& key) {
  auto cp = open_checkpoint(note, key.name, key.key);
  if (!cp) return untrusted("checkpoint signature does not verify: " + cp.error().message);
  return cp;
}

Result<CheckedInclusion> check_inclusion(const TxId& id, const api::TxStatus& status,
                                         const InclusionProof& proof, const TrustedKey& key) {
  if (status.encoded.empty()) return untrusted("the node did not return the transaction bytes");
  if (transaction_id(status.encoded) != id)
    return untrusted("the transaction bytes from the node do not hash to " + id.hex());
  CheckedInclusion out;
  out.leaf_hash = merkle_leaf_hash(status.encoded);
  if (out.leaf_hash != proof.leaf_hash)
    return untrusted("the node's leaf hash differs from the one recomputed from the transaction");
  auto cp = open_signed_checkpoint(proof.checkpoint, key);
  if (!cp) return cp.error();
  if (cp->size != proof.tree_size || cp->root != proof.root)
    return untrusted("the proof's tree size or root differ from its signed checkpoint");
  if (status.committed && status.committed->location.log_index != proof.log_index)
    return untrusted("the proof's log index differs from the transaction's");
  Status included =
      verify_merkle_inclusion(out.leaf_hash, proof.log_index, cp->size, proof.hashes, cp->root);
  if (!included) return untrusted("inclusion proof does not verify: " + included.error().message);
  out.log_index = proof.log_index;
  out.checkpoint = *cp;
  return out;
}

Status check_extends(api::NodeClient& client, const Checkpoint& older, const Checkpoint& newer) {
  if (older.size > newer.size)
    return untrusted("the log shrank from " + std::to_string(older.size) + " to " +
                     std::to_string(newer.size) + " entries");
  if (older.size == newer.size) {
    if (older.root != newer.root)
      return untrusted("two checkpoints of size " + std::to_string(older.size) +
                       " have different roots: the log was rewritten");
    return Status::ok();
  }
  if (older.size == 0) return Status::ok();  // the empty log is a prefix of every log
  auto proof = client.consistency_proof(older.size, newer.size);
  if (!proof) return proof.error();
  if (proof->size1 != older.size || proof->size2 != newer.size)
    return untrusted("the node answered a consistency proof for other sizes");
  // Verified against our roots, not the ones in the answer.
  Status consistent =
      verify_merkle_consistency(older.size, newer.size, proof->hashes, older.root, newer.root);
  if (!consistent)
    return untrusted("consistency proof from " + std::to_string(older.size) + " to " +
                     std::to_string(newer.size) +
                     " does not verify: " + consistent.error().message);
  return Status::ok();
}

}  // namespace pv::cli
