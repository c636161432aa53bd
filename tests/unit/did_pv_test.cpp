// did:pv on a real node: create, sign, add and remove device keys, recover with the offline
// recovery key, deactivate — and every key that should no longer sign is refused.

#include <gtest/gtest.h>

#include "codec/did_key.hpp"
#include "codec/did_pv.hpp"
#include "identity/did_pv_document.hpp"
#include "ledger/did_pv_rules.hpp"
#include "ledger/executor.hpp"
#include "node/verify.hpp"
#include "node_test_support.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;

class DidPvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto node = Node::open(testing::test_config(dir_.str()));
    ASSERT_TRUE(node) << node.error().message;
    node_ = std::move(*node);
    net_ = node_->info().network_id;
  }

  Bytes tx(TxType type, const std::string& signer, const SigningKey& key, Bytes payload) {
    Transaction t;
    t.type = type;
    t.signer = signer;
    t.nonce = ++nonce_;
    t.created_ms = testing::now_ms();
    t.payload = std::move(payload);
    t.signature = key.sign(signing_message(net_, t));
    return encode_transaction(t);
  }

  Bytes anchor(const std::string& signer, const SigningKey& key) {
    Hash32 doc;
    random_bytes(doc.data(), doc.size());
    return tx(kTxTypeAnchor, signer, key, encode_anchor({doc}));
  }

  // Submits and waits; returns the verdict, or the submission error's message.
  std::string commit(const Bytes& encoded) {
    auto r = node_->submit({encoded});
    if (!r[0]) return "refused: " + r[0].error().message;
    auto c = node_->wait_committed({*r[0]}, 5s);
    if (!c[0]) return "timeout";
    return c[0]->result.code == TxCode::valid ? "valid" : std::string(tx_code_name(c[0]->result.code)) + ": " + c[0]->result.reason;
  }

  testing::TempDir dir_;
  std::unique_ptr<Node> node_;
  NetworkId net_;
  std::uint64_t nonce_ = 0;
};

