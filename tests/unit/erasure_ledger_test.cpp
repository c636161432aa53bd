// Erasure through the real executor (docs/erasure.md): a patient erases her record and the state
// loses its anchor, wrapped keys, key grants, emergency events and every index entry linking it
// to her, while a tombstone says when, by whom (as a kind or an organization) and why. Then the
// attacks: a stranger, the author, officers with the wrong role, another organization's officer,
// a revoked, expired or licence-bearing credential, erasing twice, erasing under a legal hold, a
// hold lifted by another organization, receipts by a non-node key, twice, or for the wrong erase,
// and malformed payloads.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "consent_support.hpp"
#include "evm/abi.hpp"
#include "ledger/consent_evm.hpp"
#include "ledger/contract_state.hpp"
#include "ledger/contract_version.hpp"
#include "ledger/credential_revocation.hpp"
#include "ledger/erasure/erasure_payloads.hpp"
#include "ledger/erasure/erasure_state.hpp"
#include "ledger/vc_jwt.hpp"

namespace pv {
namespace {

using testing::contains;
using testing::Person;
using testing::TestLedger;

constexpr std::uint64_t kDay = 24ull * 3600 * 1000;

// Storage slots of contracts/ConsentRules.sol, in declaration order: records 0, consents 1,
// covers 2 (constants take none). A mapping's value for `key` starts at
// keccak256(abi.encode(key, slot)); a Record takes three slots: patient, author, category.
constexpr std::uint64_t kRecordsSlot = 0, kCoversSlot = 2;

evm::uint256 mapping_slot(const Hash32& key, const evm::uint256& slot) {
  std::uint8_t preimage[64];
  std::copy(key.bytes.begin(), key.bytes.end(), preimage);
  evm::store_be32(preimage + 32, slot);
  return evm::to_word(evm::keccak256(ByteView(preimage, sizeof preimage)));
}
std::vector<std::string> record_slot_keys(const RecordId& record) {
  const evm::uint256 base = mapping_slot(record, evm::uint256{kRecordsSlot});
  std::vector<std::string> keys;
  for (std::uint64_t field = 0; field < 3; ++field)
    keys.push_back(evm_slot_state_key(consent_contract_address(), base + evm::uint256{field}));
  return keys;
}
std::string covers_slot_key(const ConsentId& consent, const RecordId& record) {
  return evm_slot_state_key(consent_contract_address(),
                            mapping_slot(record, mapping_slot(consent, evm::uint256{kCoversSlot})));
}
Bytes word_bytes(const evm::uint256& v) {
  Bytes out(32);
  evm::store_be32(out.data(), v);
  return out;
}

class ErasureLedgerTest : public ::testing::Test {
 protected:
  ErasureLedgerTest() : ledger_(make_genesis()) {}

  Genesis make_genesis() {
    Genesis g;
    g.network = "erasure-test";
    g.time_ms = 1'700'000'000'000;
    g.organizations.push_back({hospital_.did,
                               "General Hospital",
                               "provider",
                               {node_a_.key.public_key()},
                               {hospital_.did}});
    g.organizations.push_back(
        {clinic_.did, "Hill Clinic", "provider", {node_b_.key.public_key()}, {clinic_.did}});
    return g;
  }

  struct NewRecord {
    Bytes tx;
    RecordId id;
    SecretKey32 data_key;
    RecordAnchor anchor;
  };

  NewRecord add_record(const Person& patient, char cid_byte = 'c') {
    NewRecord r;
    r.data_key = generate_secret_key();
    RecordAnchor& a = r.anchor;
    a.patient = patient.did;
    a.organization = hospital_.did;
    a.cid = to_bytes("\x01\x55\x12\x20" + std::string(32, cid_byte));
    a.commitment = record_commitment(r.data_key, as_bytes("{}"));
    a.category = "Observation";
    a.media_type = "application/fhir+json";
    a.size = 2;
    a.for_patient = {patient.key.public_key(),
                     *seal_key_to_ed25519(r.data_key, patient.key.public_key())};
    a.for_author = {doctor_.key.public_key(),
                    *seal_key_to_ed25519(r.data_key, doctor_.key.public_key())};
    r.tx = ledger_.sign(doctor_, kTxTypeRecordAnchor, encode_record_anchor(a));
    r.id = transaction_id(r.tx);
    EXPECT_EQ(ledger_.commit(r.tx), "valid");
    return r;
  }

