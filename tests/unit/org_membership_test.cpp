// Membership changes (transaction type 20) executed by the real executor: a majority of member
// organizations adds, updates and removes members; too few, duplicate, non-member, forged,
// replayed, expired and cross-network approvals are refused with a reason that names them.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ledger/credential_revocation.hpp"
#include "ledger/org_rules.hpp"
#include "org_test_support.hpp"

namespace pv {
namespace {

using testing::Consortium;
using testing::TestParty;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(OrgState, GenesisWritesMembershipAndRecords) {
  Consortium c;
  auto m = load_membership(c.state);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->version, 0u);
  EXPECT_EQ(m->threshold, (ApprovalThreshold{1, 2}));
  std::vector<std::string> want{c.hospital.did, c.insurer.did, c.regulator.did};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(m->members, want);
  auto insurer = load_member_organization(c.state, c.insurer.did);
  ASSERT_TRUE(insurer);
  EXPECT_EQ(insurer->role, "insurer");
  EXPECT_EQ(insurer->admins, (std::vector<std::string>{c.b1.did, c.b2.did}));
  EXPECT_TRUE(is_member_organization(c.state, c.hospital.did));
  EXPECT_FALSE(is_member_organization(c.state, c.a1.did));
  auto outsider = load_member_organization(c.state, c.submitter.did);
  ASSERT_FALSE(outsider);
  EXPECT_EQ(outsider.error().code, Errc::not_found);
}

TEST(OrgState, ApprovalsNeededIsMoreThanTheFraction) {
  ApprovalThreshold majority{1, 2}, two_thirds{2, 3}, all{1, 1};
  EXPECT_EQ(approvals_needed(majority, 1), 1u);
  EXPECT_EQ(approvals_needed(majority, 2), 2u);
  EXPECT_EQ(approvals_needed(majority, 3), 2u);
  EXPECT_EQ(approvals_needed(majority, 4), 3u);
  EXPECT_EQ(approvals_needed(two_thirds, 3), 3u);
  EXPECT_EQ(approvals_needed(two_thirds, 6), 5u);
  EXPECT_EQ(approvals_needed(all, 5), 5u);
  EXPECT_FALSE(check_approval_threshold({0, 2}));
  EXPECT_FALSE(check_approval_threshold({3, 2}));
  EXPECT_FALSE(check_approval_threshold({1, 1001}));
}

TEST(OrgState, GenesisRefusesBadAdmins) {
  Consortium c;
  Genesis g = c.genesis;
  g.organizations[1].admins.push_back(c.a1.did);  // one admin for two organizations
  EXPECT_FALSE(check_genesis(g));
  g = c.genesis;
  g.organizations[0].admins = {};
  EXPECT_FALSE(check_genesis(g));
  g = c.genesis;
  g.organizations[0].admins = {"did:web:example.org"};
  EXPECT_FALSE(check_genesis(g));
  g = c.genesis;
  g.membership_threshold = {0, 1};
  EXPECT_FALSE(check_genesis(g));
  auto round = decode_genesis(encode_genesis(c.genesis));
  ASSERT_TRUE(round) << round.error().message;
  EXPECT_EQ(encode_genesis(*round), encode_genesis(c.genesis));
}

TEST(OrgMembership, MajorityAddsAnOrganization) {
  Consortium c;
  TestParty clinic, d1, clinic_node;
  auto p = c.add_proposal(clinic.did, "provider", {d1.did}, {clinic_node.key.public_key()});
  EXPECT_EQ(c.execute(c.change(p, {c.approve(p, c.a1), c.approve(p, c.b2)})), "valid");
  auto m = load_membership(c.state);
  EXPECT_EQ(m->version, 1u);
  EXPECT_EQ(m->members.size(), 4u);
  auto record = load_member_organization(c.state, clinic.did);
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->role, "provider");
  EXPECT_EQ(record->changed_height, c.height);
  EXPECT_EQ(c.state.get(node_key_state_key(clinic_node.key.public_key())), to_bytes(clinic.did));

  // With four members a change now needs three organizations; the new member's admin counts.
  auto q = c.remove_proposal(c.regulator.did);
  std::string two = c.execute(c.change(q, {c.approve(q, c.a1), c.approve(q, d1)}));
  EXPECT_TRUE(contains(two, "needs approvals from 3 of the 4 member organizations, has 2")) << two;
  EXPECT_EQ(c.execute(c.change(q, {c.approve(q, c.a1), c.approve(q, d1), c.approve(q, c.b1)})),
            "valid");
}

