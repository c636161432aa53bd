// Presentations of attestations (docs/attestations.md): claims parsed with the attribute table,
// the proof file's JSON, and the verifier's checks in order, each attacked: another nonce or
// verifier, another patient's key, a revoked attestation, a commitment swapped for another
// attestation's, a false claim from a prover that skips its checks, every byte of the proof
// flipped, points off the curve or at infinity and scalars >= n in the proof, and a file whose
// claims were edited after signing.

#include "identity/attestation_presentation.hpp"

#include <gtest/gtest.h>

#include "codec/did_key.hpp"
#include "ledger/attribute_table.hpp"
#include "ledger/jose.hpp"
#include "zk/generators.hpp"
#include "zk/presentation_internal.hpp"

namespace pv {
namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

struct Attested {
  AttestationIssue issue;
  std::vector<zk::Opening> openings;
};

Attested attest(const std::string& patient,
                const std::vector<std::pair<std::string, std::int64_t>>& values) {
  Attested a;
  a.issue.patient = patient;
  a.issue.schema = std::string(kAttributeSchemaV1);
  for (const auto& [name, v] : values) {
    zk::Scalar r = zk::Scalar::random();
    a.issue.attributes.push_back({name, zk::pedersen_commit(zk::Scalar::from_i64(v), r).encode()});
    a.openings.push_back({v, r});
  }
  return a;
}

std::int64_t day(const char* iso) {
  return *parse_iso_date(iso);
}

class PresentationTest : public ::testing::Test {
 protected:
  PresentationTest()
      : alice_did_(did_key_from_public_key(alice_.public_key())),
        att_(attest(alice_did_, {{"birth_date", day("1990-05-01")},
                                 {"vaccination_date", day("2021-03-15")},
                                 {"vaccine", 1}})),
        id_(sha256(as_bytes("attestation"))) {}

  std::vector<AttestationClaim> claims(std::initializer_list<const char*> texts) {
    std::vector<AttestationClaim> out;
    for (const char* t : texts) {
      auto c = parse_claim(kAttributeSchemaV1, t);
      EXPECT_TRUE(c) << t << ": " << c.error().message;
      out.push_back(*c);
    }
    return out;
  }

  PresentationFile present(std::vector<AttestationClaim> cs) {
    PresentationInput in{att_.issue, std::move(cs), verifier_, nonce_, alice_};
    auto p = make_presentation(in, id_, att_.openings);
    EXPECT_TRUE(p) << p.error().message;
    return *p;
  }

  AttestationFacts facts() const {
    AttestationFacts f;
    f.issue = att_.issue;
    f.issuer = "did:key:lab";
    f.height = 7;
    f.patient_keys = {alice_.public_key()};
    return f;
  }

  PresentationVerdict check(const PresentationFile& p) {
    return check_presentation(p, facts(), nonce_, verifier_);
  }

  SigningKey alice_ = SigningKey::generate();
  std::string alice_did_;
  Attested att_;
  AttestationId id_;
  std::string verifier_ = "did:key:z6MkinsurerVerifier", nonce_ = "n-4711";
};

TEST(AttestationClaims, ParseTheDocumentedForms) {
  auto over18 = parse_claim(kAttributeSchemaV1, "birth_date <= 2008-12-06");
  ASSERT_TRUE(over18);
  EXPECT_EQ(over18->kind, zk::ClaimKind::at_most);
  EXPECT_EQ(over18->hi, day("2008-12-06"));
  EXPECT_EQ(over18->bits, 32u);
  auto after = parse_claim(kAttributeSchemaV1, "vaccination_date > 2020-01-01");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->kind, zk::ClaimKind::at_least);
  EXPECT_EQ(after->lo, day("2020-01-02"));
  auto below = parse_claim(kAttributeSchemaV1, "hba1c < 6.5");
  ASSERT_TRUE(below);
  EXPECT_EQ(below->hi, 64);
  auto group = parse_claim(kAttributeSchemaV1, "blood_group in {O-, O+}");
  ASSERT_TRUE(group);
  EXPECT_EQ(group->set, (std::vector<std::int64_t>{1, 2}));
  auto eq = parse_claim(kAttributeSchemaV1, "vaccine = measles");
  ASSERT_TRUE(eq);
  EXPECT_EQ(eq->kind, zk::ClaimKind::equal);
  auto between = parse_claim(kAttributeSchemaV1, "hba1c between 4.0 and 6.4");
  ASSERT_TRUE(between);
  EXPECT_EQ(between->lo, 40);
  EXPECT_EQ(between->hi, 64);
  EXPECT_EQ(describe_claim(kAttributeSchemaV1, *over18), "birth_date <= 2008-12-06");
  EXPECT_EQ(describe_claim(kAttributeSchemaV1, *group), "blood_group in {O-, O+}");
  for (const char* bad :
       {"", "birth_date", "birth_date ~ 2000-01-01", "age >= 18", "birth_date <= 2008-13-01",
        "hba1c between 6 and 5", "vaccine in", "blood_group in Q+"})
    EXPECT_FALSE(parse_claim(kAttributeSchemaV1, bad)) << bad;
  for (const auto* c : {&*over18, &*after, &*below, &*group, &*eq, &*between}) {
    auto back = claim_from_json(claim_to_json(*c));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, *c);
  }
  nlohmann::json wider = claim_to_json(*over18);
  wider["bits"] = 64;
  EXPECT_FALSE(claim_from_json(wider));
  wider = claim_to_json(*over18);
  wider["extra"] = 1;
  EXPECT_FALSE(claim_from_json(wider));
}

