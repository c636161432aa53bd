// Consent decisions per second through the EVM next to the native rules, in one run (issue 15).
//
// Native: the ledger executes real signed transactions in memory, block after block (record
// anchors by doctors, records consents by patients, some revoked), and LedgerConsentContract
// decides read questions on that state. EVM: a Solidity consent contract compiled by the pinned
// solc (tests/evm/contracts/ConsentCheck.sol; bench/run.sh evm passes its optimized runtime) is
// given the same history as calls (anchor, grant, revoke from each party's address), then
// answers the same questions through `check`: each decision a static call on a State of its own
// over the contract's stored account and storage (what it touches is loaded, as a node loads it
// from the ledger state), with the caller, the contract and the precompiles warm. ConsentCheck is a
// stand-in for the ledger's own contracts/ConsentRules.sol, which had not landed when this was
// written: it is simpler (the question names the grant to look at; the native rules search the
// pair's consents), so its figures bound the EVM's per-call cost, not the full rules'. Usage:
// pv_evm_decision_bench --code-file HEX [--patients N] [--records R] [--seconds S]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "codec/did_key.hpp"
#include "consent_bench_support.hpp"
#include "crypto/sha256.hpp"
#include "evm/code_run.hpp"
#include "evm/vm.hpp"
#include "identity/key_wrap.hpp"
#include "identity/record_commitment.hpp"
#include "ledger/consent_contract.hpp"
#include "ledger/executor.hpp"
#include "ledger/genesis.hpp"
#include "ledger/tx_registry.hpp"

using namespace pv;
using Clock = std::chrono::steady_clock;

namespace {

class MemoryState : public StateView {
 public:
  std::optional<Bytes> get(const std::string& key) const override {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  void apply(const std::vector<StateChange>& changes) {
    for (const auto& c : changes) {
      if (c.value)
        values_[c.key] = *c.value;
      else
        values_.erase(c.key);
    }
  }
  std::size_t size() const { return values_.size(); }

 private:
  std::map<std::string, Bytes> values_;
};

using bench::Person;
using bench::sign_as;
using bench::unix_ms;

// An identity as a contract sees it: keccak256(DID)[12:].
evm::Address contract_address(const Person& who) {
  const evm::Bytes32 h = evm::keccak256(as_bytes(who.did));
  evm::Address a;
  std::memcpy(a.data(), h.data() + 12, 20);
  return a;
}

std::vector<Person> generate_people(std::size_t n) {
  std::vector<Person> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(Person::generate());
  return out;
}

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

WrappedKey wrap_for(const SecretKey32& key, const PublicKey& recipient) {
  auto sealed = seal_key_to_ed25519(key, recipient);
  if (!sealed) std::abort();  // a did:key made here always has an X25519 counterpart
  return {recipient, *sealed};
}

RecordAnchor anchor_for(const Person& patient, const Person& author, const std::string& org) {
  const SecretKey32 data_key = generate_secret_key();
  const std::string plaintext = R"({"resourceType":"Observation","status":"final"})";
  RecordAnchor a;
  a.patient = patient.did;
  a.organization = org;
  const Hash32 digest = sha256(as_bytes(patient.did + std::to_string(patient.nonce) + author.did +
                                        std::to_string(author.nonce)));
  a.cid = {0x01, 0x55, 0x12, 0x20};  // CIDv1, raw, sha2-256
  a.cid.insert(a.cid.end(), digest.bytes.begin(), digest.bytes.end());
  a.commitment = record_commitment(data_key, as_bytes(plaintext));
  a.category = "Observation";
  a.media_type = "application/fhir+json";
  a.size = plaintext.size();
  a.for_patient = wrap_for(data_key, patient.key.public_key());
  a.for_author = wrap_for(data_key, author.key.public_key());
  return a;
}

// ABI: a 4-byte selector, then 32-byte words.
Bytes selector(const char* signature) {
  const evm::Bytes32 h = evm::keccak256(as_bytes(std::string(signature)));
  return Bytes(h.bytes.begin(), h.bytes.begin() + 4);
}
void put_word(Bytes& out, const evm::uint256& v) {
  const evm::Bytes32 b = evm::to_bytes32(v);
  out.insert(out.end(), b.bytes.begin(), b.bytes.end());
}
void put_bytes32(Bytes& out, const Hash32& h) {
  out.insert(out.end(), h.bytes.begin(), h.bytes.end());
}
void put_address(Bytes& out, const evm::Address& a) {
  put_word(out, evm::to_word(a));
}

// The contract's grant id for one record of a consent: SHA-256(consent id || record id).
Hash32 grant_id(const ConsentId& consent, const RecordId& record) {
  Bytes both(consent.bytes.begin(), consent.bytes.end());
  both.insert(both.end(), record.bytes.begin(), record.bytes.end());
  return sha256(both);
}

std::uint8_t purpose_bit(const std::string& code) {
  return code == "TREAT" ? 0 : code == "HPAYMT" ? 1 : 2;
}

// The contract's account and storage after its history, as the ledger would hold them between
// blocks; each decision loads from here what it touches, on a State of its own.
class ContractStore : public evm::StateSource {
 public:
  ContractStore(const evm::State& state, const evm::Address& contract) : contract_(contract) {
    const evm::Account& a = state.accounts().at(contract);
    record_.nonce = a.nonce;
    record_.balance = a.balance;
    record_.code = a.code;
    for (const auto& [key, slot] : a.storage)
      if (!slot.current.is_zero()) storage_.emplace(key, slot.current);
  }
  std::optional<AccountRecord> account(const evm::Address& address) const override {
    if (address != contract_) return std::nullopt;
    return record_;
  }
  evm::uint256 storage(const evm::Address& address, const evm::uint256& key) const override {
    if (address != contract_) return evm::uint256{0};
    auto it = storage_.find(key);
    return it == storage_.end() ? evm::uint256{0} : it->second;
  }
  std::size_t slots() const { return storage_.size(); }

