// Membership changes on a real node: an organization removed by its peers takes its node with it.
// The node that sealed the removal seals nothing more (no verifier accepts a block sealed by a
// non-member), refuses writes with a reason, and the ledger it leaves still verifies.

#include <gtest/gtest.h>

#include <fstream>

#include "ledger/org_rules.hpp"
#include "node/genesis_file.hpp"
#include "node/node_key.hpp"
#include "node/verify.hpp"
#include "node_test_support.hpp"
#include "org_test_support.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;

TEST(OrgNode, RemovedOrganizationsNodeStopsSealingAndTheLedgerStillVerifies) {
  testing::TempDir dir;
  const NodeConfig key_source = testing::test_config(dir.str());
  auto node_key =
      load_or_create_node_key(dir.str(), key_source.key_passphrase, key_source.key_kdf);
  ASSERT_TRUE(node_key) << node_key.error().message;
  testing::TestParty hospital, lab, a1, l1, lab_node, submitter;
  Genesis g;
  g.network = "pv-org-node";
  g.time_ms = testing::now_ms() - 1000;
  g.organizations = {{hospital.did, "Hospital", "provider", {node_key->public_key()}, {a1.did}},
                     {lab.did, "Lab", "provider", {lab_node.key.public_key()}, {l1.did}}};
  const std::string genesis_path = dir.str() + "/genesis-in.json";
  std::ofstream(genesis_path) << genesis_to_json(g);
  NodeConfig config = testing::test_config(dir.str());
  config.genesis_file = genesis_path;
  auto node = Node::open(config);
  ASSERT_TRUE(node) << node.error().message;
  ASSERT_TRUE((*node)->health());
  const NetworkId net = (*node)->info().network_id;
  ASSERT_EQ(net, genesis_network_id(g));

  auto commit = [&](const Bytes& tx) -> std::string {
    auto r = (*node)->submit({tx});
    if (!r[0]) return "refused: " + r[0].error().message;
    auto c = (*node)->wait_committed({*r[0]}, 5s);
    if (!c[0]) return "timeout";
    return c[0]->result.code == TxCode::valid ? "valid" : c[0]->result.reason;
  };
  EXPECT_EQ(commit(testing::make_anchor(net, submitter.key, 1)), "valid");

  MembershipProposal p;
  p.action = OrgAction::remove;
  p.membership_version = 0;
  p.expires_ms = testing::now_ms() + 60'000;
  p.did = hospital.did;
  Transaction tx{kTxTypeOrgMembership,
                 submitter.did,
                 2,
                 testing::now_ms(),
                 encode_membership_change({p,
                                           {approve_proposal(net, p, a1.did, a1.key),
                                            approve_proposal(net, p, l1.did, l1.key)}}),
                 {}};
  sign_transaction(net, submitter.key, tx);
  EXPECT_EQ(commit(encode_transaction(tx)), "valid");

  Status health = (*node)->health();
  ASSERT_FALSE(health);
  EXPECT_NE(health.error().message.find("no longer a node of a member organization"),
            std::string::npos)
      << health.error().message;
  auto refused = (*node)->submit({testing::make_anchor(net, submitter.key, 3)});
  ASSERT_FALSE(refused[0]);
  EXPECT_EQ(refused[0].error().code, Errc::unavailable);
  (*node)->shutdown();
  node->reset();

  auto report = verify_data_dir(dir.str());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->blocks, 3u);
}

}  // namespace
}  // namespace pv