TEST(OrgMembership, TooFewApprovalsAreRefused) {
  Consortium c;
  TestParty clinic, d1;
  auto p = c.add_proposal(clinic.did, "provider", {d1.did});
  std::string r = c.execute(c.change(p, {c.approve(p, c.a1)}));
  EXPECT_TRUE(contains(r, "rejected: needs approvals from 2 of the 3 member organizations, has 1"))
      << r;
  EXPECT_FALSE(is_member_organization(c.state, clinic.did));
  EXPECT_EQ(c.version(), 0u);
}

TEST(OrgMembership, DuplicateApprovalsAreRefused) {
  Consortium c;
  TestParty clinic, d1;
  auto p = c.add_proposal(clinic.did, "provider", {d1.did});
  std::string same = c.execute(c.change(p, {c.approve(p, c.a1), c.approve(p, c.a1)}));
  EXPECT_TRUE(
      contains(same, "approval 2: organization " + c.hospital.did + " has already approved"))
      << same;
  // Two admins of one organization are still one organization's vote.
  std::string sibling = c.execute(c.change(p, {c.approve(p, c.b1), c.approve(p, c.b2)}));
  EXPECT_TRUE(
      contains(sibling, "approval 2: organization " + c.insurer.did + " has already approved"))
      << sibling;
  EXPECT_FALSE(is_member_organization(c.state, clinic.did));
}

TEST(OrgMembership, NonMemberApprovalsAreRefused) {
  Consortium c;
  TestParty clinic, d1, outsider;
  auto p = c.add_proposal(clinic.did, "provider", {d1.did});
  std::string r = c.execute(c.change(p, {c.approve(p, c.a1), c.approve(p, outsider)}));
  EXPECT_TRUE(
      contains(r, "approval 2: " + outsider.did + " is not an admin of a member organization"))
      << r;
  // The candidate's own admin is not a member's admin yet; nor is an organization's own DID.
  r = c.execute(c.change(p, {c.approve(p, c.a1), c.approve(p, d1)}));
  EXPECT_TRUE(contains(r, "approval 2: " + d1.did + " is not an admin")) << r;
  r = c.execute(c.change(p, {c.approve(p, c.a1), c.approve(p, c.insurer)}));
  EXPECT_TRUE(contains(r, "is not an admin")) << r;
  EXPECT_FALSE(is_member_organization(c.state, clinic.did));
}