TEST_F(PresentationTest, AnHonestPresentationVerifiesAndItsFileRoundTrips) {
  PresentationFile p = present(claims(
      {"birth_date <= 2008-12-06", "vaccine in measles,mmr", "vaccination_date > 2020-01-01"}));
  auto v = check(p);
  EXPECT_TRUE(v.valid) << v.reason;
  EXPECT_EQ(v.claims[0], "birth_date <= 2008-12-06");
  auto back = parse_presentation_file(presentation_file_json(p, kAttributeSchemaV1));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(check(*back).valid);
  // "Over 18" alone: the zero-knowledge part is under 1 KB.
  PresentationFile over18 = present(claims({"birth_date <= 2008-12-06"}));
  EXPECT_LT(over18.proof.size(), 1024u);
  EXPECT_TRUE(check(over18).valid);
}

TEST_F(PresentationTest, TheProverRefusesAFalseClaim) {
  PresentationInput in{att_.issue, claims({"birth_date <= 1989-01-01"}), verifier_, nonce_, alice_};
  auto p = make_presentation(in, id_, att_.openings);
  ASSERT_FALSE(p);
  EXPECT_TRUE(contains(p.error().message, "is false for your attested value"));
}

TEST_F(PresentationTest, AFalseClaimFromAProverThatSkipsItsChecksIsRefused) {
  PresentationFile p = present(claims({"birth_date <= 2008-12-06"}));
  p.claims = claims({"birth_date <= 1989-01-01"});
  auto st = presentation_statement(att_.issue, p);
  ASSERT_TRUE(st);
  zk::OsScalars rng;
  p.proof = zk::prove_presentation_unchecked(*st, att_.openings, rng);
  p.signature = alice_.sign(presentation_signing_message(*st, p.proof));
  auto v = check(p);
  EXPECT_FALSE(v.valid);
  EXPECT_TRUE(contains(v.reason, "zero-knowledge proof does not verify")) << v.reason;
}

TEST_F(PresentationTest, ReplaysToAnotherNonceOrVerifierAreRefused) {
  PresentationFile p = present(claims({"birth_date <= 2008-12-06"}));
  EXPECT_TRUE(contains(check_presentation(p, facts(), "other", verifier_).reason, "another nonce"));
  EXPECT_TRUE(contains(check_presentation(p, facts(), nonce_, "did:key:z6MkOther").reason,
                       "another verifier"));
  // Rewriting the file's nonce or verifier to the new ones breaks the proof: both are in its
  // context.
  PresentationFile renamed = p;
  renamed.nonce = "other";
  EXPECT_TRUE(contains(check_presentation(renamed, facts(), "other", verifier_).reason,
                       "zero-knowledge proof does not verify"));
  renamed = p;
  renamed.verifier = "did:key:z6MkOther";
  EXPECT_TRUE(contains(check_presentation(renamed, facts(), nonce_, "did:key:z6MkOther").reason,
                       "zero-knowledge proof does not verify"));
}

TEST_F(PresentationTest, AProofSignedByAnotherKeyIsRefused) {
  PresentationFile p = present(claims({"birth_date <= 2008-12-06"}));
  SigningKey mallory = SigningKey::generate();
  PresentationFile stolen = p;
  stolen.patient_key = mallory.public_key();
  auto st = presentation_statement(att_.issue, stolen);
  ASSERT_TRUE(st);
  stolen.signature = mallory.sign(presentation_signing_message(*st, stolen.proof));
  EXPECT_TRUE(contains(check(stolen).reason, "not signed by a current key"));
  // Alice's key but a signature by someone else.
  PresentationFile forged = p;
  forged.signature = mallory.sign(presentation_signing_message(*st, p.proof));
  EXPECT_TRUE(contains(check(forged).reason, "signature over the presentation does not verify"));
  // A proof for another patient's attestation.
  AttestationFacts bob = facts();
  bob.issue.patient = did_key_from_public_key(mallory.public_key());
  bob.patient_keys = {mallory.public_key()};
  EXPECT_FALSE(check_presentation(p, bob, nonce_, verifier_).valid);
}

