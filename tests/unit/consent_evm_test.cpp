// The consent contract on the EVM against the native rules, its reference (docs/evm.md): random
// ledger histories (records, grants by record and by category, revocations, time passing, some
// of it refused) built through the real executor, and after every block random access requests
// decided by both, which must give the same decision word for word. Plus what the contract's
// deployment leaves in state, and a transaction the contract alone refuses.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "consent_support.hpp"
#include "evm/abi.hpp"
#include "ledger/consent_contract_code.hpp"
#include "ledger/contract_state.hpp"
#include "ledger/contract_version.hpp"
#include "ledger/erasure/erasure_payloads.hpp"
#include "ledger/erasure/erasure_state.hpp"
#include "ledger/org_proposal.hpp"
#include "ledger/org_rules.hpp"

namespace pv {
namespace {

using testing::Person;
using testing::TestLedger;

constexpr std::uint64_t kDay = 24ull * 3600 * 1000;
const std::vector<std::string> kCategories = {"Observation", "ImagingStudy"};

struct Anchored {
  RecordId id;
  std::string patient;
  std::string category;
  SecretKey32 data_key;
};

class RandomHistory {
 public:
  explicit RandomHistory(std::uint64_t seed) : rng_(seed), ledger_(make_genesis()) {}

  Genesis make_genesis() {
    Genesis g;
    g.network = "consent-evm-test";
    g.time_ms = 1'700'000'000'000;
    g.organizations.push_back(
        {hospital_.did, "General Hospital", "provider", {node_.key.public_key()}, {hospital_.did}});
    g.organizations.push_back({clinic_.did, "Hill Clinic", "provider", {}, {clinic_.did}});
    return g;
  }

