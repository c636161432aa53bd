// did:pv identities as organization admins and as credential issuers: their approvals and
// credentials are checked with the key the DID's document holds at that point of the ledger, so
// a rotated-out key neither approves a membership change nor issues a credential that verifies.

#include <gtest/gtest.h>

#include <ctime>

#include "codec/did_pv.hpp"
#include "ledger/credential_check.hpp"
#include "ledger/did_pv_rules.hpp"
#include "org_test_support.hpp"

namespace pv {
namespace {

using testing::Consortium;
using testing::TestParty;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class OrgDidPv : public ::testing::Test {
 protected:
  void SetUp() override {
    Bytes create =
        encode_did_create({{{"key-1", k1.public_key()}}, sha256(recovery.public_key().view())});
    did = did_pv_from_create(c.network, create);
    ASSERT_EQ(c.execute(signed_by(kTxTypeDidCreate, did + "#key-1", k1, create)), "valid");
  }

  Bytes signed_by(TxType type, const std::string& signer, const SigningKey& key, Bytes payload) {
    Transaction t;
    t.type = type;
    t.signer = signer;
    t.nonce = ++nonce;
    t.created_ms = c.now_ms;
    t.payload = std::move(payload);
    t.signature = key.sign(signing_message(c.network, t));
    return encode_transaction(t);
  }

  void rotate_to_key_2() {
    DidUpdate rotate{1, DidUpdateOp::rotate, {{"key-2", k2.public_key()}}, {}};
    ASSERT_EQ(c.execute(signed_by(kTxTypeDidUpdate, did + "#key-1", k1, encode_did_update(rotate))),
              "valid");
  }

  Consortium c;
  SigningKey k1 = SigningKey::generate(), k2 = SigningKey::generate(),
             recovery = SigningKey::generate();
  std::string did;
  std::uint64_t nonce = 0;
};

TEST_F(OrgDidPv, AdminApprovesWithItsCurrentKeyOnly) {
  // The hospital hands its vote to the did:pv admin.
  MembershipProposal handover;
  handover.action = OrgAction::update;
  handover.membership_version = 0;
  handover.expires_ms = c.now_ms + 600'000;
  handover.did = c.hospital.did;
  handover.organization = {"Hospital", "provider", {did}, {c.node.key.public_key()}};
  ASSERT_EQ(c.execute(c.change(handover, {c.approve(handover, c.a1), c.approve(handover, c.b1)})),
            "valid");

  TestParty clinic, d1;
  auto p = c.add_proposal(clinic.did, "provider", {d1.did});
  MembershipApproval by_key_1 = approve_proposal(c.network, p, did + "#key-1", k1);
  // The bare DID is not a key: the approval must name one.
  MembershipApproval bare = approve_proposal(c.network, p, did, k1);
  std::string r = c.execute(c.change(p, {bare, c.approve(p, c.b1)}));
  EXPECT_TRUE(contains(r, "approval 1: ")) << r;
  rotate_to_key_2();
  r = c.execute(c.change(p, {by_key_1, c.approve(p, c.b1)}));
  EXPECT_TRUE(contains(r, "approval 1: key #key-1 is not an active key of " + did)) << r;
  // A signature by the old key under the new key's name does not verify either.
  r = c.execute(
      c.change(p, {approve_proposal(c.network, p, did + "#key-2", k1), c.approve(p, c.b1)}));
  EXPECT_TRUE(contains(r, "approval 1: the signature of " + did + "#key-2 does not verify")) << r;
  EXPECT_EQ(c.execute(c.change(
                p, {approve_proposal(c.network, p, did + "#key-2", k2), c.approve(p, c.b1)})),
            "valid");
}

TEST_F(OrgDidPv, DidPvOrganizationIssuesWithItsCurrentKeyOnly) {
  TestParty admin;
  auto p = c.add_proposal(did, "provider", {admin.did});
  ASSERT_EQ(c.execute(c.change(p, {c.approve(p, c.a1), c.approve(p, c.c1)})), "valid");
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  auto issue = [&](const std::string& kid, const SigningKey& key) {
    RoleCredential cred;
    cred.issuer = did;
    cred.key_id = kid;
    cred.subject = admin.did;
    cred.role = "nurse";
    cred.license_number = "RN-1";
    cred.organization = "PV Clinic";
    cred.issued_at = cred.not_before = now;
    cred.expires = now + 3600;
    return *issue_role_credential(cred, key);
  };
  std::string old_jwt = issue(did + "#key-1", k1);
  StateCredentialLedger ledger(c.state);
  auto ok = verify_credential_on_ledger(old_jwt, ledger, {now});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->credential.issuer, did);

  rotate_to_key_2();
  auto stale = verify_credential_on_ledger(old_jwt, ledger, {now});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Errc::bad_signature);
  EXPECT_TRUE(contains(stale.error().message, "key #key-1 is not an active key"))
      << stale.error().message;
  EXPECT_TRUE(verify_credential_on_ledger(issue(did + "#key-2", k2), ledger, {now}));
  EXPECT_FALSE(verify_credential_on_ledger(issue(did + "#key-2", k1), ledger, {now}));
}

}  // namespace
}  // namespace pv
