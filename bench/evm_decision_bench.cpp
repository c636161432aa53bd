// Consent decisions per second through the ledger's own consent contract on the EVM next to the
// native rules, in one run, on the same state and the same questions (issue 15).
//
// The ledger executes real signed transactions in memory, block after block, through the node's
// executor: genesis deploys contracts/ConsentRules.sol, and every record anchor, consent grant
// and revocation runs through it as on a node (docs/evm.md, "Data flow"). Then every question is
// decided twice on that state: by LedgerConsentContract (the native reference) and by
// EvmConsentContract (a static call of `decide` on the deployed contract, the path a node takes
// for every read). The two must give the same decision in the same words; the gas each EVM
// decision used is reported too. Timed rounds alternate native and EVM on one thread, by wall
// clock and by the thread's CPU time (the machine is shared).
// Usage: pv_evm_decision_bench [--patients N] [--records R] [--seconds S]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <random>
#include <string>

#include "consent_bench_support.hpp"
#include "crypto/sha256.hpp"
#include "identity/key_wrap.hpp"
#include "identity/record_commitment.hpp"
#include "ledger/consent_contract.hpp"
#include "ledger/consent_evm.hpp"
#include "ledger/executor.hpp"
#include "ledger/genesis.hpp"
#include "ledger/tx_registry.hpp"

using namespace pv;
using Clock = std::chrono::steady_clock;

namespace {

// The ledger state between blocks, in memory (the node keeps it in RocksDB).
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
  std::size_t count_prefix(const std::string& prefix) const {
    std::size_t n = 0;
    for (auto it = values_.lower_bound(prefix);
         it != values_.end() && it->first.starts_with(prefix); ++it)
      ++n;
    return n;
  }

 private:
  std::map<std::string, Bytes> values_;
};

using bench::Person;
using bench::sign_as;
using bench::unix_ms;

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

bool same_decision(const AccessDecision& a, const AccessDecision& b) {
  return a.permitted == b.permitted && a.basis == b.basis && a.consent == b.consent &&
         a.organization == b.organization && a.reason == b.reason;
}

}  // namespace