  std::uint64_t pick(std::uint64_t n) {
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // The patients publish an Observation category key first, so category grants can be made.
  void publish_category_keys() {
    std::vector<Bytes> txs;
    for (auto& p : patients_) {
      category_keys_.emplace(p.did, X25519KeyPair::generate());
      txs.push_back(
          ledger_.sign(p, kTxTypeCategoryKey,
                       encode_category_key_update(
                           {"Observation", 1, category_keys_.at(p.did).public_key(), {}})));
    }
    for (const auto& r : ledger_.block(txs)) ASSERT_EQ(r.code, TxCode::valid) << r.reason;
  }

  Bytes anchor(Person& author, Person& patient, const std::string& category) {
    RecordAnchor a;
    SecretKey32 key = generate_secret_key();
    a.patient = patient.did;
    a.organization = chance(0.9) ? hospital_.did : outsider_org_.did;
    a.cid = to_bytes("\x01\x55\x12\x20" + std::string(32, 'c'));
    a.commitment = record_commitment(key, as_bytes(std::string("{}")));
    a.category = category;
    a.media_type = "application/fhir+json";
    a.size = 2;
    a.for_patient = {patient.key.public_key(), *seal_key_to_ed25519(key, patient.key.public_key())};
    a.for_author = {author.key.public_key(), *seal_key_to_ed25519(key, author.key.public_key())};
    auto it = category_keys_.find(patient.did);
    if (category == "Observation" && it != category_keys_.end())
      a.for_category =
          CategoryWrap{1, it->second.public_key(), *seal_key(key, it->second.public_key())};
    Bytes tx = ledger_.sign(author, kTxTypeRecordAnchor, encode_record_anchor(a));
    pending_records_.push_back({transaction_id(tx), patient.did, category, key});
    return tx;
  }

  Bytes grant(Person& patient) {
    ConsentGrant g;
    // A person or an organization, sometimes one that is not a member, sometimes the patient.
    std::uint64_t who = pick(readers_.size() + 3);
    const Person* grantee = nullptr;
    if (who < readers_.size()) {
      grantee = readers_[who];
    } else if (who == readers_.size()) {
      grantee = &clinic_;
      g.grantee_kind = GranteeKind::organization;
    } else if (who == readers_.size() + 1) {
      grantee = &outsider_org_;
      g.grantee_kind = GranteeKind::organization;
    } else {
      grantee = &patient;
    }
    g.grantee = grantee->did;
    const PublicKey grantee_key = grantee->key.public_key();
    g.actions = static_cast<std::uint8_t>(1 + pick(kAllConsentActions));
    std::vector<std::string> purposes;
    for (const auto& p : known_purposes())
      if (chance(0.25)) purposes.emplace_back(p);
    if (purposes.empty()) purposes.emplace_back(chance(0.5) ? "TREAT" : "ETREAT");
    g.purposes = purposes;
    std::uint64_t now = ledger_.time_ms();
    g.not_before_ms = chance(0.7) ? now - pick(kDay) : now + pick(3 * kDay);
    g.not_after_ms = chance(0.05) ? now - 1 : g.not_before_ms + 1 + pick(5 * kDay);
    if (g.not_after_ms <= g.not_before_ms) g.not_after_ms = g.not_before_ms + 1;
    if (chance(0.7) || records_.empty()) {
      g.scope = ScopeKind::records;
      std::set<std::size_t> chosen;
      std::size_t n = 1 + pick(3);
      for (std::size_t i = 0; i < n && !records_.empty(); ++i) {
        // Mostly the patient's own records; now and then someone else's (refused).
        std::size_t idx = pick(records_.size());
        if (!chance(0.1))
          for (std::size_t tries = 0; tries < 8 && records_[idx].patient != patient.did; ++tries)
            idx = pick(records_.size());
        chosen.insert(idx);
      }
      std::vector<const Anchored*> rs;
      for (auto i : chosen) rs.push_back(&records_[i]);
      std::sort(rs.begin(), rs.end(), [](auto* a, auto* b) { return a->id < b->id; });
      rs.erase(std::unique(rs.begin(), rs.end(), [](auto* a, auto* b) { return a->id == b->id; }),
               rs.end());
      for (const auto* r : rs) {
        g.records.push_back(r->id);
        g.record_keys.push_back(
            {r->id, {grantee_key, *seal_key_to_ed25519(r->data_key, grantee_key)}, {}});
      }
    } else {
      g.scope = ScopeKind::category;
      g.category = "Observation";
      g.category_epoch = 1;
      g.category_secret = WrappedKey{
          grantee_key, *seal_key_to_ed25519(category_keys_.at(patient.did).secret(), grantee_key)};
    }
    Bytes tx = ledger_.sign(patient, kTxTypeConsentGrant, encode_consent_grant(g));
    pending_consents_.push_back({transaction_id(tx), patient.did});
    return tx;
  }

  Bytes revoke(Person& signer) {
    const auto& [id, patient] = consents_[pick(consents_.size())];
    return ledger_.sign(signer, kTxTypeConsentRevoke, encode_consent_revoke({id}));
  }

  // One block of random transactions; every verdict must come from the native rules, never
  // from the contract disagreeing with them.
  void block() {
    std::vector<Bytes> txs;
    std::size_t n = 1 + pick(5);
    for (std::size_t i = 0; i < n; ++i) {
      Person& patient = patients_[pick(patients_.size())];
      std::uint64_t kind = pick(10);
      if (kind < 3 || records_.empty()) {
        Person& author = *authors_[pick(authors_.size())];
        txs.push_back(anchor(author, patient, kCategories[pick(kCategories.size())]));
      } else if (kind < 8 || consents_.empty()) {
        txs.push_back(grant(patient));
      } else {
        txs.push_back(revoke(chance(0.8) ? patient : patients_[pick(patients_.size())]));
      }
    }
    auto results = ledger_.block(txs);
    for (std::size_t i = 0; i < results.size(); ++i) {
      EXPECT_FALSE(testing::contains(results[i].reason, "consent contract")) << results[i].reason;
      ++verdicts_[results[i].code == TxCode::valid];
    }
    // What landed becomes part of the history the next blocks draw from.
    for (auto& r : pending_records_)
      if (ledger_.state().get(record_state_key(r.id))) records_.push_back(r);
    for (auto& c : pending_consents_)
      if (ledger_.state().get(consent_state_key(c.first))) consents_.push_back(c);
    pending_records_.clear();
    pending_consents_.clear();
    if (chance(0.3)) ledger_.advance(pick(2 * kDay));
  }

  void decide_some(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
      AccessRequest req;
      std::vector<const Person*> everyone = readers_;
      for (const auto& p : patients_) everyone.push_back(&p);
      req.reader = everyone[pick(everyone.size())]->did;
      if (records_.empty() || chance(0.05)) {
        req.record = sha256(as_bytes(std::to_string(pick(1000))));
      } else {
        req.record = records_[pick(records_.size())].id;
      }
      req.action = static_cast<ConsentAction>(1u << pick(5));
      const auto& purposes = known_purposes();
      req.purpose = chance(0.03)  ? "BOGUS"
                    : chance(0.3) ? "TREAT"
                                  : std::string(purposes[pick(purposes.size())]);
      if (chance(0.4))
        req.reader_organizations.push_back(chance(0.8) ? clinic_.did : outsider_org_.did);
      if (chance(0.2))
        req.reader_organizations.push_back(chance(0.5) ? hospital_.did : clinic_.did);
      req.time_ms = ledger_.time_ms() - kDay + pick(3 * kDay);
      if (chance(0.15))
        req.emergency = EmergencyClaim{chance(0.8) ? hospital_.did : outsider_org_.did, Hash32{}};
      if (checked_.decide(ledger_.state(), req).permitted) ++permits_;
    }
  }