TEST_F(PresentationTest, RevokedAttestationsAndSwappedCommitmentsAreRefused) {
  PresentationFile p = present(claims({"birth_date <= 2008-12-06"}));
  AttestationFacts revoked = facts();
  revoked.revoked = true;
  revoked.revoked_height = 9;
  EXPECT_TRUE(contains(check_presentation(p, revoked, nonce_, verifier_).reason, "revoked"));
  // The same birth date attested elsewhere: another commitment, so the proof does not move.
  Attested other = attest(
      alice_did_,
      {{"birth_date", day("1990-05-01")}, {"vaccination_date", day("2021-03-15")}, {"vaccine", 1}});
  AttestationFacts swapped = facts();
  swapped.issue.attributes[0] = other.issue.attributes[0];
  EXPECT_TRUE(contains(check_presentation(p, swapped, nonce_, verifier_).reason,
                       "zero-knowledge proof does not verify"));
}

TEST_F(PresentationTest, EveryFlippedByteOfTheProofIsRefused) {
  PresentationFile p = present(claims({"birth_date <= 2008-12-06", "vaccine = measles"}));
  for (std::size_t i = 0; i < p.proof.size(); ++i) {
    PresentationFile bad = p;
    bad.proof[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    EXPECT_FALSE(check(bad).valid) << "byte " << i;
  }
  PresentationFile longer = p;
  longer.proof.push_back(0);
  EXPECT_FALSE(check(longer).valid);
  PresentationFile shorter = p;
  shorter.proof.pop_back();
  EXPECT_FALSE(check(shorter).valid);
}

TEST_F(PresentationTest, PointsOffTheCurveAtInfinityAndScalarsAboveTheOrderAreRefused) {
  PresentationFile p = present(claims({"birth_date <= 2008-12-06"}));
  // The range proof opens with the point A (33 bytes) and ends with the scalars a, b.
  PresentationFile infinity = p;
  std::fill(infinity.proof.begin(), infinity.proof.begin() + 33, 0);
  EXPECT_FALSE(check(infinity).valid);
  PresentationFile off_curve = p;
  off_curve.proof[0] = 0x02;
  for (std::uint8_t x = 1;; ++x) {
    std::fill(off_curve.proof.begin() + 1, off_curve.proof.begin() + 33, 0);
    off_curve.proof[32] = x;
    if (!zk::Point::decode(ByteView(off_curve.proof).first(33))) break;
  }
  EXPECT_FALSE(check(off_curve).valid);
  PresentationFile above = p;
  const zk::ScalarBytes n = zk::group_order();
  std::copy(n.view().begin(), n.view().end(), above.proof.end() - 32);
  auto v = check(above);
  EXPECT_FALSE(v.valid);
  EXPECT_TRUE(contains(v.reason, "zero-knowledge proof does not verify")) << v.reason;
}

TEST_F(PresentationTest, ClaimsEditedInTheFileAreRefused) {
  PresentationFile p = present(claims({"birth_date <= 2008-12-06"}));
  std::string text = presentation_file_json(p, kAttributeSchemaV1);
  auto j = nlohmann::json::parse(text);
  j["claims"][0]["max"] = day("2010-01-01");
  auto edited = parse_presentation_file(j.dump());
  ASSERT_TRUE(edited);
  EXPECT_FALSE(check(*edited).valid);
  // The human text is rewritten from the claim, never trusted.
  j = nlohmann::json::parse(text);
  j["claims"][0]["text"] = "birth_date <= 2020-01-01";
  auto retexted = parse_presentation_file(j.dump());
  ASSERT_TRUE(retexted);
  auto v = check(*retexted);
  EXPECT_TRUE(v.valid);
  EXPECT_EQ(v.claims[0], "birth_date <= 2008-12-06");
  // Undecodable files are errors, not crashes.
  for (const char* bad : {"", "{}", "[]", "{\"format\":\"pv-presentation-v1\"}", "nul"})
    EXPECT_FALSE(parse_presentation_file(bad)) << bad;
}

}  // namespace
}  // namespace pv