  // A records consent from the patient to the reader for `records`.
  ConsentId grant(Person& patient, const Person& reader, std::vector<const NewRecord*> records) {
    ConsentGrant g;
    g.grantee = reader.did;
    g.scope = ScopeKind::records;
    std::sort(records.begin(), records.end(), [](auto* a, auto* b) { return a->id < b->id; });
    for (const auto* r : records) {
      g.records.push_back(r->id);
      g.record_keys.push_back(
          {r->id,
           {reader.key.public_key(), *seal_key_to_ed25519(r->data_key, reader.key.public_key())},
           {}});
    }
    g.actions = static_cast<std::uint8_t>(ConsentAction::access);
    g.purposes = {"TREAT"};
    g.not_before_ms = ledger_.time_ms();
    g.not_after_ms = ledger_.time_ms() + 30 * kDay;
    Bytes tx = ledger_.sign(patient, kTxTypeConsentGrant, encode_consent_grant(g));
    EXPECT_EQ(ledger_.commit(tx), "valid");
    return transaction_id(tx);
  }

  std::string credential(const Person& org, const Person& subject, std::string role,
                         std::string license = "", std::int64_t valid_from_offset = -60,
                         std::int64_t days = 30) {
    RoleCredential c;
    c.issuer = org.did;
    c.key_id = did_key_method_id(org.did);
    c.subject = subject.did;
    c.role = std::move(role);
    c.license_number = std::move(license);
    c.organization = c.license_number.empty() ? org.did : "General Hospital";
    const auto now = static_cast<std::int64_t>(ledger_.time_ms() / 1000);
    c.issued_at = c.not_before = now + valid_from_offset;
    c.expires = c.not_before + days * 86'400;
    auto jwt = issue_role_credential(c, org.key);
    EXPECT_TRUE(jwt) << jwt.error().message;
    return jwt ? *jwt : "";
  }
  std::string dpo_credential() {
    return credential(hospital_, dpo_, std::string(kDataProtectionOfficerRole));
  }
  std::string legal_credential(const Person& org, const Person& officer) {
    return credential(org, officer, std::string(kLegalOfficerRole));
  }

  std::string erase(Person& who, const RecordId& id, std::string jwt = "",
                    ErasureReason reason = ErasureReason::patient_request) {
    return ledger_.commit(
        ledger_.sign(who, kTxTypeRecordErase, encode_record_erase({id, reason, std::move(jwt)})));
  }
  std::string hold(Person& officer, HoldAction action, const RecordId& id, std::string jwt,
                   HoldReason reason = HoldReason::litigation) {
    return ledger_.commit(ledger_.sign(officer, kTxTypeLegalHold,
                                       encode_legal_hold({action, id, reason, std::move(jwt)})));
  }
  std::string receipt(Person& node, const ErasureReceipt& rc) {
    return ledger_.commit(ledger_.sign(node, kTxTypeErasureReceipt, encode_erasure_receipt(rc)));
  }
  std::optional<ErasureTombstone> tombstone(const RecordId& id) {
    auto t = load_erasure_tombstone(ledger_.state(), id);
    EXPECT_TRUE(t);
    return t ? *t : std::nullopt;
  }