  TestLedger& ledger() { return ledger_; }
  std::size_t permits() const { return permits_; }
  std::size_t decisions() const { return checked_.decisions(); }
  std::size_t valid() const { return verdicts_[1]; }
  std::size_t refused() const { return verdicts_[0]; }

 private:
  std::mt19937_64 rng_;
  Person hospital_, clinic_, outsider_org_, node_;
  std::vector<Person> patients_ = std::vector<Person>(4);
  Person doctor_a_, doctor_b_, nurse_, insurer_agent_;
  std::vector<Person*> authors_ = {&doctor_a_, &doctor_b_};
  std::vector<const Person*> readers_ = {&doctor_a_, &doctor_b_, &nurse_, &insurer_agent_};
  TestLedger ledger_;
  std::map<std::string, X25519KeyPair> category_keys_;
  std::vector<Anchored> records_, pending_records_;
  std::vector<std::pair<ConsentId, std::string>> consents_, pending_consents_;
  testing::CheckedConsentContract checked_;
  std::size_t permits_ = 0;
  std::size_t verdicts_[2] = {0, 0};
};

TEST(ConsentEvmTest, RandomHistoriesDecideAsTheNativeRules) {
  std::size_t decisions = 0, permits = 0, valid = 0, refused = 0;
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    RandomHistory h(seed);
    h.publish_category_keys();
    for (int round = 0; round < 40; ++round) {
      h.block();
      h.decide_some(25);
    }
    decisions += h.decisions();
    permits += h.permits();
    valid += h.valid();
    refused += h.refused();
  }
  std::printf("random histories: %zu transactions valid, %zu refused; %zu decisions, %zu permits\n",
              valid, refused, decisions, permits);
  // The histories exercise both sides of the rules.
  EXPECT_EQ(decisions, 4u * 40 * 25);
  EXPECT_GT(permits, decisions / 20);
  EXPECT_LT(permits, decisions);
  EXPECT_GT(valid, 100u);
  EXPECT_GT(refused, 10u);
}

TEST(ConsentEvmTest, GenesisDeploysTheBuiltContract) {
  Person org, node;
  Genesis g;
  g.network = "consent-evm-genesis";
  g.time_ms = 1'700'000'000'000;
  g.organizations.push_back(
      {org.did, "General Hospital", "provider", {node.key.public_key()}, {org.did}});
  TestLedger ledger(g);
  auto version = load_contract_version(ledger.state());
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(version->address, consent_contract_address());
  EXPECT_EQ(version->code_hash, evm::keccak256(consent_contract_runtime_code()));
  EXPECT_EQ(version->gas_cap, kConsentContractGasCap);
  EXPECT_EQ(version->version, 1u);
  EXPECT_EQ(version->compiler, consent_contract_compiler());
  LedgerEvmSource source(ledger.state());
  auto account = source.account(consent_contract_address());
  ASSERT_TRUE(account);
  EXPECT_TRUE(std::equal(account->code.begin(), account->code.end(),
                         consent_contract_runtime_code().begin(),
                         consent_contract_runtime_code().end()));
  // The code comes with its jump destinations, analysed once and shared by every decision.
  ASSERT_TRUE(account->jumpdests);
  EXPECT_EQ(*account->jumpdests, *evm::analyze_jumpdests(account->code));
  EXPECT_EQ(source.account(consent_contract_address())->jumpdests, account->jumpdests);
  // Slot keys as docs/evm.md gives them (the state digest covers them).
  for (const evm::uint256& key : {evm::uint256{0}, evm::uint256{0xab}, ~evm::uint256{0}}) {
    EXPECT_EQ(evm_slot_state_key(consent_contract_address(), key),
              "evm/slot/" + consent_contract_address().hex() + "/" + evm::to_bytes32(key).hex());
  }
  EXPECT_EQ(evm_slot_state_key(consent_contract_address(), evm::uint256{1}),
            "evm/slot/" + consent_contract_address().hex() + "/" + std::string(63, '0') + "1");
  // The genesis organization is a member in the contract's own storage (isMember(address)).
  auto member = static_call_contract(
      ledger.state(),
      ContractCall{
          identity_address(org.did),
          evm::abi::CallEncoder("isMember(address)").address(identity_address(org.did)).finish(), 0,
          g.time_ms});
  ASSERT_TRUE(member);
  ASSERT_EQ(member->status, evm::Status::success);
  EXPECT_EQ(*evm::abi::word_at(member->output, 0), evm::uint256(1));
  // Code that does not match the hash its account names is caught (code is cached by hash, so
  // the hash is what a node trusts): an account pointing at altered code is corruption.
  testing::MemoryState tampered;
  Bytes code = *ledger.state().get(evm_code_state_key(version->code_hash));
  code[10] ^= 1;
  evm::Bytes32 claimed = evm::keccak256(code);
  claimed.bytes[0] ^= 1;
  Bytes stored = *ledger.state().get(evm_account_state_key(consent_contract_address()));
  std::copy(claimed.bytes.begin(), claimed.bytes.end(), stored.end() - 32);
  tampered.apply(
      {{evm_account_state_key(consent_contract_address()), stored},
       {evm_code_state_key(claimed), code},
       {contract_version_state_key(), ledger.state().get(contract_version_state_key())}});
  auto r = static_call_contract(tampered, ContractCall{{}, Bytes{}, 0, 0});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corruption);
}

