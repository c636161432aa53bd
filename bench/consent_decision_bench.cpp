// In-process half of the records-and-consent benchmark, on the stopped node's data directory
// that pv_consent_http_bench filled (patients, records, consents, revocations in RocksDB):
//   1. access decisions/s: LedgerConsentContract::decide (the native rules) and
//      EvmConsentContract::decide (contracts/ConsentRules.sol by a static call on the embedded
//      EVM, what the node runs) at the current height on the node's committed state, over phase
//      3's questions (every answer checked against the expected one), on one thread and on every
//      core;
//   2. emergency (break-glass) reads, end to end inside the node: the emergency-clinician
//      credential (VC-JWT) verified against the ledger, the decision with purpose ETREAT, the
//      access event (basis emergency) signed, ordered and committed; p50/p99 next to the same
//      path for an ordinary consented read. There is no HTTP in these two: the node's route does
//      not take a credential yet (docs/consent.md section 8), so the HTTP request and its
//      signature check (phase 4 of the HTTP bench) are not in this figure.
// Usage: pv_consent_decision_bench --data-dir DIR --questions FILE   (PV_NODE_PASSPHRASE set)

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "consent_bench_support.hpp"
#include "crypto/sha256.hpp"
#include "ledger/consent_evm.hpp"
#include "ledger/credential_check.hpp"
#include "ledger/vc_jwt.hpp"
#include "node/node_key.hpp"
#include "node/record_access.hpp"

using namespace pv;
using namespace pv::bench;
using nlohmann::json;

