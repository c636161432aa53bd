// Emergency access through the real executor (docs/consent.md section 8): the patient's policy,
// anchors that must carry one share per custodian, the emergency event a permitted break-glass
// records, and releases by custodians — then attacks on every rule: non-member and non-provider
// custodians, missing or misaddressed shares, releases for events that are not emergencies, by
// the wrong custodian, to the wrong key, twice, or after the window; and on the reader's side,
// fewer than k shares, a share of another event, and an altered share.

#include <gtest/gtest.h>

#include "consent_support.hpp"
#include "identity/emergency_shares.hpp"
#include "ledger/emergency_rules.hpp"
#include "ledger/record_key_envelope.hpp"

namespace pv {
namespace {

using testing::contains;
using testing::Person;
using testing::TestLedger;

class EmergencyLedgerTest : public ::testing::Test {
 protected:
  EmergencyLedgerTest() : ledger_(make_genesis()) {
    std::vector<Person*> orgs = {&hospital_, &clinic_, &lab_};
    std::sort(orgs.begin(), orgs.end(), [](auto* a, auto* b) { return a->did < b->did; });
    custodians_ = orgs;
  }

  Genesis make_genesis() {
    Genesis g;
    g.network = "emergency-test";
    g.time_ms = 1'700'000'000'000;
    g.organizations.push_back(
        {hospital_.did, "General Hospital", "provider", {node_.key.public_key()}, {hospital_.did}});
    g.organizations.push_back({clinic_.did, "Hill Clinic", "provider", {}, {clinic_.did}});
    g.organizations.push_back({lab_.did, "City Lab", "provider", {}, {lab_.did}});
    g.organizations.push_back({insurer_.did, "Mutual Insurance", "insurer", {}, {insurer_.did}});
    return g;
  }

  EmergencyPolicy policy(std::uint32_t epoch = 1, std::uint8_t threshold = 2) {
    EmergencyPolicy p{epoch, threshold, {}};
    for (auto* c : custodians_) p.custodians.push_back(c->did);
    return p;
  }

  struct NewRecord {
    Bytes tx;
    RecordId id;
    SecretKey32 data_key;
    RecordAnchor anchor;
  };
  // `pv record add` on the author's side, splitting the key for the patient's custodians.
  NewRecord add_record(bool with_shares = true, std::vector<PublicKey> share_keys = {}) {
    NewRecord r;
    r.data_key = generate_secret_key();
    RecordAnchor& a = r.anchor;
    a.patient = patient_.did;
    a.organization = hospital_.did;
    a.cid = to_bytes("\x01\x55\x12\x20" + std::string(32, 'e'));
    a.commitment = record_commitment(r.data_key, as_bytes("{}"));
    a.category = "Observation";
    a.media_type = "application/fhir+json";
    a.size = 2;
    a.for_patient = {patient_.key.public_key(),
                     *seal_key_to_ed25519(r.data_key, patient_.key.public_key())};
    a.for_author = {author_.key.public_key(),
                    *seal_key_to_ed25519(r.data_key, author_.key.public_key())};
    if (with_shares) {
      if (share_keys.empty())
        for (auto* c : custodians_) share_keys.push_back(c->key.public_key());
      auto shares = split_for_custodians(r.data_key, 1, 2, share_keys);
      EXPECT_TRUE(shares) << shares.error().message;
      a.emergency = *shares;
    }
    r.tx = ledger_.sign(author_, kTxTypeRecordAnchor, encode_record_anchor(a));
    r.id = transaction_id(r.tx);
    return r;
  }

  // The node's access event for a permitted break-glass by `reader` (credential issued by the
  // hospital).
  TxId emergency_event(const RecordId& record, const Person& reader,
                       AccessBasis basis = AccessBasis::emergency) {
    AccessEvent e;
    e.reader = reader.did;
    e.reader_organization = hospital_.did;
    e.record = record;
    e.purpose = "ETREAT";
    e.decided_height = ledger_.height();
    e.outcome = AccessOutcome::permitted;
    e.basis = basis;
    if (basis == AccessBasis::emergency) e.credential = sha256(as_bytes("credential"));
    Bytes tx = ledger_.sign(node_, kTxTypeAccessEvent, encode_access_event(e));
    EXPECT_EQ(ledger_.commit(tx), "valid");
    return transaction_id(tx);
  }

