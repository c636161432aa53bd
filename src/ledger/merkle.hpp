#pragma once
// The append-only Merkle log over every committed transaction, hashed as RFC 9162 section 2.1:
// leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right), empty tree = SHA-256("").
//
// The log is stored as the hashes of its complete subtrees: node (level, index) covers leaves
// [index * 2^level, (index + 1) * 2^level). Level 0 holds the leaf hashes. Every complete subtree
// is stored exactly once when its last leaf is appended; proofs for any past size are computed
// from them (incomplete right-edge subtrees are recomputed from complete ones).

#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/sha256.hpp"

namespace pv {

Hash32 merkle_leaf_hash(ByteView entry);
Hash32 merkle_node_hash(const Hash32& left, const Hash32& right);
Hash32 merkle_empty_root();

struct MerkleNodeId {
  std::uint8_t level = 0;
  std::uint64_t index = 0;
  friend bool operator==(const MerkleNodeId&, const MerkleNodeId&) = default;
};

struct MerkleNode {
  MerkleNodeId id;
  Hash32 hash;
};

// Read access to stored complete-subtree hashes. Implementations: RocksDB (storage), in-memory.
class MerkleNodeReader {
 public:
  virtual ~MerkleNodeReader() = default;
  // The stored hash of a complete subtree, or nullopt if it is not stored (an error for callers).
  virtual std::optional<Hash32> node(MerkleNodeId id) const = 0;
};

// The right edge of the tree (one complete-subtree hash per set bit of the size): enough to
// append and to compute the current root in O(log n) without reading storage.
class MerkleFrontier {
 public:
  MerkleFrontier() = default;
  // Rebuilds the frontier for `size` from stored nodes.
  [[nodiscard]] static Result<MerkleFrontier> load(const MerkleNodeReader& nodes,
                                                   std::uint64_t size);

  std::uint64_t size() const { return size_; }
  Hash32 root() const;
  // Appends one leaf hash; appends to `completed` every subtree this leaf completes (the leaf
  // itself at level 0 first, then each parent), which the caller must persist.
  void append(const Hash32& leaf_hash, std::vector<MerkleNode>& completed);

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash32> edge_;  // edge_[level] valid when bit `level` of size_ is set
};

// Root of the tree of the first `size` leaves.
[[nodiscard]] Result<Hash32> merkle_root_at(const MerkleNodeReader& nodes, std::uint64_t size);
// RFC 9162 section 2.1.3 inclusion proof of leaf `index` in the tree of size `size`.
[[nodiscard]] Result<std::vector<Hash32>> merkle_inclusion_proof(const MerkleNodeReader& nodes,
                                                                 std::uint64_t index,
                                                                 std::uint64_t size);
// RFC 9162 section 2.1.4 consistency proof between sizes size1 <= size2.
[[nodiscard]] Result<std::vector<Hash32>> merkle_consistency_proof(const MerkleNodeReader& nodes,
                                                                   std::uint64_t size1,
                                                                   std::uint64_t size2);

// Verifiers (RFC 9162 sections 2.1.3.2 and 2.1.4.2). They trust nothing but their arguments.
// Failures: Errc::invalid_argument for impossible parameters (index >= size, size1 > size2) and
// wrong proof lengths; Errc::bad_signature when the hashes do not lead to the given root(s). The
// message says which. Consistency from size 0 accepts only the empty proof with root1 equal to
// merkle_empty_root(); equal sizes accept only the empty proof with root1 == root2.
// The provers fail with Errc::corruption when a stored node they need is missing.
[[nodiscard]] Status verify_merkle_inclusion(const Hash32& leaf_hash, std::uint64_t index,
                                             std::uint64_t size, const std::vector<Hash32>& proof,
                                             const Hash32& root);
[[nodiscard]] Status verify_merkle_consistency(std::uint64_t size1, std::uint64_t size2,
                                               const std::vector<Hash32>& proof,
                                               const Hash32& root1, const Hash32& root2);

}  // namespace pv
