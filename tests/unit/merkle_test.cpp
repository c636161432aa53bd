#include "ledger/merkle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger/merkle_memory.hpp"
#include "merkle_reference.hpp"

namespace pv {
namespace {

Hash32 h(std::string_view hex) {
  return *Hash32::from_hex(hex);
}

// ---- Published vectors -------------------------------------------------------------------------
// The eight test leaves and the expected roots, inclusion and consistency proofs below are the
// RFC 6962 vectors shared by google/certificate-transparency and transparency-dev/merkle
// (proof/verify_test.go: `leaves`, `roots`, `inclusionProofs`, `consistencyProofs`). That file
// numbers leaves from 1; the indexes here are 0-based.
const char* const kLeafHex[] = {"",
                                "00",
                                "10",
                                "2021",
                                "3031",
                                "40414243",
                                "5051525354555657",
                                "606162636465666768696a6b6c6d6e6f"};

const char* const kRootHex[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",  // size 1
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",  // size 2
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",  // size 3
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",  // size 4
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",  // size 5
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",  // size 6
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",  // size 7
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",  // size 8
};
const char* const kEmptyRootHex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct InclusionVector {
  std::uint64_t index, size;
  std::vector<const char*> proof;
};
const InclusionVector kInclusion[] = {
    {0, 1, {}},
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct ConsistencyVector {
  std::uint64_t size1, size2;
  std::vector<const char*> proof;
};
const ConsistencyVector kConsistency[] = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

std::vector<Hash32> hashes(const std::vector<const char*>& hex) {
  std::vector<Hash32> out;
  for (const char* x : hex) out.push_back(h(x));
  return out;
}

// A log built through the frontier, as the node builds it: every completed subtree is stored.
struct TestLog {
  MerkleFrontier frontier;
  InMemoryMerkleNodes nodes;
  std::vector<Hash32> leaves;

  void append_entry(ByteView entry) {
    Hash32 leaf = merkle_leaf_hash(entry);
    std::vector<MerkleNode> completed;
    frontier.append(leaf, completed);
    nodes.add(completed);
    leaves.push_back(leaf);
  }
  reference::Leaves prefix(std::uint64_t size) const { return {leaves.data(), size}; }
};

TestLog vector_log() {
  TestLog log;
  for (const char* hex : kLeafHex) log.append_entry(*from_hex(hex));
  return log;
}

TestLog counting_log(std::uint64_t size) {
  TestLog log;
  for (std::uint64_t i = 0; i < size; ++i) log.append_entry(as_bytes("entry " + std::to_string(i)));
  return log;
}

Hash32 flip_bit(Hash32 x, int bit) {
  x.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  return x;
}

bool message_has(const Status& s, std::string_view needle) {
  return !s && s.error().message.find(needle) != std::string::npos;
}

// Every way we know to damage an inclusion proof must be refused. `all_bits` flips each of the
// 256 bits of every hash; otherwise one bit per hash (position varies with the hash's index).
void expect_inclusion_attacks_refused(const TestLog& log, std::uint64_t index, std::uint64_t size,
                                      const std::vector<Hash32>& proof, bool all_bits) {
  const Hash32 leaf = log.leaves[index];
  const Hash32 root = reference::mth(log.prefix(size));
  SCOPED_TRACE("index " + std::to_string(index) + " size " + std::to_string(size));

  if (!proof.empty()) {
    auto truncated = proof;
    truncated.pop_back();
    EXPECT_TRUE(message_has(verify_merkle_inclusion(leaf, index, size, truncated, root),
                            "wrong proof length"));
    auto dropped_front = std::vector<Hash32>(proof.begin() + 1, proof.end());
    EXPECT_FALSE(verify_merkle_inclusion(leaf, index, size, dropped_front, root));
  }
  for (const Hash32& extra : {root, leaf, Hash32{}}) {
    auto longer = proof;
    longer.push_back(extra);
    EXPECT_TRUE(message_has(verify_merkle_inclusion(leaf, index, size, longer, root),
                            "wrong proof length"));
    auto prefixed = proof;
    prefixed.insert(prefixed.begin(), extra);
    EXPECT_FALSE(verify_merkle_inclusion(leaf, index, size, prefixed, root));
  }
  for (std::size_t i = 0; i < proof.size(); ++i) {
    for (int bit = 0; bit < 256; ++bit) {
      if (!all_bits && bit != static_cast<int>((i * 37 + size) % 256)) continue;
      auto bad = proof;
      bad[i] = flip_bit(bad[i], bit);
      EXPECT_TRUE(
          message_has(verify_merkle_inclusion(leaf, index, size, bad, root), "root mismatch"))
          << "proof[" << i << "] bit " << bit;
    }
  }
  // Wrong leaf, wrong root.
  EXPECT_FALSE(verify_merkle_inclusion(flip_bit(leaf, 0), index, size, proof, root));
  EXPECT_FALSE(verify_merkle_inclusion(merkle_leaf_hash(as_bytes("not in the log")), index, size,
                                       proof, root));
  EXPECT_FALSE(verify_merkle_inclusion(leaf, index, size, proof, flip_bit(root, 255)));
  EXPECT_FALSE(verify_merkle_inclusion(leaf, index, size, proof, merkle_empty_root()));
  // Wrong index: any other position in the same tree.
  for (std::uint64_t other : {index - 1, index + 1, index ^ 2, index ^ 1}) {
    if (other == index) continue;
    EXPECT_FALSE(verify_merkle_inclusion(leaf, other, size, proof, root)) << "index " << other;
  }
  // Wrong size: the same root claimed for a differently shaped tree, or the true root of a
  // neighbouring size.
  EXPECT_FALSE(verify_merkle_inclusion(leaf, index, size * 2, proof, root));
  if (size / 2 > index) {
    EXPECT_FALSE(verify_merkle_inclusion(leaf, index, size / 2, proof, root));
  }
  for (std::uint64_t other : {size - 1, size + 1}) {
    if (other <= index || other > log.leaves.size()) continue;
    EXPECT_FALSE(
        verify_merkle_inclusion(leaf, index, other, proof, reference::mth(log.prefix(other))))
        << "size " << other;
  }
}

void expect_consistency_attacks_refused(const TestLog& log, std::uint64_t size1,
                                        std::uint64_t size2, const std::vector<Hash32>& proof,
                                        bool all_bits) {
  const Hash32 root1 = reference::mth(log.prefix(size1));
  const Hash32 root2 = reference::mth(log.prefix(size2));
  SCOPED_TRACE("size1 " + std::to_string(size1) + " size2 " + std::to_string(size2));
  ASSERT_FALSE(proof.empty());

  EXPECT_FALSE(verify_merkle_consistency(size1, size2, proof, root2, root1)) << "swapped roots";
  EXPECT_FALSE(verify_merkle_consistency(size1, size2, {}, root1, root2)) << "empty proof";
  auto truncated = proof;
  truncated.pop_back();
  EXPECT_FALSE(verify_merkle_consistency(size1, size2, truncated, root1, root2)) << "truncated";
  for (const Hash32& extra : {root1, root2, proof[0], Hash32{}}) {
    auto longer = proof;
    longer.push_back(extra);
    EXPECT_TRUE(message_has(verify_merkle_consistency(size1, size2, longer, root1, root2),
                            "wrong proof length"));
    auto prefixed = proof;
    prefixed.insert(prefixed.begin(), extra);
    EXPECT_FALSE(verify_merkle_consistency(size1, size2, prefixed, root1, root2));
  }
  for (std::size_t i = 0; i < proof.size(); ++i) {
    for (int bit = 0; bit < 256; ++bit) {
      if (!all_bits && bit != static_cast<int>((i * 53 + size1 + size2) % 256)) continue;
      auto bad = proof;
      bad[i] = flip_bit(bad[i], bit);
      EXPECT_TRUE(
          message_has(verify_merkle_consistency(size1, size2, bad, root1, root2), "root mismatch"))
          << "proof[" << i << "] bit " << bit;
    }
  }
  EXPECT_FALSE(verify_merkle_consistency(size1, size2, proof, flip_bit(root1, 7), root2));
  EXPECT_FALSE(verify_merkle_consistency(size1, size2, proof, root1, flip_bit(root2, 7)));
  // Wrong sizes, each paired with the true root of the size it claims.
  for (std::uint64_t other : {size1 - 1, size1 + 1, size1 ^ 2}) {
    if (other == 0 || other >= size2 || other == size1) continue;
    EXPECT_FALSE(
        verify_merkle_consistency(other, size2, proof, reference::mth(log.prefix(other)), root2))
        << "size1 " << other;
  }
  for (std::uint64_t other : {size2 - 1, size2 + 1}) {
    if (other <= size1 || other > log.leaves.size() || other == size2) continue;
    EXPECT_FALSE(
        verify_merkle_consistency(size1, other, proof, root1, reference::mth(log.prefix(other))))
        << "size2 " << other;
  }
  EXPECT_FALSE(verify_merkle_consistency(size1, size2 * 2, proof, root1, root2));
  if (size2 / 2 > size1) {
    EXPECT_FALSE(verify_merkle_consistency(size1, size2 / 2, proof, root1, root2));
  }
  EXPECT_FALSE(verify_merkle_consistency(size2, size1, proof, root1, root2)) << "time travel";
}

// ---- Hashing ----------------------------------------------------------------------------------

TEST(MerkleHash, Rfc9162Prefixes) {
  EXPECT_EQ(merkle_empty_root(), h(kEmptyRootHex));
  // MTH of the single empty leaf is SHA-256(0x00).
  EXPECT_EQ(merkle_leaf_hash({}), h(kRootHex[0]));
  Hash32 a = merkle_leaf_hash(as_bytes("a")), b = merkle_leaf_hash(as_bytes("b"));
  Bytes joined = {0x01};
  joined.insert(joined.end(), a.bytes.begin(), a.bytes.end());
  joined.insert(joined.end(), b.bytes.begin(), b.bytes.end());
  EXPECT_EQ(merkle_node_hash(a, b), sha256(joined));
  EXPECT_NE(merkle_node_hash(a, b), merkle_node_hash(b, a));
}

// ---- Published vectors -------------------------------------------------------------------------

TEST(MerkleVectors, RootsOfTheEightTestLeaves) {
  TestLog log;
  MerkleFrontier empty;
  EXPECT_EQ(empty.root(), h(kEmptyRootHex));
  for (std::size_t i = 0; i < 8; ++i) {
    log.append_entry(*from_hex(kLeafHex[i]));
    EXPECT_EQ(log.frontier.root(), h(kRootHex[i])) << "size " << i + 1;
  }
  for (std::uint64_t size = 1; size <= 8; ++size) {
    auto root = merkle_root_at(log.nodes, size);
    ASSERT_TRUE(root);
    EXPECT_EQ(*root, h(kRootHex[size - 1])) << "size " << size;
  }
  auto zero = merkle_root_at(log.nodes, 0);
  ASSERT_TRUE(zero);
  EXPECT_EQ(*zero, h(kEmptyRootHex));
}

TEST(MerkleVectors, PublishedInclusionProofs) {
  TestLog log = vector_log();
  for (const auto& v : kInclusion) {
    SCOPED_TRACE("index " + std::to_string(v.index) + " size " + std::to_string(v.size));
    auto proof = merkle_inclusion_proof(log.nodes, v.index, v.size);
    ASSERT_TRUE(proof);
    EXPECT_EQ(*proof, hashes(v.proof));
    const Hash32 root = h(kRootHex[v.size - 1]);
    EXPECT_TRUE(verify_merkle_inclusion(log.leaves[v.index], v.index, v.size, *proof, root));
    expect_inclusion_attacks_refused(log, v.index, v.size, *proof, /*all_bits=*/true);
  }
}

TEST(MerkleVectors, PublishedConsistencyProofs) {
  TestLog log = vector_log();
  for (const auto& v : kConsistency) {
    SCOPED_TRACE("size1 " + std::to_string(v.size1) + " size2 " + std::to_string(v.size2));
    auto proof = merkle_consistency_proof(log.nodes, v.size1, v.size2);
    ASSERT_TRUE(proof);
    EXPECT_EQ(*proof, hashes(v.proof));
    const Hash32 root1 = h(kRootHex[v.size1 - 1]), root2 = h(kRootHex[v.size2 - 1]);
    EXPECT_TRUE(verify_merkle_consistency(v.size1, v.size2, *proof, root1, root2));
    if (!proof->empty()) expect_consistency_attacks_refused(log, v.size1, v.size2, *proof, true);
  }
}

// ---- Cross-check against the reference -------------------------------------------------------

constexpr std::uint64_t kMaxCrossCheckSize = 140;

TEST(MerkleReference, RootsForEveryPastSize) {
  TestLog log;
  for (std::uint64_t size = 1; size <= kMaxCrossCheckSize; ++size) {
    log.append_entry(as_bytes("entry " + std::to_string(size - 1)));
    EXPECT_EQ(log.frontier.root(), reference::mth(log.prefix(size))) << "size " << size;
  }
  for (std::uint64_t size = 0; size <= kMaxCrossCheckSize; ++size) {
    auto root = merkle_root_at(log.nodes, size);
    ASSERT_TRUE(root) << root.error().message;
    EXPECT_EQ(*root, reference::mth(log.prefix(size))) << "size " << size;
    auto loaded = MerkleFrontier::load(log.nodes, size);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->size(), size);
    EXPECT_EQ(loaded->root(), *root) << "size " << size;
  }
}

TEST(MerkleReference, FrontierLoadedMidwayKeepsAppending) {
  TestLog full = counting_log(kMaxCrossCheckSize);
  for (std::uint64_t cut : {0, 1, 2, 3, 7, 8, 63, 64, 65, 100}) {
    auto f = MerkleFrontier::load(full.nodes, cut);
    ASSERT_TRUE(f);
    InMemoryMerkleNodes again;
    for (std::uint64_t i = cut; i < kMaxCrossCheckSize; ++i) {
      std::vector<MerkleNode> completed;
      f->append(full.leaves[i], completed);
      // Every node the frontier reports completed must be the one the full log stored.
      for (const auto& n : completed) EXPECT_EQ(full.nodes.node(n.id), n.hash);
      ASSERT_FALSE(completed.empty());
      EXPECT_EQ(completed.front().id, (MerkleNodeId{0, i}));
    }
    EXPECT_EQ(f->root(), full.frontier.root()) << "cut " << cut;
  }
}

TEST(MerkleReference, InclusionProofsForEveryIndexAndSize) {
  TestLog log = counting_log(kMaxCrossCheckSize);
  for (std::uint64_t size = 1; size <= kMaxCrossCheckSize; ++size) {
    const Hash32 root = reference::mth(log.prefix(size));
    for (std::uint64_t index = 0; index < size; ++index) {
      auto proof = merkle_inclusion_proof(log.nodes, index, size);
      ASSERT_TRUE(proof) << proof.error().message;
      ASSERT_EQ(*proof, reference::path(index, log.prefix(size)))
          << "index " << index << " size " << size;
      Status ok = verify_merkle_inclusion(log.leaves[index], index, size, *proof, root);
      ASSERT_TRUE(ok) << ok.error().message << " index " << index << " size " << size;
    }
  }
}

TEST(MerkleReference, ConsistencyProofsForEverySizePair) {
  TestLog log = counting_log(kMaxCrossCheckSize);
  std::vector<Hash32> roots;
  for (std::uint64_t size = 0; size <= kMaxCrossCheckSize; ++size)
    roots.push_back(reference::mth(log.prefix(size)));
  for (std::uint64_t size2 = 1; size2 <= kMaxCrossCheckSize; ++size2) {
    for (std::uint64_t size1 = 0; size1 <= size2; ++size1) {
      auto proof = merkle_consistency_proof(log.nodes, size1, size2);
      ASSERT_TRUE(proof) << proof.error().message;
      std::vector<Hash32> want;
      if (size1 > 0) want = reference::proof(size1, log.prefix(size2));
      ASSERT_EQ(*proof, want) << "size1 " << size1 << " size2 " << size2;
      Status ok = verify_merkle_consistency(size1, size2, *proof, roots[size1], roots[size2]);
      ASSERT_TRUE(ok) << ok.error().message << " size1 " << size1 << " size2 " << size2;
    }
  }
}

// The attack battery over a spread of shapes (powers of two, one off, odd, the largest size).
TEST(MerkleAttacks, DamagedInclusionProofsAreRefused) {
  TestLog log = counting_log(kMaxCrossCheckSize);
  for (std::uint64_t size : {2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 64, 65, 100, 127, 140}) {
    for (std::uint64_t index = 0; index < size; index += (size > 20 ? 7 : 1)) {
      auto proof = merkle_inclusion_proof(log.nodes, index, size);
      ASSERT_TRUE(proof);
      expect_inclusion_attacks_refused(log, index, size, *proof, /*all_bits=*/false);
    }
  }
}

TEST(MerkleAttacks, DamagedConsistencyProofsAreRefused) {
  TestLog log = counting_log(kMaxCrossCheckSize);
  for (std::uint64_t size2 : {2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 64, 65, 100, 139}) {
    for (std::uint64_t size1 = 1; size1 < size2; size1 += (size2 > 20 ? 5 : 1)) {
      auto proof = merkle_consistency_proof(log.nodes, size1, size2);
      ASSERT_TRUE(proof);
      expect_consistency_attacks_refused(log, size1, size2, *proof, /*all_bits=*/false);
    }
  }
}

// ---- Edge cases -------------------------------------------------------------------------------

TEST(MerkleEdges, IndexOutOfRange) {
  TestLog log = counting_log(4);
  auto p = merkle_inclusion_proof(log.nodes, 4, 4);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Errc::invalid_argument);
  EXPECT_FALSE(merkle_inclusion_proof(log.nodes, 0, 0));
  Status s = verify_merkle_inclusion(log.leaves[0], 4, 4, {}, log.frontier.root());
  EXPECT_TRUE(message_has(s, "index 4 is not below tree size 4"));
  EXPECT_FALSE(verify_merkle_inclusion(log.leaves[0], 0, 0, {}, merkle_empty_root()));
  EXPECT_FALSE(merkle_consistency_proof(log.nodes, 3, 2));
}

TEST(MerkleEdges, SingleLeafTree) {
  Hash32 leaf = merkle_leaf_hash(as_bytes("data"));
  EXPECT_TRUE(verify_merkle_inclusion(leaf, 0, 1, {}, leaf));
  EXPECT_FALSE(verify_merkle_inclusion(leaf, 0, 1, {}, merkle_empty_root()));
  EXPECT_FALSE(verify_merkle_inclusion(leaf, 0, 1, {leaf}, leaf));
  EXPECT_FALSE(verify_merkle_inclusion(leaf, 1, 1, {}, leaf));
}

TEST(MerkleEdges, ConsistencyTrivialCases) {
  const Hash32 r1 = sha256(as_bytes("one")), r2 = sha256(as_bytes("two"));
  const Hash32 empty = merkle_empty_root();
  // Equal sizes: empty proof, equal roots.
  EXPECT_TRUE(verify_merkle_consistency(0, 0, {}, empty, empty));
  EXPECT_TRUE(verify_merkle_consistency(5, 5, {}, r1, r1));
  EXPECT_TRUE(message_has(verify_merkle_consistency(5, 5, {}, r1, r2), "root mismatch"));
  EXPECT_TRUE(message_has(verify_merkle_consistency(5, 5, {r1}, r1, r1), "wrong proof length"));
  // From the empty tree: only the empty proof from the empty root.
  EXPECT_TRUE(verify_merkle_consistency(0, 7, {}, empty, r2));
  EXPECT_FALSE(verify_merkle_consistency(0, 7, {empty}, empty, r2));
  EXPECT_FALSE(verify_merkle_consistency(0, 7, {}, r1, r2));
  // Going back in time, or an empty proof for a real extension.
  EXPECT_TRUE(message_has(verify_merkle_consistency(2, 1, {}, r1, r2), "larger than"));
  EXPECT_TRUE(message_has(verify_merkle_consistency(1, 2, {}, r1, r2), "wrong proof length"));
}

TEST(MerkleEdges, HugeSizesDoNotCrash) {
  const Hash32 x = sha256(as_bytes("x"));
  std::vector<Hash32> proof(64, x);
  constexpr std::uint64_t kMax = ~std::uint64_t{0};
  EXPECT_FALSE(verify_merkle_inclusion(x, kMax - 1, kMax, proof, x));
  EXPECT_FALSE(verify_merkle_inclusion(x, kMax - 1, kMax, {}, x));
  EXPECT_FALSE(verify_merkle_consistency(kMax - 1, kMax, proof, x, x));
  EXPECT_FALSE(verify_merkle_consistency(std::uint64_t{1} << 63, kMax, proof, x, x));
  InMemoryMerkleNodes none;
  EXPECT_FALSE(merkle_root_at(none, kMax));
  EXPECT_FALSE(merkle_inclusion_proof(none, kMax - 1, kMax));
  EXPECT_FALSE(merkle_consistency_proof(none, 1, kMax));
  EXPECT_FALSE(MerkleFrontier::load(none, kMax));
}

TEST(MerkleEdges, MissingStoredNodeIsCorruptionNotACrash) {
  TestLog log = counting_log(13);
  // (2,1) covers leaves 4..7: never part of a frontier, but a sibling in many proofs.
  log.nodes.erase(MerkleNodeId{2, 1});
  EXPECT_TRUE(merkle_root_at(log.nodes, 13));  // 13 = 8 + 4 + 1: (3,0), (2,2), (0,12)
  EXPECT_TRUE(MerkleFrontier::load(log.nodes, 13));
  auto inc = merkle_inclusion_proof(log.nodes, 0, 8);
  ASSERT_FALSE(inc);
  EXPECT_EQ(inc.error().code, Errc::corruption);
  EXPECT_NE(inc.error().message.find("level 2, index 1"), std::string::npos);
  auto cons = merkle_consistency_proof(log.nodes, 4, 13);
  ASSERT_FALSE(cons);
  EXPECT_EQ(cons.error().code, Errc::corruption);

  log.nodes.erase(MerkleNodeId{3, 0});
  auto root = merkle_root_at(log.nodes, 13);
  ASSERT_FALSE(root);
  EXPECT_EQ(root.error().code, Errc::corruption);
  EXPECT_TRUE(merkle_root_at(log.nodes, 7));  // (2,0), (1,2), (0,6)
  auto broken = MerkleFrontier::load(log.nodes, 13);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, Errc::corruption);
}

TEST(MerkleEdges, ProofCostIsLogarithmic) {
  // Counts reads: a proof for any past size must touch O(log n) stored nodes.
  struct CountingReader : MerkleNodeReader {
    const MerkleNodeReader* inner;
    mutable int reads = 0;
    std::optional<Hash32> node(MerkleNodeId id) const override {
      ++reads;
      return inner->node(id);
    }
  };
  TestLog log = counting_log(1000);
  CountingReader counter;
  counter.inner = &log.nodes;
  for (std::uint64_t size : {999, 1000, 513, 777}) {
    for (std::uint64_t other : {0, 1, 255, 256, 511, 512}) {
      counter.reads = 0;
      ASSERT_TRUE(merkle_inclusion_proof(counter, other, size));
      EXPECT_LE(counter.reads, 2 * 10);
      counter.reads = 0;
      if (other == 0) continue;
      ASSERT_TRUE(merkle_consistency_proof(counter, other, size));
      EXPECT_LE(counter.reads, 2 * 10);
    }
  }
}

}  // namespace
}  // namespace pv