int main(int argc, char** argv) {
  int patients = 300, records = 4;
  double seconds = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--patients")) patients = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--records")) records = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
  }
  if (patients < 2 || records < 1 || seconds <= 0) {
    std::fprintf(stderr,
                 "usage: pv_evm_decision_bench [--patients N >= 2] [--records R >= 1] "
                 "[--seconds S]\n");
    return 2;
  }

  // The ledger: one provider organization; doctors author records there. Genesis deploys the
  // consent contract and makes the organization a member in it.
  Person hospital = Person::generate();
  const Person node_key = Person::generate();
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
    }
    if (txs.size() >= 400) commit(txs);
  }
  commit(txs);
  // Each patient consents to the first half of their records for treatment: two of three to the
  // next doctor, one of three to the hospital (its doctors read with the hospital vouching).
  std::vector<ConsentId> consent_of(people.size());
  auto first_half = [&](std::size_t p) {
    return std::vector<RecordId>(
        owned[p].begin(),
        owned[p].begin() + static_cast<std::ptrdiff_t>((owned[p].size() + 1) / 2));
  };
  for (std::size_t p = 0; p < people.size(); ++p) {
    const bool to_hospital = p % 3 == 2;
    const Person& grantee = to_hospital ? hospital : doctors[(p + 1) % doctors.size()];
    ConsentGrant grant = bench::synthetic_grant(grantee, first_half(p), {"TREAT"}, 30);
    if (to_hospital) grant.grantee_kind = GranteeKind::organization;
    txs.push_back(sign_as(people[p], network, kTxTypeConsentGrant, encode_consent_grant(grant)));
    consent_of[p] = transaction_id(txs.back());
    if (txs.size() >= 400) commit(txs);
  }
  commit(txs);
  // Every fourth consent is revoked.
  for (std::size_t p = 0; p < people.size(); p += 4)
    txs.push_back(
        sign_as(people[p], network, kTxTypeConsentRevoke, encode_consent_revoke({consent_of[p]})));
  commit(txs);

  // Questions: the patient, the author, the grantee inside and outside the consent, a wrong
  // purpose, another action, a stranger; the hospital's consents are read by a doctor with and
  // without the hospital vouching.
  const std::uint64_t now = unix_ms();
  std::vector<AccessRequest> questions;
  for (std::size_t p = 0; p < people.size(); ++p) {
    const Person& author = doctors[p % doctors.size()];
    const Person& doctor = doctors[(p + 1) % doctors.size()];
    std::vector<std::string> vouching;
    if (p % 3 == 2) vouching.push_back(hospital.did);
    auto ask = [&](const Person& who, const RecordId& record, const char* purpose,
                   std::vector<std::string> orgs = {},
                   ConsentAction action = ConsentAction::access) {
      questions.push_back({who.did, std::move(orgs), record, action, purpose, now, {}});
    };
    std::vector<RecordId> sorted = owned[p];
    std::sort(sorted.begin(), sorted.end());
    ask(people[p], owned[p].front(), "TREAT");
    ask(author, owned[p].back(), "TREAT");
    ask(doctor, sorted.front(), "TREAT", vouching);
    ask(doctor, sorted.back(), "TREAT", vouching);
    ask(doctor, sorted.front(), "HRESCH", vouching);
    ask(doctor, sorted.front(), "TREAT", vouching, ConsentAction::use);
    ask(people[(p + 1) % people.size()], owned[p].front(), "TREAT");
  }
  std::shuffle(questions.begin(), questions.end(), std::mt19937_64(15));

  // Both answer every question once; the answers must be the same, word for word.
  const LedgerConsentContract native;
  const EvmConsentContract evm;
  std::uint64_t permits = 0, differ = 0;
  std::map<AccessBasis, std::uint64_t> bases;
  std::int64_t gas = 0, gas_min = INT64_MAX, gas_max = 0;
  for (const auto& q : questions) {
    const AccessDecision n = native.decide(ledger, q);
    const AccessDecision e = evm.decide(ledger, q);
    permits += n.permitted;
    ++bases[n.basis];
    if (!same_decision(n, e)) {
      if (++differ <= 3)
        std::fprintf(stderr, "differ: native %d \"%s\", EVM %d \"%s\"\n", n.permitted,
                     n.reason.c_str(), e.permitted, e.reason.c_str());
    }
    auto d = contract_decide(ledger, q);  // what EvmConsentContract calls
    if (!d) {
      std::fprintf(stderr, "the contract gave no decision: %s\n", d.error().message.c_str());
      return 1;
    }
    gas += d->gas_used;
    gas_min = std::min(gas_min, d->gas_used);
    gas_max = std::max(gas_max, d->gas_used);
  }
  const double gas_mean = static_cast<double>(gas) / static_cast<double>(questions.size());
  std::printf(
      "ledger: %d patients with %d records, %zu doctors, %llu blocks, %zu state entries; "
      "consent contract (contracts/ConsentRules.sol, deployed in genesis): %zu storage slots\n",
      patients, records, doctors.size(), static_cast<unsigned long long>(height), ledger.size(),
      ledger.count_prefix("evm/slot/"));
  std::printf(
      "questions: %zu (%llu permitted natively: %llu patient, %llu author, %llu consent); "
      "EVM and native decisions differ on %llu\n",
      questions.size(), static_cast<unsigned long long>(permits),
      static_cast<unsigned long long>(bases[AccessBasis::patient]),
      static_cast<unsigned long long>(bases[AccessBasis::author]),
      static_cast<unsigned long long>(bases[AccessBasis::consent]),
      static_cast<unsigned long long>(differ));
  std::printf(
      "gas per EVM decision: %.0f on average, %lld to %lld (a static call of decide; no "
      "intrinsic gas)\n",
      gas_mean, static_cast<long long>(gas_min), static_cast<long long>(gas_max));
  if (differ) return 1;

  Rate n_total, e_total;
  volatile std::uint64_t sink = 0;
  for (int round = 0; round < 3; ++round) {
    const Rate n = measure(questions.size(), seconds, [&](std::size_t i) {
      sink = sink + native.decide(ledger, questions[i]).permitted;
    });
    const Rate e = measure(questions.size(), seconds, [&](std::size_t i) {
      sink = sink + evm.decide(ledger, questions[i]).permitted;
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
  std::printf(
      "EVM decisions/s:    %.0f (%.1f us each), per CPU second %.0f (%.1f Mgas per CPU second "
      "in decisions)\n",
      rate(e_total, false), 1e6 / rate(e_total, false), rate(e_total, true),
      rate(e_total, true) * gas_mean / 1e6);
  std::printf(
      "EVM time per decision / native: %.2fx by wall clock, %.2fx by CPU time "
      "(target <= 3x)\n",
      rate(n_total, false) / rate(e_total, false), rate(n_total, true) / rate(e_total, true));
  return 0;
}