TEST(OrgMembership, ForgedApprovalsAreRefused) {
  Consortium c;
  TestParty clinic, d1, forger;
  auto p = c.add_proposal(clinic.did, "provider", {d1.did});
  // b1's name, another key.
  MembershipApproval forged{c.b1.did,
                            forger.key.sign(approval_message(proposal_digest(c.network, p)))};
  std::string r = c.execute(c.change(p, {c.approve(p, c.a1), forged}));
  EXPECT_TRUE(contains(r, "bad-signature") || contains(r, "does not verify")) << r;
  EXPECT_TRUE(contains(r, "approval 2: the signature of " + c.b1.did + " does not verify")) << r;

  // Every flipped bit of a genuine signature is refused.
  MembershipApproval genuine = c.approve(p, c.b1);
  for (std::size_t i = 0; i < genuine.signature.size(); ++i) {
    MembershipApproval flipped = genuine;
    flipped.signature.data()[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    std::string out = c.execute(c.change(p, {c.approve(p, c.a1), flipped}));
    ASSERT_TRUE(contains(out, "approval 2: the signature")) << i << ": " << out;
  }
  // Approvals of one proposal do not carry another: here the role was changed after signing.
  auto swapped = p;
  swapped.organization.role = "regulator";
  r = c.execute(c.change(swapped, {c.approve(p, c.a1), c.approve(p, c.b1)}));
  EXPECT_TRUE(contains(r, "approval 1: the signature")) << r;
  EXPECT_FALSE(is_member_organization(c.state, clinic.did));
  // The genuine pair still works afterwards.
  EXPECT_EQ(c.execute(c.change(p, {c.approve(p, c.a1), genuine})), "valid");
}

TEST(OrgMembership, ReplayedApprovalsAreRefused) {
  Consortium c;
  TestParty clinic, d1, lab, l1;
  auto p = c.add_proposal(clinic.did, "provider", {d1.did});
  auto approvals = std::vector<MembershipApproval>{c.approve(p, c.a1), c.approve(p, c.b1)};
  EXPECT_EQ(c.execute(c.change(p, approvals)), "valid");

  // Remove the clinic, then replay the old add (a new transaction, same approvals).
  auto rm = c.remove_proposal(clinic.did);
  EXPECT_EQ(
      c.execute(c.change(rm, {c.approve(rm, c.a1), c.approve(rm, c.c1), c.approve(rm, c.b2)})),
      "valid");
  EXPECT_FALSE(is_member_organization(c.state, clinic.did));
  std::string r = c.execute(c.change(p, approvals));
  EXPECT_TRUE(contains(r, "approved for membership version 0 but membership is at version 2")) << r;
  EXPECT_FALSE(is_member_organization(c.state, clinic.did));

  // Re-pointing the old approvals at the current version breaks their signatures.
  auto repointed = p;
  repointed.membership_version = c.version();
  r = c.execute(c.change(repointed, approvals));
  EXPECT_TRUE(contains(r, "approval 1: the signature")) << r;

  // Approvals made for another network do not verify here.
  auto q = c.add_proposal(lab.did, "provider", {l1.did});
  NetworkId other = c.network;
  other.data()[0] ^= 1;
  std::vector<MembershipApproval> elsewhere{approve_proposal(other, q, c.a1.did, c.a1.key),
                                            approve_proposal(other, q, c.b1.did, c.b1.key)};
  r = c.execute(c.change(q, elsewhere));
  EXPECT_TRUE(contains(r, "approval 1: the signature")) << r;

  // An expired proposal is refused even with enough approvals.
  auto late = c.add_proposal(lab.did, "provider", {l1.did});
  late.expires_ms = c.now_ms - 1;
  r = c.execute(c.change(late, {c.approve(late, c.a1), c.approve(late, c.b1)}));
  EXPECT_TRUE(contains(r, "the proposal expired")) << r;
  EXPECT_FALSE(is_member_organization(c.state, lab.did));
}

TEST(OrgMembership, RemovedOrganizationLosesItsVoteAndNodes) {
  Consortium c;
  auto rm = c.remove_proposal(c.regulator.did);
  EXPECT_EQ(c.execute(c.change(rm, {c.approve(rm, c.a1), c.approve(rm, c.b1)})), "valid");
  auto gone = load_member_organization(c.state, c.regulator.did);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::forbidden);
  EXPECT_TRUE(contains(gone.error().message, "was removed from the network at height 1"))
      << gone.error().message;
  // Its admin no longer approves; with two members left both must agree.
  TestParty clinic, d1;
  auto p = c.add_proposal(clinic.did, "provider", {d1.did});
  std::string r = c.execute(c.change(p, {c.approve(p, c.a1), c.approve(p, c.c1)}));
  EXPECT_TRUE(contains(r, "approval 2: " + c.c1.did + " is not an admin of a member organization"))
      << r;
  // The hospital runs the only node: removing it would leave the network without a node key.
  auto rm_hospital = c.remove_proposal(c.hospital.did);
  r = c.execute(
      c.change(rm_hospital, {c.approve(rm_hospital, c.a1), c.approve(rm_hospital, c.b1)}));
  EXPECT_TRUE(contains(r, "without a node key")) << r;
  EXPECT_TRUE(c.state.get(node_key_state_key(c.node.key.public_key())));
}

TEST(OrgMembership, UpdateChangesRoleAdminsAndNodeKeys) {
  Consortium c;
  TestParty b3, insurer_node;
  MembershipProposal p;
  p.action = OrgAction::update;
  p.membership_version = 0;
  p.expires_ms = c.now_ms + 60'000;
  p.did = c.insurer.did;
  p.organization = {"Insurer and Lab", "provider", {b3.did}, {insurer_node.key.public_key()}};
  EXPECT_EQ(c.execute(c.change(p, {c.approve(p, c.b1), c.approve(p, c.c1)})), "valid");
  auto record = load_member_organization(c.state, c.insurer.did);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->role, "provider");
  EXPECT_EQ(record->admins, std::vector<std::string>{b3.did});
  EXPECT_TRUE(c.state.get(node_key_state_key(insurer_node.key.public_key())));

  // b1 was replaced by b3; and a node key run by another organization cannot be claimed.
  p.membership_version = 1;
  p.organization.node_keys = {c.node.key.public_key()};
  std::string r = c.execute(c.change(p, {c.approve(p, c.b1), c.approve(p, c.c1)}));
  EXPECT_TRUE(contains(r, "approval 1: " + c.b1.did + " is not an admin")) << r;
  r = c.execute(c.change(p, {c.approve(p, b3), c.approve(p, c.c1)}));
  EXPECT_TRUE(contains(r, "is already run by " + c.hospital.did)) << r;
  // Nor can an admin of another member be named.
  p.organization.node_keys = {};
  p.organization.admins = {c.a1.did};
  r = c.execute(c.change(p, {c.approve(p, b3), c.approve(p, c.c1)}));
  EXPECT_TRUE(contains(r, "is already an admin of " + c.hospital.did)) << r;
}

