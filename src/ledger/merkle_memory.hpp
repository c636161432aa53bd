#pragma once
// Complete-subtree hashes held in memory: for tests, and for the offline verifier that rebuilds
// a log from a data directory. One vector per level, indexed by node index, so a lookup is two
// bounds checks and an array access.

#include <optional>
#include <vector>

#include "ledger/merkle.hpp"

namespace pv {

class InMemoryMerkleNodes : public MerkleNodeReader {
 public:
  // Stores every node (overwriting one already stored under the same id). Nodes may arrive in
  // any order; gaps read as "not stored" until filled, and cost memory, so feed it nodes the
  // frontier produced rather than indexes from untrusted input. Not thread-safe.
  void add(const std::vector<MerkleNode>& nodes);
  void add(const MerkleNode& node);
  // Forgets one node, so tests can simulate damaged storage.
  void erase(MerkleNodeId id);

  std::optional<Hash32> node(MerkleNodeId id) const override;

 private:
  std::vector<std::vector<std::optional<Hash32>>> levels_;
};

}  // namespace pv