 private:
  evm::Address contract_;
  AccountRecord record_;
  std::unordered_map<evm::uint256, evm::uint256, evm::Uint256Hash> storage_;
};

// One decision: a static call of the contract on a fresh State over the store, the caller,
// the contract and the precompiles warm as in a transaction.
evm::CallResult decide_on_evm(const ContractStore& store, const evm::Address& contract,
                              const Bytes& input) {
  evm::State state(&store);
  evm::BlockContext block;
  evm::TxContext tx;
  (void)state.access_account(state.get(evm::Address{}));
  (void)state.access_account(state.get(contract));
  for (std::uint8_t p = 1; p <= 0x0a; ++p)
    (void)state.access_account(state.get(evm::small_address(p)));
  evm::Vm vm(state, block, tx);
  evm::Message msg;
  msg.kind = evm::CallKind::staticcall;
  msg.is_static = true;
  msg.gas = 100'000;
  msg.recipient = contract;
  msg.code_address = contract;
  msg.input = input;
  return vm.call(msg);
}

struct Question {
  AccessRequest native;
  Bytes evm_input;  // check(grant, record, reader, purpose, now)
  bool permit = false;
};

struct Rate {
  std::uint64_t decisions = 0;
  double seconds = 0, cpu_seconds = 0;
};

template <class Decide>
Rate measure(std::size_t count, double seconds, Decide&& decide) {
  Rate r;
  const double cpu_start = thread_cpu_seconds();
  const auto start = Clock::now();
  std::size_t i = 0;
  do {
    for (int k = 0; k < 32; ++k, ++i) decide(i % count);
    r.decisions += 32;
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  } while (r.seconds < seconds);
  r.cpu_seconds = thread_cpu_seconds() - cpu_start;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string code_file;
  int patients = 300, records = 4;
  double seconds = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--code-file")) code_file = argv[i + 1];
    if (!std::strcmp(argv[i], "--patients")) patients = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--records")) records = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
  }
  std::ifstream in(code_file);
  std::stringstream hex;
  hex << in.rdbuf();
  std::string text = hex.str();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  auto code = from_hex(text.starts_with("0x") ? text.substr(2) : text);
  if (code_file.empty() || !code || code->empty()) {
    std::fprintf(stderr,
                 "usage: pv_evm_decision_bench --code-file HEX (ConsentCheck's runtime "
                 "code; bench/run.sh evm compiles it) [--patients N] [--records R] "
                 "[--seconds S]\n");
    return 2;
  }