  // What `pv emergency release` does for custodian number `share` (1-based).
  Bytes release(const NewRecord& rec, const TxId& event, std::uint8_t share, const Person& to,
                Person* signer = nullptr) {
    Person& custodian = *custodians_[share - 1];
    auto opened =
        open_custodian_share(rec.anchor.emergency->shares[share - 1], share, custodian.key);
    EXPECT_TRUE(opened) << opened.error().message;
    auto r = seal_release(event, 1, *opened, to.key.public_key());
    EXPECT_TRUE(r);
    return ledger_.sign(signer ? *signer : custodian, kTxTypeEmergencyRelease,
                        encode_emergency_release(*r));
  }

  Person hospital_, clinic_, lab_, insurer_, node_;
  Person patient_, author_, clinician_, mallory_;
  TestLedger ledger_;
  std::vector<Person*> custodians_;
};

TEST_F(EmergencyLedgerTest, PolicyIsThePatientsAndNamesMemberProviders) {
  EXPECT_EQ(ledger_.commit(
                ledger_.sign(patient_, kTxTypeEmergencyPolicy, encode_emergency_policy(policy(2)))),
            "rejected: the next emergency policy epoch is 1");
  EmergencyPolicy with_insurer = policy();
  with_insurer.custodians = {hospital_.did, insurer_.did};
  std::sort(with_insurer.custodians.begin(), with_insurer.custodians.end());
  EXPECT_TRUE(contains(ledger_.commit(ledger_.sign(patient_, kTxTypeEmergencyPolicy,
                                                   encode_emergency_policy(with_insurer))),
                       "is not a provider organization"));
  EmergencyPolicy stranger = policy();
  stranger.custodians = {hospital_.did, mallory_.did};
  std::sort(stranger.custodians.begin(), stranger.custodians.end());
  EXPECT_TRUE(contains(ledger_.commit(ledger_.sign(patient_, kTxTypeEmergencyPolicy,
                                                   encode_emergency_policy(stranger))),
                       "member"));
  // The decoder refuses a threshold of 1 or above n, and unsorted custodians.
  EmergencyPolicy weak = policy(1, 1);
  EXPECT_FALSE(decode_emergency_policy(encode_emergency_policy(weak)));
  EXPECT_FALSE(decode_emergency_policy(encode_emergency_policy(policy(1, 4))));
  EmergencyPolicy unsorted = policy();
  std::swap(unsorted.custodians[0], unsorted.custodians[1]);
  EXPECT_FALSE(decode_emergency_policy(encode_emergency_policy(unsorted)));

  ASSERT_EQ(ledger_.commit(
                ledger_.sign(patient_, kTxTypeEmergencyPolicy, encode_emergency_policy(policy()))),
            "valid");
  auto stored = load_emergency_policy(ledger_.state(), patient_.did);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->policy, policy());
  ASSERT_EQ(ledger_.commit(ledger_.sign(patient_, kTxTypeEmergencyPolicy,
                                        encode_emergency_policy(policy(2, 3)))),
            "valid");
  EXPECT_EQ((*load_emergency_policy(ledger_.state(), patient_.did))->policy.threshold, 3);
  EXPECT_EQ((*load_emergency_policy(ledger_.state(), patient_.did, 1))->policy.threshold, 2);
}

TEST_F(EmergencyLedgerTest, AnchorsCarryOneShareForEachCustodianOnceThePatientHasAPolicy) {
  // No policy yet: no shares allowed; without shares fine.
  EXPECT_TRUE(contains(ledger_.commit(add_record(true).tx), "has no emergency policy"));
  ASSERT_EQ(ledger_.commit(add_record(false).tx), "valid");
  ASSERT_EQ(ledger_.commit(
                ledger_.sign(patient_, kTxTypeEmergencyPolicy, encode_emergency_policy(policy()))),
            "valid");
  EXPECT_TRUE(contains(ledger_.commit(add_record(false).tx), "split the data key"));
  // A share sealed to someone else than its custodian.
  std::vector<PublicKey> wrong;
  for (auto* c : custodians_) wrong.push_back(c->key.public_key());
  wrong[1] = mallory_.key.public_key();
  EXPECT_TRUE(contains(ledger_.commit(add_record(true, wrong).tx), "emergency share 2"));
  // Too few shares.
  std::vector<PublicKey> two = {custodians_[0]->key.public_key(), custodians_[1]->key.public_key()};
  EXPECT_TRUE(contains(ledger_.commit(add_record(true, two).tx), "one share per custodian"));
  NewRecord ok = add_record();
  EXPECT_EQ(ledger_.commit(ok.tx), "valid");
  auto stored = load_record(ledger_.state(), ok.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->anchor.emergency, ok.anchor.emergency);
}

TEST_F(EmergencyLedgerTest, CustodiansReleaseForACommittedBreakGlassAndTheReaderCombines) {
  ASSERT_EQ(ledger_.commit(
                ledger_.sign(patient_, kTxTypeEmergencyPolicy, encode_emergency_policy(policy()))),
            "valid");
  NewRecord rec = add_record();
  ASSERT_EQ(ledger_.commit(rec.tx), "valid");
  NewRecord other = add_record();
  ASSERT_EQ(ledger_.commit(other.tx), "valid");

  // No emergency event yet: a release for an arbitrary id, or for a non-emergency read, is
  // refused.
  TxId not_an_event = sha256(as_bytes("nothing"));
  EXPECT_TRUE(contains(ledger_.commit(release(rec, not_an_event, 1, clinician_)),
                       "is not a permitted emergency access"));
  TxId patient_read = emergency_event(rec.id, patient_, AccessBasis::patient);
  EXPECT_TRUE(contains(ledger_.commit(release(rec, patient_read, 1, patient_)),
                       "is not a permitted emergency access"));

  TxId event = emergency_event(rec.id, clinician_);
  auto recorded = load_emergency_event(ledger_.state(), event);
  ASSERT_TRUE(recorded && *recorded);
  EXPECT_EQ((*recorded)->reader, clinician_.did);
  EXPECT_EQ((*recorded)->patient, patient_.did);
  EXPECT_EQ((*recorded)->epoch, 1u);
  EXPECT_EQ(*index_read(ledger_.state(), emergency_events_list()), std::vector<Hash32>{event});

  // Custodian 1 releases; the wrong custodian for share 2, a release sealed to someone else and
  // a replay are refused.
  Bytes first = release(rec, event, 1, clinician_);
  ASSERT_EQ(ledger_.commit(first), "valid");
  EXPECT_TRUE(contains(ledger_.commit(first), "nonce")) << "the same transaction again";
  EXPECT_TRUE(contains(ledger_.commit(release(rec, event, 1, clinician_)), "already released"));
  EXPECT_TRUE(contains(ledger_.commit(release(rec, event, 2, clinician_, custodians_[0])),
                       "is not the custodian of share 2"));
  EXPECT_TRUE(contains(ledger_.commit(release(rec, event, 2, clinician_, &mallory_)),
                       "is not the custodian of share 2"));
  EXPECT_TRUE(
      contains(ledger_.commit(release(rec, event, 2, mallory_)), "sealed to the emergency reader"));

  // One share is not enough: whatever it combines to, it is not the key.
  auto released = load_emergency_releases(ledger_.state(), event);
  ASSERT_TRUE(released);
  ASSERT_EQ(released->size(), 1u);
  auto s1 = open_release((*released)[0].release, event, clinician_.key);
  ASSERT_TRUE(s1) << s1.error().message;
  std::vector<SecretShare> one = {*s1};
  EXPECT_NE(*combine_shares(one), rec.data_key);

  ASSERT_EQ(ledger_.commit(release(rec, event, 3, clinician_)), "valid");
  released = load_emergency_releases(ledger_.state(), event);
  ASSERT_EQ(released->size(), 2u);
  EXPECT_EQ((*released)[1].custodian, custodians_[2]->did);
  std::vector<SecretShare> two;
  for (const auto& r : *released) {
    auto s = open_release(r.release, event, clinician_.key);
    ASSERT_TRUE(s) << s.error().message;
    two.push_back(*s);
  }
  EXPECT_EQ(*combine_shares(two), rec.data_key);

  // The reader refuses a release of another event, one sealed to someone else, and an altered
  // one.
  TxId other_event = emergency_event(other.id, clinician_);
  EmergencyRelease moved = (*released)[0].release;
  EXPECT_FALSE(open_release(moved, other_event, clinician_.key));
  moved.event = other_event;  // relabelled: the sealed event id still says `event`
  auto relabelled = open_release(moved, other_event, clinician_.key);
  ASSERT_FALSE(relabelled);
  EXPECT_TRUE(contains(relabelled.error().message, "another access event"));
  EXPECT_FALSE(open_release((*released)[0].release, event, mallory_.key));
  for (std::size_t i = 0; i < kSealedReleaseBytes; i += 7) {
    EmergencyRelease flipped = (*released)[0].release;
    flipped.sealed.bytes[i] ^= 1;
    EXPECT_FALSE(open_release(flipped, event, clinician_.key)) << "byte " << i;
  }
  // A share of the other record combined with a share of this one: not this record's key.
  Bytes other_release = release(other, other_event, 2, clinician_);
  ASSERT_EQ(ledger_.commit(other_release), "valid");
  auto other_released = load_emergency_releases(ledger_.state(), other_event);
  auto foreign = open_release((*other_released)[0].release, other_event, clinician_.key);
  ASSERT_TRUE(foreign);
  std::vector<SecretShare> mixed = {two[0], *foreign};
  EXPECT_NE(*combine_shares(mixed), rec.data_key);
}

TEST_F(EmergencyLedgerTest, ReleasesStopAfterTheWindowAndForRemovedShares) {
  // A record anchored before the policy: the event is recorded, but there is nothing to release.
  NewRecord before = add_record(false);
  ASSERT_EQ(ledger_.commit(before.tx), "valid");
  ASSERT_EQ(ledger_.commit(
                ledger_.sign(patient_, kTxTypeEmergencyPolicy, encode_emergency_policy(policy()))),
            "valid");
  TxId early = emergency_event(before.id, clinician_);
  auto recorded = load_emergency_event(ledger_.state(), early);
  ASSERT_TRUE(recorded && *recorded);
  EXPECT_EQ((*recorded)->epoch, 0u);

  NewRecord rec = add_record();
  ASSERT_EQ(ledger_.commit(rec.tx), "valid");
  TxId event = emergency_event(rec.id, clinician_);
  ledger_.advance(kEmergencyReleaseWindowMs + 1);
  EXPECT_TRUE(contains(ledger_.commit(release(rec, event, 1, clinician_)), "24 hours"));
}

}  // namespace
}  // namespace pv

