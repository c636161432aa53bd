#pragma once
// Online audit of a running node (`pv verify --node`): verify its latest checkpoint, prove it
// extends the one remembered from the last audit, and spot-check blocks and transactions.

#include <cstdint>
#include <optional>
#include <vector>

#include "cli/audit_state.hpp"

namespace pv::cli {

struct NodeAuditOptions {
  std::size_t sample_blocks = 3;  // besides the latest block and its parent
  std::size_t txs_per_block = 2;  // inclusion proofs checked per sampled block
  std::string pinned_key_hex;     // --checkpoint-key
};

struct NodeAuditReport {
  NodeInfo info;
  RememberedCheckpoint verified;                 // the checkpoint now verified
  std::optional<RememberedCheckpoint> previous;  // the one remembered before, if any
  bool consistency_checked = false;
  std::vector<std::uint64_t> blocks_checked;
  std::uint64_t inclusion_proofs_checked = 0;
  std::vector<std::string> notes;  // checks that were skipped and why
};

// Fails (Errc::corruption) on the first claim that does not verify, naming it.
[[nodiscard]] Result<NodeAuditReport> audit_node(
    api::NodeClient& client, const std::optional<RememberedCheckpoint>& previous,
    const NodeAuditOptions& options);

}  // namespace pv::cli