TEST(ConsentEvmTest, OnlyTheLedgerChangesMembership) {
  Person org, node, mallory;
  Genesis g;
  g.network = "consent-evm-member";
  g.time_ms = 1'700'000'000'000;
  g.organizations.push_back(
      {org.did, "General Hospital", "provider", {node.key.public_key()}, {org.did}});
  TestLedger ledger(g);
  StateOverlay overlay(ledger.state());
  auto r = call_contract(overlay, ContractCall{identity_address(mallory.did),
                                               evm::abi::CallEncoder("setMember(address,bool)")
                                                   .address(identity_address(mallory.did))
                                                   .boolean(true)
                                                   .finish(),
                                               1, g.time_ms});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, evm::Status::revert);
  EXPECT_EQ(describe_revert(r->output), "NotLedger()");
  EXPECT_TRUE(overlay.changes().empty());
  EXPECT_EQ(contract_failure_text(*r, kConsentContractGasCap).find("the consent contract (code "),
            0u);
}

// A small consortium with one patient's record and consent, for governance and access events.
class ConsentGovernanceTest : public ::testing::Test {
 protected:
  ConsentGovernanceTest() : ledger_(make_genesis()) {}

  Genesis make_genesis() {
    Genesis g;
    g.network = "consent-evm-governance";
    g.time_ms = 1'700'000'000'000;
    g.organizations.push_back(
        {hospital_.did, "General Hospital", "provider", {node_.key.public_key()}, {hospital_.did}});
    g.organizations.push_back({clinic_.did, "Hill Clinic", "provider", {}, {clinic_.did}});
    g.organizations.push_back({lab_.did, "Lab", "provider", {}, {lab_.did}});
    return g;
  }

