// Records, consent and access through the real executor: the patient story, then attacks on
// every rule (expired, not yet valid, revoked, out of scope, wrong category, purpose or action,
// consents and revocations by someone other than the patient, replays, access events not from a
// node key, wrapped keys for the wrong recipient).

#include <gtest/gtest.h>

#include "codec/did_pv.hpp"
#include "consent_support.hpp"
#include "ledger/did_pv_rules.hpp"

namespace pv {
namespace {

using testing::contains;
using testing::Person;
using testing::TestLedger;

constexpr std::uint64_t kDay = 24ull * 3600 * 1000;

class ConsentLedgerTest : public ::testing::Test {
 protected:
  ConsentLedgerTest() : ledger_(make_genesis()) {}

  Genesis make_genesis() {
    Genesis g;
    g.network = "consent-test";
    g.time_ms = 1'700'000'000'000;
    g.organizations.push_back({hospital_.did,
                               "General Hospital",
                               "provider",
                               {node_a_.key.public_key()},
                               {hospital_.did}});
    g.organizations.push_back({clinic_.did, "Hill Clinic", "provider", {}, {clinic_.did}});
    g.organizations.push_back(
        {insurer_.did, "Mutual Insurance", "insurer", {node_b_.key.public_key()}, {insurer_.did}});
    return g;
  }

  struct NewRecord {
    Bytes tx;
    RecordId id;
    SecretKey32 data_key;
    RecordAnchor anchor;
  };

  // What `pv record add` does on the author's side: a fresh data key, the commitment, the key
  // sealed to the patient, the author and (if the patient has one) the category key.
  NewRecord add_record(Person& author, const std::string& org, const Person& patient,
                       const std::string& category,
                       const std::string& plaintext = R"({"resourceType":"Observation"})") {
    NewRecord r;
    r.data_key = generate_secret_key();
    RecordAnchor& a = r.anchor;
    a.patient = patient.did;
    a.organization = org;
    a.cid = to_bytes("\x01\x55\x12\x20" + std::string(32, 'c'));
    a.commitment = record_commitment(r.data_key, as_bytes(plaintext));
    a.category = category;
    a.media_type = "application/fhir+json";
    a.size = plaintext.size();
    a.for_patient = {patient.key.public_key(),
                     *seal_key_to_ed25519(r.data_key, patient.key.public_key())};
    a.for_author = {author.key.public_key(),
                    *seal_key_to_ed25519(r.data_key, author.key.public_key())};
    auto cat = load_category_key(ledger_.state(), patient.did, category);
    if (cat && *cat) {
      X25519PublicKey pub = (*cat)->public_key;
      a.for_category = CategoryWrap{(*cat)->epoch, pub, *seal_key(r.data_key, pub)};
    }
    r.tx = ledger_.sign(author, kTxTypeRecordAnchor, encode_record_anchor(a));
    r.id = transaction_id(r.tx);
    return r;
  }

  // What `pv consent grant --record` does on the patient's side: open each data key with the
  // patient's key and seal it to the grantee.
  ConsentGrant records_grant(const Person& patient, const std::string& grantee,
                             const PublicKey& grantee_key, std::vector<const NewRecord*> records,
                             std::vector<std::string> purposes = {"TREAT"}) {
    ConsentGrant g;
    g.grantee = grantee;
    g.scope = ScopeKind::records;
    std::sort(records.begin(), records.end(), [](auto* a, auto* b) { return a->id < b->id; });
    for (const auto* r : records) {
      g.records.push_back(r->id);
      auto key = open_key(r->anchor.for_patient.sealed, patient.key);
      EXPECT_TRUE(key);
      g.record_keys.push_back({r->id, {grantee_key, *seal_key_to_ed25519(*key, grantee_key)}, {}});
    }
    g.actions = static_cast<std::uint8_t>(ConsentAction::access);
    g.purposes = std::move(purposes);
    g.not_before_ms = ledger_.time_ms();
    g.not_after_ms = ledger_.time_ms() + 30 * kDay;
    return g;
  }

  AccessDecision decide(const Person& reader, const RecordId& record, std::string purpose = "TREAT",
                        ConsentAction action = ConsentAction::access,
                        std::vector<std::string> orgs = {}) {
    AccessRequest req{reader.did,         std::move(orgs),   record, action,
                      std::move(purpose), ledger_.time_ms(), {}};
    return contract_.decide(ledger_.state(), req);
  }

