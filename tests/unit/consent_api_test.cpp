// Records, consent and audited access through the HTTP API in process: a real Node (RocksDB,
// sequencer, committer), a real HttpServer on loopback, and the client library of the `pv`
// commands (cli/consent_writer, cli/record_access_client) signing every request (RFC 9421).
// The consented read is decided by the contract at the node's current height, every decision is
// an access event on the ledger, and the patient sees all of them as FHIR AuditEvents.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "api/server.hpp"
#include "cli/access_log_erasures.hpp"
#include "cli/consent_keys.hpp"
#include "cli/consent_writer.hpp"
#include "cli/ledger_prover.hpp"
#include "cli/record_access_client.hpp"
#include "cli/record_content.hpp"
#include "cli/record_views.hpp"
#include "codec/did_key.hpp"
#include "content/pack_block_store.hpp"
#include "identity/record_commitment.hpp"
#include "ledger/consent_state.hpp"
#include "ledger/erasure/erasure_payloads.hpp"
#include "ledger/record_key_envelope.hpp"
#include "node_test_support.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A did:key identity as the CLI holds it once unlocked, with its own signing client.
struct Party {
  SigningKey key = SigningKey::generate();
  std::string did = did_key_from_public_key(key.public_key());
  cli::Actor actor{
      IdentityMetadata{
          "p", did, DidMethod::key, "2026-01-01T00:00:00Z", key.public_key(), {}, std::nullopt, {}},
      IdentitySecrets{key, {}, std::nullopt}, did, key};
  std::optional<api::NodeClient> client;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class ConsentApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_init();
    auto node = Node::open(testing::test_config(dir_.str()));
    ASSERT_TRUE(node) << node.error().message;
    node_ = std::move(*node);
    network_ = node_->info().network_id;
    org_ = node_->info().did;  // the development network's one organization
    // One keep-alive connection per party holds a server thread: more threads than parties.
    api::HttpOptions options;
    options.limits.worker_threads = 8;
    // Version-2 anchors and grants keep their keys in key envelopes, blocks of this store.
    auto blocks = content::PackBlockStore::open(std::filesystem::path(dir_.str()) / "blocks");
    ASSERT_TRUE(blocks) << blocks.error().message;
    blocks_ = std::move(*blocks);
    server_ = std::make_unique<api::HttpServer>(*node_, options, blocks_.get());
    auto port = server_->bind("127.0.0.1", 0);
    ASSERT_TRUE(port);
    url_ = "http://127.0.0.1:" + std::to_string(*port);
    serving_ = std::thread([this] { (void)server_->serve(); });
    for (Party* p : {&patient_, &doctor_, &doctor2_, &insurer_}) {
      auto c = api::NodeClient::connect(url_);
      ASSERT_TRUE(c);
      p->client.emplace(std::move(*c));
      p->actor.sign_requests_of(*p->client);
    }
  }
  void TearDown() override {
    // Close the keep-alive connections first, or stopping waits for them to time out.
    for (Party* p : {&patient_, &doctor_, &doctor2_, &insurer_}) p->client.reset();
    server_->stop();
    serving_.join();
    node_->shutdown();
  }

  void commit(Party& who, const Bytes& tx) {
    auto c = who.client->submit_and_commit(tx, 10s);
    ASSERT_TRUE(c) << c.error().message;
  }

  struct Added {
    RecordId id;
    SecretKey32 data_key;
  };
  // What `pv record add` does, with one raw block standing in for the encrypted content.
  Added add_record(const std::string& category, const std::string& plaintext) {
    Added r;
    r.data_key = generate_secret_key();
    auto content =
        cli::upload_raw_blocks(*doctor_.client, {to_bytes("ciphertext of " + plaintext)});
    EXPECT_TRUE(content) << content.error().message;
    cli::RecordPlan plan{patient_.did,     org_,
                         category,         "application/fhir+json",
                         content->front(), record_commitment(r.data_key, as_bytes(plaintext)),
                         plaintext.size()};
    auto anchor = cli::build_record_anchor(*doctor_.client, doctor_.actor, plan, r.data_key);
    EXPECT_TRUE(anchor) << anchor.error().message;
    Bytes tx = doctor_.actor.sign_transaction(network_, kTxTypeRecordAnchor,
                                              encode_record_anchor(*anchor));
    commit(doctor_, tx);
    r.id = transaction_id(tx);
    return r;
  }

  ConsentId grant(Party& to, cli::GrantPlan plan) {
    plan.grantee = to.did;
    if (plan.purposes.empty()) plan.purposes = {"TREAT"};
    if (plan.not_after_ms == 0) {
      plan.not_before_ms = testing::now_ms() - 1000;
      plan.not_after_ms = testing::now_ms() + 30ull * 24 * 3600 * 1000;
    }
    auto txs = cli::build_grant(*patient_.client, patient_.actor, network_, plan);
    EXPECT_TRUE(txs) << txs.error().message;
    for (const auto& tx : *txs) commit(patient_, tx);
    return transaction_id(txs->back());
  }

  // The reason of a refused read, or "permitted".
  std::string refusal(Party& reader, const RecordId& id, const std::string& purpose) {
    auto r = cli::request_record_access(*reader.client, reader.actor, id, purpose);
    if (r) return "permitted";
    EXPECT_EQ(r.error().code, Errc::forbidden) << r.error().message;
    return r.error().message;
  }

  testing::TempDir dir_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<content::PackBlockStore> blocks_;
  std::unique_ptr<api::HttpServer> server_;
  std::thread serving_;
  std::string url_, org_;
  NetworkId network_;
  Party patient_, doctor_, doctor2_, insurer_;
};