TEST(OrgMembership, AddingAMemberOrUpdatingAStrangerIsRefused) {
  Consortium c;
  TestParty x, stranger;
  auto again = c.add_proposal(c.insurer.did, "insurer", {x.did});
  std::string r = c.execute(c.change(again, {c.approve(again, c.a1), c.approve(again, c.c1)}));
  EXPECT_TRUE(contains(r, "is already a member organization")) << r;
  auto rm = c.remove_proposal(stranger.did);
  r = c.execute(c.change(rm, {c.approve(rm, c.a1), c.approve(rm, c.c1)}));
  EXPECT_TRUE(contains(r, "is not a member organization")) << r;
}

TEST(OrgMembership, ThresholdIsChangedUnderTheCurrentThreshold) {
  Consortium c;
  MembershipProposal t;
  t.action = OrgAction::set_threshold;
  t.membership_version = 0;
  t.expires_ms = c.now_ms + 60'000;
  t.threshold = {2, 3};
  std::string r = c.execute(c.change(t, {c.approve(t, c.a1)}));
  EXPECT_TRUE(contains(r, "needs approvals from 2 of the 3")) << r;
  EXPECT_EQ(c.execute(c.change(t, {c.approve(t, c.a1), c.approve(t, c.c1)})), "valid");
  auto m = load_membership(c.state);
  EXPECT_EQ(m->threshold, (ApprovalThreshold{2, 3}));
  EXPECT_EQ(m->version, 1u);
  // More than two thirds of three is all three.
  TestParty clinic, d1;
  auto p = c.add_proposal(clinic.did, "provider", {d1.did});
  r = c.execute(c.change(p, {c.approve(p, c.a1), c.approve(p, c.b1)}));
  EXPECT_TRUE(contains(r, "needs approvals from 3 of the 3 member organizations, has 2")) << r;
  EXPECT_EQ(c.execute(c.change(p, {c.approve(p, c.a1), c.approve(p, c.b1), c.approve(p, c.c1)})),
            "valid");
  // An impossible threshold does not decode.
  t.threshold = {3, 2};
  EXPECT_FALSE(decode_membership_proposal(encode_membership_proposal(t)));
}

TEST(OrgProposalEncoding, RoundTripsAndRefusesEveryTruncation) {
  Consortium c;
  TestParty clinic, d1, n1;
  auto p = c.add_proposal(clinic.did, "provider", {d1.did}, {n1.key.public_key()});
  MembershipChange change{p, {c.approve(p, c.a1), c.approve(p, c.b1)}};
  Bytes encoded = encode_membership_change(change);
  auto back = decode_membership_change(encoded);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->proposal, p);
  EXPECT_EQ(back->approvals, change.approvals);
  for (std::size_t n = 0; n < encoded.size(); ++n)
    EXPECT_FALSE(decode_membership_change(ByteView(encoded.data(), n))) << n;
  Bytes longer = encoded;
  longer.push_back(0);
  EXPECT_FALSE(decode_membership_change(longer));
  // No approvals, an unknown action, a key URL as the organization: refused.
  EXPECT_FALSE(decode_membership_change(encode_membership_change({p, {}})));
  Bytes proposal = encode_membership_proposal(p);
  proposal[1] = 4;
  EXPECT_FALSE(decode_membership_proposal(proposal));
  auto url = p;
  url.did += "#key-1";
  EXPECT_FALSE(decode_membership_proposal(encode_membership_proposal(url)));
  // A malformed payload is refused as malformed, before any rule runs.
  Bytes bad = encoded;
  bad.pop_back();
  std::string r = c.execute(c.transaction(kTxTypeOrgMembership, c.submitter, bad));
  EXPECT_TRUE(contains(r, "malformed")) << r;
}

}  // namespace
}  // namespace pv