  Person hospital_, clinic_, node_a_, node_b_;
  Person patient_, doctor_, reader_, mallory_, dpo_, clinic_dpo_, counsel_, clinic_counsel_;
  TestLedger ledger_;
};

TEST_F(ErasureLedgerTest, PayloadsRoundTripAndRefuseEveryTruncationAndUnknownCode) {
  RecordErase e{sha256(as_bytes("r")), ErasureReason::consent_withdrawn, ""};
  LegalHold h{HoldAction::lift, sha256(as_bytes("r")), HoldReason::public_health, "a.b.c"};
  ErasureReceipt rc{sha256(as_bytes("r")), sha256(as_bytes("t")), 9, 80, 1, 3, true};
  EXPECT_EQ(*decode_record_erase(encode_record_erase(e)), e);
  EXPECT_EQ(*decode_legal_hold(encode_legal_hold(h)), h);
  EXPECT_EQ(*decode_erasure_receipt(encode_erasure_receipt(rc)), rc);
  for (const Bytes& p :
       {encode_record_erase(e), encode_legal_hold(h), encode_erasure_receipt(rc)}) {
    for (std::size_t cut = 0; cut < p.size(); ++cut) {
      ByteView v = ByteView(p).first(cut);
      EXPECT_FALSE(decode_record_erase(v) || decode_legal_hold(v) || decode_erasure_receipt(v))
          << cut;
    }
    Bytes trailing = p;
    trailing.push_back(0);
    EXPECT_FALSE(decode_record_erase(trailing) || decode_legal_hold(trailing) ||
                 decode_erasure_receipt(trailing));
    Bytes magic = p;
    magic[0] ^= 1;
    EXPECT_FALSE(decode_record_erase(magic) || decode_legal_hold(magic) ||
                 decode_erasure_receipt(magic));
    Bytes version = p;
    version[4] = 2;
    EXPECT_FALSE(decode_record_erase(version) || decode_legal_hold(version) ||
                 decode_erasure_receipt(version));
  }
  Bytes reason = encode_record_erase(e);
  for (std::uint8_t bad : {0, 6, 255}) {
    reason[5 + 32] = bad;
    EXPECT_FALSE(decode_record_erase(reason)) << int(bad);
  }
  Bytes action = encode_legal_hold(h);
  action[5] = 3;
  EXPECT_FALSE(decode_legal_hold(action));
  Bytes compacted = encode_erasure_receipt(rc);
  compacted.back() = 2;
  EXPECT_FALSE(decode_erasure_receipt(compacted));
  // A hold without a credential, and officer-other without one, do not decode.
  EXPECT_FALSE(decode_legal_hold(encode_legal_hold({HoldAction::place, h.record, h.reason, ""})));
  EXPECT_FALSE(
      decode_record_erase(encode_record_erase({e.record, ErasureReason::officer_other, ""})));
  EXPECT_EQ(*parse_erasure_reason("unlawful-processing"), ErasureReason::unlawful_processing);
  EXPECT_FALSE(parse_erasure_reason("because"));
  EXPECT_EQ(*parse_hold_reason("archiving-public-interest"), HoldReason::archiving_public_interest);
}

// The fuzz target's seeds decode (so the fuzzer starts from valid payloads of each type).
TEST(ErasurePayloads, FuzzSeedsDecode) {
  const std::filesystem::path dir =
      std::filesystem::path(PV_SOURCE_DIR) / "fuzz/corpus/erasure_payload_fuzz";
  std::size_t seeds = 0;
  bool types[4] = {false, false, false, false};
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    Bytes seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(seed.empty()) << entry.path();
    ByteView payload = ByteView(seed).subspan(1);
    const int type = seed[0] % 4;
    bool ok = type == 0   ? static_cast<bool>(decode_record_erase(payload))
              : type == 1 ? static_cast<bool>(decode_legal_hold(payload))
              : type == 2 ? static_cast<bool>(decode_erasure_receipt(payload))
                          : static_cast<bool>(decode_pseudonyms_only(payload));
    EXPECT_TRUE(ok) << entry.path();
    types[type] = true;
    ++seeds;
  }
  EXPECT_GE(seeds, 5u);
  EXPECT_TRUE(types[0] && types[1] && types[2] && types[3]);
}

TEST_F(ErasureLedgerTest, PatientErasesAndEveryLinkInStateGoes) {
  NewRecord rec = add_record(patient_, 'a');
  NewRecord kept = add_record(patient_, 'b');
  ConsentId only = grant(patient_, reader_, {&rec});
  ConsentId both = grant(patient_, mallory_, {&rec, &kept});
  const std::string rec_list = index_key("rec-patient", {patient_.did});
  // Reads on the ledger: the patient reads both records, Mallory is refused the erased one.
  auto access = [&](const Person& reader, const NewRecord& r, AccessOutcome outcome) {
    AccessEvent e;
    e.reader = reader.did;
    e.record = r.id;
    e.purpose = "TREAT";
    e.decided_height = ledger_.height();
    e.outcome = outcome;
    e.basis = outcome == AccessOutcome::permitted ? AccessBasis::patient : AccessBasis::none;
    if (outcome == AccessOutcome::refused) e.reason = "no consent";
    Bytes tx = ledger_.sign(node_a_, kTxTypeAccessEvent, encode_access_event(e));
    EXPECT_EQ(ledger_.commit(tx), "valid");
    return transaction_id(tx);
  };
  access(patient_, rec, AccessOutcome::permitted);
  const TxId refused = access(mallory_, rec, AccessOutcome::refused);
  const TxId kept_read = access(patient_, kept, AccessOutcome::permitted);
  const std::string access_list = index_key("acc-patient", {patient_.did});
  ASSERT_EQ(index_read(ledger_.state(), access_list)->size(), 3u);

  ASSERT_EQ(erase(patient_, rec.id), "valid");
  const std::uint64_t erased_at = ledger_.height();
  // Her access list keeps only the other record's read; the erased record's own list is gone;
  // the reader's list (the reading side's audit trail, no patient in it) stays.
  EXPECT_EQ(*index_read(ledger_.state(), access_list), std::vector<Hash32>{kept_read});
  EXPECT_EQ(index_size(ledger_.state(), index_key("acc-record", {rec.id.hex()})), 0u);
  EXPECT_FALSE(ledger_.state().get(index_key("acc-record", {rec.id.hex()}) + "/" +
                                   std::string(16, '0')));
  EXPECT_EQ(*index_read(ledger_.state(), index_key("acc-record", {kept.id.hex()})),
            std::vector<Hash32>{kept_read});
  EXPECT_EQ(*index_read(ledger_.state(), index_key("acc-reader", {mallory_.did})),
            std::vector<Hash32>{refused});

  EXPECT_FALSE(ledger_.state().get(record_state_key(rec.id)));
  EXPECT_EQ(*index_read(ledger_.state(), rec_list), std::vector<Hash32>{kept.id});
  // The consent for the erased record alone is gone with its list entries.
  EXPECT_FALSE(ledger_.state().get(consent_state_key(only)));
  EXPECT_EQ(*index_read(ledger_.state(), index_key("con-patient", {patient_.did})),
            std::vector<Hash32>{both});
  EXPECT_TRUE(index_read(ledger_.state(), index_key("con-grantee", {reader_.did}))->empty());
  EXPECT_TRUE(
      index_read(ledger_.state(), index_key("con-pair", {patient_.did, reader_.did}))->empty());
  // The shared consent keeps the other record and loses this one's key.
  auto c = load_consent(ledger_.state(), both);
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->grant.records, std::vector<RecordId>{kept.id});
  ASSERT_EQ((*c)->grant.record_keys.size(), 1u);
  EXPECT_EQ((*c)->grant.record_keys[0].record, kept.id);