  // Anchors a record of patient_ by doctor_ and grants reader_ access to it for TREAT.
  void record_and_consent() {
    record_ = anchor();
    ASSERT_EQ(ledger_.commit(grant_tx()), "valid");
  }

  // Anchors a record of patient_ by doctor_ (the key in data_key_).
  RecordId anchor() {
    RecordAnchor a;
    SecretKey32 key = generate_secret_key();
    a.patient = patient_.did;
    a.organization = hospital_.did;
    a.cid = to_bytes("\x01\x55\x12\x20" + std::string(32, 'c'));
    a.commitment = record_commitment(key, as_bytes(std::string("{}")));
    a.category = "Observation";
    a.media_type = "application/fhir+json";
    a.size = 2;
    a.for_patient = {patient_.key.public_key(),
                     *seal_key_to_ed25519(key, patient_.key.public_key())};
    a.for_author = {doctor_.key.public_key(), *seal_key_to_ed25519(key, doctor_.key.public_key())};
    a.cid.back() = static_cast<std::uint8_t>(++anchored_);
    Bytes tx = ledger_.sign(doctor_, kTxTypeRecordAnchor, encode_record_anchor(a));
    EXPECT_EQ(ledger_.commit(tx), "valid");
    data_key_ = key;
    return transaction_id(tx);
  }

  Bytes grant_tx() {
    ConsentGrant g;
    g.grantee = reader_.did;
    g.scope = ScopeKind::records;
    g.records = {record_};
    g.record_keys = {
        {record_,
         {reader_.key.public_key(), *seal_key_to_ed25519(data_key_, reader_.key.public_key())},
         {}}};
    g.actions = static_cast<std::uint8_t>(ConsentAction::access);
    g.purposes = {"TREAT"};
    g.not_before_ms = ledger_.time_ms();
    g.not_after_ms = ledger_.time_ms() + 30 * kDay;
    return ledger_.sign(patient_, kTxTypeConsentGrant, encode_consent_grant(g));
  }

  AccessDecision decide() {
    AccessRequest req{reader_.did,       {}, record_, ConsentAction::access, "TREAT",
                      ledger_.time_ms(), {}};
    return EvmConsentContract().decide(ledger_.state(), req);
  }

  // A contract-version change with `init_code`, approved by two of the three organizations.
  std::string propose(Bytes init_code, std::string source = "// test contract") {
    auto m = load_membership(ledger_.state());
    EXPECT_TRUE(m);
    MembershipProposal p;
    p.action = OrgAction::contract_version;
    p.membership_version = m->version;
    p.expires_ms = ledger_.time_ms() + kDay;
    p.contract = {std::move(source), "{}", "test", std::move(init_code)};
    MembershipChange c{p,
                       {approve_proposal(ledger_.network(), p, hospital_.did, hospital_.key),
                        approve_proposal(ledger_.network(), p, clinic_.did, clinic_.key)}};
    return ledger_.commit(
        ledger_.sign(submitter_, kTxTypeOrgMembership, encode_membership_change(c)));
  }

  std::string erase(const RecordId& record) {
    return ledger_.commit(
        ledger_.sign(patient_, kTxTypeRecordErase,
                     encode_record_erase({record, ErasureReason::patient_request, ""})));
  }