TEST_F(ConsentApiTest, ConsentedReadRefusalsAndThePatientsAccessLog) {
  const std::string plaintext = R"({"resourceType":"Observation","status":"final"})";
  Added rec = add_record("Observation", plaintext);

  // Private lists: unsigned 401, someone else 403, the patient 200 with their wrap.
  auto anonymous = api::NodeClient::connect(url_);
  ASSERT_TRUE(anonymous);
  auto unsigned_list = anonymous->call("GET", "/v1/patients/" + patient_.did + "/records");
  ASSERT_FALSE(unsigned_list);
  EXPECT_EQ(unsigned_list.error().code, Errc::unauthorized);
  auto other = doctor_.client->call("GET", "/v1/patients/" + patient_.did + "/records");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::forbidden);
  auto mine = cli::fetch_patient_records(*patient_.client, patient_.did);
  ASSERT_TRUE(mine) << mine.error().message;
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].id, rec.id);
  EXPECT_EQ((*mine)[0].author, doctor_.did);
  EXPECT_EQ(*open_key((*mine)[0].for_patient.sealed, patient_.key), rec.data_key);
  // Metadata of one record: not for a stranger.
  auto stranger = insurer_.client->call("GET", "/v1/records/" + rec.id.hex());
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, Errc::forbidden);

  ConsentId consent = grant(doctor2_, {.records = {rec.id}});

  // The grantee reads: permitted under the consent, the served wrap opens to the data key, and
  // the permit is a committed access event.
  auto read = cli::request_record_access(*doctor2_.client, doctor2_.actor, rec.id, "TREAT");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->basis, "consent");
  EXPECT_EQ(read->consent, consent);
  EXPECT_EQ(read->data_key, rec.data_key);
  EXPECT_EQ(record_commitment(read->data_key, as_bytes(plaintext)), read->metadata.commitment);
  TxView event = node_->get_tx(read->access_event);
  ASSERT_EQ(event.state, TxState::committed);
  EXPECT_EQ(event.committed->result.code, TxCode::valid);
  EXPECT_EQ(decode_transaction(event.encoded)->signer, node_->info().did);

  // Refusals: wrong purpose, no consent, a consent of another category.
  EXPECT_TRUE(contains(refusal(doctor2_, rec.id, "HPAYMT"), "is for purpose TREAT, not HPAYMT"));
  EXPECT_TRUE(contains(refusal(insurer_, rec.id, "HPAYMT"), "no consent from the patient covers"));
  grant(insurer_, {.category = "DiagnosticReport", .purposes = {"HPAYMT"}});
  EXPECT_TRUE(contains(refusal(insurer_, rec.id, "HPAYMT"),
                       "covers category DiagnosticReport, not Observation"));
  // Expired: a window that ends 1.5 s from now.
  grant(insurer_, {.records = {rec.id},
                   .purposes = {"HPAYMT"},
                   .not_before_ms = testing::now_ms() - 1000,
                   .not_after_ms = testing::now_ms() + 1500});
  EXPECT_EQ(refusal(insurer_, rec.id, "HPAYMT"), "permitted");
  std::this_thread::sleep_for(1600ms);
  EXPECT_TRUE(contains(refusal(insurer_, rec.id, "HPAYMT"), "expired at"));
  // Revoked.
  commit(patient_, cli::build_revoke(patient_.actor, network_, consent));
  EXPECT_TRUE(contains(refusal(doctor2_, rec.id, "TREAT"), "was revoked at height"));
  // An unknown purpose is a bad request, not a decision.
  auto unknown =
      doctor2_.client->call("POST", "/v1/records/" + rec.id.hex() + "/access?purpose=FUN");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::invalid_argument);

  // The patient's access log: every decision, permit and refusal, as FHIR AuditEvents.
  auto log = cli::fetch_bundle(*patient_.client, "/v1/patients/" + patient_.did + "/access-log");
  ASSERT_TRUE(log) << log.error().message;
  ASSERT_EQ(log->size(), 7u);
  std::vector<std::string> outcomes;
  for (const auto& e : *log) {
    EXPECT_EQ(e["resourceType"], "AuditEvent");
    EXPECT_EQ(e["action"], "R");
    EXPECT_EQ(e["source"]["observer"]["identifier"]["value"], node_->info().did);
    outcomes.push_back(e["outcome"]);
    if (e["outcome"] == "4") {
      EXPECT_FALSE(e["outcomeDesc"].get<std::string>().empty());
    }
  }
  EXPECT_EQ(outcomes, (std::vector<std::string>{"0", "4", "4", "4", "0", "4", "4"}));
  const json& first = (*log)[0];
  EXPECT_EQ(first["agent"][0]["who"]["identifier"]["value"], doctor2_.did);
  EXPECT_EQ(first["purposeOfEvent"][0]["coding"][0]["code"], "TREAT");
  EXPECT_EQ(first["entity"][0]["what"]["identifier"]["value"], rec.id.hex());
  EXPECT_EQ(first["entity"][1]["what"]["identifier"]["value"], consent.hex());
  // Not for anyone else.
  auto spy = doctor2_.client->call("GET", "/v1/patients/" + patient_.did + "/access-log");
  ASSERT_FALSE(spy);
  EXPECT_EQ(spy.error().code, Errc::forbidden);

  // Consents as FHIR R4 Consent: the revoked one is inactive.
  auto consents = cli::fetch_bundle(*patient_.client, "/v1/patients/" + patient_.did + "/consents");
  ASSERT_TRUE(consents);
  ASSERT_EQ(consents->size(), 3u);
  auto c0 = cli::parse_consent_resource((*consents)[0]);
  ASSERT_TRUE(c0) << c0.error().message;
  EXPECT_EQ(c0->id, consent);
  EXPECT_EQ(c0->status, "inactive");
  EXPECT_EQ(c0->grantee, doctor2_.did);
  EXPECT_EQ(c0->purposes, std::vector<std::string>{"TREAT"});
  EXPECT_EQ(c0->records, std::vector<std::string>{rec.id.hex()});
  EXPECT_EQ((*consents)[0]["provision"]["type"], "permit");
  auto c1 = cli::parse_consent_resource((*consents)[1]);
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->status, "active");
  EXPECT_EQ(c1->category, "DiagnosticReport");
  // The grantee may read its consent; a third party may not.
  EXPECT_TRUE(doctor2_.client->call("GET", "/v1/consents/" + consent.hex()));
  EXPECT_FALSE(insurer_.client->call("GET", "/v1/consents/" + consent.hex()));
}

