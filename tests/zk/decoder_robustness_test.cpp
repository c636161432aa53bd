// Decoders under random input (a deterministic, in-process stand-in for a fuzz run): the linear
// relation decoder never crashes and what it accepts re-encodes to the same bytes; random
// mutations of a valid presentation (bytes changed, inserted, removed, truncated) never verify.

#include <gtest/gtest.h>

#include <random>

#include "zk/generators.hpp"
#include "zk/linear_relation.hpp"
#include "zk/presentation.hpp"
#include "zk_test_support.hpp"

namespace pv::zk {
namespace {

using testing::hex;
using testing::load_vectors;

Bytes mutate(const Bytes& in, std::mt19937& rng) {
  Bytes out = in;
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = out.empty() ? 0 : rng() % out.size();
    switch (rng() % 4) {
      case 0:
        if (!out.empty()) out[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      case 1:
        if (!out.empty()) out[at] = static_cast<std::uint8_t>(rng());
        break;
      case 2:
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng()));
        break;
      default:
        if (!out.empty()) out.erase(out.begin() + static_cast<std::ptrdiff_t>(at));
        break;
    }
  }
  return out;
}

TEST(ZkDecoders, LinearRelationDecoderSurvivesMutationsAndRoundTrips) {
  const auto vectors = load_vectors("sigma-protocols/vectors/sigma-proofs_Shake128_P256.json");
  ASSERT_FALSE(vectors.empty());
  std::mt19937 rng(14);
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    const Bytes seed = hex(vectors[i % vectors.size()]["Instance"]);
    const Bytes input =
        i % 10 == 0 ? Bytes(rng() % 200, static_cast<std::uint8_t>(rng())) : mutate(seed, rng);
    auto rel = LinearRelation::deserialize(input);
    if (!rel || !rel->validate().is_ok()) continue;
    ++accepted;
    EXPECT_EQ(to_hex(rel->serialize()), to_hex(input));
  }
  EXPECT_GT(accepted, 0);  // some mutations (coefficients) still decode
}

// Found by the test above: a scalar index of 2^32 - 1 made validation allocate 512 MiB.
TEST(ZkDecoders, AHugeScalarIndexIsRefusedWithoutAllocatingForIt) {
  LinearRelation rel;
  rel.elements = {Point::generator(), Point::generator() * Scalar::from_u64(5)};
  rel.equations = {Equation{{ImageTerm{1, Scalar::from_u64(1)}},
                            {LinearTerm{0xffffffffu, 0, Scalar::from_u64(1)}}}};
  const Status st = rel.validate();
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.error().code, Errc::invalid_argument);
}

TEST(ZkDecoders, MutatedPresentationsNeverVerify) {
  std::vector<Opening> openings = {{7425, Scalar::random()}, {3, Scalar::random()}};
  Statement s{to_bytes("ctx"), {}, {Claim::at_most(0, 7500, 8), Claim::member(1, {2, 3})}};
  for (const auto& o : openings)
    s.commitments.push_back(pedersen_commit(Scalar::from_i64(o.value), o.blinding));
  OsScalars os;
  auto proof = prove_presentation(s, openings, os);
  ASSERT_TRUE(proof.is_ok());
  ASSERT_TRUE(verify_presentation(s, *proof).is_ok());
  std::mt19937 rng(1414);
  for (int i = 0; i < 400; ++i) {
    const Bytes bad = mutate(*proof, rng);
    if (bad == *proof) continue;
    EXPECT_FALSE(verify_presentation(s, bad).is_ok()) << "mutation " << i;
  }
}

}  // namespace
}  // namespace pv::zk
