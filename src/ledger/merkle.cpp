#include "ledger/merkle.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

namespace pv {
namespace {

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

// Largest power of two strictly less than n. REQUIRES: n >= 2.
std::uint64_t split_point(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

Error missing_node(MerkleNodeId id) {
  return make_error(Errc::corruption, "merkle node (level " + std::to_string(id.level) +
                                          ", index " + std::to_string(id.index) +
                                          ") is not stored");
}

Result<Hash32> read_node(const MerkleNodeReader& nodes, MerkleNodeId id) {
  auto h = nodes.node(id);
  if (!h) return missing_node(id);
  return *h;
}

// MTH(D[begin:end]) as RFC 9162 defines it. REQUIRES: begin < end, and begin is a multiple of the
// largest power of two <= end - begin (true of every range the RFC recursion produces). Such a
// range splits into one complete subtree per set bit of its width, largest first; the RFC root
// folds them right to left. Cost: popcount(end - begin) reads.
Result<Hash32> range_hash(const MerkleNodeReader& nodes, std::uint64_t begin, std::uint64_t end) {
  std::array<Hash32, 64> parts;
  int count = 0;
  std::uint64_t start = begin;
  std::uint64_t width = end - begin;
  for (int level = 63; level >= 0; --level) {
    std::uint64_t bit = std::uint64_t{1} << level;
    if ((width & bit) == 0) continue;
    MerkleNodeId id{static_cast<std::uint8_t>(level), start >> level};
    auto h = read_node(nodes, id);
    if (!h) return h.error();
    parts[count++] = *h;
    start += bit;
  }
  Hash32 acc = parts[count - 1];
  for (int i = count - 2; i >= 0; --i) acc = merkle_node_hash(parts[i], acc);
  return acc;
}

// Hash of the complete subtree [begin, begin + width). REQUIRES: width is a power of two and
// begin a multiple of it.
Result<Hash32> complete_hash(const MerkleNodeReader& nodes, std::uint64_t begin,
                             std::uint64_t width) {
  auto level = static_cast<std::uint8_t>(std::countr_zero(width));
  return read_node(nodes, MerkleNodeId{level, begin >> level});
}

Error verify_failure(Errc code, const char* what, std::string detail) {
  return make_error(code, std::string(what) + ": " + detail);
}

}  // namespace

Hash32 merkle_leaf_hash(ByteView entry) {
  const std::uint8_t prefix = kLeafPrefix;
  return sha256(ByteView(&prefix, 1), entry);
}

Hash32 merkle_node_hash(const Hash32& left, const Hash32& right) {
  std::array<std::uint8_t, 65> buf;
  buf[0] = kNodePrefix;
  std::copy(left.bytes.begin(), left.bytes.end(), buf.begin() + 1);
  std::copy(right.bytes.begin(), right.bytes.end(), buf.begin() + 33);
  return sha256(ByteView(buf.data(), buf.size()));
}

Hash32 merkle_empty_root() {
  return sha256(ByteView());
}

// ---- Frontier ------------------------------------------------------------------------------

Result<MerkleFrontier> MerkleFrontier::load(const MerkleNodeReader& nodes, std::uint64_t size) {
  MerkleFrontier f;
  f.size_ = size;
  f.edge_.resize(std::bit_width(size));
  std::uint64_t start = 0;
  for (int level = 63; level >= 0; --level) {
    std::uint64_t bit = std::uint64_t{1} << level;
    if ((size & bit) == 0) continue;
    auto h = read_node(nodes, MerkleNodeId{static_cast<std::uint8_t>(level), start >> level});
    if (!h) return h.error();
    f.edge_[level] = *h;
    start += bit;
  }
  return f;
}

Hash32 MerkleFrontier::root() const {
  if (size_ == 0) return merkle_empty_root();
  // Smallest (right-most) subtree first; each larger one becomes the left child.
  int level = std::countr_zero(size_);
  Hash32 acc = edge_[level];
  for (++level; level < static_cast<int>(edge_.size()); ++level) {
    if ((size_ >> level) & 1) acc = merkle_node_hash(edge_[level], acc);
  }
  return acc;
}

void MerkleFrontier::append(const Hash32& leaf_hash, std::vector<MerkleNode>& completed) {
  const std::uint64_t index = size_;  // the new leaf's index
  Hash32 h = leaf_hash;
  completed.push_back(MerkleNode{MerkleNodeId{0, index}, h});
  int level = 0;
  // Each set low bit of the old size is a complete left sibling that the new leaf now pairs with.
  while ((index >> level) & 1) {
    h = merkle_node_hash(edge_[level], h);
    ++level;
    completed.push_back(
        MerkleNode{MerkleNodeId{static_cast<std::uint8_t>(level), index >> level}, h});
  }
  if (edge_.size() <= static_cast<std::size_t>(level)) edge_.resize(level + 1);
  edge_[level] = h;
  ++size_;
}

// ---- Proofs from stored nodes ----------------------------------------------------------------

Result<Hash32> merkle_root_at(const MerkleNodeReader& nodes, std::uint64_t size) {
  if (size == 0) return merkle_empty_root();
  return range_hash(nodes, 0, size);
}

Result<std::vector<Hash32>> merkle_inclusion_proof(const MerkleNodeReader& nodes,
                                                   std::uint64_t index, std::uint64_t size) {
  if (index >= size)
    return make_error(Errc::invalid_argument, "inclusion proof: index " + std::to_string(index) +
                                                  " is not below tree size " +
                                                  std::to_string(size));
  // Walk RFC 9162 PATH top-down, collecting siblings; the proof lists them bottom-up.
  // Only the first left turn can meet an incomplete (right-edge) sibling; below it every range is
  // a complete subtree, so the cost is O(log n) reads.
  std::vector<Hash32> proof;
  std::uint64_t begin = 0, end = size;
  while (end - begin > 1) {
    std::uint64_t k = split_point(end - begin);
    if (index < begin + k) {
      auto h = range_hash(nodes, begin + k, end);
      if (!h) return h.error();
      proof.push_back(*h);
      end = begin + k;
    } else {
      auto h = complete_hash(nodes, begin, k);
      if (!h) return h.error();
      proof.push_back(*h);
      begin += k;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash32>> merkle_consistency_proof(const MerkleNodeReader& nodes,
                                                     std::uint64_t size1, std::uint64_t size2) {
  if (size1 > size2)
    return make_error(Errc::invalid_argument, "consistency proof: size1 " + std::to_string(size1) +
                                                  " is larger than size2 " + std::to_string(size2));
  std::vector<Hash32> proof;
  if (size1 == 0 || size1 == size2) return proof;
  // Walk RFC 9162 SUBPROOF top-down. `whole` is the RFC's flag b: true while the old tree is
  // still the left edge of the current range, so its root is known to the verifier.
  std::uint64_t begin = 0, end = size2;
  bool whole = true;
  while (true) {
    if (size1 == end) {
      // Here [begin, end) is a complete subtree: either whole (nothing to add) or reached after a
      // right turn, which leaves a power-of-two aligned range.
      if (!whole) {
        auto h = range_hash(nodes, begin, end);
        if (!h) return h.error();
        proof.push_back(*h);
      }
      break;
    }
    std::uint64_t k = split_point(end - begin);
    if (size1 - begin <= k) {
      auto h = range_hash(nodes, begin + k, end);
      if (!h) return h.error();
      proof.push_back(*h);
      end = begin + k;
    } else {
      auto h = complete_hash(nodes, begin, k);
      if (!h) return h.error();
      proof.push_back(*h);
      begin += k;
      whole = false;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

// ---- Verifiers -------------------------------------------------------------------------------

Status verify_merkle_inclusion(const Hash32& leaf_hash, std::uint64_t index, std::uint64_t size,
                               const std::vector<Hash32>& proof, const Hash32& root) {
  constexpr const char* kWhat = "inclusion proof";
  if (index >= size)
    return verify_failure(
        Errc::invalid_argument, kWhat,
        "index " + std::to_string(index) + " is not below tree size " + std::to_string(size));
  // RFC 9162 section 2.1.3.2.
  std::uint64_t fn = index, sn = size - 1;
  Hash32 r = leaf_hash;
  for (const Hash32& p : proof) {
    if (sn == 0)
      return verify_failure(Errc::invalid_argument, kWhat,
                            "wrong proof length: " + std::to_string(proof.size()) +
                                " hashes is too long for index " + std::to_string(index) +
                                " in size " + std::to_string(size));
    if ((fn & 1) || fn == sn) {
      r = merkle_node_hash(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = merkle_node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0)
    return verify_failure(Errc::invalid_argument, kWhat,
                          "wrong proof length: " + std::to_string(proof.size()) +
                              " hashes is too short for index " + std::to_string(index) +
                              " in size " + std::to_string(size));
  if (r != root)
    return verify_failure(Errc::bad_signature, kWhat,
                          "root mismatch: computed root does not match the tree root");
  return Status::ok();
}

Status verify_merkle_consistency(std::uint64_t size1, std::uint64_t size2,
                                 const std::vector<Hash32>& proof, const Hash32& root1,
                                 const Hash32& root2) {
  constexpr const char* kWhat = "consistency proof";
  if (size1 > size2)
    return verify_failure(
        Errc::invalid_argument, kWhat,
        "size1 " + std::to_string(size1) + " is larger than size2 " + std::to_string(size2));
  if (size1 == size2) {
    if (!proof.empty())
      return verify_failure(Errc::invalid_argument, kWhat,
                            "wrong proof length: must be empty when size1 == size2");
    if (root1 != root2)
      return verify_failure(Errc::bad_signature, kWhat,
                            "root mismatch: equal sizes with different roots");
    return Status::ok();
  }
  if (size1 == 0) {
    // Every tree extends the empty tree; the RFC's proof for it is empty. We also insist that
    // root1 really is the empty tree's root: a different value cannot be the root of size 0.
    if (!proof.empty())
      return verify_failure(Errc::invalid_argument, kWhat,
                            "wrong proof length: must be empty when size1 == 0");
    if (root1 != merkle_empty_root())
      return verify_failure(Errc::bad_signature, kWhat,
                            "root mismatch: root1 is not the empty tree root");
    return Status::ok();
  }
  if (proof.empty())
    return verify_failure(Errc::invalid_argument, kWhat,
                          "wrong proof length: empty proof for 0 < size1 < size2");

  // RFC 9162 section 2.1.4.2. When size1 is a power of two the old root is itself the first
  // node of the path and the proof omits it.
  std::size_t next = 0;
  Hash32 first;
  if (std::has_single_bit(size1)) {
    first = root1;
  } else {
    first = proof[0];
    next = 1;
  }
  std::uint64_t fn = size1 - 1, sn = size2 - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash32 fr = first, sr = first;
  for (; next < proof.size(); ++next) {
    const Hash32& c = proof[next];
    if (sn == 0)
      return verify_failure(Errc::invalid_argument, kWhat,
                            "wrong proof length: " + std::to_string(proof.size()) +
                                " hashes is too long for sizes " + std::to_string(size1) + " -> " +
                                std::to_string(size2));
    if ((fn & 1) || fn == sn) {
      fr = merkle_node_hash(c, fr);
      sr = merkle_node_hash(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = merkle_node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0)
    return verify_failure(Errc::invalid_argument, kWhat,
                          "wrong proof length: " + std::to_string(proof.size()) +
                              " hashes is too short for sizes " + std::to_string(size1) + " -> " +
                              std::to_string(size2));
  if (fr != root1)
    return verify_failure(Errc::bad_signature, kWhat,
                          "root mismatch: proof does not lead to root1 (old tree)");
  if (sr != root2)
    return verify_failure(Errc::bad_signature, kWhat,
                          "root mismatch: proof does not lead to root2 (new tree)");
  return Status::ok();
}

}  // namespace pv
