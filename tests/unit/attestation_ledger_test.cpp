// Attestations through the real executor (docs/attestations.md): a lab attests committed
// attributes of a patient, the patient's list and the state digest cover it, the issuer revokes
// it once. Then the attacks: commitments that are not canonical points (infinity, off the curve,
// uncompressed, x above the field), unsorted or unknown names, an unknown schema, trailing bytes,
// issuers that are not member organizations or may not attest, an openings key sealed to
// someone else, a second revocation, and revocations by another organization or the patient.
// Practitioners sign with a ledger credential of a member provider; an expired, revoked,
// foreign, licence-bearing or someone else's credential is refused.

#include <gtest/gtest.h>

#include "consent_support.hpp"
#include "ledger/attestation_rules.hpp"
#include "ledger/attribute_table.hpp"
#include "ledger/credential_revocation.hpp"
#include "ledger/vc_jwt.hpp"
#include "zk/generators.hpp"

namespace pv {
namespace {

using testing::contains;
using testing::Person;
using testing::TestLedger;

zk::PointBytes commit(std::int64_t value) {
  return zk::pedersen_commit(zk::Scalar::from_i64(value), zk::Scalar::random()).encode();
}

class AttestationLedgerTest : public ::testing::Test {
 protected:
  AttestationLedgerTest() : ledger_(make_genesis()) {}

  Genesis make_genesis() {
    Genesis g;
    g.network = "attestation-test";
    g.time_ms = 1'700'000'000'000;
    g.organizations.push_back({lab_.did, "City Lab", "lab", {node_.key.public_key()}, {lab_.did}});
    g.organizations.push_back({hospital_.did, "General Hospital", "provider", {}, {hospital_.did}});
    g.organizations.push_back({insurer_.did, "Mutual Insurance", "insurer", {}, {insurer_.did}});
    return g;
  }

  AttestationIssue attestation(const Person& patient) {
    AttestationIssue a;
    a.patient = patient.did;
    a.schema = std::string(kAttributeSchemaV1);
    a.attributes = {{"birth_date", commit(7425)}, {"vaccine", commit(1)}};
    a.openings_cid = to_bytes("\x01\x55\x12\x20" + std::string(32, 'o'));
    auto sealed = seal_key_to_ed25519(generate_secret_key(), patient.key.public_key());
    EXPECT_TRUE(sealed);
    a.openings_key = {patient.key.public_key(), *sealed};
    return a;
  }

  Bytes issue(Person& issuer, const AttestationIssue& a) {
    return ledger_.sign(issuer, kTxTypeAttestationIssue, encode_attestation_issue(a));
  }
  Bytes revoke(Person& who, const AttestationId& id,
               AttestationRevokeReason reason = AttestationRevokeReason::withdrawn) {
    return ledger_.sign(who, kTxTypeAttestationRevoke, encode_attestation_revoke({id, reason}));
  }
  // Replaces the first attribute's commitment bytes in an encoded payload.
  Bytes with_commitment(const AttestationIssue& a, ByteView point) {
    Bytes p = encode_attestation_issue(a);
    ByteView first = a.attributes[0].commitment.view();
    auto it = std::search(p.begin(), p.end(), first.begin(), first.end());
    EXPECT_NE(it, p.end());
    std::copy(point.begin(), point.end(), it);
    return p;
  }

  // A role credential from `org` to `subject`, valid around the ledger's current time; the
  // ledger form unless a licence number is given.
  std::string credential(const Person& org, const Person& subject, std::string license = "",
                         std::int64_t valid_from_offset = -60, std::int64_t days = 30) {
    RoleCredential c;
    c.issuer = org.did;
    c.key_id = did_key_method_id(org.did);
    c.subject = subject.did;
    c.role = "physician";
    c.license_number = std::move(license);
    c.organization = c.license_number.empty() ? org.did : "General Hospital";
    const auto now = static_cast<std::int64_t>(ledger_.time_ms() / 1000);
    c.issued_at = c.not_before = now + valid_from_offset;
    c.expires = c.not_before + days * 86'400;
    auto jwt = issue_role_credential(c, org.key);
    EXPECT_TRUE(jwt) << jwt.error().message;
    return jwt ? *jwt : "";
  }
  AttestationIssue with_credential(const Person& patient, std::string jwt) {
    AttestationIssue a = attestation(patient);
    a.credential = std::move(jwt);
    return a;
  }