  // No value left in state holds the erased record's id or its patient-wrapped key next to
  // the patient's DID, except the tombstone, which names neither the patient nor the author.
  auto t = tombstone(rec.id);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->height, erased_at);
  EXPECT_EQ(t->by, ErasedBy::holder);
  EXPECT_TRUE(t->officer_organization.empty());
  EXPECT_EQ(t->record_organization, hospital_.did);
  EXPECT_EQ(t->reason, ErasureReason::patient_request);
  EXPECT_EQ(t->cid, rec.anchor.cid);
  Bytes encoded = encode_erasure_tombstone(*t);
  std::string text(encoded.begin(), encoded.end());
  EXPECT_FALSE(contains(text, patient_.did));
  EXPECT_FALSE(contains(text, doctor_.did));
  EXPECT_EQ(*index_read(ledger_.state(), erased_records_list()), std::vector<Hash32>{rec.id});

  // The other record is untouched; the erased one cannot be erased again.
  EXPECT_TRUE(ledger_.state().get(record_state_key(kept.id)));
  EXPECT_TRUE(
      contains(erase(patient_, rec.id), "already erased at height " + std::to_string(erased_at)));
  // A new grant naming the erased record is refused.
  Bytes regrant = ledger_.sign(
      patient_, kTxTypeConsentGrant, encode_consent_grant([&] {
        ConsentGrant g;
        g.grantee = reader_.did;
        g.records = {rec.id};
        g.record_keys = {{rec.id,
                          {reader_.key.public_key(),
                           *seal_key_to_ed25519(rec.data_key, reader_.key.public_key())},
                          {}}};
        g.actions = static_cast<std::uint8_t>(ConsentAction::access);
        g.purposes = {"TREAT"};
        g.not_before_ms = ledger_.time_ms();
        g.not_after_ms = ledger_.time_ms() + kDay;
        return g;
      }()));
  EXPECT_NE(ledger_.commit(regrant), "valid");
}