namespace {

int fail(const std::string& what) {
  std::cerr << "pv_consent_decision_bench: " << what << "\n";
  return 1;
}

// Decisions per second on `threads` threads for about `seconds`; counts answers that differ from
// the expected ones.
double decisions_per_second(const ConsentContract& contract, const StateView& state,
                            const std::vector<ReadQuestion>& qs, unsigned threads, double seconds,
                            std::atomic<std::uint64_t>& wrong) {
  std::atomic<std::uint64_t> count{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  auto start = Clock::now();
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::uint64_t n = 0;
      for (std::size_t i = t; !stop.load(std::memory_order_relaxed); i += threads) {
        const ReadQuestion& q = qs[i % qs.size()];
        AccessRequest r{q.reader, {}, q.record, ConsentAction::access, q.purpose, unix_ms(), {}};
        if (contract.decide(state, r).permitted != q.permit) ++wrong;
        ++n;
      }
      count += n;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  return static_cast<double>(count) / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pv_consent_decision_bench - access decisions/s and break-glass latency in-process"};
  std::string data_dir, questions_file;
  double seconds = 2;
  std::size_t reads = 300;
  app.add_option("--data-dir", data_dir, "the stopped node's data directory")->required();
  app.add_option("--questions", questions_file, "pv_consent_http_bench --out file")->required();
  app.add_option("--seconds", seconds, "how long each decision run lasts");
  app.add_option("--reads", reads, "emergency and consented reads timed");
  CLI11_PARSE(app, argc, argv);
  crypto_init();
  spdlog::set_level(spdlog::level::warn);  // the node's start and stop lines are not figures
  const char* pass = std::getenv("PV_NODE_PASSPHRASE");
  if (!pass) return fail("set PV_NODE_PASSPHRASE to the node key's passphrase");
  std::ifstream in(questions_file);
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded()) return fail("cannot read " + questions_file);
  std::vector<ReadQuestion> qs;
  for (const auto& j : doc["questions"]) {
    auto q = question_from(j);
    if (!q) return fail(q.error().message);
    qs.push_back(*q);
  }
  if (qs.empty()) return fail("no questions");

  NodeConfig config;
  config.data_dir = data_dir;
  config.key_passphrase = [p = std::string(pass)](bool) -> Result<Passphrase> {
    return Passphrase(p);
  };
  auto node = Node::open(config);
  if (!node) return fail("open node: " + node.error().message);
  NodeStateView state(**node);

  std::atomic<std::uint64_t> wrong{0};
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  LedgerConsentContract native;
  EvmConsentContract evm;
  double one = decisions_per_second(native, state, qs, 1, seconds, wrong);
  double all = decisions_per_second(native, state, qs, cores, seconds, wrong);
  double evm_one = decisions_per_second(evm, state, qs, 1, seconds, wrong);
  double evm_all = decisions_per_second(evm, state, qs, cores, seconds, wrong);
  if (wrong) return fail(std::to_string(wrong.load()) + " decisions differ from the expected");
  std::size_t permits = 0;
  for (const auto& q : qs) permits += q.permit ? 1 : 0;
  std::printf(
      "access decisions, in-process %.0f/s on one core, %.0f/s on %u cores (ConsentContract at the "
      "current height, RocksDB state; %zu questions, %zu permits)\n",
      one, all, cores, qs.size(), permits);
  // Gas of each question's static call of `decide`, once.
  std::int64_t gas = 0;
  for (const auto& q : qs) {
    AccessRequest r{q.reader, {}, q.record, ConsentAction::access, q.purpose, unix_ms(), {}};
    auto d = contract_decide(state, r);
    if (!d) return fail("the consent contract gave no decision: " + d.error().message);
    gas += d->gas_used;
  }
  std::printf(
      "access decisions through the consent contract on the EVM, in-process %.0f/s on one core, "
      "%.0f/s on %u cores (%.2fx the native time on one core; %.0f gas per decision)\n",
      evm_one, evm_all, cores, evm_one > 0 ? one / evm_one : 0.0,
      static_cast<double>(gas) / static_cast<double>(qs.size()));

  // Break-glass: the node's organization issues an emergency-clinician credential.
  auto node_key = load_or_create_node_key(data_dir, config.key_passphrase, config.key_kdf);
  if (!node_key) return fail("node key: " + node_key.error().message);
  const Person clinician = Person::generate();
  const std::string org = (*node)->info().did;
  const auto now = static_cast<std::int64_t>(unix_ms() / 1000);
  RoleCredential c{"",
                   org,
                   did_key_method_id(org),
                   clinician.did,
                   "emergency-clinician",
                   "ER-0001",
                   "Local development organization",
                   now,
                   now - 60,
                   now + 86400};
  auto jwt = issue_role_credential(c, *node_key);
  if (!jwt) return fail("credential: " + jwt.error().message);

  RecordAccess access(**node);
  std::vector<double> emergency_ms, consent_ms;
  std::vector<const ReadQuestion*> permitted;
  for (const auto& q : qs)
    if (q.permit) permitted.push_back(&q);
  for (std::size_t i = 0; i < reads; ++i) {
    const ReadQuestion& q = qs[i % qs.size()];
    auto t0 = Clock::now();
    StateCredentialLedger ledger(state);
    auto cred = verify_credential_on_ledger(*jwt, ledger, RoleCredentialCheck{now});
    if (!cred) return fail("credential check: " + cred.error().message);
    if (cred->credential.role != "emergency-clinician") return fail("not an emergency credential");
    AccessRequest r{clinician.did,
                    {},
                    q.record,
                    ConsentAction::access,
                    "ETREAT",
                    0,
                    EmergencyClaim{cred->credential.issuer, sha256(as_bytes(*jwt))}};
    auto result = access.read(r);
    auto t1 = Clock::now();
    if (!result) return fail("emergency read: " + result.error().message);
    if (!result->decision.permitted || result->decision.basis != AccessBasis::emergency)
      return fail("emergency read refused: " + result->decision.reason);
    emergency_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());

    const ReadQuestion& p = *permitted[i % permitted.size()];
    auto t2 = Clock::now();
    auto ordinary = access.read({p.reader, {}, p.record, ConsentAction::access, p.purpose, 0, {}});
    auto t3 = Clock::now();
    if (!ordinary || !ordinary->decision.permitted) return fail("consented read refused");
    consent_ms.push_back(std::chrono::duration<double, std::milli>(t3 - t2).count());
  }
  std::printf(
      "emergency (break-glass) read p50 %.1f ms, p99 %.1f ms: credential verified on the ledger -> "
      "decision (ETREAT) -> access event committed; in the node, no HTTP (%zu reads; target p99 < "
      "100 ms)\n",
      percentile(emergency_ms, 0.5), percentile(emergency_ms, 0.99), reads);
  std::printf("  same path, consented read  p50 %.1f ms, p99 %.1f ms\n",
              percentile(consent_ms, 0.5), percentile(consent_ms, 0.99));
  const double v1 = measure_verify_rate(1), vall = measure_verify_rate(cores);
  std::printf("limit: Ed25519 verify/s      %.0f on one core, %.0f on all %u cores (same run)\n",
              v1, vall, cores);
  (*node)->shutdown();
  return 0;
}