namespace pv {
namespace {

// Version-2 anchors (key envelopes, docs/erasure.md): the block holds no share, so the rules check
// what the anchor declares against the patient's policy, the same way and with the same
// verdicts; the state keeps the declaration, never a share.
TEST_F(EmergencyLedgerTest, Version2AnchorsDeclareTheirSharesAndTheStateHoldsNone) {
  auto enveloped = [&](const NewRecord& r, std::uint32_t epoch, std::uint8_t shares) {
    RecordAnchor a =
        enveloped_anchor(r.anchor, to_bytes("\x01\x55\x12\x20" + std::string(32, 'k')));
    a.sealed_emergency_epoch = epoch;
    a.sealed_emergency_shares = shares;
    return ledger_.sign(author_, kTxTypeRecordAnchor, encode_record_anchor(a));
  };
  const NewRecord with = add_record(true), without = add_record(false);
  EXPECT_TRUE(contains(ledger_.commit(enveloped(with, 1, 3)), "has no emergency policy"));
  ASSERT_EQ(ledger_.commit(enveloped(without, 0, 0)), "valid");
  ASSERT_EQ(ledger_.commit(
                ledger_.sign(patient_, kTxTypeEmergencyPolicy, encode_emergency_policy(policy()))),
            "valid");
  EXPECT_TRUE(contains(ledger_.commit(enveloped(add_record(false), 0, 0)), "split the data key"));
  EXPECT_TRUE(
      contains(ledger_.commit(enveloped(add_record(true), 1, 2)), "one share per custodian"));
  EXPECT_TRUE(contains(ledger_.commit(enveloped(add_record(true), 2, 3)), "at epoch 1"));
  const NewRecord ok = add_record(true);
  const Bytes tx = enveloped(ok, 1, 3);
  ASSERT_EQ(ledger_.commit(tx), "valid");
  auto stored = load_record(ledger_.state(), transaction_id(tx));
  ASSERT_TRUE(stored && *stored);
  EXPECT_FALSE((*stored)->anchor.emergency) << "the state holds no share";
  EXPECT_EQ(emergency_epoch_of((*stored)->anchor), 1u);
  EXPECT_EQ(emergency_share_count((*stored)->anchor), 3u);
  // The block cannot see where the envelope's shares are sealed (the admitting node checks it,
  // api/key_envelopes.hpp); filled in from an envelope, the same rules find a misdirected share.
  std::vector<PublicKey> wrong;
  for (auto* c : custodians_) wrong.push_back(c->key.public_key());
  wrong[2] = mallory_.key.public_key();
  RecordAnchor misdirected = add_record(true, wrong).anchor;
  Status checked = check_record_keys(ledger_.state(), misdirected, author_.did);
  ASSERT_FALSE(checked);
  EXPECT_TRUE(contains(checked.error().message, "emergency share 3")) << checked.error().message;
}

}  // namespace
}  // namespace pv
