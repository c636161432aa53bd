#pragma once
// Client-side checks of what a node claims. Each trusts only its arguments and the checkpoint key
// the user chose to trust; the node's own hashes are recomputed or checked, never taken as given.

#include <string>

#include "api/client.hpp"
#include "ledger/checkpoint.hpp"

namespace pv::cli {

// The key a checkpoint must be signed with, and the name in its signature line.
struct TrustedKey {
  std::string name;
  PublicKey key;
};

// The node's announced key, or `pinned_hex` when given (which must then match the node's).
[[nodiscard]] Result<TrustedKey> trusted_checkpoint_key(const NodeInfo& info,
                                                        const std::string& pinned_hex);

// Opens a signed note with the trusted key.
[[nodiscard]] Result<Checkpoint> open_signed_checkpoint(const std::string& note,
                                                        const TrustedKey& key);

struct CheckedInclusion {
  std::uint64_t log_index = 0;
  Checkpoint checkpoint;  // the signed checkpoint the proof was checked against
  Hash32 leaf_hash;       // recomputed from the transaction bytes
};

// Checks that `status.encoded` hashes to `id`, recomputes its leaf hash, opens the proof's
// checkpoint with `key` and verifies the RFC 9162 inclusion proof against that checkpoint's root.
[[nodiscard]] Result<CheckedInclusion> check_inclusion(const TxId& id, const api::TxStatus& status,
                                                       const InclusionProof& proof,
                                                       const TrustedKey& key);

// Fetches and verifies a consistency proof that `newer` extends `older` (same log, only appended
// to). Equal sizes need equal roots; a shrunk log fails.
[[nodiscard]] Status check_extends(api::NodeClient& client, const Checkpoint& older,
                                   const Checkpoint& newer);

}  // namespace pv::cli