  Person hospital_, clinic_, insurer_, node_a_, node_b_;
  Person patient_, doctor_, other_doctor_, insurer_agent_, mallory_;
  TestLedger ledger_;
  testing::CheckedConsentContract contract_;  // native, checked against the EVM contract
};

TEST_F(ConsentLedgerTest, PatientStoryRecordGrantReadRefuseRevoke) {
  NewRecord rec = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_EQ(ledger_.commit(rec.tx), "valid");
  auto stored = load_record(ledger_.state(), rec.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->author, doctor_.did);
  EXPECT_EQ((*stored)->anchor, rec.anchor);
  EXPECT_EQ(*index_read(ledger_.state(), index_key("rec-patient", {patient_.did})),
            std::vector<Hash32>{rec.id});

  // The patient and the author read; nobody else does.
  EXPECT_EQ(decide(patient_, rec.id).basis, AccessBasis::patient);
  EXPECT_EQ(decide(doctor_, rec.id).basis, AccessBasis::author);
  AccessDecision none = decide(other_doctor_, rec.id);
  EXPECT_FALSE(none.permitted);
  EXPECT_TRUE(contains(none.reason, "no consent")) << none.reason;

  // The patient grants the other doctor access for treatment.
  ConsentGrant g =
      records_grant(patient_, other_doctor_.did, other_doctor_.key.public_key(), {&rec});
  Bytes grant_tx = ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(g));
  ConsentId consent = transaction_id(grant_tx);
  ASSERT_EQ(ledger_.commit(grant_tx), "valid");
  AccessDecision ok = decide(other_doctor_, rec.id);
  ASSERT_TRUE(ok.permitted) << ok.reason;
  EXPECT_EQ(ok.basis, AccessBasis::consent);
  EXPECT_EQ(ok.consent, consent);
  // The grantee opens the data key the grant carries for it.
  auto stored_consent = load_consent(ledger_.state(), consent);
  ASSERT_TRUE(stored_consent && *stored_consent);
  EXPECT_EQ(*open_key((*stored_consent)->grant.record_keys[0].key.sealed, other_doctor_.key),
            rec.data_key);
  EXPECT_FALSE(open_key((*stored_consent)->grant.record_keys[0].key.sealed, mallory_.key));
  // What the node serves each permitted reader opens with that reader's key only.
  auto served = reader_keys(ledger_.state(), rec.id, ok);
  ASSERT_TRUE(served) << served.error().message;
  EXPECT_EQ(served->cid, rec.anchor.cid);
  ASSERT_TRUE(served->data_key);
  EXPECT_EQ(*open_key(served->data_key->sealed, other_doctor_.key), rec.data_key);
  auto own = reader_keys(ledger_.state(), rec.id, decide(patient_, rec.id));
  ASSERT_TRUE(own && own->data_key);
  EXPECT_EQ(*open_key(own->data_key->sealed, patient_.key), rec.data_key);
  EXPECT_FALSE(open_key(own->data_key->sealed, other_doctor_.key));
  EXPECT_FALSE(reader_keys(ledger_.state(), rec.id, decide(insurer_agent_, rec.id, "HPAYMT")));

  // Wrong purpose, wrong action, another record, an insurer: refused, each saying why.
  AccessDecision purpose = decide(other_doctor_, rec.id, "HPAYMT");
  EXPECT_FALSE(purpose.permitted);
  EXPECT_TRUE(contains(purpose.reason, "is for purpose TREAT, not HPAYMT")) << purpose.reason;
  AccessDecision action = decide(other_doctor_, rec.id, "TREAT", ConsentAction::disclose);
  EXPECT_FALSE(action.permitted);
  EXPECT_TRUE(contains(action.reason, "allows access, not disclose")) << action.reason;
  NewRecord rec2 = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_EQ(ledger_.commit(rec2.tx), "valid");
  AccessDecision scope = decide(other_doctor_, rec2.id);
  EXPECT_FALSE(scope.permitted);
  EXPECT_TRUE(contains(scope.reason, "does not cover this record")) << scope.reason;
  EXPECT_FALSE(decide(insurer_agent_, rec.id, "HPAYMT").permitted);

