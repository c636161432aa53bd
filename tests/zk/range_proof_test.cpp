// Bulletproofs range proofs (zk/range_proof.hpp) on their own transcript: round trips for every
// supported shape, and the proofs of a prover that skips its own range check fail.

#include "zk/range_proof.hpp"

#include <gtest/gtest.h>

#include "zk/generators.hpp"

namespace pv::zk {
namespace {

const SessionId kSid = derive_session_id(std::string_view("pv-zk-test-range"));

Bytes prove(unsigned bits, const std::vector<Scalar>& values, const std::vector<Scalar>& blinds) {
  DuplexSponge sponge(kSid);
  ProofWriter out(sponge);
  OsScalars rng;
  prove_range(out, bits, values, blinds, rng);
  return out.take();
}

// Reads and checks one proof; false on any refusal.
bool verifies(unsigned bits, const std::vector<Point>& commitments, ByteView proof) {
  DuplexSponge sponge(kSid);
  ProofReader in(sponge, proof);
  VerifierWeights weights(proof);
  MsmTerms check;
  std::vector<ValueCommitment> v;
  for (const auto& c : commitments) v.push_back({c, Scalar::from_u64(1), Scalar()});
  if (!read_range_proof(in, bits, v, weights, check).is_ok()) return false;
  return in.at_end() && std::move(check).evaluate().is_identity();
}

TEST(ZkRangeProof, RoundTripsForEverySupportedShape) {
  for (unsigned bits : {8u, 16u, 32u, 64u}) {
    for (std::size_t m : {1u, 2u}) {
      std::vector<Scalar> values, blinds;
      std::vector<Point> commitments;
      for (std::size_t j = 0; j < m; ++j) {
        const std::uint64_t v =
            bits == 64 ? ~std::uint64_t{0} - j : (std::uint64_t{1} << bits) - 1 - j;
        values.push_back(Scalar::from_u64(v));
        blinds.push_back(Scalar::random());
        commitments.push_back(pedersen_commit(values.back(), blinds.back()));
      }
      const Bytes proof = prove(bits, values, blinds);
      EXPECT_EQ(proof.size(), range_proof_size(bits, m));
      EXPECT_TRUE(verifies(bits, commitments, proof)) << bits << " bits, m = " << m;
    }
  }
}

TEST(ZkRangeProof, ZeroAndSmallValues) {
  for (std::uint64_t v : {0u, 1u, 2u, 255u}) {
    const Scalar value = Scalar::from_u64(v), blind = Scalar::random();
    const Bytes proof = prove(8, {value}, {blind});
    EXPECT_TRUE(verifies(8, {pedersen_commit(value, blind)}, proof)) << v;
  }
}

TEST(ZkRangeProof, OutOfRangeValuesFailEvenWhenTheProverDoesNotCheck) {
  const Scalar blind = Scalar::random();
  for (const Scalar& value :
       {Scalar::from_u64(256), Scalar::from_u64(1000), Scalar::from_i64(-1)}) {
    const Bytes proof = prove(8, {value}, {blind});
    EXPECT_FALSE(verifies(8, {pedersen_commit(value, blind)}, proof));
  }
}

TEST(ZkRangeProof, AProofDoesNotVerifyForAnotherCommitment) {
  const Scalar value = Scalar::from_u64(42), blind = Scalar::random();
  const Bytes proof = prove(32, {value}, {blind});
  EXPECT_TRUE(verifies(32, {pedersen_commit(value, blind)}, proof));
  EXPECT_FALSE(verifies(32, {pedersen_commit(Scalar::from_u64(43), blind)}, proof));
  EXPECT_FALSE(verifies(32, {pedersen_commit(value, Scalar::random())}, proof));
}

}  // namespace
}  // namespace pv::zk
