// Credential revocation (transaction type 21) executed by the real executor: a member
// organization revokes a credential id once; non-members cannot; another organization's
// revocation is recorded under that organization, not under the issuer.

#include "ledger/credential_revocation.hpp"

#include <gtest/gtest.h>

#include "org_test_support.hpp"

namespace pv {
namespace {

using testing::Consortium;
using testing::TestParty;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr std::string_view kJti = "urn:uuid:0b6f7a64-3c1e-4d0e-9a53-2f1b7d0c9e11";

TEST(CredentialRevocation, IssuerRevokesOnce) {
  Consortium c;
  auto revoke = [&](const TestParty& who) {
    return c.execute(c.transaction(kTxTypeCredentialRevoke, who, encode_credential_revoke(kJti)));
  };
  EXPECT_TRUE(load_credential_revocations(c.state, kJti)->empty());
  EXPECT_EQ(revoke(c.hospital), "valid");
  auto list = load_credential_revocations(c.state, kJti);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].issuer, c.hospital.did);
  EXPECT_EQ((*list)[0].height, c.height);
  ASSERT_TRUE(revocation_by(*list, c.hospital.did));
  EXPECT_FALSE(revocation_by(*list, c.insurer.did));

  std::string again = revoke(c.hospital);
  EXPECT_TRUE(
      contains(again, "rejected: credential " + std::string(kJti) + " was already revoked by"))
      << again;

  // Another member may record its own revocation of the same id; it does not stand for the
  // hospital's (a verifier looks for the issuer's entry).
  EXPECT_EQ(revoke(c.insurer), "valid");
  EXPECT_EQ(load_credential_revocations(c.state, kJti)->size(), 2u);
}

TEST(CredentialRevocation, NonMembersAndRemovedMembersCannotRevoke) {
  Consortium c;
  TestParty outsider;
  std::string r =
      c.execute(c.transaction(kTxTypeCredentialRevoke, outsider, encode_credential_revoke(kJti)));
  EXPECT_TRUE(contains(r, "only a member organization revokes credentials")) << r;
  // An admin is not the organization.
  r = c.execute(c.transaction(kTxTypeCredentialRevoke, c.a1, encode_credential_revoke(kJti)));
  EXPECT_TRUE(contains(r, "is not a member organization")) << r;

  auto rm = c.remove_proposal(c.regulator.did);
  ASSERT_EQ(c.execute(c.change(rm, {c.approve(rm, c.a1), c.approve(rm, c.b1)})), "valid");
  r = c.execute(
      c.transaction(kTxTypeCredentialRevoke, c.regulator, encode_credential_revoke(kJti)));
  EXPECT_TRUE(contains(r, "was removed from the network")) << r;
  EXPECT_TRUE(load_credential_revocations(c.state, kJti)->empty());
}

TEST(CredentialRevocation, PayloadIsStrict) {
  EXPECT_TRUE(decode_credential_revoke(encode_credential_revoke(kJti)));
  for (const std::string& bad :
       std::vector<std::string>{"", "has space", "a/b", "a?b", "a#b", "a%20b",
                                std::string(257, 'x'), std::string("\x7f")})
    EXPECT_FALSE(decode_credential_revoke(encode_credential_revoke(bad))) << bad;
  Bytes encoded = encode_credential_revoke(kJti);
  for (std::size_t n = 0; n < encoded.size(); ++n)
    EXPECT_FALSE(decode_credential_revoke(ByteView(encoded.data(), n)));
  encoded.push_back(0);
  EXPECT_FALSE(decode_credential_revoke(encoded));
  Consortium c;
  std::string r = c.execute(
      c.transaction(kTxTypeCredentialRevoke, c.hospital, encode_credential_revoke("a/b")));
  EXPECT_TRUE(contains(r, "malformed")) << r;
}

}  // namespace
}  // namespace pv