  Person hospital_, clinic_, lab_, node_, patient_, doctor_, reader_, submitter_;
  TestLedger ledger_;
  RecordId record_;
  SecretKey32 data_key_;
  int anchored_ = 0;
};

Bytes hex(const char* text) {
  return *from_hex(text);
}

TEST_F(ConsentGovernanceTest, AnApprovedVersionReplacesTheCodeAndKeepsTheStorage) {
  record_and_consent();
  ASSERT_TRUE(decide().permitted);
  auto v1 = load_contract_version(ledger_.state());
  ASSERT_TRUE(v1);

  // Version 2 reverts on everything: PUSH5 <60006000fd> PUSH1 0 MSTORE PUSH1 5 PUSH1 27 RETURN.
  ASSERT_EQ(propose(hex("6460006000fd6000526005601bf3"), "contract Refuser {}"), "valid");
  auto v2 = load_contract_version(ledger_.state());
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->version, 2u);
  EXPECT_EQ(v2->code_hash, evm::keccak256(hex("60006000fd")));
  EXPECT_EQ(v2->source_hash, sha256(as_bytes(std::string("contract Refuser {}"))));
  EXPECT_EQ(v2->address, v1->address);
  EXPECT_TRUE(code_hash_was_in_force(ledger_.state(), v1->code_hash));
  EXPECT_TRUE(code_hash_was_in_force(ledger_.state(), v2->code_hash));
  // Every consent transaction and decision now runs through the new code, which refuses.
  std::string verdict = ledger_.commit(grant_tx());
  EXPECT_TRUE(testing::contains(verdict, "rejected: the consent contract (code " +
                                             v2->code_hash.hex().substr(0, 16) + ") refused"))
      << verdict;
  AccessDecision d = decide();
  EXPECT_FALSE(d.permitted);
  EXPECT_TRUE(testing::contains(d.reason, "the consent contract gave no decision")) << d.reason;

  // Back to the built contract: its storage (the record and the consent) was kept throughout.
  ASSERT_EQ(
      propose(Bytes(consent_contract_init_code().begin(), consent_contract_init_code().end())),
      "valid");
  auto v3 = load_contract_version(ledger_.state());
  EXPECT_EQ(v3->version, 3u);
  EXPECT_EQ(v3->code_hash, v1->code_hash);
  d = decide();
  EXPECT_TRUE(d.permitted) << d.reason;
  EXPECT_EQ(d.code_hash, v1->code_hash);
}

// Init code that deploys `runtime`: CODECOPY the bytes after this 10-byte prefix, RETURN them.
Bytes deploying(const Bytes& runtime) {
  EXPECT_LT(runtime.size(), 256u);
  const auto n = static_cast<std::uint8_t>(runtime.size());
  Bytes init{0x60, n, 0x60, 0x0a, 0x5f, 0x39, 0x60, n, 0x5f, 0xf3};
  init.insert(init.end(), runtime.begin(), runtime.end());
  return init;
}

// The slot of records[record].patient: keccak256(abi.encode(record, 0)).
std::string record_patient_slot(const RecordId& record) {
  std::uint8_t preimage[64] = {};
  std::copy(record.bytes.begin(), record.bytes.end(), preimage);
  return evm_slot_state_key(consent_contract_address(),
                            evm::to_word(evm::keccak256(ByteView(preimage, sizeof preimage))));
}