TEST_F(DidPvTest, LifeCycleAndEveryRetiredKeyIsRefused) {
  auto device1 = SigningKey::generate(), device2 = SigningKey::generate(), device3 = SigningKey::generate();
  auto recovery = SigningKey::generate(), next_recovery = SigningKey::generate();
  Bytes create = encode_did_create({{{"key-1", device1.public_key()}}, sha256(recovery.public_key().view())});
  std::string did = did_pv_from_create(net_, create);
  ASSERT_TRUE(parse_did_pv_url(did));

  EXPECT_EQ(commit(tx(kTxTypeDidCreate, did + "#key-1", device1, create)), "valid");
  EXPECT_EQ(commit(anchor(did + "#key-1", device1)), "valid");

  // A second device joins; the first one is then removed.
  DidUpdate add{1, DidUpdateOp::add_key, {{"key-2", device2.public_key()}}, {}};
  EXPECT_EQ(commit(tx(kTxTypeDidUpdate, did + "#key-1", device1, encode_did_update(add))), "valid");
  EXPECT_EQ(commit(anchor(did + "#key-2", device2)), "valid");
  DidUpdate remove{2, DidUpdateOp::remove_key, {}, "key-1"};
  EXPECT_EQ(commit(tx(kTxTypeDidUpdate, did + "#key-2", device2, encode_did_update(remove))), "valid");
  std::string refused = commit(anchor(did + "#key-1", device1));
  EXPECT_NE(refused.find("refused: key #key-1 is not an active key"), std::string::npos) << refused;

  // Removal and use of the removed key in the same block: the committer refuses the use.
  DidUpdate add3{3, DidUpdateOp::add_key, {{"key-3", device3.public_key()}}, {}};
  EXPECT_EQ(commit(tx(kTxTypeDidUpdate, did + "#key-2", device2, encode_did_update(add3))), "valid");
  DidUpdate remove3{4, DidUpdateOp::remove_key, {}, "key-3"};
  auto both = node_->submit({tx(kTxTypeDidUpdate, did + "#key-2", device2, encode_did_update(remove3)),
                             anchor(did + "#key-3", device3)});
  ASSERT_TRUE(both[0] && both[1]);
  auto verdicts = node_->wait_committed({*both[0], *both[1]}, 5s);
  ASSERT_TRUE(verdicts[0] && verdicts[1]);
  EXPECT_EQ(verdicts[0]->result.code, TxCode::valid);
  EXPECT_EQ(verdicts[1]->result.code, TxCode::bad_signature) << verdicts[1]->result.reason;

  // A stale version is refused by the rule.
  DidUpdate stale{2, DidUpdateOp::add_key, {{"key-9", device3.public_key()}}, {}};
  std::string stale_verdict = commit(tx(kTxTypeDidUpdate, did + "#key-2", device2, encode_did_update(stale)));
  EXPECT_NE(stale_verdict.find("applies to version 2"), std::string::npos) << stale_verdict;

  // Every device lost: a wrong recovery key is refused without spending the DID's nonce...
  std::uint64_t version = 5;
  {
    auto mallory = SigningKey::generate();
    DidRecover bogus{did, version, mallory.public_key(), DidRecoverAction::replace_keys,
                     {{"key-1", mallory.public_key()}}, sha256(mallory.public_key().view())};
    Bytes t = tx(kTxTypeDidRecover, did + "#recovery", mallory, encode_did_recover(bogus));
    std::string verdict = commit(t);
    EXPECT_NE(verdict.find("not the recovery key"), std::string::npos) << verdict;
  }
  // ...and the real recovery key takes the DID back.
  DidRecover recover{did, version, recovery.public_key(), DidRecoverAction::replace_keys,
                     {{"key-4", device3.public_key()}}, sha256(next_recovery.public_key().view())};
  EXPECT_EQ(commit(tx(kTxTypeDidRecover, did + "#recovery", recovery, encode_did_recover(recover))), "valid");
  EXPECT_NE(commit(anchor(did + "#key-2", device2)).find("refused"), std::string::npos);
  EXPECT_EQ(commit(anchor(did + "#key-4", device3)), "valid");
  // The used recovery key cannot recover twice: the commitment moved on.
  DidRecover again{did, version + 1, recovery.public_key(), DidRecoverAction::deactivate, {}, {}};
  EXPECT_NE(commit(tx(kTxTypeDidRecover, did + "#recovery", recovery, encode_did_recover(again))).find("refused"),
            std::string::npos);

  // Deactivation is final.
  DidUpdate deactivate{version + 1, DidUpdateOp::deactivate, {}, {}};
  EXPECT_EQ(commit(tx(kTxTypeDidUpdate, did + "#key-4", device3, encode_did_update(deactivate))), "valid");
  EXPECT_NE(commit(anchor(did + "#key-4", device3)).find("deactivated"), std::string::npos);

  // Someone else cannot create a DID under the victim's id with their own key.
  auto mallory = SigningKey::generate();
  Bytes hijack = encode_did_create({{{"key-1", mallory.public_key()}}, sha256(mallory.public_key().view())});
  std::string hijacked = commit(tx(kTxTypeDidCreate, did + "#key-1", mallory, hijack));
  EXPECT_NE(hijacked.find("refused"), std::string::npos) << hijacked;

  node_->shutdown();
  auto report = verify_data_dir(dir_.str());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

TEST_F(DidPvTest, ResolvesCurrentAndPastVersions) {
  auto device1 = SigningKey::generate(), device2 = SigningKey::generate(), recovery = SigningKey::generate();
  Bytes create = encode_did_create({{{"key-1", device1.public_key()}}, sha256(recovery.public_key().view())});
  std::string did = did_pv_from_create(net_, create);
  ASSERT_EQ(commit(tx(kTxTypeDidCreate, did + "#key-1", device1, create)), "valid");
  DidUpdate add{1, DidUpdateOp::add_key, {{"key-2", device2.public_key()}}, {}};
  ASSERT_EQ(commit(tx(kTxTypeDidUpdate, did + "#key-1", device1, encode_did_update(add))), "valid");
  auto read = [this](const std::string& key) { return node_->read_state(key); };

  auto now = resolve_did_pv(did, {}, read);
  ASSERT_TRUE(now) << now.error().message;
  const auto& doc = (*now)["didDocument"];
  EXPECT_EQ(doc["id"], did);
  ASSERT_EQ(doc["verificationMethod"].size(), 2u);
  EXPECT_EQ(doc["verificationMethod"][1]["id"], did + "#key-2");
  EXPECT_EQ(doc["verificationMethod"][1]["publicKeyMultibase"],
            did_key_from_public_key(device2.public_key()).substr(8));
  EXPECT_EQ((*now)["didDocumentMetadata"]["versionId"], "2");
  EXPECT_EQ((*now)["didDocumentMetadata"]["deactivated"], false);

  auto v1 = resolve_did_pv(did, {1, std::nullopt}, read);
  ASSERT_TRUE(v1);
  EXPECT_EQ((*v1)["didDocument"]["verificationMethod"].size(), 1u);
  EXPECT_EQ((*v1)["didDocumentMetadata"]["nextVersionId"], "2");

  auto before = resolve_did_pv(did, {std::nullopt, 1000}, read);
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code, Errc::not_found);
  EXPECT_EQ(resolve_did_pv(did, {7, std::nullopt}, read).error().code, Errc::not_found);
  auto other = did_pv_from_create(net_, as_bytes("never created"));
  EXPECT_EQ(resolve_did_pv(other, {}, read).error().code, Errc::not_found);
  EXPECT_EQ(resolve_did_pv("did:web:example.com", {}, read).error().code, Errc::malformed);
}

TEST(DidPvCodec, RejectsMalformedIdentifiers) {
  EXPECT_FALSE(parse_did_pv_url("did:pv:ABCDEF0123456789:3J98t1WpEZ73CNmQviecrn"));  // upper-case prefix
  EXPECT_FALSE(parse_did_pv_url("did:pv:0123:3J98t1WpEZ73CNmQviecrn"));             // short prefix
  EXPECT_FALSE(parse_did_pv_url("did:pv:0123456789abcdef:0OIl"));                   // not base58
  Hash32 net{};
  std::string did = did_pv_from_create(net, as_bytes("x"));
  EXPECT_TRUE(parse_did_pv_url(did));
  EXPECT_TRUE(parse_did_pv_url(did + "#key-1"));
  EXPECT_FALSE(parse_did_pv_url(did + "#Key_1"));
  EXPECT_FALSE(parse_did_pv_url(did + "#"));
  EXPECT_FALSE(decode_did_create(Bytes{1, 0, 0, 0, 0}));  // zero keys
}

}  // namespace
}  // namespace pv
