// Presentations (zk/presentation.hpp): conjunctions of equality, range and membership claims
// round-trip; the honest prover refuses false claims and wrong openings; and every attack on the
// verifier is refused: false claims from a prover that skips its checks, a flipped bit anywhere,
// a swapped commitment, another context (verifier, nonce), other bounds, reordered claims,
// truncated or extended proofs, points off the curve or at infinity, non-canonical scalars.

#include "zk/presentation.hpp"

#include <gtest/gtest.h>

#include "crypto/sha256.hpp"
#include "zk/generators.hpp"
#include "zk/presentation_internal.hpp"
#include "zk_test_support.hpp"

namespace pv::zk {
namespace {

using testing::SeededScalars;

// Days since 1970-01-01: a birth date and the "over 18" cutoff of 2026-12-06 (born on or
// before 2008-12-06).
constexpr std::int64_t kBirthDate = 7425;  // 1990-05-01
constexpr std::int64_t kOver18Cutoff = 14219;
constexpr std::int64_t kMeaslesCode = 14189007;
// SHA-256 of the seeded proof in InstanceEncodingAndTranscriptKnownAnswers.
constexpr const char* kPinnedProofDigest =
    "deb397020f2e4090b604b42b8a7fbfd91ba755c87267a4c6186f92b6bc768611";

struct Attestation {
  std::vector<Opening> openings;
  std::vector<Point> commitments;
};

Attestation attest(std::vector<std::int64_t> values) {
  Attestation a;
  for (auto v : values) {
    a.openings.push_back({v, Scalar::random()});
    a.commitments.push_back(pedersen_commit(Scalar::from_i64(v), a.openings.back().blinding));
  }
  return a;
}

Statement statement(const Attestation& a, std::vector<Claim> claims,
                    std::string_view context = "verifier=did:key:z6MkInsurer nonce=42") {
  return Statement{to_bytes(context), a.commitments, std::move(claims)};
}

Bytes prove(const Statement& s, const Attestation& a) {
  OsScalars rng;
  auto proof = prove_presentation(s, a.openings, rng);
  EXPECT_TRUE(proof.is_ok()) << proof.error().message;
  return proof ? *proof : Bytes{};
}

// Birth date, vaccination date, HbA1c (in 0.1 %), blood group code.
const std::vector<std::int64_t> kValues = {kBirthDate, 18500, 57, 3};

std::vector<Claim> all_kinds() {
  return {Claim::at_most(0, kOver18Cutoff, 32), Claim::at_least(1, 18262, 16),
          Claim::between(2, 40, 64, 8), Claim::member(3, {2, 3}), Claim::equal(3, 3)};
}

TEST(ZkPresentation, EveryClaimKindAloneAndTogetherRoundTrips) {
  const Attestation a = attest(kValues);
  for (const Claim& c : all_kinds()) {
    const Statement s = statement(a, {c});
    const Bytes proof = prove(s, a);
    EXPECT_EQ(proof.size(), s.proof_size());
    EXPECT_TRUE(verify_presentation(s, proof).is_ok()) << static_cast<int>(c.kind);
  }
  const Statement s = statement(a, all_kinds());
  const Bytes proof = prove(s, a);
  EXPECT_EQ(proof.size(), s.proof_size());
  const Status st = verify_presentation(s, proof);
  EXPECT_TRUE(st.is_ok()) << st.error().message;
}

TEST(ZkPresentation, Over18ProofIsUnderOneKilobyte) {
  const Attestation a = attest({kBirthDate});
  const Statement s = statement(a, {Claim::at_most(0, kOver18Cutoff, 32)});
  const Bytes proof = prove(s, a);
  EXPECT_EQ(proof.size(), 682u);
  EXPECT_TRUE(verify_presentation(s, proof).is_ok());
}

TEST(ZkPresentation, BoundariesAndNegativeValues) {
  const Attestation a = attest({-3650, 0});  // born 1960-01-04
  const std::vector<Claim> claims = {Claim::at_most(0, -3650, 8),
                                     Claim::at_least(0, -3650, 8),
                                     Claim::between(0, -3650, -3650, 8),
                                     Claim::at_least(1, -255, 8),
                                     Claim::at_most(1, 255, 8),
                                     Claim::member(0, {-3650}),
                                     Claim::equal(1, 0),
                                     Claim::at_least(0, INT64_MIN, 64)};
  for (const Claim& c : claims) {
    const Statement s = statement(a, {c});
    const Bytes proof = prove(s, a);
    EXPECT_TRUE(verify_presentation(s, proof).is_ok()) << static_cast<int>(c.kind);
  }
}

TEST(ZkPresentation, MembershipInSetsOfEverySize) {
  for (std::size_t n : {1u, 2u, 3u, 16u, 17u, 64u}) {
    std::vector<std::int64_t> set;
    for (std::size_t i = 0; i < n; ++i) set.push_back(static_cast<std::int64_t>(1000 + 7 * i));
    for (std::size_t pick : {std::size_t{0}, n / 2, n - 1}) {
      const Attestation a = attest({set[pick]});
      const Statement s = statement(a, {Claim::member(0, set)});
      const Bytes proof = prove(s, a);
      EXPECT_EQ(proof.size(), s.proof_size());
      EXPECT_TRUE(verify_presentation(s, proof).is_ok()) << n << " values, index " << pick;
    }
  }
}

TEST(ZkPresentation, HonestProverRefusesFalseClaimsAndWrongOpenings) {
  const Attestation a = attest(kValues);
  OsScalars rng;
  const std::vector<Claim> false_claims = {Claim::at_most(0, kBirthDate - 1, 32),
                                           Claim::at_least(0, kBirthDate + 1, 32),
                                           Claim::at_most(0, kBirthDate + 256, 8),
                                           Claim::between(2, 58, 64, 8),
                                           Claim::member(3, {1, 2, 4}),
                                           Claim::equal(3, 4)};
  for (const Claim& c : false_claims) {
    auto proof = prove_presentation(statement(a, {c}), a.openings, rng);
    ASSERT_FALSE(proof.is_ok()) << static_cast<int>(c.kind);
    EXPECT_EQ(proof.error().code, Errc::invalid_argument);
  }
  Attestation wrong = a;
  wrong.openings[0].blinding = Scalar::random();
  EXPECT_FALSE(prove_presentation(statement(a, all_kinds()), wrong.openings, rng).is_ok());
}

TEST(ZkPresentation, FalseClaimsFromAProverThatSkipsItsChecksAreRefused) {
  const Attestation a = attest(kValues);
  OsScalars rng;
  const std::vector<Claim> false_claims = {
      Claim::at_most(0, kBirthDate - 1, 32),  // one day too young
      Claim::at_least(0, kBirthDate + 1, 32),
      Claim::at_most(0, kBirthDate + 256, 8),  // true, but not within 8 bits
      Claim::at_least(0, kBirthDate - 256, 8),
      Claim::between(2, 58, 64, 8),
      Claim::between(2, 40, 56, 8),
      Claim::member(3, {1, 2, 4}),
      Claim::member(3, {kMeaslesCode}),
      Claim::equal(3, 4)};
  for (const Claim& c : false_claims) {
    const Statement s = statement(a, {Claim::equal(3, 3), c});
    const Bytes proof = prove_presentation_unchecked(s, a.openings, rng);
    EXPECT_FALSE(verify_presentation(s, proof).is_ok()) << static_cast<int>(c.kind);
  }
  // A true claim proven with a wrong opening (a blinding that does not open the commitment).
  Attestation wrong = a;
  wrong.openings[0].blinding = Scalar::random();
  for (const Claim& c : all_kinds()) {
    const Statement s = statement(a, {c});
    const Bytes proof = prove_presentation_unchecked(s, wrong.openings, rng);
    if (c.attribute == 0) {
      EXPECT_FALSE(verify_presentation(s, proof).is_ok());
    }
  }
}

// Small shapes keep the exhaustive flips quick: one bit in every byte of a three-claim proof (the
// flipped bit's position turns with the byte), and every bit of the equality sub-proof.
TEST(ZkPresentation, AFlippedBitAnywhereIsRefused) {
  const Attestation a = attest(kValues);
  const Statement s = statement(a, {Claim::at_most(0, kBirthDate + 100, 8),
                                    Claim::member(3, {1, 2, 3, 4}), Claim::equal(3, 3)});
  const Bytes proof = prove(s, a);
  ASSERT_TRUE(verify_presentation(s, proof).is_ok());
  for (std::size_t i = 0; i < proof.size(); ++i) {
    Bytes bad = proof;
    bad[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    EXPECT_FALSE(verify_presentation(s, bad).is_ok()) << "byte " << i;
  }
  const std::size_t eq_start = proof.size() - 65;
  for (std::size_t bit = 0; bit < 65 * 8; ++bit) {
    Bytes bad = proof;
    bad[eq_start + bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(verify_presentation(s, bad).is_ok()) << "bit " << bit;
  }
}

TEST(ZkPresentation, TheProofIsBoundToEveryPartOfTheStatement) {
  const Attestation a = attest(kValues);
  const Attestation other = attest(kValues);  // same values, another attestation
  const Statement s = statement(a, all_kinds());
  const Bytes proof = prove(s, a);
  ASSERT_TRUE(verify_presentation(s, proof).is_ok());

  Statement swapped = s;
  swapped.commitments[0] = other.commitments[0];
  EXPECT_FALSE(verify_presentation(swapped, proof).is_ok()) << "swapped commitment";
  Statement whole_other = s;
  whole_other.commitments = other.commitments;
  EXPECT_FALSE(verify_presentation(whole_other, proof).is_ok()) << "another attestation";
  EXPECT_FALSE(
      verify_presentation(statement(a, all_kinds(), "verifier=did:key:z6MkInsurer nonce=43"), proof)
          .is_ok())
      << "another nonce";
  EXPECT_FALSE(
      verify_presentation(statement(a, all_kinds(), "verifier=did:key:z6MkOther nonce=42"), proof)
          .is_ok())
      << "another verifier";
  Statement looser = s;
  looser.claims[0].hi += 1;
  EXPECT_FALSE(verify_presentation(looser, proof).is_ok()) << "another bound";
  Statement wider = s;
  wider.claims[1].bits = 32;
  EXPECT_FALSE(verify_presentation(wider, proof).is_ok()) << "another bit width";
  Statement reordered = s;
  std::swap(reordered.claims[3], reordered.claims[4]);
  EXPECT_FALSE(verify_presentation(reordered, proof).is_ok()) << "reordered claims";
  Statement other_set = s;
  other_set.claims[3].set = {3, 2};
  EXPECT_FALSE(verify_presentation(other_set, proof).is_ok()) << "another set";
  Statement extra = s;
  extra.commitments.push_back(other.commitments[0]);
  EXPECT_FALSE(verify_presentation(extra, proof).is_ok()) << "an extra commitment";

  Bytes longer = proof;
  longer.push_back(0);
  EXPECT_FALSE(verify_presentation(s, longer).is_ok());
  EXPECT_FALSE(verify_presentation(s, ByteView(proof).first(proof.size() - 1)).is_ok());
  EXPECT_FALSE(verify_presentation(s, {}).is_ok());
}

TEST(ZkPresentation, PointsOffTheCurveOrAtInfinityAndNonCanonicalScalarsAreRefused) {
  const Attestation a = attest({5});
  const Statement s = statement(a, {Claim::equal(0, 5)});
  const Bytes proof = prove(s, a);  // Enc(K) || Enc(s)
  ASSERT_TRUE(verify_presentation(s, proof).is_ok());
  auto with_point = [&](Bytes point) {
    Bytes bad(point.begin(), point.end());
    bad.insert(bad.end(), proof.begin() + 33, proof.end());
    return bad;
  };
  Bytes x_not_on_curve(33, 0);
  x_not_on_curve[0] = 0x02;
  x_not_on_curve[32] = 0x01;  // x = 1: 1 - 3 + b is not a square mod p
  ASSERT_FALSE(Point::decode(x_not_on_curve).is_ok());
  Bytes identity(33, 0);
  Bytes x_above_p(33, 0xff);
  x_above_p[0] = 0x02;
  Bytes uncompressed_prefix = Bytes(proof.begin(), proof.begin() + 33);
  uncompressed_prefix[0] = 0x04;
  for (const Bytes& p : {x_not_on_curve, identity, x_above_p, uncompressed_prefix})
    EXPECT_FALSE(verify_presentation(s, with_point(p)).is_ok()) << to_hex(p);
  // The response replaced by n (≡ 0), n + 1 and 2^256 - 1: not canonical.
  const ScalarBytes order = group_order();
  Bytes n_bytes(order.bytes.begin(), order.bytes.end());
  Bytes n_plus_1 = n_bytes;
  n_plus_1[31] += 1;
  for (const Bytes& sc : {n_bytes, n_plus_1, Bytes(32, 0xff)}) {
    Bytes bad(proof.begin(), proof.begin() + 33);
    bad.insert(bad.end(), sc.begin(), sc.end());
    const Status st = verify_presentation(s, bad);
    ASSERT_FALSE(st.is_ok());
    EXPECT_EQ(st.error().code, Errc::non_canonical);
  }
  // A commitment at infinity is not a valid statement.
  Statement at_infinity = s;
  at_infinity.commitments[0] = Point();
  EXPECT_FALSE(verify_presentation(at_infinity, proof).is_ok());
}

TEST(ZkPresentation, InvalidStatementsAreRefused) {
  const Attestation a = attest({1});
  const Bytes proof = prove(statement(a, {Claim::equal(0, 1)}), a);
  const std::vector<Claim> bad = {Claim::equal(1, 1), Claim::at_least(0, 0, 12),
                                  Claim::between(0, 2, 1, 8), Claim::member(0, {}),
                                  Claim::member(0, std::vector<std::int64_t>(65, 1))};
  for (const Claim& c : bad) {
    const Status st = verify_presentation(statement(a, {c}), proof);
    ASSERT_FALSE(st.is_ok());
    EXPECT_EQ(st.error().code, Errc::invalid_argument);
  }
  EXPECT_FALSE(verify_presentation(statement(a, {}), {}).is_ok());
}

// Known answers: the instance layout of docs/zk.md section 5 byte for byte, and a proof from the
// seeded generator, pinned by its SHA-256, so no change to the transcript goes unnoticed.
TEST(ZkPresentation, InstanceEncodingAndTranscriptKnownAnswers) {
  Attestation a;
  a.openings = {{kBirthDate, Scalar::from_u64(11)}, {3, Scalar::from_u64(12)}};
  for (const auto& o : a.openings)
    a.commitments.push_back(pedersen_commit(Scalar::from_i64(o.value), o.blinding));
  const Statement s = statement(
      a, {Claim::at_most(0, kOver18Cutoff, 32), Claim::member(1, {2, 3}), Claim::equal(1, 3)},
      "ctx");
  const Bytes instance = s.encode_instance();
  std::string expected =
      "03000000"
      "637478"
      "02000000" +
      a.commitments[0].encode().hex() + a.commitments[1].encode().hex() + "03000000";
  expected +=
      "03"
      "00000000"
      "20000000" +
      Scalar::from_i64(kOver18Cutoff).encode().hex();
  expected +=
      "05"
      "01000000"
      "02000000" +
      Scalar::from_i64(2).encode().hex() + Scalar::from_i64(3).encode().hex();
  expected +=
      "01"
      "01000000" +
      Scalar::from_i64(3).encode().hex();
  EXPECT_EQ(to_hex(instance), expected);

  SeededScalars rng("PatientVault-ZK-V01-test-presentation");
  auto proof = prove_presentation(s, a.openings, rng);
  ASSERT_TRUE(proof.is_ok());
  EXPECT_TRUE(verify_presentation(s, *proof).is_ok());
  EXPECT_EQ(sha256(*proof).hex(), kPinnedProofDigest);
}

}  // namespace
}  // namespace pv::zk