  Person lab_, hospital_, insurer_, node_, alice_, bob_, dr_lee_;
  TestLedger ledger_;
};

TEST(AttributeTable, ParsesAndFormatsEachKind) {
  const auto* birth = find_attribute(kAttributeSchemaV1, "birth_date");
  ASSERT_NE(birth, nullptr);
  EXPECT_EQ(*parse_attribute_value(*birth, "1970-01-01"), 0);
  EXPECT_EQ(*parse_attribute_value(*birth, "1990-05-01"), 7425);
  EXPECT_EQ(*parse_attribute_value(*birth, "1969-12-31"), -1);
  EXPECT_EQ(*parse_attribute_value(*birth, "2000-02-29"), 11016);
  EXPECT_EQ(format_attribute_value(*birth, 7425), "1990-05-01");
  EXPECT_EQ(format_attribute_value(*birth, -1), "1969-12-31");
  for (std::int64_t d = -62091; d <= 84370; d += 97)
    EXPECT_EQ(*parse_iso_date(format_iso_date(d)), d);
  for (const char* bad : {"1990-02-30", "2001-02-29", "1990-13-01", "1990-5-01", "19900501",
                          "1799-12-31", "2201-01-01", "1990-05-01 ", "+990-05-01"})
    EXPECT_FALSE(parse_attribute_value(*birth, bad)) << bad;

  const auto* hba1c = find_attribute(kAttributeSchemaV1, "hba1c");
  ASSERT_NE(hba1c, nullptr);
  EXPECT_EQ(*parse_attribute_value(*hba1c, "6.4"), 64);
  EXPECT_EQ(*parse_attribute_value(*hba1c, "6.4 %"), 64);
  EXPECT_EQ(*parse_attribute_value(*hba1c, "7"), 70);
  EXPECT_EQ(format_attribute_value(*hba1c, 64), "6.4 %");
  for (const char* bad : {"6.45", "6.", ".4", "abc", "-1", "99", "6,4"})
    EXPECT_FALSE(parse_attribute_value(*hba1c, bad)) << bad;

  const auto* blood = find_attribute(kAttributeSchemaV1, "blood_group");
  ASSERT_NE(blood, nullptr);
  EXPECT_EQ(*parse_attribute_value(*blood, "O+"), 2);
  EXPECT_EQ(format_attribute_value(*blood, 7), "AB-");
  EXPECT_FALSE(parse_attribute_value(*blood, "C+"));
  EXPECT_EQ(find_attribute("pv-attributes-v2", "birth_date"), nullptr);
  EXPECT_EQ(find_attribute(kAttributeSchemaV1, "name"), nullptr);
  // The published table is sorted by name (the payload's order).
  auto table = attribute_table_v1();
  for (std::size_t i = 1; i < table.size(); ++i) EXPECT_LT(table[i - 1].name, table[i].name);
}

TEST_F(AttestationLedgerTest, PayloadsRoundTripCanonically) {
  AttestationIssue a = attestation(alice_);
  Bytes p = encode_attestation_issue(a);
  auto back = decode_attestation_issue(p);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, a);
  Bytes trailing = p;
  trailing.push_back(0);
  EXPECT_FALSE(decode_attestation_issue(trailing));
  for (std::size_t cut = 0; cut < p.size(); ++cut)
    EXPECT_FALSE(decode_attestation_issue(ByteView(p).first(cut))) << cut;
  AttestationRevoke rv{sha256(as_bytes("x")), AttestationRevokeReason::superseded};
  EXPECT_EQ(*decode_attestation_revoke(encode_attestation_revoke(rv)), rv);
  Bytes bad_reason = encode_attestation_revoke(rv);
  bad_reason.back() = 9;
  EXPECT_FALSE(decode_attestation_revoke(bad_reason));
}

TEST_F(AttestationLedgerTest, LabAttestsAndThePatientsListHoldsIt) {
  AttestationIssue a = attestation(alice_);
  Bytes tx = issue(lab_, a);
  const AttestationId id = transaction_id(tx);
  ASSERT_EQ(ledger_.commit(tx), "valid");
  auto s = load_attestation(ledger_.state(), id);
  ASSERT_TRUE(s && *s);
  EXPECT_EQ((*s)->issue, a);
  EXPECT_EQ((*s)->issuer, lab_.did);
  EXPECT_EQ((*s)->height, ledger_.height());
  EXPECT_FALSE((*s)->revoked);
  auto list = index_read(ledger_.state(), attestations_of_patient_list(alice_.did));
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, std::vector<Hash32>{id});
  // A provider organization attests too.
  EXPECT_EQ(ledger_.commit(issue(hospital_, attestation(alice_))), "valid");
  EXPECT_EQ(index_size(ledger_.state(), attestations_of_patient_list(alice_.did)), 2u);
}