  // The access events the node writes are on the ledger, indexed for the patient.
  std::vector<Bytes> events;
  for (auto [reader, d] : {std::pair{&other_doctor_, ok},
                           std::pair{&insurer_agent_, decide(insurer_agent_, rec.id, "HPAYMT")}}) {
    AccessRequest req{reader->did,
                      {},
                      rec.id,
                      ConsentAction::access,
                      reader == &other_doctor_ ? "TREAT" : "HPAYMT",
                      ledger_.time_ms(),
                      {}};
    events.push_back(ledger_.sign(node_a_, kTxTypeAccessEvent,
                                  encode_access_event(access_event_for(req, d, ledger_.height()))));
  }
  auto verdicts = ledger_.block(events);
  EXPECT_EQ(verdicts[0].code, TxCode::valid) << verdicts[0].reason;
  EXPECT_EQ(verdicts[1].code, TxCode::valid) << verdicts[1].reason;
  auto log = index_read(ledger_.state(), index_key("acc-patient", {patient_.did}));
  ASSERT_TRUE(log);
  EXPECT_EQ(*log, (std::vector<Hash32>{transaction_id(events[0]), transaction_id(events[1])}));

  // Revocation by the patient ends it.
  ASSERT_EQ(ledger_.commit(
                ledger_.sign(patient_, kTxTypeConsentRevoke, encode_consent_revoke({consent}))),
            "valid");
  AccessDecision revoked = decide(other_doctor_, rec.id);
  EXPECT_FALSE(revoked.permitted);
  EXPECT_TRUE(contains(revoked.reason, "was revoked at height")) << revoked.reason;
  // Twice is refused.
  EXPECT_TRUE(contains(ledger_.commit(ledger_.sign(patient_, kTxTypeConsentRevoke,
                                                   encode_consent_revoke({consent}))),
                       "already revoked"));
}

TEST_F(ConsentLedgerTest, ValidityWindowIsEnforcedAtTheDecisionTime) {
  NewRecord rec = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_EQ(ledger_.commit(rec.tx), "valid");
  ConsentGrant g =
      records_grant(patient_, other_doctor_.did, other_doctor_.key.public_key(), {&rec});
  g.not_before_ms = ledger_.time_ms() + kDay;
  g.not_after_ms = ledger_.time_ms() + 3 * kDay;
  ASSERT_EQ(ledger_.commit(ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(g))),
            "valid");
  AccessDecision early = decide(other_doctor_, rec.id);
  EXPECT_FALSE(early.permitted);
  EXPECT_TRUE(contains(early.reason, "is not valid before")) << early.reason;
  ledger_.advance(kDay);
  EXPECT_TRUE(decide(other_doctor_, rec.id).permitted);
  ledger_.advance(2 * kDay);
  AccessDecision late = decide(other_doctor_, rec.id);
  EXPECT_FALSE(late.permitted);
  EXPECT_TRUE(contains(late.reason, "expired at")) << late.reason;
  // An ended consent cannot be revoked, and a grant that has already ended is refused.
  ConsentGrant past = records_grant(patient_, doctor_.did, doctor_.key.public_key(), {&rec});
  past.not_before_ms = ledger_.time_ms() - 2 * kDay;
  past.not_after_ms = ledger_.time_ms() - kDay;
  EXPECT_TRUE(contains(
      ledger_.commit(ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(past))),
      "would already have ended"));
}