TEST_F(ConsentApiTest, CategoryConsentCoversLaterRecordsAndRevocationRotatesTheKey) {
  ConsentId doctor_consent = grant(doctor2_, {.category = "Observation"});
  grant(insurer_, {.category = "Observation", .purposes = {"HPAYMT"}});
  auto key = cli::fetch_category_key(*doctor_.client, patient_.did, "Observation");
  ASSERT_TRUE(key && *key);
  EXPECT_EQ((*key)->epoch, 1u);

  // Added after the grant: the grantee reads it, the patient did nothing.
  Added later = add_record("Observation", R"({"resourceType":"Observation","id":"later"})");
  auto read = cli::request_record_access(*doctor2_.client, doctor2_.actor, later.id, "TREAT");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->data_key, later.data_key);
  EXPECT_TRUE(read->answer["keys"].contains("categoryWrap"));

  // Revoking rotates the category key to epoch 2, sealed to the insurer's consent only.
  commit(patient_, cli::build_revoke(patient_.actor, network_, doctor_consent));
  auto rotation = cli::build_rotation(*patient_.client, patient_.actor, network_, "Observation");
  ASSERT_TRUE(rotation && *rotation) << (rotation ? "" : rotation.error().message);
  commit(patient_, **rotation);
  key = cli::fetch_category_key(*doctor_.client, patient_.did, "Observation");
  ASSERT_TRUE(key && *key);
  EXPECT_EQ((*key)->epoch, 2u);

  Added after = add_record("Observation", R"({"resourceType":"Observation","id":"after"})");
  EXPECT_TRUE(contains(refusal(doctor2_, after.id, "TREAT"), "was revoked"));
  // The insurer, still consented, reads the new record through epoch 2.
  auto insurer_read =
      cli::request_record_access(*insurer_.client, insurer_.actor, after.id, "HPAYMT");
  ASSERT_TRUE(insurer_read) << insurer_read.error().message;
  EXPECT_EQ(insurer_read->data_key, after.data_key);
  // The revoked doctor's epoch-1 secret (which it did receive) does not open the new record.
  auto doctor_secret = node_->read_state(category_secret_state_key(doctor_consent, 1));
  ASSERT_TRUE(doctor_secret);
  auto wrapped = decode_wrapped(*doctor_secret);
  ASSERT_TRUE(wrapped);
  auto epoch1 = open_key(wrapped->sealed, doctor2_.key);
  ASSERT_TRUE(epoch1);
  auto view = cli::fetch_record(*patient_.client, after.id);
  ASSERT_TRUE(view && view->for_category);
  EXPECT_EQ(view->for_category->epoch, 2u);
  EXPECT_FALSE(open_key(view->for_category->sealed, X25519KeyPair::from_secret(*epoch1)));
}