// The consent contract's storage held the record (patient, author, category) and its place in
// the records consents; after the erasure those slots are gone from the state, while the
// patient's other record and its consent decide exactly as before.
TEST_F(ErasureLedgerTest, TheConsentContractForgetsTheErasedRecord) {
  NewRecord rec = add_record(patient_, 'a');
  NewRecord kept = add_record(patient_, 'b');
  ConsentId only = grant(patient_, reader_, {&rec});
  ConsentId both = grant(patient_, mallory_, {&rec, &kept});
  const StateView& state = ledger_.state();
  // The slots as the contract wrote them (so the layout above is the contract's).
  const auto rec_slots = record_slot_keys(rec.id), kept_slots = record_slot_keys(kept.id);
  EXPECT_EQ(state.get(rec_slots[0]), word_bytes(evm::to_word(identity_address(patient_.did))));
  EXPECT_EQ(state.get(rec_slots[1]), word_bytes(evm::to_word(identity_address(doctor_.did))));
  EXPECT_EQ(state.get(rec_slots[2]),
            word_bytes(evm::to_word(evm::keccak256(as_bytes(std::string_view("Observation"))))));
  for (const auto& key : {covers_slot_key(only, rec.id), covers_slot_key(both, rec.id),
                          covers_slot_key(both, kept.id)})
    EXPECT_EQ(state.get(key), word_bytes(evm::uint256{1})) << key;

  auto request = [&](const Person& reader, const RecordId& record) {
    return AccessRequest{reader.did,        {}, record, ConsentAction::access, "TREAT",
                         ledger_.time_ms(), {}};
  };
  // Decisions on the kept record by the grantee of each consent, the patient and the author.
  const std::vector<const Person*> readers{&mallory_, &reader_, &patient_, &doctor_};
  std::vector<ContractDecision> before;
  for (const Person* reader : readers) {
    auto d = contract_decide(state, request(*reader, kept.id), ledger_.height());
    ASSERT_TRUE(d) << d.error().message;
    before.push_back(*d);
  }
  ASSERT_TRUE(before[0].permitted);
  EXPECT_EQ(before[0].basis, AccessBasis::consent);
  EXPECT_EQ(before[0].consent, both);
  EXPECT_FALSE(before[1].permitted);  // reader_'s consent names only the erased record
  EXPECT_EQ(before[1].reason, 4);     // REFUSED_BY_CONSENT, closest: `only`, stage scope
  EXPECT_EQ(before[1].consent, only);
  ASSERT_TRUE(contract_decide(state, request(mallory_, rec.id), ledger_.height())->permitted);

  ASSERT_EQ(erase(patient_, rec.id), "valid");

  // records[rec] and covers[*][rec] are deleted, not left as zero values.
  for (const auto& key : rec_slots) EXPECT_FALSE(state.get(key)) << key;
  EXPECT_FALSE(state.get(covers_slot_key(only, rec.id)));
  EXPECT_FALSE(state.get(covers_slot_key(both, rec.id)));
  // The other record's slots and its place in the shared consent are untouched.
  EXPECT_EQ(state.get(kept_slots[0]), word_bytes(evm::to_word(identity_address(patient_.did))));
  EXPECT_EQ(state.get(kept_slots[1]), word_bytes(evm::to_word(identity_address(doctor_.did))));
  EXPECT_TRUE(state.get(kept_slots[2]));
  EXPECT_EQ(state.get(covers_slot_key(both, kept.id)), word_bytes(evm::uint256{1}));
  for (std::size_t i = 0; i < readers.size(); ++i) {
    if (readers[i] == &reader_) continue;  // below: their only consent is gone
    auto d = contract_decide(state, request(*readers[i], kept.id), ledger_.height());
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->permitted, before[i].permitted) << i;
    EXPECT_EQ(d->basis, before[i].basis) << i;
    EXPECT_EQ(d->consent, before[i].consent) << i;
    EXPECT_EQ(d->via, before[i].via) << i;
    EXPECT_EQ(d->reason, before[i].reason) << i;
    EXPECT_EQ(d->detail, before[i].detail) << i;
  }
  // The consent that named only the erased record is gone from the contract as from the
  // ledger's state (forgetConsent): its grantee now has no consent at all, in both rule sets,
  // word for word.
  auto gone = contract_decide(state, request(reader_, kept.id), ledger_.height());
  ASSERT_TRUE(gone) << gone.error().message;
  EXPECT_FALSE(gone->permitted);
  EXPECT_EQ(gone->reason, 8);  // REFUSED_NO_CONSENT
  EXPECT_TRUE(gone->consent.is_zero());
  for (const Person* reader : readers) {
    const AccessDecision native = LedgerConsentContract().decide(state, request(*reader, kept.id));
    const AccessDecision evm = EvmConsentContract().decide(state, request(*reader, kept.id));
    EXPECT_EQ(native.permitted, evm.permitted) << reader->did;
    EXPECT_EQ(native.consent, evm.consent) << reader->did;
    EXPECT_EQ(native.reason, evm.reason) << reader->did;
  }
  // The contract no longer knows the erased record: even its patient and author are refused
  // with REFUSED_NO_RECORD, as is the grantee of the consent that named it.
  for (const Person* reader : {&patient_, &doctor_, &mallory_, &reader_}) {
    auto d = contract_decide(state, request(*reader, rec.id), ledger_.height());
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_FALSE(d->permitted) << reader->did;
    EXPECT_EQ(d->reason, 2) << reader->did;
  }
}

// More consents name the record than one call takes (kForgetConsentsPerCall): every one of
// them forgets it, those of the last call as well as those of the first.
TEST_F(ErasureLedgerTest, TheContractForgetsTheRecordInEveryConsentAcrossCalls) {
  NewRecord rec = add_record(patient_, 'a');
  NewRecord kept = add_record(patient_, 'b');
  std::vector<ConsentId> consents;
  for (std::size_t i = 0; i < kForgetConsentsPerCall + 2; ++i)
    consents.push_back(grant(patient_, reader_, {&rec, &kept}));
  for (const auto& c : consents) ASSERT_TRUE(ledger_.state().get(covers_slot_key(c, rec.id)));
  ASSERT_EQ(erase(patient_, rec.id), "valid");
  std::size_t left = 0, kept_covered = 0;
  for (const auto& c : consents) {
    left += ledger_.state().get(covers_slot_key(c, rec.id)).has_value();
    kept_covered += ledger_.state().get(covers_slot_key(c, kept.id)).has_value();
  }
  EXPECT_EQ(left, 0u);
  EXPECT_EQ(kept_covered, consents.size());
}

