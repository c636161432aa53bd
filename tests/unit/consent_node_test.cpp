// Records, consent and access events on a real node (RocksDB, the sequencer, the committer): the
// node's own key writes the access events of its decisions, they are indexed for the patient,
// an access event signed by anyone else is refused, and the ledger still verifies afterwards.

#include <gtest/gtest.h>

#include "consent_support.hpp"
#include "node/node_key.hpp"
#include "node/verify.hpp"
#include "node_test_support.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;

// The node's committed state as a StateView.
class NodeState : public StateView {
 public:
  explicit NodeState(Node& node) : node_(node) {}
  std::optional<Bytes> get(const std::string& key) const override { return node_.read_state(key); }

 private:
  Node& node_;
};

class ConsentNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NodeConfig config = testing::test_config(dir_.str());
    auto node = Node::open(config);
    ASSERT_TRUE(node) << node.error().message;
    node_ = std::move(*node);
    net_ = node_->info().network_id;
    auto key = load_or_create_node_key(dir_.str(), config.key_passphrase, config.key_kdf);
    ASSERT_TRUE(key);
    node_person_.key = *key;
    node_person_.did = did_key_from_public_key(key->public_key());
    ASSERT_EQ(node_person_.did, node_->info().did);
  }

  Bytes sign(testing::Person& who, TxType type, Bytes payload) {
    Transaction tx;
    tx.type = type;
    tx.signer = who.did;
    tx.nonce = ++who.nonce;
    tx.created_ms = testing::now_ms();
    tx.payload = std::move(payload);
    tx.signature = who.key.sign(signing_message(net_, tx));
    return encode_transaction(tx);
  }

  std::string commit(const Bytes& encoded) {
    auto r = node_->submit({encoded});
    if (!r[0]) return "refused: " + r[0].error().message;
    auto c = node_->wait_committed({*r[0]}, 5s);
    if (!c[0]) return "timeout";
    return c[0]->result.code == TxCode::valid ? "valid" : c[0]->result.reason;
  }

  testing::TempDir dir_;
  std::unique_ptr<Node> node_;
  NetworkId net_;
  testing::Person node_person_, patient_, doctor_, reader_;
};

TEST_F(ConsentNodeTest, NodeKeyWritesAccessEventsOthersCannot) {
  // The development network's one organization is the node's own DID.
  const std::string org = node_person_.did;
  SecretKey32 data_key = generate_secret_key();
  RecordAnchor a;
  a.patient = patient_.did;
  a.organization = org;
  a.cid = {0x01, 0x55, 0x12, 0x20, 7};
  a.commitment = record_commitment(data_key, as_bytes("{\"resourceType\":\"Observation\"}"));
  a.category = "Observation";
  a.media_type = "application/fhir+json";
  a.size = 30;
  a.for_patient = {patient_.key.public_key(),
                   *seal_key_to_ed25519(data_key, patient_.key.public_key())};
  a.for_author = {doctor_.key.public_key(),
                  *seal_key_to_ed25519(data_key, doctor_.key.public_key())};
  Bytes anchor = sign(doctor_, kTxTypeRecordAnchor, encode_record_anchor(a));
  RecordId record = transaction_id(anchor);
  ASSERT_EQ(commit(anchor), "valid");

  NodeState state(*node_);
  LedgerConsentContract contract;
  const std::uint64_t height = node_->info().height;
  AccessRequest refused_req{reader_.did,       {}, record, ConsentAction::access, "TREAT",
                            testing::now_ms(), {}};
  AccessDecision refused = contract.decide(state, refused_req);
  ASSERT_FALSE(refused.permitted);
  AccessRequest patient_req{patient_.did,      {}, record, ConsentAction::access, "PATRQT",
                            testing::now_ms(), {}};
  AccessDecision permitted = contract.decide(state, patient_req);
  ASSERT_TRUE(permitted.permitted) << permitted.reason;

  Bytes refusal_event = sign(node_person_, kTxTypeAccessEvent,
                             encode_access_event(access_event_for(refused_req, refused, height)));
  Bytes permit_event = sign(node_person_, kTxTypeAccessEvent,
                            encode_access_event(access_event_for(patient_req, permitted, height)));
  EXPECT_EQ(commit(refusal_event), "valid");
  EXPECT_EQ(commit(permit_event), "valid");
  // A reader forging its own access event is refused.
  std::string forged =
      commit(sign(reader_, kTxTypeAccessEvent,
                  encode_access_event(access_event_for(patient_req, permitted, height))));
  EXPECT_NE(forged.find("signed by the key of a member's node"), std::string::npos) << forged;

  auto log = index_read(state, index_key("acc-patient", {patient_.did}));
  ASSERT_TRUE(log);
  EXPECT_EQ(*log,
            (std::vector<Hash32>{transaction_id(refusal_event), transaction_id(permit_event)}));
  TxView view = node_->get_tx(transaction_id(refusal_event));
  ASSERT_EQ(view.state, TxState::committed);
  auto tx = decode_transaction(view.encoded);
  ASSERT_TRUE(tx);
  auto event = decode_access_event(tx->payload);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->outcome, AccessOutcome::refused);
  EXPECT_EQ(event->reason, refused.reason);

  node_->shutdown();
  auto report = verify_data_dir(dir_.str());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok) << report->problem;
}

}  // namespace
}  // namespace pv
