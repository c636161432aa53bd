// Role credentials against the ledger (ledger/credential_check.hpp), with ledger state made
// by the real executor: accepted from a member provider; refused when revoked by its issuer,
// issued by a non-member, a removed member or a non-provider, or signed by a key that is not the
// issuer's. Another organization's revocation of the same id does not count.

#include "ledger/credential_check.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "ledger/credential_revocation.hpp"
#include "org_test_support.hpp"

namespace pv {
namespace {

using testing::Consortium;
using testing::TestParty;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class CredentialCheck : public ::testing::Test {
 protected:
  std::string issue(const TestParty& issuer, const SigningKey& key, const std::string& id = "") {
    RoleCredential c;
    c.id = id;
    c.issuer = issuer.did;
    c.key_id = did_key_method_id(issuer.did);
    c.subject = doctor.did;
    c.role = "physician";
    c.license_number = "MD-4471";
    c.organization = "Hospital";
    c.issued_at = c.not_before = now;
    c.expires = now + 3600;
    auto jwt = issue_role_credential(c, key);
    EXPECT_TRUE(jwt) << jwt.error().message;
    return jwt ? *jwt : "";
  }

  Result<LedgerCredential> check(const std::string& jwt) {
    StateCredentialLedger ledger(c.state);
    return verify_credential_on_ledger(jwt, ledger, {now});
  }

  void expect_refused(const std::string& jwt, Errc code, const std::string& reason) {
    auto r = check(jwt);
    ASSERT_FALSE(r) << "accepted: " << jwt;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_TRUE(contains(r.error().message, reason)) << r.error().message;
  }

  std::string revoke(const TestParty& who, const std::string& jti) {
    return c.execute(c.transaction(kTxTypeCredentialRevoke, who, encode_credential_revoke(jti)));
  }

  Consortium c;
  TestParty doctor;
  std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
};

TEST_F(CredentialCheck, MemberProviderCredentialIsAccepted) {
  auto r = check(issue(c.hospital, c.hospital.key));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->credential.issuer, c.hospital.did);
  EXPECT_EQ(r->credential.role, "physician");
  EXPECT_EQ(r->issuer.role, "provider");
}

TEST_F(CredentialCheck, RevokedByItsIssuerIsRefused) {
  const std::string jti = "urn:uuid:7e1d1f5e-8a42-4f0b-9d7c-3a3f6f1c2b10";
  std::string jwt = issue(c.hospital, c.hospital.key, jti);
  // Another member "revoking" the hospital's credential changes nothing.
  ASSERT_EQ(revoke(c.insurer, jti), "valid");
  ASSERT_TRUE(check(jwt));
  ASSERT_EQ(revoke(c.hospital, jti), "valid");
  expect_refused(jwt, Errc::forbidden,
                 "credential " + jti + " was revoked by its issuer at height");
  // A fresh credential of the same issuer is unaffected.
  EXPECT_TRUE(check(issue(c.hospital, c.hospital.key)));
}

TEST_F(CredentialCheck, NonMemberRemovedAndNonProviderIssuersAreRefused) {
  TestParty outsider;
  expect_refused(issue(outsider, outsider.key), Errc::forbidden,
                 "issuer " + outsider.did + " is not a member organization of this network");
  expect_refused(issue(c.insurer, c.insurer.key), Errc::forbidden,
                 "has role \"insurer\", which may not issue practitioner credentials");
  std::string jwt = issue(c.hospital, c.hospital.key);
  ASSERT_TRUE(check(jwt));
  // Give the node to the insurer, then remove the hospital: its credentials stop verifying.
  MembershipProposal give;
  give.action = OrgAction::update;
  give.membership_version = 0;
  give.expires_ms = c.now_ms + 60'000;
  give.did = c.insurer.did;
  give.organization = {"Insurer", "insurer", {c.b1.did}, {c.node.key.public_key()}};
  MembershipProposal drop = c.remove_proposal(c.hospital.did);
  ASSERT_EQ(c.execute(c.change(drop, {c.approve(drop, c.a1), c.approve(drop, c.c1)})),
            "rejected: the change would leave the network without a node key");
  ASSERT_EQ(c.execute(c.change(give, {c.approve(give, c.a1), c.approve(give, c.b1)})),
            "rejected: node key " + c.node.key.public_key().hex() + " is already run by " +
                c.hospital.did);
  TestParty spare_node;
  give.organization.node_keys = {spare_node.key.public_key()};
  ASSERT_EQ(c.execute(c.change(give, {c.approve(give, c.a1), c.approve(give, c.b1)})), "valid");
  drop.membership_version = 1;
  ASSERT_EQ(c.execute(c.change(drop, {c.approve(drop, c.a1), c.approve(drop, c.c1)})), "valid");
  expect_refused(jwt, Errc::forbidden,
                 "issuer " + c.hospital.did + " was removed from the network at height");
}

TEST_F(CredentialCheck, KeyThatIsNotTheIssuersIsRefused) {
  TestParty impostor;
  expect_refused(issue(c.hospital, impostor.key), Errc::bad_signature, "");
  // An admin of the hospital is not the hospital either.
  expect_refused(issue(c.hospital, c.a1.key), Errc::bad_signature, "");
  // Every flipped character of the signature part is refused.
  std::string jwt = issue(c.hospital, c.hospital.key);
  for (std::size_t i = jwt.rfind('.') + 1; i < jwt.size(); ++i) {
    std::string flipped = jwt;
    flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
    if (flipped == jwt) continue;
    EXPECT_FALSE(check(flipped)) << i;
  }
}

TEST_F(CredentialCheck, UnrevocableIdIsRefused) {
  expect_refused(issue(c.hospital, c.hospital.key, "urn:example:a/b"), Errc::malformed,
                 "could never be revoked");
}

}  // namespace
}  // namespace pv