// Only the ledger may make the contract forget: a signer calling forgetRecord is refused and
// nothing changes.
TEST_F(ErasureLedgerTest, OnlyTheLedgerMakesTheContractForget) {
  NewRecord rec = add_record(patient_);
  ConsentId consent = grant(patient_, reader_, {&rec});
  for (const Person* caller : {&patient_, &doctor_, &hospital_}) {
    StateOverlay overlay(ledger_.state());
    auto r =
        call_contract(overlay, ContractCall{identity_address(caller->did),
                                            evm::abi::CallEncoder("forgetRecord(bytes32,bytes32[])")
                                                .word(evm::load_be32(rec.id.data()))
                                                .words({evm::load_be32(consent.data())})
                                                .finish(),
                                            ledger_.height() + 1, ledger_.time_ms()});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, evm::Status::revert);
    EXPECT_EQ(describe_revert(r->output), "NotLedger()");
    EXPECT_TRUE(overlay.changes().empty());
  }
  EXPECT_TRUE(ledger_.state().get(record_slot_keys(rec.id)[0]));
  EXPECT_TRUE(ledger_.state().get(covers_slot_key(consent, rec.id)));
}

TEST_F(ErasureLedgerTest, TheStateDigestCoversTheErasure) {
  NewRecord rec = add_record(patient_);
  Bytes tx = ledger_.sign(patient_, kTxTypeRecordErase,
                          encode_record_erase({rec.id, ErasureReason::patient_request, ""}));
  std::vector<Bytes> txs{tx};
  ExecutionInput in{ledger_.network(), ledger_.height() + 1, ledger_.time_ms() + 1000, txs};
  BlockExecution ex = execute_block(builtin_tx_registry(), ledger_.state(), in);
  ASSERT_EQ(ex.results[0].code, TxCode::valid);
  bool deleted = false, tombstoned = false;
  std::size_t slots_deleted = 0;
  const auto slots = record_slot_keys(rec.id);
  for (const auto& c : ex.changes) {
    deleted |= c.key == record_state_key(rec.id) && !c.value;
    tombstoned |= c.key == erasure_tombstone_key(rec.id) && c.value;
    // The contract's slots of the record are deletions among the block's changes.
    if (std::find(slots.begin(), slots.end(), c.key) != slots.end()) {
      EXPECT_FALSE(c.value) << c.key;
      ++slots_deleted;
    }
  }
  EXPECT_TRUE(deleted);
  EXPECT_TRUE(tombstoned);
  EXPECT_EQ(slots_deleted, 3u);
  // Same input, same changes (determinism).
  BlockExecution again = execute_block(builtin_tx_registry(), ledger_.state(), in);
  EXPECT_EQ(chain_state_digest(Hash32{}, ex.changes), chain_state_digest(Hash32{}, again.changes));
}

