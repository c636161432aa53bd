#include "ledger/merkle_memory.hpp"

namespace pv {

void InMemoryMerkleNodes::add(const MerkleNode& node) {
  if (levels_.size() <= node.id.level) levels_.resize(node.id.level + 1);
  auto& level = levels_[node.id.level];
  // Appends in index order (the frontier's order) are the common, amortized O(1) case.
  if (node.id.index == level.size()) {
    level.push_back(node.hash);
    return;
  }
  if (node.id.index > level.size()) level.resize(node.id.index + 1);
  level[node.id.index] = node.hash;
}

void InMemoryMerkleNodes::add(const std::vector<MerkleNode>& nodes) {
  for (const MerkleNode& n : nodes) add(n);
}

void InMemoryMerkleNodes::erase(MerkleNodeId id) {
  if (id.level >= levels_.size() || id.index >= levels_[id.level].size()) return;
  levels_[id.level][id.index].reset();
}

std::optional<Hash32> InMemoryMerkleNodes::node(MerkleNodeId id) const {
  if (id.level >= levels_.size()) return std::nullopt;
  const auto& level = levels_[id.level];
  if (id.index >= level.size()) return std::nullopt;
  return level[id.index];
}

}  // namespace pv