  // The ledger: one provider organization; doctors author records there.
  const Person hospital = Person::generate(), node_key = Person::generate();
  Genesis g;
  g.network = "evm-decision-bench";
  g.time_ms = unix_ms() - 60'000;
  g.organizations.push_back(
      {hospital.did, "General Hospital", "provider", {node_key.key.public_key()}, {hospital.did}});
  const NetworkId network = genesis_network_id(g);
  MemoryState ledger;
  ledger.apply(genesis_state_changes(g));
  std::uint64_t height = 0;
  auto commit = [&](std::vector<Bytes>& txs) {
    if (txs.empty()) return;
    ExecutionInput input{network, ++height, unix_ms(), txs};
    BlockExecution ex = execute_block(builtin_tx_registry(), ledger, input);
    for (const auto& r : ex.results)
      if (r.code != TxCode::valid) {
        std::fprintf(stderr, "block %llu: a transaction is invalid: %s\n",
                     static_cast<unsigned long long>(height), r.reason.c_str());
        std::exit(1);
      }
    ledger.apply(ex.changes);
    txs.clear();
  };
  // The contract, given the same history as calls from each party's address.
  const evm::Address contract = evm::small_address(0xcc);
  evm::CodeSession evm_state({{contract, *code, {}, {}}});
  std::uint64_t history_failures = 0;
  auto contract_call = [&](const Person& from, const Bytes& input) {
    const auto r = evm_state.call({contract, input, 1'000'000, contract_address(from), {}});
    history_failures += r.status != evm::Status::success;
  };

  std::vector<Person> people = generate_people(static_cast<std::size_t>(patients));
  std::vector<Person> doctors =
      generate_people(static_cast<std::size_t>(std::max(patients / 10, 3)));
  std::vector<std::vector<RecordId>> owned(people.size());
  std::vector<Bytes> txs;
  for (std::size_t p = 0; p < people.size(); ++p) {
    Person& author = doctors[p % doctors.size()];
    for (int r = 0; r < records; ++r) {
      txs.push_back(sign_as(author, network, kTxTypeRecordAnchor,
                            encode_record_anchor(anchor_for(people[p], author, hospital.did))));
      owned[p].push_back(transaction_id(txs.back()));
      Bytes call = selector("anchor(bytes32)");
      put_bytes32(call, owned[p].back());
      contract_call(people[p], call);
    }
    if (txs.size() >= 400) commit(txs);
  }
  commit(txs);
  // Each patient consents the next doctor to the first half of their records for treatment.
  const std::uint64_t not_after = unix_ms() + 30ull * 86'400'000;
  std::vector<ConsentId> consent_of(people.size());
  for (std::size_t p = 0; p < people.size(); ++p) {
    const Person& grantee = doctors[(p + 1) % doctors.size()];
    ConsentGrant grant;
    grant.grantee = grantee.did;
    grant.records.assign(owned[p].begin(),
                         owned[p].begin() + static_cast<std::ptrdiff_t>((owned[p].size() + 1) / 2));
    std::sort(grant.records.begin(), grant.records.end());
    grant.actions = static_cast<std::uint8_t>(ConsentAction::access);
    grant.purposes = {"TREAT"};
    grant.not_before_ms = unix_ms() - 60'000;
    grant.not_after_ms = not_after;
    for (const auto& r : grant.records)
      grant.record_keys.push_back({r, wrap_for(generate_secret_key(), grantee.key.public_key())});
    txs.push_back(sign_as(people[p], network, kTxTypeConsentGrant, encode_consent_grant(grant)));
    consent_of[p] = transaction_id(txs.back());
    // The contract's grant covers one record: one grant per covered record, ids derived.
    for (const auto& r : grant.records) {
      Bytes call = selector("grant(bytes32,bytes32,address,uint64,uint64)");
      put_bytes32(call, grant_id(consent_of[p], r));
      put_bytes32(call, r);
      put_address(call, contract_address(grantee));
      put_word(call, evm::uint256{1});  // TREAT
      put_word(call, evm::uint256{not_after});
      contract_call(people[p], call);
    }
    if (txs.size() >= 400) commit(txs);
  }
  commit(txs);
  // Every fourth consent is revoked.
  for (std::size_t p = 0; p < people.size(); p += 4) {
    txs.push_back(
        sign_as(people[p], network, kTxTypeConsentRevoke, encode_consent_revoke({consent_of[p]})));
    for (std::size_t k = 0; k < (owned[p].size() + 1) / 2; ++k) {
      std::vector<RecordId> covered(
          owned[p].begin(),
          owned[p].begin() + static_cast<std::ptrdiff_t>((owned[p].size() + 1) / 2));
      std::sort(covered.begin(), covered.end());
      Bytes call = selector("revoke(bytes32)");
      put_bytes32(call, grant_id(consent_of[p], covered[k]));
      contract_call(people[p], call);
    }
  }
  commit(txs);