TEST_F(AttestationLedgerTest, TheStateDigestCoversAttestations) {
  Bytes tx = issue(lab_, attestation(alice_));
  const std::string key = attestation_state_key(transaction_id(tx));
  std::vector<Bytes> txs{tx};
  ExecutionInput in{ledger_.network(), ledger_.height() + 1, ledger_.time_ms() + 1000, txs};
  BlockExecution ex = execute_block(builtin_tx_registry(), ledger_.state(), in);
  ASSERT_EQ(ex.results[0].code, TxCode::valid);
  bool state = false, index = false;
  for (const auto& c : ex.changes) {
    state |= c.key == key;
    index |= c.key.rfind(attestations_of_patient_list(alice_.did), 0) == 0;
  }
  EXPECT_TRUE(state);
  EXPECT_TRUE(index);
  // The digest moves with the attestation's bytes: another commitment, another digest.
  AttestationIssue other = attestation(alice_);
  std::vector<Bytes> txs2{issue(lab_, other)};
  ExecutionInput in2{ledger_.network(), ledger_.height() + 1, ledger_.time_ms() + 1000, txs2};
  BlockExecution ex2 = execute_block(builtin_tx_registry(), ledger_.state(), in2);
  EXPECT_NE(chain_state_digest(Hash32{}, ex.changes), chain_state_digest(Hash32{}, ex2.changes));
}

TEST_F(AttestationLedgerTest, CommitmentsThatAreNotCanonicalPointsAreRefused) {
  AttestationIssue a = attestation(alice_);
  Bytes infinity(33, 0);
  Bytes uncompressed_prefix =
      Bytes(a.attributes[0].commitment.view().begin(), a.attributes[0].commitment.view().end());
  uncompressed_prefix[0] = 0x04;
  Bytes above_field(33, 0xff);
  above_field[0] = 0x02;
  // x = 0 is not the abscissa of a P-256 point with either sign... find an off-curve x.
  Bytes off_curve(33, 0);
  off_curve[0] = 0x02;
  for (std::uint8_t x = 1; x < 255; ++x) {
    off_curve[32] = x;
    if (!zk::Point::decode(off_curve)) break;
  }
  ASSERT_FALSE(zk::Point::decode(off_curve));
  for (const Bytes& bad : {infinity, uncompressed_prefix, above_field, off_curve}) {
    Bytes payload = with_commitment(a, bad);
    EXPECT_FALSE(decode_attestation_issue(payload));
    Bytes tx = ledger_.sign(lab_, kTxTypeAttestationIssue, payload);
    EXPECT_NE(ledger_.commit(tx), "valid");
  }
}

TEST_F(AttestationLedgerTest, MalformedAttributeListsAreRefused) {
  AttestationIssue unsorted = attestation(alice_);
  std::swap(unsorted.attributes[0], unsorted.attributes[1]);
  EXPECT_TRUE(contains(decode_attestation_issue(encode_attestation_issue(unsorted)).error().message,
                       "strictly increasing"));
  AttestationIssue twice = attestation(alice_);
  twice.attributes[1].name = twice.attributes[0].name;
  EXPECT_FALSE(decode_attestation_issue(encode_attestation_issue(twice)));
  AttestationIssue unknown = attestation(alice_);
  unknown.attributes[0].name = "a_name";
  EXPECT_TRUE(contains(decode_attestation_issue(encode_attestation_issue(unknown)).error().message,
                       "not in pv-attributes-v1"));
  AttestationIssue schema = attestation(alice_);
  schema.schema = "pv-attributes-v9";
  EXPECT_FALSE(decode_attestation_issue(encode_attestation_issue(schema)));
  AttestationIssue none = attestation(alice_);
  none.attributes.clear();
  EXPECT_FALSE(decode_attestation_issue(encode_attestation_issue(none)));
  AttestationIssue patient = attestation(alice_);
  patient.patient = "did:example:alice";
  EXPECT_FALSE(decode_attestation_issue(encode_attestation_issue(patient)));
  AttestationIssue cid = attestation(alice_);
  cid.openings_cid[0] = 0x12;  // a CIDv0 multihash, not a CIDv1
  EXPECT_FALSE(decode_attestation_issue(encode_attestation_issue(cid)));
  for (const auto& bad : {unsorted, twice, unknown, schema, none, patient, cid})
    EXPECT_NE(ledger_.commit(issue(lab_, bad)), "valid");
}