TEST(ConsentEvmTest, CodePushesSelectorReadsInstructionsNotPushData) {
  const auto forget = evm::abi::selector("forgetRecord(bytes32,bytes32[])");
  const auto decide =
      evm::abi::selector("decide(address,address[],bytes32,uint8,uint64,uint64,bool,address)");
  const ByteView built = consent_contract_runtime_code();
  EXPECT_TRUE(evm::abi::code_pushes_selector(built, forget));
  EXPECT_TRUE(evm::abi::code_pushes_selector(built, decide));
  EXPECT_FALSE(evm::abi::code_pushes_selector(built, evm::abi::selector("nope(uint256)")));
  EXPECT_FALSE(evm::abi::code_pushes_selector(hex("60006000fd"), forget));
  Bytes push4{0x63, forget[0], forget[1], forget[2], forget[3], 0x50};
  EXPECT_TRUE(evm::abi::code_pushes_selector(push4, forget));
  // The same four bytes as data of a PUSH5 (or after a PUSH1 that swallows the 0x63) are not
  // a push of the selector.
  Bytes inside{0x64, 0x63, forget[0], forget[1], forget[2], forget[3]};
  EXPECT_FALSE(evm::abi::code_pushes_selector(inside, forget));
  Bytes swallowed{0x60, 0x63, forget[0], forget[1], forget[2], forget[3]};
  EXPECT_FALSE(evm::abi::code_pushes_selector(swallowed, forget));
  // A wider push of the same value (leading zeros) is the same constant; a narrower one cut
  // short by the end of the code is padded with zeros, so not the selector.
  Bytes wide{0x67, 0, 0, 0, 0, forget[0], forget[1], forget[2], forget[3]};
  EXPECT_TRUE(evm::abi::code_pushes_selector(wide, forget));
  Bytes cut{0x63, forget[0], forget[1], forget[2]};
  EXPECT_FALSE(evm::abi::code_pushes_selector(cut, forget));
  // A selector with a leading zero byte, pushed by PUSH3 as solc's optimizer may.
  const evm::abi::Selector low{0x00, 0x12, 0x34, 0x56};
  EXPECT_TRUE(evm::abi::code_pushes_selector(hex("62123456"), low));
}

// A network may run code adopted before forgetRecord existed: the erasure still takes place
// and that code's storage keeps the record. Code that has forgetRecord and fails refuses the
// erasure. With the built code back, an erasure forgets again (but not what went before).
TEST_F(ConsentGovernanceTest, ErasureUnderCodeWithoutForgetRecord) {
  record_and_consent();
  const RecordId second = anchor();
  const RecordId third = anchor();
  const Bytes patient_word = [&] {
    Bytes w(32);
    evm::store_be32(w.data(), evm::to_word(identity_address(patient_.did)));
    return w;
  }();
  for (const auto& r : {record_, second, third})
    ASSERT_EQ(ledger_.state().get(record_patient_slot(r)), patient_word);

  // A version without the function (it reverts on every call, as solc's dispatcher does for
  // an unknown selector): the erasure is valid, the contract is not called.
  ASSERT_EQ(propose(hex("6460006000fd6000526005601bf3"), "contract Old {}"), "valid");
  ASSERT_EQ(erase(record_), "valid");
  EXPECT_FALSE(ledger_.state().get(record_state_key(record_)));
  EXPECT_EQ(ledger_.state().get(record_patient_slot(record_)), patient_word);

  // A version whose dispatcher names forgetRecord but whose call reverts: the erasure is
  // refused with the contract's verdict and nothing of it is written.
  const auto sel = evm::abi::selector("forgetRecord(bytes32,bytes32[])");
  ASSERT_EQ(propose(deploying(Bytes{0x63, sel[0], sel[1], sel[2], sel[3], 0x50, 0x5f, 0x5f, 0xfd}),
                    "contract Broken {}"),
            "valid");
  auto broken = load_contract_version(ledger_.state());
  ASSERT_TRUE(broken);
  const std::string verdict = erase(second);
  EXPECT_TRUE(testing::contains(verdict, "rejected: the consent contract (code " +
                                             broken->code_hash.hex().substr(0, 16) +
                                             ") refused: (no reason)"))
      << verdict;
  EXPECT_TRUE(ledger_.state().get(record_state_key(second)));
  EXPECT_FALSE(*load_erasure_tombstone(ledger_.state(), second));

  // The built code again: the erasure forgets the record.
  ASSERT_EQ(
      propose(Bytes(consent_contract_init_code().begin(), consent_contract_init_code().end())),
      "valid");
  ASSERT_EQ(erase(second), "valid");
  EXPECT_FALSE(ledger_.state().get(record_patient_slot(second)));
  EXPECT_EQ(ledger_.state().get(record_patient_slot(third)), patient_word);
  // The record erased under the old code stays in the contract's storage.
  EXPECT_EQ(ledger_.state().get(record_patient_slot(record_)), patient_word);
}