TEST_F(ConsentLedgerTest, OnlyThePatientGrantsAndRevokes) {
  NewRecord rec = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_EQ(ledger_.commit(rec.tx), "valid");
  // Mallory signs a consent for the patient's record to herself: not her record.
  ConsentGrant forged =
      records_grant(patient_, other_doctor_.did, other_doctor_.key.public_key(), {&rec});
  std::string verdict =
      ledger_.commit(ledger_.sign(mallory_, kTxTypeConsentGrant, encode_consent_grant(forged)));
  EXPECT_TRUE(contains(verdict, "is not the signer's record")) << verdict;
  // The author cannot grant either.
  verdict =
      ledger_.commit(ledger_.sign(doctor_, kTxTypeConsentGrant, encode_consent_grant(forged)));
  EXPECT_TRUE(contains(verdict, "is not the signer's record")) << verdict;
  // A grant claiming the patient as signer but signed by Mallory's key: bad signature.
  Transaction tx;
  tx.type = kTxTypeConsentGrant;
  tx.signer = patient_.did;
  tx.nonce = 99;
  tx.created_ms = ledger_.time_ms();
  tx.payload = encode_consent_grant(forged);
  ledger_.sign_transaction_with(tx, mallory_.key);
  EXPECT_TRUE(contains(ledger_.commit(encode_transaction(tx)), "bad-signature"));

  Bytes grant = ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(forged));
  ConsentId consent = transaction_id(grant);
  ASSERT_EQ(ledger_.commit(grant), "valid");
  // Replaying the grant: the same bytes again are a stale nonce; in one block, a duplicate.
  EXPECT_TRUE(contains(ledger_.commit(grant), "stale-nonce"));
  // Someone else revokes: refused, and the consent still permits.
  for (Person* who : {&mallory_, &other_doctor_, &doctor_}) {
    verdict =
        ledger_.commit(ledger_.sign(*who, kTxTypeConsentRevoke, encode_consent_revoke({consent})));
    EXPECT_TRUE(contains(verdict, "only the patient who granted")) << verdict;
  }
  EXPECT_TRUE(decide(other_doctor_, rec.id).permitted);
  // Revoking something that does not exist.
  verdict =
      ledger_.commit(ledger_.sign(patient_, kTxTypeConsentRevoke, encode_consent_revoke({rec.id})));
  EXPECT_TRUE(contains(verdict, "no consent")) << verdict;
}

TEST_F(ConsentLedgerTest, WrappedKeysMustBeForTheNamedParties) {
  NewRecord rec = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_EQ(ledger_.commit(rec.tx), "valid");
  // Sealed to Mallory instead of the patient: refused.
  RecordAnchor bad = rec.anchor;
  bad.for_patient.recipient = mallory_.key.public_key();
  EXPECT_TRUE(contains(
      ledger_.commit(ledger_.sign(doctor_, kTxTypeRecordAnchor, encode_record_anchor(bad))),
      "not a current key of " + patient_.did));
  bad = rec.anchor;
  bad.for_author.recipient = mallory_.key.public_key();
  EXPECT_TRUE(contains(
      ledger_.commit(ledger_.sign(doctor_, kTxTypeRecordAnchor, encode_record_anchor(bad))),
      "author's wrapped key"));
  // An organization that is not a member.
  bad = rec.anchor;
  bad.organization = mallory_.did;
  EXPECT_TRUE(contains(
      ledger_.commit(ledger_.sign(doctor_, kTxTypeRecordAnchor, encode_record_anchor(bad))),
      "is not a member organization"));
  // A grant whose key is sealed to someone other than the grantee.
  ConsentGrant g = records_grant(patient_, other_doctor_.did, mallory_.key.public_key(), {&rec});
  EXPECT_TRUE(
      contains(ledger_.commit(ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(g))),
               "not a current key of " + other_doctor_.did));
  // A grant to an organization that is not a member.
  g = records_grant(patient_, mallory_.did, mallory_.key.public_key(), {&rec});
  g.grantee_kind = GranteeKind::organization;
  EXPECT_TRUE(
      contains(ledger_.commit(ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(g))),
               "is not a member organization"));
}