TEST_F(AttestationLedgerTest, OnlyMemberOrganizationsThatMayAttestIssue) {
  Person stranger;
  EXPECT_TRUE(contains(ledger_.commit(issue(stranger, attestation(alice_))),
                       "is not a member organization"));
  EXPECT_TRUE(contains(ledger_.commit(issue(insurer_, attestation(alice_))),
                       "only provider and lab organizations attest"));
  // A practitioner's own DID is not an organization either: the organization signs.
  EXPECT_TRUE(contains(ledger_.commit(issue(bob_, attestation(alice_))), "may not attest"));
  AttestationIssue self = attestation(alice_);
  self.patient = lab_.did;
  self.openings_key.recipient = lab_.key.public_key();
  EXPECT_TRUE(contains(ledger_.commit(issue(lab_, self)), "about itself"));
  AttestationIssue elsewhere = attestation(alice_);
  elsewhere.openings_key.recipient = bob_.key.public_key();
  EXPECT_TRUE(contains(ledger_.commit(issue(lab_, elsewhere)), "sealed to the patient"));
  EXPECT_EQ(index_size(ledger_.state(), attestations_of_patient_list(alice_.did)), 0u);
}

TEST_F(AttestationLedgerTest, OnlyTheIssuerRevokesAndOnlyOnce) {
  Bytes tx = issue(lab_, attestation(alice_));
  const AttestationId id = transaction_id(tx);
  ASSERT_EQ(ledger_.commit(tx), "valid");
  EXPECT_TRUE(contains(ledger_.commit(revoke(hospital_, id)), "only the issuer"));
  EXPECT_TRUE(contains(ledger_.commit(revoke(alice_, id)), "only the issuer"));
  EXPECT_TRUE(
      contains(ledger_.commit(revoke(lab_, sha256(as_bytes("nothing")))), "not on this ledger"));
  EXPECT_EQ(ledger_.commit(revoke(lab_, id)), "valid");
  auto s = load_attestation(ledger_.state(), id);
  ASSERT_TRUE(s && *s);
  EXPECT_TRUE((*s)->revoked);
  EXPECT_EQ((*s)->revoked_by, lab_.did);
  EXPECT_EQ((*s)->revoked_height, ledger_.height());
  EXPECT_EQ((*s)->revoke_reason, AttestationRevokeReason::withdrawn);
  EXPECT_TRUE(contains(ledger_.commit(revoke(lab_, id)), "already revoked"));
  auto back = decode_attestation_state(encode_attestation_state(**s));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, **s);
}

TEST_F(AttestationLedgerTest, PractitionerPayloadsRoundTripCanonically) {
  AttestationIssue a = with_credential(alice_, credential(hospital_, dr_lee_));
  Bytes p = encode_attestation_issue(a);
  EXPECT_EQ(p[4], kAttestationPayloadVersionPractitioner);
  auto back = decode_attestation_issue(p);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, a);
  for (std::size_t cut = 0; cut < p.size(); ++cut)
    EXPECT_FALSE(decode_attestation_issue(ByteView(p).first(cut))) << cut;
  // Version 2 with an empty credential is a second spelling of version 1: refused.
  Bytes v1 = encode_attestation_issue(attestation(alice_));
  Bytes empty = v1;
  empty[4] = kAttestationPayloadVersionPractitioner;
  empty.insert(empty.end(), {0, 0, 0, 0});  // var: u32 length 0
  EXPECT_TRUE(contains(decode_attestation_issue(empty).error().message, "carries a credential"));
  // Version 1 followed by a credential is trailing bytes.
  Bytes tail = p;
  tail[4] = kAttestationPayloadVersion;
  EXPECT_FALSE(decode_attestation_issue(tail));
  tail[4] = 3;
  EXPECT_FALSE(decode_attestation_issue(tail));
}

