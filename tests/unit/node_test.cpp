#include <gtest/gtest.h>

#include "ledger/merkle.hpp"
#include "node/node.hpp"
#include "node/verify.hpp"
#include "node_test_support.hpp"
#include "storage/ledger_store.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;
using testing::make_anchor;
using testing::TempDir;

std::unique_ptr<Node> open_node(const std::string& dir) {
  auto node = Node::open(testing::test_config(dir));
  EXPECT_TRUE(node) << (node ? "" : node.error().message);
  return node ? std::move(*node) : nullptr;
}

TEST(Node, CommitsAnchorsAndProvesInclusion) {
  TempDir dir;
  auto node = open_node(dir.str());
  ASSERT_TRUE(node);
  ASSERT_TRUE(node->health());
  NetworkId net = node->info().network_id;
  auto key = SigningKey::generate();
  std::vector<Bytes> txs;
  for (std::uint64_t n = 1; n <= 50; ++n) txs.push_back(make_anchor(net, key, n));
  auto ids = node->submit(txs);
  std::vector<TxId> accepted;
  for (auto& r : ids) {
    ASSERT_TRUE(r) << r.error().message;
    accepted.push_back(*r);
  }
  auto done = node->wait_committed(accepted, 5s);
  for (auto& c : done) {
    ASSERT_TRUE(c);
    EXPECT_EQ(c->result.code, TxCode::valid) << c->result.reason;
  }
  auto cp = node->checkpoint();
  EXPECT_EQ(cp.size, 50u);
  auto opened = open_checkpoint(node->checkpoint_note(), node->info().checkpoint_key_name, node->info().checkpoint_key);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->root, cp.root);
  for (std::size_t i = 0; i < accepted.size(); i += 7) {
    auto proof = node->inclusion_proof(accepted[i]);
    ASSERT_TRUE(proof) << proof.error().message;
    EXPECT_EQ(proof->leaf_hash, merkle_leaf_hash(txs[i]));
    EXPECT_TRUE(verify_merkle_inclusion(proof->leaf_hash, proof->log_index, proof->tree_size, proof->hashes, cp.root));
  }
  auto cons = node->consistency_proof(10, 50);
  ASSERT_TRUE(cons) << cons.error().message;
  EXPECT_TRUE(verify_merkle_consistency(10, 50, cons->hashes, cons->root1, cons->root2));
}

TEST(Node, RefusesReplayStaleNonceForgeryAndKeepsAccepted) {
  TempDir dir;
  auto node = open_node(dir.str());
  ASSERT_TRUE(node);
  NetworkId net = node->info().network_id;
  auto key = SigningKey::generate();
  Bytes good = make_anchor(net, key, 10);
  auto first = node->submit({good});
  ASSERT_TRUE(first[0]);
  ASSERT_TRUE(node->wait_committed({*first[0]}, 5s)[0]);

  auto replay = node->submit({good});
  ASSERT_FALSE(replay[0]);
  EXPECT_EQ(replay[0].error().code, Errc::conflict);
  auto stale = node->submit({make_anchor(net, key, 9)});
  ASSERT_FALSE(stale[0]);
  EXPECT_EQ(stale[0].error().code, Errc::conflict);

  Bytes forged = make_anchor(net, key, 11);
  forged[forged.size() - 1] ^= 1;  // last byte of the signature
  auto bad = node->submit({forged});
  ASSERT_FALSE(bad[0]);
  EXPECT_EQ(bad[0].error().code, Errc::bad_signature);

  auto other_net = make_anchor(Hash32{}, key, 12);
  EXPECT_FALSE(node->submit({other_net})[0]);

  // A batch with one bad transaction: the good ones still commit.
  Bytes ok2 = make_anchor(net, key, 13);
  auto mixed = node->submit({forged, ok2});
  EXPECT_FALSE(mixed[0]);
  ASSERT_TRUE(mixed[1]);
  auto c = node->wait_committed({*mixed[1]}, 5s);
  ASSERT_TRUE(c[0]);
  EXPECT_EQ(c[0]->result.code, TxCode::valid);
  // The first one is untouched.
  auto view = node->get_tx(*first[0]);
  EXPECT_EQ(view.state, TxState::committed);
  EXPECT_EQ(view.encoded, good);
}