TEST_F(ConsentLedgerTest, AccessEventsOnlyFromANodeKeyAndConsistent) {
  NewRecord rec = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_EQ(ledger_.commit(rec.tx), "valid");
  AccessRequest req{doctor_.did, {}, rec.id, ConsentAction::access, "TREAT", ledger_.time_ms(), {}};
  AccessEvent e = access_event_for(req, contract_.decide(ledger_.state(), req), ledger_.height());
  EXPECT_EQ(e.basis, AccessBasis::author);
  // A reader (or an organization's admin key) is not a node key.
  for (Person* who : {&doctor_, &hospital_, &patient_}) {
    std::string v = ledger_.commit(ledger_.sign(*who, kTxTypeAccessEvent, encode_access_event(e)));
    EXPECT_TRUE(contains(v, "signed by the key of a member's node")) << v;
  }
  EXPECT_EQ(ledger_.commit(ledger_.sign(node_b_, kTxTypeAccessEvent, encode_access_event(e))),
            "valid");
  // A node cannot log a basis that the record contradicts.
  AccessEvent lie = e;
  lie.reader = mallory_.did;
  EXPECT_TRUE(
      contains(ledger_.commit(ledger_.sign(node_a_, kTxTypeAccessEvent, encode_access_event(lie))),
               "not the record's author"));
  lie = e;
  lie.basis = AccessBasis::consent;
  lie.consent = rec.id;
  EXPECT_TRUE(
      contains(ledger_.commit(ledger_.sign(node_a_, kTxTypeAccessEvent, encode_access_event(lie))),
               "names no consent"));
  lie = e;
  lie.decided_height = ledger_.height() + 5;
  EXPECT_TRUE(
      contains(ledger_.commit(ledger_.sign(node_a_, kTxTypeAccessEvent, encode_access_event(lie))),
               "has not reached"));
  // A refusal for a record that does not exist is still logged (under the reader).
  AccessRequest ghost{mallory_.did,      {}, Hash32{}, ConsentAction::access, "TREAT",
                      ledger_.time_ms(), {}};
  AccessDecision d = contract_.decide(ledger_.state(), ghost);
  EXPECT_FALSE(d.permitted);
  EXPECT_EQ(ledger_.commit(
                ledger_.sign(node_a_, kTxTypeAccessEvent,
                             encode_access_event(access_event_for(ghost, d, ledger_.height())))),
            "valid");
  EXPECT_EQ(index_size(ledger_.state(), index_key("acc-reader", {mallory_.did})), 1u);
  EXPECT_EQ(index_size(ledger_.state(), index_key("acc-patient", {patient_.did})), 1u);
}