TEST_F(AttestationLedgerTest, PractitionerWithLedgerCredentialAttestsForTheProvider) {
  const std::string jwt = credential(hospital_, dr_lee_);
  Bytes tx = issue(dr_lee_, with_credential(alice_, jwt));
  const AttestationId id = transaction_id(tx);
  ASSERT_EQ(ledger_.commit(tx), "valid");
  auto s = load_attestation(ledger_.state(), id);
  ASSERT_TRUE(s && *s);
  EXPECT_EQ((*s)->issuer, hospital_.did);  // the issuer of record
  EXPECT_EQ((*s)->attested_by, dr_lee_.did);
  EXPECT_EQ((*s)->issue.credential, jwt);
  auto back = decode_attestation_state(encode_attestation_state(**s));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, **s);
  // The organization revokes it; the practitioner is not the issuer of record.
  EXPECT_TRUE(contains(ledger_.commit(revoke(dr_lee_, id)), "only the issuer"));
  EXPECT_EQ(ledger_.commit(revoke(hospital_, id)), "valid");
  // The credential stays usable for further attestations while in date and not revoked.
  EXPECT_EQ(ledger_.commit(issue(dr_lee_, with_credential(bob_, jwt))), "valid");
}

TEST_F(AttestationLedgerTest, PractitionerCredentialsThatMustNotAttestAreRefused) {
  // Expired: valid 30 days from 40 days ago.
  EXPECT_TRUE(contains(
      ledger_.commit(issue(
          dr_lee_, with_credential(alice_, credential(hospital_, dr_lee_, "", -40 * 86'400, 30)))),
      "expired"));
  // Not yet valid.
  EXPECT_TRUE(contains(
      ledger_.commit(
          issue(dr_lee_, with_credential(alice_, credential(hospital_, dr_lee_, "", 86'400, 30)))),
      "not yet valid"));
  // Licence-bearing: the full credential names a person's licence; it never goes on the ledger.
  EXPECT_TRUE(
      contains(ledger_.commit(issue(
                   dr_lee_, with_credential(alice_, credential(hospital_, dr_lee_, "MD-4471")))),
               "may hold only id, role and organization"));
  // Foreign: a stranger organization, a lab (may not issue practitioner credentials), an insurer.
  Person stranger;
  EXPECT_TRUE(contains(
      ledger_.commit(issue(dr_lee_, with_credential(alice_, credential(stranger, dr_lee_)))),
      "not a member organization"));
  EXPECT_TRUE(
      contains(ledger_.commit(issue(dr_lee_, with_credential(alice_, credential(lab_, dr_lee_)))),
               "may not issue practitioner credentials"));
  EXPECT_TRUE(contains(
      ledger_.commit(issue(dr_lee_, with_credential(alice_, credential(insurer_, dr_lee_)))),
      "may not issue practitioner credentials"));
  // Someone else's: Bob signs with Dr Lee's credential.
  EXPECT_TRUE(
      contains(ledger_.commit(issue(bob_, with_credential(alice_, credential(hospital_, dr_lee_)))),
               "not to the signer"));
  // Forged: one byte of the signature changed.
  std::string forged = credential(hospital_, dr_lee_);
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_NE(ledger_.commit(issue(dr_lee_, with_credential(alice_, forged))), "valid");
  // About oneself.
  AttestationIssue self = with_credential(dr_lee_, credential(hospital_, dr_lee_));
  EXPECT_TRUE(contains(ledger_.commit(issue(dr_lee_, self)), "about itself"));
  // Revoked by the hospital before it was used.
  const std::string jwt = credential(hospital_, dr_lee_);
  auto handle = peek_role_credential(jwt);
  ASSERT_TRUE(handle);
  ASSERT_EQ(ledger_.commit(ledger_.sign(hospital_, kTxTypeCredentialRevoke,
                                        encode_credential_revoke(handle->id))),
            "valid");
  EXPECT_TRUE(
      contains(ledger_.commit(issue(dr_lee_, with_credential(alice_, jwt))), "was revoked"));
  EXPECT_EQ(index_size(ledger_.state(), attestations_of_patient_list(alice_.did)), 0u);
}

}  // namespace
}  // namespace pv