TEST(Node, SecondAnchorOfSameDocumentIsRecordedInvalid) {
  TempDir dir;
  auto node = open_node(dir.str());
  ASSERT_TRUE(node);
  NetworkId net = node->info().network_id;
  auto key = SigningKey::generate();
  Hash32 doc = sha256(as_bytes("discharge-letter.pdf"));
  auto a = node->submit({make_anchor(net, key, 1, doc)});
  ASSERT_TRUE(a[0]);
  ASSERT_TRUE(node->wait_committed({*a[0]}, 5s)[0]);
  auto b = node->submit({make_anchor(net, key, 2, doc)});
  ASSERT_TRUE(b[0]);
  auto c = node->wait_committed({*b[0]}, 5s);
  ASSERT_TRUE(c[0]);
  EXPECT_EQ(c[0]->result.code, TxCode::rejected);
  EXPECT_NE(c[0]->result.reason.find("already anchored"), std::string::npos);
}

TEST(Node, RestartsAtLastBlockAndVerifies) {
  TempDir dir;
  TxId last{};
  std::uint64_t height = 0;
  Hash32 root;
  {
    auto node = open_node(dir.str());
    ASSERT_TRUE(node);
    NetworkId net = node->info().network_id;
    auto key = SigningKey::generate();
    for (std::uint64_t n = 1; n <= 20; ++n) {
      auto r = node->submit({make_anchor(net, key, n)});
      ASSERT_TRUE(r[0]);
      last = *r[0];
    }
    ASSERT_TRUE(node->wait_committed({last}, 5s)[0]);
    height = node->info().height;
    root = node->checkpoint().root;
    node->shutdown();
  }
  auto report = verify_data_dir(dir.str());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->transactions, 20u);
  EXPECT_EQ(report->log_root_hex, root.hex());

  auto node = open_node(dir.str());
  ASSERT_TRUE(node);
  EXPECT_TRUE(node->health());
  EXPECT_EQ(node->info().height, height);
  EXPECT_EQ(node->checkpoint().root, root);
  EXPECT_EQ(node->get_tx(last).state, TxState::committed);
}

// Flipping a byte of a stored block, a state value, an index entry or a Merkle node is caught
// by the offline verifier, which names the block.
TEST(Verify, CatchesEveryKindOfStoredCorruption) {
  TempDir dir;
  std::vector<TxId> ids;
  {
    auto node = open_node(dir.str());
    ASSERT_TRUE(node);
    NetworkId net = node->info().network_id;
    auto key = SigningKey::generate();
    for (std::uint64_t n = 1; n <= 30; ++n) {
      auto r = node->submit({make_anchor(net, key, n)});
      ASSERT_TRUE(r[0]);
      ids.push_back(*r[0]);
      if (n % 10 == 0) {
        ASSERT_TRUE(node->wait_committed({ids.back()}, 5s)[0]);
      }
    }
    node->shutdown();
  }
  std::string copy_base = dir.str() + "-copy";
  auto corrupt_and_verify = [&](const std::string& cf, const std::function<std::pair<Bytes, Bytes>(LedgerStore&)>& pick) {
    std::filesystem::remove_all(copy_base);
    std::filesystem::copy(dir.str(), copy_base, std::filesystem::copy_options::recursive);
    {
      auto store = LedgerStore::open(copy_base + "/ledger", LedgerStore::Mode::read_write);
      EXPECT_TRUE(store);
      auto [key, value] = pick(**store);
      value[value.size() / 2] ^= 0x01;
      EXPECT_TRUE((*store)->raw_put(cf, key, value));
    }
    auto report = verify_data_dir(copy_base);
    EXPECT_TRUE(report);
    return *report;
  };
  // A block.
  auto r1 = corrupt_and_verify("blocks", [](LedgerStore& s) {
    Bytes k = LedgerStore::height_key(2);
    return std::make_pair(k, **s.raw_get("blocks", k));
  });
  EXPECT_FALSE(r1.ok);
  ASSERT_TRUE(r1.first_bad_block);
  EXPECT_EQ(*r1.first_bad_block, 2u) << r1.problem;
  // The index entry of a transaction.
  auto r2 = corrupt_and_verify("txindex", [&](LedgerStore& s) {
    Bytes k(ids[5].bytes.begin(), ids[5].bytes.end());
    return std::make_pair(k, **s.raw_get("txindex", k));
  });
  EXPECT_FALSE(r2.ok);
  ASSERT_TRUE(r2.first_bad_block) << r2.problem;
  // A state value.
  auto r3 = corrupt_and_verify("state", [&](LedgerStore& s) {
    std::string key;
    (void)s.for_each_state([&](std::string_view k, ByteView) {
      if (k.rfind("anchor/", 0) == 0) {
        key = std::string(k);
        return false;
      }
      return true;
    });
    Bytes k = to_bytes(key);
    return std::make_pair(k, **s.raw_get("state", k));
  });
  EXPECT_FALSE(r3.ok);
  ASSERT_TRUE(r3.first_bad_block) << r3.problem;
  EXPECT_GE(*r3.first_bad_block, 1u);
  // A Merkle node.
  auto r4 = corrupt_and_verify("merkle", [&](LedgerStore& s) {
    Bytes k = LedgerStore::merkle_key({0, 3});
    return std::make_pair(k, **s.raw_get("merkle", k));
  });
  EXPECT_FALSE(r4.ok);
  ASSERT_TRUE(r4.first_bad_block) << r4.problem;
  std::filesystem::remove_all(copy_base);
}