// The patient's access log shows the erasure of her record (who signed, why, when), a read of it
// is refused with 410, nobody else's log shows it, and the CLI's check refuses a served erasure
// that says anything else than the proven transaction.
TEST_F(ConsentApiTest, ThePatientsAccessLogShowsTheErasureOfHerRecordAndNobodyElses) {
  Added gone = add_record("Observation", R"({"resourceType":"Observation","id":"gone"})");
  Added kept = add_record("Observation", R"({"resourceType":"Observation","id":"kept"})");
  Bytes erase = patient_.actor.sign_transaction(
      network_, kTxTypeRecordErase,
      encode_record_erase({gone.id, ErasureReason::consent_withdrawn, ""}));
  commit(patient_, erase);

  auto read = patient_.client->call("GET", "/v1/records/" + gone.id.hex());
  ASSERT_FALSE(read);
  EXPECT_TRUE(contains(read.error().message, "erased at height")) << read.error().message;
  EXPECT_TRUE(patient_.client->call("GET", "/v1/records/" + kept.id.hex()));

  auto log = cli::fetch_bundle(*patient_.client, "/v1/patients/" + patient_.did + "/access-log");
  ASSERT_TRUE(log) << log.error().message;
  std::vector<json> erasures;
  for (const auto& e : *log)
    if (cli::erasure_event_kind(e) == "erasure") erasures.push_back(e);
  ASSERT_EQ(erasures.size(), 1u);
  EXPECT_EQ(erasures[0]["action"], "D");
  EXPECT_EQ(erasures[0]["id"], transaction_id(erase).hex());
  auto entry = cli::read_erasure_entry(erasures[0]);
  ASSERT_TRUE(entry) << entry.error().message;
  EXPECT_EQ(entry->record, gone.id.hex());
  EXPECT_EQ(entry->signer, patient_.did);
  EXPECT_EQ(entry->erased_by, "holder");
  EXPECT_EQ(entry->reason, "consent-withdrawn");
  EXPECT_EQ(entry->category, "Observation");
  EXPECT_TRUE(entry->organization.empty());
  EXPECT_EQ(entry->receipts, "0");  // no eraser runs in process

  // Another person's access log has no erasure.
  auto other = cli::fetch_bundle(*insurer_.client, "/v1/patients/" + insurer_.did + "/access-log");
  ASSERT_TRUE(other) << other.error().message;
  for (const auto& e : *other) {
    EXPECT_EQ(cli::erasure_event_kind(e), "") << e.dump(2);
    EXPECT_FALSE(contains(e.dump(), gone.id.hex()));
  }

  // What is shown must be what the erase transaction says.
  auto tx = decode_transaction(erase);
  ASSERT_TRUE(tx);
  cli::ProvenTx proven{*tx, {}, {}};
  EXPECT_TRUE(cli::matches_erase(*entry, proven));
  cli::ErasureLogEntry forged = *entry;
  forged.signer = doctor_.did;
  EXPECT_FALSE(cli::matches_erase(forged, proven));
  forged = *entry;
  forged.reason = "patient-request";
  EXPECT_FALSE(cli::matches_erase(forged, proven));
  forged = *entry;
  forged.record = kept.id.hex();
  EXPECT_FALSE(cli::matches_erase(forged, proven));
  forged = *entry;
  forged.erased_by = "data-protection-officer";
  EXPECT_FALSE(cli::matches_erase(forged, proven));
  // A served event without its signer is refused.
  json no_signer = erasures[0];
  no_signer["agent"] = json::array();
  EXPECT_FALSE(cli::read_erasure_entry(no_signer));
}

}  // namespace
}  // namespace pv