TEST_F(ConsentLedgerTest, CategoryConsentCoversLaterRecordsAndRotationShutsOutTheRevoked) {
  // An Observation recorded before the patient had a category key.
  NewRecord early = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_EQ(ledger_.commit(early.tx), "valid");
  EXPECT_EQ(early.anchor.for_category, std::nullopt);

  // A category grant needs the category key first.
  X25519KeyPair epoch1 = X25519KeyPair::generate();
  ConsentGrant g;
  g.grantee = other_doctor_.did;
  g.scope = ScopeKind::category;
  g.category = "Observation";
  g.actions = static_cast<std::uint8_t>(ConsentAction::access);
  g.purposes = {"ETREAT", "TREAT"};
  g.not_before_ms = ledger_.time_ms();
  g.not_after_ms = ledger_.time_ms() + 30 * kDay;
  g.category_epoch = 1;
  g.category_secret =
      WrappedKey{other_doctor_.key.public_key(),
                 *seal_key_to_ed25519(epoch1.secret(), other_doctor_.key.public_key())};
  // The earlier record's key travels in the grant itself.
  g.record_keys.push_back({early.id,
                           {other_doctor_.key.public_key(),
                            *seal_key_to_ed25519(early.data_key, other_doctor_.key.public_key())},
                           {}});
  std::string v =
      ledger_.commit(ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(g)));
  EXPECT_TRUE(contains(v, "publish a Observation category key")) << v;
  CategoryKeyUpdate key1{"Observation", 1, epoch1.public_key(), {}};
  // Only the next epoch is accepted.
  CategoryKeyUpdate skip = key1;
  skip.epoch = 2;
  EXPECT_TRUE(contains(
      ledger_.commit(ledger_.sign(patient_, kTxTypeCategoryKey, encode_category_key_update(skip))),
      "next Observation category key epoch is 1"));
  ASSERT_EQ(
      ledger_.commit(ledger_.sign(patient_, kTxTypeCategoryKey, encode_category_key_update(key1))),
      "valid");
  Bytes grant = ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(g));
  ConsentId consent = transaction_id(grant);
  ASSERT_EQ(ledger_.commit(grant), "valid");
  EXPECT_TRUE(decide(other_doctor_, early.id).permitted);

  // A record added later under the category: the author seals its key to the category key too,
  // and the grantee reads it without the patient acting again.
  NewRecord later = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_TRUE(later.anchor.for_category);
  EXPECT_EQ(later.anchor.for_category->epoch, 1u);
  ASSERT_EQ(ledger_.commit(later.tx), "valid");
  AccessDecision d = decide(other_doctor_, later.id);
  ASSERT_TRUE(d.permitted) << d.reason;
  EXPECT_EQ(d.consent, consent);
  // What the node serves: the record's category wrap and the grantee's category secret.
  auto served = reader_keys(ledger_.state(), later.id, d);
  ASSERT_TRUE(served) << served.error().message;
  ASSERT_TRUE(served->category_wrap && served->category_secret);
  auto opened_secret = open_key(served->category_secret->sealed, other_doctor_.key);
  ASSERT_TRUE(opened_secret);
  EXPECT_EQ(*open_key(served->category_wrap->sealed, X25519KeyPair::from_secret(*opened_secret)),
            later.data_key);
  // The earlier record's key came in the grant itself.
  auto early_keys = reader_keys(ledger_.state(), early.id, decide(other_doctor_, early.id));
  ASSERT_TRUE(early_keys && early_keys->data_key);
  EXPECT_EQ(*open_key(early_keys->data_key->sealed, other_doctor_.key), early.data_key);

  auto secret_wrap = ledger_.state().get(category_secret_state_key(consent, 1));
  ASSERT_TRUE(secret_wrap);
  auto secret = open_key(decode_wrapped(*secret_wrap)->sealed, other_doctor_.key);
  ASSERT_TRUE(secret);
  EXPECT_EQ(*open_key(later.anchor.for_category->sealed, X25519KeyPair::from_secret(*secret)),
            later.data_key);

  // An author who ignores the category key is refused (the grantee could not read the record).
  RecordAnchor no_wrap = later.anchor;
  no_wrap.for_category.reset();
  EXPECT_TRUE(contains(
      ledger_.commit(ledger_.sign(doctor_, kTxTypeRecordAnchor, encode_record_anchor(no_wrap))),
      "category key is at epoch 1"));
  // Another category is out of scope.
  NewRecord imaging = add_record(doctor_, hospital_.did, patient_, "ImagingStudy");
  ASSERT_EQ(ledger_.commit(imaging.tx), "valid");
  AccessDecision wrong = decide(other_doctor_, imaging.id);
  EXPECT_FALSE(wrong.permitted);
  EXPECT_TRUE(contains(wrong.reason, "covers category Observation, not ImagingStudy"))
      << wrong.reason;

  // Revocation, then rotation: a rotation must reach every live consent of the category and no
  // other. With the grant revoked, epoch 2 goes to nobody.
  ASSERT_EQ(ledger_.commit(
                ledger_.sign(patient_, kTxTypeConsentRevoke, encode_consent_revoke({consent}))),
            "valid");
  X25519KeyPair epoch2 = X25519KeyPair::generate();
  CategoryKeyUpdate leak{
      "Observation",
      2,
      epoch2.public_key(),
      {{consent,
        {other_doctor_.key.public_key(),
         *seal_key_to_ed25519(epoch2.secret(), other_doctor_.key.public_key())}}}};
  EXPECT_TRUE(contains(
      ledger_.commit(ledger_.sign(patient_, kTxTypeCategoryKey, encode_category_key_update(leak))),
      "is not a live Observation consent"));
  ASSERT_EQ(ledger_.commit(ledger_.sign(
                patient_, kTxTypeCategoryKey,
                encode_category_key_update({"Observation", 2, epoch2.public_key(), {}}))),
            "valid");
  NewRecord after = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_EQ(after.anchor.for_category->epoch, 2u);
  ASSERT_EQ(ledger_.commit(after.tx), "valid");
  EXPECT_FALSE(decide(other_doctor_, after.id).permitted);
  // The revoked grantee's epoch-1 secret does not open the new record's key.
  EXPECT_FALSE(open_key(after.anchor.for_category->sealed, X25519KeyPair::from_secret(*secret)));
  EXPECT_EQ(*open_key(after.anchor.for_category->sealed, epoch2), after.data_key);
}