namespace pv {
namespace {

// Regenerates fuzz/corpus/org_payload_fuzz when PV_WRITE_FUZZ_CORPUS=1, and always checks that
// every committed seed decodes with the decoder its first byte selects.
TEST(OrgProposalEncoding, FuzzSeedCorpus) {
  const auto dir = std::filesystem::path(PV_SOURCE_DIR) / "fuzz" / "corpus" / "org_payload_fuzz";
  auto with_selector = [](std::uint8_t selector, Bytes b) {
    b.insert(b.begin(), selector);
    return b;
  };
  if (std::getenv("PV_WRITE_FUZZ_CORPUS")) {
    std::filesystem::create_directories(dir);
    testing::Consortium c;
    testing::TestParty clinic, d1, n1;
    auto add = c.add_proposal(clinic.did, "provider", {d1.did}, {n1.key.public_key()});
    auto rm = c.remove_proposal(c.regulator.did);
    MembershipProposal threshold;
    threshold.action = OrgAction::set_threshold;
    threshold.expires_ms = c.now_ms;
    threshold.threshold = {2, 3};
    const Bytes seeds[] = {
        with_selector(
            0, encode_membership_change({add, {c.approve(add, c.a1), c.approve(add, c.b1)}})),
        with_selector(0, encode_membership_change({rm, {c.approve(rm, c.c1)}})),
        with_selector(1, encode_membership_proposal(add)),
        with_selector(1, encode_membership_proposal(threshold)),
        with_selector(2, encode_credential_revoke("urn:uuid:0b6f7a64-3c1e-4d0e-9a53-2f1b7d0c9e11")),
        with_selector(3, *c.state.get(org_state_key(c.insurer.did))),
        with_selector(4, *c.state.get(membership_state_key())),
        with_selector(5, encode_genesis(c.genesis)),
    };
    int n = 0;
    for (const auto& bytes : seeds)
      std::ofstream(dir / ("seed-" + std::to_string(n++)), std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()),
                 static_cast<std::streamsize>(bytes.size()));
  }
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(bytes.empty());
    const ByteView input(bytes.data() + 1, bytes.size() - 1);
    bool decodes = false;
    switch (bytes[0] % 6) {
      case 0:
        decodes = decode_membership_change(input).is_ok();
        break;
      case 1:
        decodes = decode_membership_proposal(input).is_ok();
        break;
      case 2:
        decodes = decode_credential_revoke(input).is_ok();
        break;
      case 3:
        decodes = decode_organization_record(input).is_ok();
        break;
      case 4:
        decodes = decode_membership_record(input).is_ok();
        break;
      case 5:
        decodes = decode_genesis(input).is_ok();
        break;
    }
    EXPECT_TRUE(decodes) << entry.path();
    ++seeds;
  }
  EXPECT_GE(seeds, 8);
}

}  // namespace
}  // namespace pv

namespace pv {
namespace {

// The worked example of docs/organizations.md, byte for byte: a remove proposal, its digest and
// an approval by the RFC 8032 TEST 1 key on a network whose id is 32 bytes of 0x11.
TEST(OrgProposalEncoding, WorkedExample) {
  const SigningKey admin = SigningKey::from_seed(
      *Seed::from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  NetworkId network;
  network.bytes.fill(0x11);
  MembershipProposal p;
  p.action = OrgAction::remove;
  p.membership_version = 3;
  p.expires_ms = 1'800'000'000'000;
  p.did = "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw";
  const std::string hex = to_hex(encode_membership_proposal(p));
  const Hash32 digest = proposal_digest(network, p);
  const MembershipApproval a = approve_proposal(network, p, p.did, admin);
  EXPECT_EQ(hex,
            "01020000000000000003000001a3185c5000000000386469643a6b65793a7a364d6b74777570646d4c5856"
            "5671547a43773469343672347547796f734758526e5233586a4e345a71376f4d4d7377");
  EXPECT_EQ(digest.hex(), "b9d671b148e5af7aac880b6d3fb882766e1f8960698aabf1c8d5ab5cadde26f7");
  EXPECT_EQ(a.signature.hex(),
            "3c44cb51f6907a17664002d94b60ea57b8d67c6896575b138a09ff2cd45d442b"
            "debba7f58153d323d5b9f567d63230eeac22ac6041768eb277143e590ce9bc04");
  EXPECT_TRUE(ed25519_verify(admin.public_key(), approval_message(digest), a.signature));
}

}  // namespace
}  // namespace pv
