#pragma once
// What nodes exchange to catch divergence: a node's signed checkpoint (C2SP signed note over its
// log size and root) and one sealed block header at a height the asker chose (the header holds
// the state digest and log root after that block). Comparing them with the local ledger at the
// same height and log size tells whether two nodes derived the same blocks and state.

#include <optional>
#include <string>

#include "ledger/block.hpp"
#include "ledger/merkle.hpp"

namespace pv {

class LedgerStore;

struct PeerStatus {
  std::uint64_t height = 0;  // the peer's head height
  BlockHeader header;        // the header at the height asked for (or the peer's head, if lower)
  BlockSeal seal;            // the peer's seal over that header
  std::string checkpoint;    // the peer's latest signed checkpoint note
};

std::string peer_status_to_json(const PeerStatus& status);
[[nodiscard]] Result<PeerStatus> peer_status_from_json(std::string_view text);

// Checks the peer's seal and checkpoint signature with `peer_key` (a genesis node key) and
// compares them with this ledger. Returns a description of the divergence, or nullopt when the
// two agree on everything they both have. An error means the answer could not be checked (bad
// signature, malformed), which is reported but is not a divergence.
[[nodiscard]] Result<std::optional<std::string>> find_divergence(
    const LedgerStore& store, std::uint64_t local_height, const PublicKey& peer_key,
    const std::string& checkpoint_origin, const PeerStatus& peer);

}  // namespace pv
