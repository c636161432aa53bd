#pragma once
// Catching up from peers when etcd no longer holds the revisions a node needs (they were
// compacted while it was down). The node copies the missing blocks from a peer that published
// progress past the compaction point, and trusts none of them on the peer's word: each block
// must decode, carry a seal by a genesis node key, and come out byte-identical (same hash, so the
// same log root, state digest and transaction verdicts) when this node re-executes its
// transactions on top of its own head. The last block must be the one the peer's signed progress
// record names; the node then follows etcd from the revision in that record.

#include <functional>
#include <set>
#include <vector>

#include "node/committer.hpp"
#include "node/peer_client.hpp"
#include "ordering/progress_record.hpp"

namespace pv {

// Blocks copied without their etcd revision are stored with this position, so a restart in the
// middle of a catch-up knows to finish it before following etcd.
inline constexpr std::uint64_t kUnknownOrderingPosition = UINT64_MAX;

struct CatchUpContext {
  Committer& committer;
  const PeerClient& peers;
  const std::set<PublicKey>& members;
  // Called after each copied block is durably committed (position: its revision, or unknown).
  std::function<void(CommittedBlock&&, std::uint64_t position)> on_commit;
};

// Returns the revision of the progress record reached. `compacted`: etcd's compaction point
// (records below it cannot be followed from); 0 when unknown.
[[nodiscard]] Result<std::uint64_t> catch_up_from_peers(CatchUpContext& ctx,
                                                        const std::vector<ProgressRecord>& peers,
                                                        std::uint64_t compacted);

}  // namespace pv