namespace pv {
namespace {

// Key envelopes (docs/erasure.md): the anchor and the grant that `pv` writes carry no wrapped
// key; the node admits them only when every envelope they name is on it, is the one they
// describe and seals each key to the right party. Each attack is refused before it reaches the
// ledger, and the honest record and consent after them still work.
TEST_F(ConsentApiTest, KeyEnvelopesAreCheckedWhenAdmittedAndNeverRideInATransaction) {
  const std::string plaintext = R"({"resourceType":"Observation","status":"final"})";
  Added rec = add_record("Observation", plaintext);
  const std::uint64_t height = node_->info().height;

  auto content = cli::upload_raw_blocks(*doctor_.client, {to_bytes("more ciphertext")});
  ASSERT_TRUE(content);
  cli::RecordPlan plan{patient_.did,     org_,
                       "Observation",    "application/fhir+json",
                       content->front(), record_commitment(rec.data_key, as_bytes(plaintext)),
                       plaintext.size()};
  auto honest = cli::build_record_anchor(*doctor_.client, doctor_.actor, plan, rec.data_key);
  ASSERT_TRUE(honest) << honest.error().message;
  ASSERT_TRUE(has_key_envelope(*honest));
  const Bytes payload = encode_record_anchor(*honest);
  EXPECT_EQ(std::search(payload.begin(), payload.end(), honest->for_patient.sealed.bytes.begin(),
                        honest->for_patient.sealed.bytes.end()),
            payload.end())
      << "the anchor carries the patient's wrapped key";
  auto submit_anchor = [&](const RecordAnchor& a) {
    return doctor_.client->submit_and_commit(
        doctor_.actor.sign_transaction(network_, kTxTypeRecordAnchor, encode_record_anchor(a)),
        10s);
  };

  // 1. An envelope the node never received.
  RecordAnchor missing = *honest;
  missing.key_envelope =
      content::Cid::of(content::Multicodec::raw, to_bytes("never uploaded")).bytes();
  auto refused = submit_anchor(missing);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(contains(refused.error().message, "is not on this node")) << refused.error().message;

  // 1b. A forged anchor (its signature broken) naming content and an envelope this node never
  // saw: refused for its signature, before the node checks, pins or replicates anything.
  Bytes forged_anchor = doctor_.actor.sign_transaction(
      network_, kTxTypeRecordAnchor, encode_record_anchor([&] {
        RecordAnchor a = missing;
        a.cid = content::Cid::of(content::Multicodec::raw, to_bytes("not here")).bytes();
        return a;
      }()));
  forged_anchor.back() ^= 1;
  refused = doctor_.client->submit_and_commit(forged_anchor, 10s);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(contains(refused.error().message, "signature")) << refused.error().message;

  // 2. The patient's key sealed to the author instead: uploaded, but refused on admission.
  RecordAnchor misdirected = *honest;
  auto to_author = cli::wrap_for(rec.data_key, doctor_.key.public_key());
  ASSERT_TRUE(to_author);
  misdirected.for_patient = *to_author;
  auto envelope =
      cli::upload_raw_blocks(*doctor_.client, {encode_record_key_envelope(misdirected)});
  ASSERT_TRUE(envelope);
  refused = submit_anchor(enveloped_anchor(misdirected, envelope->front()));
  ASSERT_FALSE(refused);
  EXPECT_TRUE(contains(refused.error().message, "the patient's wrapped key"))
      << refused.error().message;

  // 3. Another anchor's envelope, which does not hold what this anchor declares.
  RecordAnchor swapped = *honest;
  swapped.sealed_emergency_epoch = 1;
  swapped.sealed_emergency_shares = 2;
  refused = submit_anchor(swapped);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(contains(refused.error().message, "does not hold what the anchor declares"))
      << refused.error().message;

  // 4. A grant whose envelope is the grantee's key of another record.
  cli::GrantPlan plan2;
  plan2.records = {rec.id};
  plan2.grantee = doctor2_.did;
  plan2.purposes = {"TREAT"};
  plan2.not_before_ms = testing::now_ms() - 1000;
  plan2.not_after_ms = testing::now_ms() + 3600 * 1000;
  auto txs = cli::build_grant(*patient_.client, patient_.actor, network_, plan2);
  ASSERT_TRUE(txs) << txs.error().message;
  auto tx = decode_transaction(txs->back());
  ASSERT_TRUE(tx);
  auto grant = decode_consent_grant(tx->payload);
  ASSERT_TRUE(grant);
  ASSERT_EQ(grant->record_keys.size(), 1u);
  EXPECT_FALSE(grant->record_keys[0].key_envelope.empty()) << "a version-2 grant";
  auto to_doctor2 = cli::wrap_for(rec.data_key, doctor2_.key.public_key());
  ASSERT_TRUE(to_doctor2);
  Hash32 other;
  other.bytes.fill(7);
  auto foreign =
      cli::upload_raw_blocks(*patient_.client, {encode_grant_key_envelope(other, *to_doctor2)});
  ASSERT_TRUE(foreign);
  ConsentGrant forged = *grant;
  forged.record_keys[0].key_envelope = foreign->front();
  auto forged_tx = patient_.client->submit_and_commit(
      patient_.actor.sign_transaction(network_, kTxTypeConsentGrant, encode_consent_grant(forged)),
      10s);
  ASSERT_FALSE(forged_tx);
  EXPECT_TRUE(contains(forged_tx.error().message, "is for record")) << forged_tx.error().message;
  EXPECT_EQ(node_->info().height, height) << "a refused transaction reached the ledger";

  // The honest anchor and grant go through; the grantee reads with the key from its envelope.
  auto anchored = submit_anchor(*honest);
  ASSERT_TRUE(anchored) << anchored.error().message;
  for (const auto& t : *txs) commit(patient_, t);
  auto read = cli::request_record_access(*doctor2_.client, doctor2_.actor, rec.id, "TREAT");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->basis, "consent");
  EXPECT_TRUE(read->data_key == rec.data_key) << "the key opened from the grant's envelope";
}

}  // namespace
}  // namespace pv