TEST_F(ErasureLedgerTest, OnlyTheHolderOrAnOfficerOfTheAuthorOrganizationErases) {
  NewRecord rec = add_record(patient_);
  EXPECT_TRUE(contains(erase(mallory_, rec.id), "not the holder")) << erase(mallory_, rec.id);
  // The author is not the holder either.
  EXPECT_TRUE(contains(erase(doctor_, rec.id), "not the holder"));
  // Officers: the wrong role, another organization, someone else's credential, licence-bearing.
  EXPECT_TRUE(contains(erase(dpo_, rec.id, legal_credential(hospital_, dpo_)),
                       "not \"data-protection-officer\""));
  EXPECT_TRUE(contains(
      erase(clinic_dpo_, rec.id, credential(clinic_, clinic_dpo_, "data-protection-officer")),
      "did not author record"));
  EXPECT_TRUE(contains(erase(mallory_, rec.id, dpo_credential()), "not to the signer"));
  EXPECT_NE(erase(dpo_, rec.id, credential(hospital_, dpo_, "data-protection-officer", "LIC-1")),
            "valid");
  // Expired, and not yet valid.
  EXPECT_NE(erase(dpo_, rec.id,
                  credential(hospital_, dpo_, "data-protection-officer", "", -40 * 86'400, 10)),
            "valid");
  EXPECT_NE(
      erase(dpo_, rec.id, credential(hospital_, dpo_, "data-protection-officer", "", 86'400, 10)),
      "valid");
  // Revoked by the hospital.
  const std::string revoked = dpo_credential();
  ASSERT_EQ(
      ledger_.commit(ledger_.sign(hospital_, kTxTypeCredentialRevoke,
                                  encode_credential_revoke(peek_role_credential(revoked)->id))),
      "valid");
  EXPECT_TRUE(contains(erase(dpo_, rec.id, revoked), "was revoked"));
  ASSERT_TRUE(ledger_.state().get(record_state_key(rec.id)));
  EXPECT_FALSE(tombstone(rec.id));

  // A valid officer of the author organization erases, and the tombstone names the organization.
  ASSERT_EQ(erase(dpo_, rec.id, dpo_credential(), ErasureReason::unlawful_processing), "valid");
  auto t = tombstone(rec.id);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->by, ErasedBy::officer);
  EXPECT_EQ(t->officer_organization, hospital_.did);
  EXPECT_EQ(t->reason, ErasureReason::unlawful_processing);
  EXPECT_FALSE(ledger_.state().get(record_state_key(rec.id)));
}

TEST_F(ErasureLedgerTest, LegalHoldRefusesErasureUntilItsOrganizationLiftsIt) {
  NewRecord rec = add_record(patient_);
  const std::string counsel = legal_credential(hospital_, counsel_);
  // Not a legal officer: refused.
  EXPECT_TRUE(
      contains(hold(dpo_, HoldAction::place, rec.id, dpo_credential()), "not \"legal-officer\""));
  EXPECT_TRUE(contains(hold(mallory_, HoldAction::place, rec.id, counsel), "not to the signer"));
  ASSERT_EQ(hold(counsel_, HoldAction::place, rec.id, counsel, HoldReason::legal_claims), "valid");
  const std::uint64_t held_at = ledger_.height();
  EXPECT_TRUE(contains(hold(counsel_, HoldAction::place, rec.id, counsel), "already held"));

  const std::string verdict = erase(patient_, rec.id);
  EXPECT_TRUE(contains(verdict, "record under legal hold by " + hospital_.did + " since height " +
                                    std::to_string(held_at) + " (legal-claims)"))
      << verdict;
  EXPECT_TRUE(contains(erase(dpo_, rec.id, dpo_credential()), "under legal hold"));
  EXPECT_TRUE(ledger_.state().get(record_state_key(rec.id)));

  // Another organization's legal officer cannot lift it; it may add its own hold.
  const std::string clinic = legal_credential(clinic_, clinic_counsel_);
  EXPECT_TRUE(contains(hold(clinic_counsel_, HoldAction::lift, rec.id, clinic),
                       "only the organization that placed a hold lifts it"));
  ASSERT_EQ(hold(clinic_counsel_, HoldAction::place, rec.id, clinic), "valid");
  ASSERT_EQ(hold(counsel_, HoldAction::lift, rec.id, counsel), "valid");
  EXPECT_TRUE(contains(erase(patient_, rec.id), "legal hold by " + clinic_.did));
  ASSERT_EQ(hold(clinic_counsel_, HoldAction::lift, rec.id, clinic), "valid");
  EXPECT_FALSE(ledger_.state().get(legal_holds_key(rec.id)));
  EXPECT_TRUE(contains(hold(counsel_, HoldAction::lift, rec.id, counsel), "no legal hold"));

  ASSERT_EQ(erase(patient_, rec.id), "valid");
  // No hold on an erased or unknown record.
  EXPECT_TRUE(contains(hold(counsel_, HoldAction::place, rec.id, counsel), "already erased"));
  EXPECT_TRUE(
      contains(hold(counsel_, HoldAction::place, sha256(as_bytes("none")), counsel), "no record"));
}

TEST_F(ErasureLedgerTest, OneReceiptPerNodeKeyForTheCommittedErase) {
  NewRecord rec = add_record(patient_);
  ErasureReceipt rc{rec.id, {}, 0, 80, 0, 2, true};
  rc.done_height = ledger_.height();
  EXPECT_TRUE(contains(receipt(node_a_, rc), "not erased"));
  Bytes erase_tx = ledger_.sign(patient_, kTxTypeRecordErase,
                                encode_record_erase({rec.id, ErasureReason::patient_request, ""}));
  ASSERT_EQ(ledger_.commit(erase_tx), "valid");
  const std::uint64_t erased_at = ledger_.height();
  rc.done_height = erased_at;
  // The wrong erase transaction, a height before the erase or beyond the block, a key that is
  // no member's node.
  rc.erase_tx = sha256(as_bytes("another"));
  EXPECT_TRUE(contains(receipt(node_a_, rc), "another transaction"));
  rc.erase_tx = transaction_id(erase_tx);
  rc.done_height = erased_at - 1;
  EXPECT_TRUE(contains(receipt(node_a_, rc), "height"));
  rc.done_height = ledger_.height() + 5;
  EXPECT_TRUE(contains(receipt(node_a_, rc), "height"));
  rc.done_height = erased_at;
  EXPECT_TRUE(contains(receipt(mallory_, rc), "key of a member's node"));
  ASSERT_EQ(receipt(node_a_, rc), "valid");
  auto stored = load_erasure_receipt(ledger_.state(), rec.id, node_a_.key.public_key());
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->receipt, rc);
  EXPECT_EQ((*stored)->node_key, node_a_.did);
  EXPECT_TRUE(contains(receipt(node_a_, rc), "already confirmed"));
  ASSERT_EQ(receipt(node_b_, rc), "valid");
}

// The patient's pseudonyms-only rule (type 42): once she sets it, no anchor may name her DID;
// anchors under another DID (her pseudonyms are did:keys the ledger cannot tell from anyone's)
// and other patients are untouched; only she sets or lifts it, for herself.
TEST_F(ErasureLedgerTest, PseudonymsOnlyRefusesAnchorsNamingThePatientsDid) {
  auto rule = [&](Person& who, PseudonymsOnlySetting s) {
    return ledger_.commit(ledger_.sign(who, kTxTypePseudonymsOnly, encode_pseudonyms_only({s})));
  };
  NewRecord before = add_record(patient_, 'a');
  EXPECT_NE(rule(patient_, PseudonymsOnlySetting::off).find("no pseudonyms-only rule to lift"),
            std::string::npos);
  ASSERT_EQ(rule(patient_, PseudonymsOnlySetting::require), "valid");
  const std::uint64_t set_at = ledger_.height();
  auto state = load_pseudonyms_only(ledger_.state(), patient_.did);
  ASSERT_TRUE(state && *state);
  EXPECT_EQ((*state)->height, set_at);
  EXPECT_NE(rule(patient_, PseudonymsOnlySetting::require).find("already accepts records only"),
            std::string::npos);

  // An anchor under her DID is refused with the reason and what to do.
  RecordAnchor a = before.anchor;
  a.cid = to_bytes("\x01\x55\x12\x20" + std::string(32, 'z'));
  const std::string refused =
      ledger_.commit(ledger_.sign(doctor_, kTxTypeRecordAnchor, encode_record_anchor(a)));
  EXPECT_NE(refused.find("accepts records only under her pseudonyms (since height " +
                         std::to_string(set_at) + ")"),
            std::string::npos)
      << refused;
  EXPECT_NE(refused.find("pv pseudonym import"), std::string::npos);
  EXPECT_EQ(index_size(ledger_.state(), index_key("rec-patient", {patient_.did})), 1u);
  // Her record from before stays readable state; a pseudonym's anchor and another patient's pass.
  EXPECT_TRUE(ledger_.state().get(record_state_key(before.id)));
  Person pseudonym;
  add_record(pseudonym, 'p');
  add_record(reader_, 'r');
  // Mallory's rule binds Mallory only: it cannot be set for someone else.
  ASSERT_EQ(rule(mallory_, PseudonymsOnlySetting::require), "valid");
  add_record(reader_, 's');
  EXPECT_FALSE(*load_pseudonyms_only(ledger_.state(), reader_.did));

  // Lifted, her DID is accepted again.
  ASSERT_EQ(rule(patient_, PseudonymsOnlySetting::off), "valid");
  EXPECT_FALSE(*load_pseudonyms_only(ledger_.state(), patient_.did));
  add_record(patient_, 'y');
  EXPECT_EQ(index_size(ledger_.state(), index_key("rec-patient", {patient_.did})), 2u);

  // Malformed payloads never reach the rule.
  Bytes p = encode_pseudonyms_only({PseudonymsOnlySetting::require});
  EXPECT_EQ(p, to_bytes(std::string("PVPO\x01\x01", 6)));
  for (std::uint8_t bad : {0, 3, 255}) {
    Bytes q = p;
    q.back() = bad;
    EXPECT_FALSE(decode_pseudonyms_only(q)) << int(bad);
  }
  Bytes trailing = p;
  trailing.push_back(1);
  EXPECT_FALSE(decode_pseudonyms_only(trailing));
  EXPECT_FALSE(decode_pseudonyms_only(ByteView(p).first(5)));
  EXPECT_NE(ledger_.commit(ledger_.sign(patient_, kTxTypePseudonymsOnly, trailing)), "valid");
}

}  // namespace
}  // namespace pv