  // Questions: the patient, the author, the grantee inside and outside the consent, a wrong
  // purpose, a stranger.
  const std::uint64_t now = unix_ms();
  std::vector<Question> questions;
  for (std::size_t p = 0; p < people.size(); ++p) {
    const Person& author = doctors[p % doctors.size()];
    const Person& grantee = doctors[(p + 1) % doctors.size()];
    auto ask = [&](const Person& who, const RecordId& record, const char* purpose) {
      Question q;
      q.native = {who.did, {}, record, ConsentAction::access, purpose, now, {}};
      q.evm_input = selector("check(bytes32,bytes32,address,uint8,uint64)");
      put_bytes32(q.evm_input, grant_id(consent_of[p], record));
      put_bytes32(q.evm_input, record);
      put_address(q.evm_input, contract_address(who));
      put_word(q.evm_input, evm::uint256{purpose_bit(purpose)});
      put_word(q.evm_input, evm::uint256{now});
      questions.push_back(std::move(q));
    };
    std::vector<RecordId> sorted = owned[p];
    std::sort(sorted.begin(), sorted.end());
    ask(people[p], owned[p].front(), "TREAT");
    ask(author, owned[p].back(), "TREAT");
    ask(grantee, sorted.front(), "TREAT");
    ask(grantee, sorted.back(), "TREAT");
    ask(grantee, sorted.front(), "HRESCH");
    ask(people[(p + 1) % people.size()], owned[p].front(), "TREAT");
  }
  std::shuffle(questions.begin(), questions.end(), std::mt19937_64(15));

  // Both answer every question once; their answers must agree (the author reads natively by
  // authorship, which the stand-in contract does not know: those are counted apart).
  const ContractStore store(evm_state.state(), contract);
  const LedgerConsentContract native;
  std::uint64_t permits = 0, agree = 0, author_reads = 0;
  std::int64_t gas = 0;
  for (auto& q : questions) {
    const AccessDecision d = native.decide(ledger, q.native);
    q.permit = d.permitted;
    permits += d.permitted;
    const evm::CallResult r = decide_on_evm(store, contract, q.evm_input);
    gas += 100'000 - r.gas_left;
    const bool evm_permit =
        r.status == evm::Status::success && r.output.size() == 32 && r.output[31] == 1;
    if (d.basis == AccessBasis::author)
      ++author_reads;
    else
      agree += evm_permit == d.permitted;
  }
  std::printf(
      "ledger: %d patients with %d records, %zu doctors, %llu blocks, %zu state entries; "
      "contract: %zu storage slots, %llu history calls failed\n",
      patients, records, doctors.size(), static_cast<unsigned long long>(height), ledger.size(),
      store.slots(), static_cast<unsigned long long>(history_failures));
  std::printf(
      "questions: %zu (%llu permitted natively); the contract agrees on %llu of the %zu "
      "that are not the author's own reads\n",
      questions.size(), static_cast<unsigned long long>(permits),
      static_cast<unsigned long long>(agree), questions.size() - author_reads);
  std::printf("gas per EVM decision: %.0f on average (a static call of check; no intrinsic gas)\n",
              static_cast<double>(gas) / static_cast<double>(questions.size()));

  Rate n_total, e_total;
  volatile std::uint64_t sink = 0;
  for (int round = 0; round < 3; ++round) {
    const Rate n = measure(questions.size(), seconds, [&](std::size_t i) {
      sink = sink + native.decide(ledger, questions[i].native).permitted;
    });
    const Rate e = measure(questions.size(), seconds, [&](std::size_t i) {
      sink = sink + decide_on_evm(store, contract, questions[i].evm_input).output.size();
    });
    for (auto [total, r] : {std::pair{&n_total, n}, std::pair{&e_total, e}}) {
      total->decisions += r.decisions;
      total->seconds += r.seconds;
      total->cpu_seconds += r.cpu_seconds;
    }
  }
  auto rate = [](const Rate& r, bool cpu) {
    return static_cast<double>(r.decisions) / (cpu ? r.cpu_seconds : r.seconds);
  };
  std::printf("native decisions/s: %.0f (%.1f us each), per CPU second %.0f\n",
              rate(n_total, false), 1e6 / rate(n_total, false), rate(n_total, true));
  std::printf("EVM decisions/s:    %.0f (%.1f us each), per CPU second %.0f\n",
              rate(e_total, false), 1e6 / rate(e_total, false), rate(e_total, true));
  std::printf(
      "EVM time per decision / native: %.2fx by wall clock, %.2fx by CPU time "
      "(target <= 3x)\n",
      rate(n_total, false) / rate(e_total, false), rate(n_total, true) / rate(e_total, true));
  return 0;
}