// Every single byte of a stored block, flipped on its own, is caught and blamed on that block.
TEST(Verify, CatchesAFlipOfEveryByteOfABlock) {
  TempDir dir;
  {
    auto node = open_node(dir.str());
    ASSERT_TRUE(node);
    auto key = SigningKey::generate();
    NetworkId net = node->info().network_id;
    auto r = node->submit({make_anchor(net, key, 1), make_anchor(net, key, 2)});
    ASSERT_TRUE(r[0] && r[1]);
    ASSERT_TRUE(node->wait_committed({*r[0], *r[1]}, 5s)[1]);
    ASSERT_EQ(node->info().height, 1u);
    node->shutdown();
  }
  auto store = LedgerStore::open(dir.str() + "/ledger", LedgerStore::Mode::read_write);
  ASSERT_TRUE(store);
  Bytes key = LedgerStore::height_key(1);
  Bytes original = **(*store)->raw_get("blocks", key);
  for (std::size_t i = 0; i < original.size(); ++i) {
    Bytes flipped = original;
    flipped[i] ^= 0x20;
    ASSERT_TRUE((*store)->raw_put("blocks", key, flipped));
    auto report = verify_data_dir(dir.str());
    ASSERT_TRUE(report);
    ASSERT_FALSE(report->ok) << "flip of byte " << i << " of " << original.size() << " went unnoticed";
    ASSERT_TRUE(report->first_bad_block) << "byte " << i << ": " << report->problem;
    EXPECT_EQ(*report->first_bad_block, 1u) << "byte " << i << ": " << report->problem;
  }
  ASSERT_TRUE((*store)->raw_put("blocks", key, original));
  auto clean = verify_data_dir(dir.str());
  ASSERT_TRUE(clean);
  EXPECT_TRUE(clean->ok) << clean->problem;
}

TEST(Node, RefusesWritesWhenStartupCheckFails) {
  TempDir dir;
  {
    auto node = open_node(dir.str());
    ASSERT_TRUE(node);
    auto key = SigningKey::generate();
    auto r = node->submit({make_anchor(node->info().network_id, key, 1)});
    ASSERT_TRUE(r[0]);
    ASSERT_TRUE(node->wait_committed({*r[0]}, 5s)[0]);
    node->shutdown();
  }
  {
    auto store = LedgerStore::open(dir.str() + "/ledger", LedgerStore::Mode::read_write);
    ASSERT_TRUE(store);
    auto head = (*store)->head();
    Bytes k = LedgerStore::height_key(**head);
    Bytes v = **(*store)->raw_get("blocks", k);
    v[20] ^= 0x40;
    ASSERT_TRUE((*store)->raw_put("blocks", k, v));
  }
  auto node = open_node(dir.str());
  ASSERT_TRUE(node);
  auto health = node->health();
  ASSERT_FALSE(health);
  EXPECT_NE(health.error().message.find("startup check failed"), std::string::npos) << health.error().message;
  auto key = SigningKey::generate();
  auto r = node->submit({make_anchor(node->info().network_id, key, 1)});
  ASSERT_FALSE(r[0]);
  EXPECT_EQ(r[0].error().code, Errc::unavailable);
}

}  // namespace
}  // namespace pv