TEST_F(ConsentLedgerTest, RotationMustReachEveryLiveCategoryConsent) {
  X25519KeyPair epoch1 = X25519KeyPair::generate();
  ASSERT_EQ(ledger_.commit(ledger_.sign(
                patient_, kTxTypeCategoryKey,
                encode_category_key_update({"Observation", 1, epoch1.public_key(), {}}))),
            "valid");
  ConsentGrant g;
  g.grantee = other_doctor_.did;
  g.scope = ScopeKind::category;
  g.category = "Observation";
  g.actions = static_cast<std::uint8_t>(ConsentAction::access);
  g.purposes = {"TREAT"};
  g.not_before_ms = ledger_.time_ms();
  g.not_after_ms = ledger_.time_ms() + 30 * kDay;
  g.category_epoch = 1;
  g.category_secret =
      WrappedKey{other_doctor_.key.public_key(),
                 *seal_key_to_ed25519(epoch1.secret(), other_doctor_.key.public_key())};
  Bytes grant = ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(g));
  ConsentId consent = transaction_id(grant);
  ASSERT_EQ(ledger_.commit(grant), "valid");
  X25519KeyPair epoch2 = X25519KeyPair::generate();
  // Leaving the live grantee out is refused: it would silently lose records added later.
  std::string v = ledger_.commit(
      ledger_.sign(patient_, kTxTypeCategoryKey,
                   encode_category_key_update({"Observation", 2, epoch2.public_key(), {}})));
  EXPECT_TRUE(contains(v, "1 live, 0 given")) << v;
  // Sealed to the wrong key: refused.
  CategoryKeyUpdate wrong{"Observation",
                          2,
                          epoch2.public_key(),
                          {{consent,
                            {mallory_.key.public_key(),
                             *seal_key_to_ed25519(epoch2.secret(), mallory_.key.public_key())}}}};
  EXPECT_TRUE(contains(
      ledger_.commit(ledger_.sign(patient_, kTxTypeCategoryKey, encode_category_key_update(wrong))),
      "not a current key"));
  CategoryKeyUpdate right{
      "Observation",
      2,
      epoch2.public_key(),
      {{consent,
        {other_doctor_.key.public_key(),
         *seal_key_to_ed25519(epoch2.secret(), other_doctor_.key.public_key())}}}};
  ASSERT_EQ(
      ledger_.commit(ledger_.sign(patient_, kTxTypeCategoryKey, encode_category_key_update(right))),
      "valid");
  auto wrap = ledger_.state().get(category_secret_state_key(consent, 2));
  ASSERT_TRUE(wrap);
  EXPECT_EQ(*open_key(decode_wrapped(*wrap)->sealed, other_doctor_.key), epoch2.secret());
  // Someone else cannot rotate the patient's key: it is per signer, so Mallory only makes her own.
  auto mine = load_category_key(ledger_.state(), patient_.did, "Observation");
  ASSERT_TRUE(mine && *mine);
  EXPECT_EQ((*mine)->epoch, 2u);
}

TEST_F(ConsentLedgerTest, OrganizationConsentAndMembership) {
  NewRecord rec = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_EQ(ledger_.commit(rec.tx), "valid");
  ConsentGrant g = records_grant(patient_, clinic_.did, clinic_.key.public_key(), {&rec});
  g.grantee_kind = GranteeKind::organization;
  Bytes grant = ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(g));
  ASSERT_EQ(ledger_.commit(grant), "valid");
  // A clinician the clinic vouches for reads through the organization's consent.
  AccessDecision d = decide(other_doctor_, rec.id, "TREAT", ConsentAction::access, {clinic_.did});
  ASSERT_TRUE(d.permitted) << d.reason;
  EXPECT_EQ(d.organization, clinic_.did);
  EXPECT_EQ(d.consent, transaction_id(grant));
  // Without the organization, or through another member or a non-member, no.
  EXPECT_FALSE(decide(other_doctor_, rec.id).permitted);
  EXPECT_FALSE(
      decide(other_doctor_, rec.id, "TREAT", ConsentAction::access, {insurer_.did}).permitted);
  AccessDecision fake =
      decide(other_doctor_, rec.id, "TREAT", ConsentAction::access, {mallory_.did});
  EXPECT_FALSE(fake.permitted);
  EXPECT_TRUE(contains(fake.reason, "is not a member organization")) << fake.reason;
}