TEST_F(ConsentGovernanceTest, BadBytecodeIsACleanDeterministicVerdict) {
  record_and_consent();
  auto before = load_contract_version(ledger_.state());
  struct Case {
    const char* what;
    const char* init_code;
    const char* verdict;
  };
  const Case cases[] = {
      {"invalid instruction", "fe", "init code failed: invalid"},
      {"undefined opcode", "0c", "init code failed: invalid"},
      {"stack underflow", "01", "init code failed: stack-underflow"},
      {"stack overflow", "5b5f600056", "init code failed: stack-overflow"},
      {"jump into push data", "600456605b", "init code failed: bad-jump-destination"},
      {"out of gas", "5b600056", "init code failed: out-of-gas"},
      {"revert", "60006000fd", "init code failed: revert"},
      {"empty runtime", "00", "init code returned no code"},
      {"0xEF runtime", "60ef60005360016000f3", "runtime code starts with 0xEF"},
  };
  for (const auto& c : cases) {
    std::string verdict = propose(hex(c.init_code));
    EXPECT_TRUE(testing::contains(verdict, "rejected: the proposed contract's "))
        << c.what << ": " << verdict;
    EXPECT_TRUE(testing::contains(verdict, c.verdict)) << c.what << ": " << verdict;
    auto after = load_contract_version(ledger_.state());
    ASSERT_TRUE(after);
    EXPECT_EQ(*after, *before) << c.what;
  }
  // A runtime that recurses into itself with all its gas and reverts when the inner call fails:
  // PUSH0 x5 ADDRESS GAS CALL ISZERO PUSH1 0x11 JUMPI STOP ... JUMPDEST PUSH0 PUSH0 REVERT.
  // Under the 63/64 rule the 10,000,000 gas cap ends the recursion (out of gas near depth 500,
  // before the depth limit of 1024 can be reached); the failure unwinds to a revert.
  const char* runtime = "5f5f5f5f5f305af11560115700000000005b5f5ffd";
  Bytes init = hex("6015600a5f3960155ff3");
  Bytes code = hex(runtime);
  init.insert(init.end(), code.begin(), code.end());
  ASSERT_EQ(propose(init), "valid");
  std::string verdict = ledger_.commit(grant_tx());
  EXPECT_TRUE(testing::contains(verdict, "refused: (no reason)")) << verdict;
  EXPECT_TRUE(decide().reason.find("gave no decision") != std::string::npos);
}

TEST_F(ConsentGovernanceTest, AccessEventsNameACodeHashThatWasInForce) {
  record_and_consent();
  AccessRequest req{reader_.did,       {}, record_, ConsentAction::access, "TREAT",
                    ledger_.time_ms(), {}};
  AccessDecision d = EvmConsentContract().decide(ledger_.state(), req);
  ASSERT_TRUE(d.permitted);
  AccessEvent e = access_event_for(req, d, ledger_.height());
  EXPECT_EQ(e.contract_code, evm::keccak256(consent_contract_runtime_code()));
  EXPECT_EQ(*decode_access_event(encode_access_event(e)), e);
  EXPECT_EQ(ledger_.commit(ledger_.sign(node_, kTxTypeAccessEvent, encode_access_event(e))),
            "valid");
  // A code hash never in force on this ledger is refused.
  AccessEvent forged = e;
  forged.contract_code.bytes[0] ^= 1;
  std::string verdict =
      ledger_.commit(ledger_.sign(node_, kTxTypeAccessEvent, encode_access_event(forged)));
  EXPECT_TRUE(testing::contains(verdict, "never been in force")) << verdict;
}

}  // namespace
}  // namespace pv