TEST_F(ConsentLedgerTest, EmergencyAccessIsForETreatOnlyAndAudited) {
  NewRecord rec = add_record(doctor_, hospital_.did, patient_, "Observation");
  ASSERT_EQ(ledger_.commit(rec.tx), "valid");
  EmergencyClaim claim{hospital_.did, sha256(as_bytes("eyJ...credential"))};
  AccessRequest req{other_doctor_.did, {},   rec.id, ConsentAction::access, "ETREAT",
                    ledger_.time_ms(), claim};
  AccessDecision d = contract_.decide(ledger_.state(), req);
  ASSERT_TRUE(d.permitted) << d.reason;
  EXPECT_EQ(d.basis, AccessBasis::emergency);
  AccessEvent e = access_event_for(req, d, ledger_.height());
  EXPECT_EQ(e.credential, claim.credential);
  EXPECT_EQ(ledger_.commit(ledger_.sign(node_a_, kTxTypeAccessEvent, encode_access_event(e))),
            "valid");
  EXPECT_EQ(index_size(ledger_.state(), index_key("acc-patient", {patient_.did})), 1u);

  req.purpose = "TREAT";
  d = contract_.decide(ledger_.state(), req);
  EXPECT_FALSE(d.permitted);
  EXPECT_TRUE(contains(d.reason, "ETREAT only")) << d.reason;
  req.purpose = "ETREAT";
  req.action = ConsentAction::disclose;
  EXPECT_FALSE(contract_.decide(ledger_.state(), req).permitted);
  req.action = ConsentAction::access;
  req.emergency->organization = mallory_.did;
  EXPECT_FALSE(contract_.decide(ledger_.state(), req).permitted);
  // An emergency event that claims another purpose does not even decode.
  e.purpose = "TREAT";
  EXPECT_FALSE(decode_access_event(encode_access_event(e)));
}

TEST_F(ConsentLedgerTest, DidPvPatientGrantsOnlyWithACurrentKey) {
  Person device1, device2, recovery;
  Bytes create = encode_did_create(
      {{{"key-1", device1.key.public_key()}}, sha256(recovery.key.public_key().view())});
  Person patient;
  patient.key = device1.key;
  patient.did = did_pv_from_create(ledger_.network(), create);
  const std::string key1 = patient.did + "#key-1", key2 = patient.did + "#key-2";
  ASSERT_EQ(ledger_.commit(ledger_.sign(patient, kTxTypeDidCreate, create, key1)), "valid");

  NewRecord rec = add_record(doctor_, hospital_.did, patient, "Observation");
  ASSERT_EQ(ledger_.commit(rec.tx), "valid");
  ConsentGrant g =
      records_grant(patient, other_doctor_.did, other_doctor_.key.public_key(), {&rec});
  Bytes grant = ledger_.sign(patient, kTxTypeConsentGrant, encode_consent_grant(g), key1);
  ConsentId consent = transaction_id(grant);
  ASSERT_EQ(ledger_.commit(grant), "valid");
  EXPECT_TRUE(decide(other_doctor_, rec.id).permitted);

  // The patient rotates to a new device key; the old one signs nothing any more.
  DidUpdate rotate{1, DidUpdateOp::rotate, {{"key-2", device2.key.public_key()}}, {}};
  ASSERT_EQ(
      ledger_.commit(ledger_.sign(patient, kTxTypeDidUpdate, encode_did_update(rotate), key1)),
      "valid");
  std::string v =
      ledger_.commit(ledger_.sign(patient, kTxTypeConsentGrant, encode_consent_grant(g), key1));
  EXPECT_TRUE(contains(v, "bad-signature")) << v;
  v = ledger_.commit(
      ledger_.sign(patient, kTxTypeConsentRevoke, encode_consent_revoke({consent}), key1));
  EXPECT_TRUE(contains(v, "bad-signature")) << v;
  EXPECT_TRUE(decide(other_doctor_, rec.id).permitted);
  // New records must be sealed to the current key.
  NewRecord stale = add_record(doctor_, hospital_.did, patient, "Observation");
  EXPECT_TRUE(contains(ledger_.commit(stale.tx), "not a current key of " + patient.did));
  // With the current key the patient revokes.
  patient.key = device2.key;
  ASSERT_EQ(ledger_.commit(ledger_.sign(patient, kTxTypeConsentRevoke,
                                        encode_consent_revoke({consent}), key2)),
            "valid");
  EXPECT_FALSE(decide(other_doctor_, rec.id).permitted);
}

}  // namespace
}  // namespace pv
