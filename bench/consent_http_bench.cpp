// Records and consent over HTTP against a running node (a fresh development network; its one
// member organization is the node's own DID), in four phases:
//   1. record anchors/s: pre-signed record-anchor transactions (keys really sealed to patient
//      and author) from one author per connection, many in flight, committed and valid;
//   2. a realistic consent state: every patient grants a few consents for some of their records,
//      a tenth are revoked (consents/s reported too);
//   3. the node's full consented-read route under load: signed POST /v1/records/{id}/access by
//      many readers at once (permits, wrong purposes, revoked and missing consents), each
//      decided, written as an access event and committed before the answer;
//   4. latency of one consented read of a small record end to end: signed request -> decision ->
//      access event committed -> CID and wrapped key served -> key opened; then the ciphertext
//      downloaded, checked, decrypted and checked against the commitment.
// Writes the questions of phase 3 to --out for the in-process phase (pv_consent_decision_bench).

#include <httplib.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "cli/blob_transfer.hpp"
#include "cli/consent_writer.hpp"
#include "cli/record_access_client.hpp"
#include "cli/record_content.hpp"
#include "consent_bench_support.hpp"
#include "content/byte_stream.hpp"
#include "content/cid.hpp"
#include "tx_batches.hpp"

using namespace pv;
using namespace pv::bench;
using nlohmann::json;

namespace {

struct Options {
  std::string node = "http://127.0.0.1:7600", out;
  std::size_t patients = 1000, records = 20000, batch = 200, reads = 2000, latency_reads = 300;
  unsigned connections = 8, consents_per_patient = 3;
};

struct Consent {
  std::size_t patient, grantee;
  std::vector<RecordId> records;
  std::vector<std::string> purposes;
  ConsentId id;
  bool revoked = false;
};

void fail(const std::string& what) {
  std::cerr << "pv_consent_http_bench: " << what << "\n";
  std::exit(1);
}

}  // namespace

// Phase 4 (consent_read_latency.cpp).
int run_latency_phase(const std::string& node, std::size_t reads, const NetworkId& net,
                      const std::string& org, json& figures);

int main(int argc, char** argv) {
  CLI::App app{
      "pv_consent_http_bench - record anchors/s, consented reads/s and read latency over HTTP"};
  Options o;
  app.add_option("--node", o.node, "node URL (a fresh development network)");
  app.add_option("--patients", o.patients, "patients");
  app.add_option("--records", o.records, "record anchors to commit in phase 1");
  app.add_option("--batch", o.batch, "transactions per POST");
  app.add_option("-c,--connections", o.connections, "concurrent connections");
  app.add_option("--consents-per-patient", o.consents_per_patient, "consents each patient grants");
  app.add_option("--reads", o.reads, "consented reads through the route in phase 3");
  app.add_option("--latency-reads", o.latency_reads, "sequential reads timed in phase 4");
  app.add_option("--out", o.out, "write the figures and phase 3's questions here (JSON)");
  CLI11_PARSE(app, argc, argv);
  crypto_init();
  const std::string hostport = o.node.substr(o.node.find("://") + 3);
  const std::string host = hostport.substr(0, hostport.rfind(':'));
  const int port = std::stoi(hostport.substr(hostport.rfind(':') + 1));
  auto client = api::NodeClient::connect(o.node);
  if (!client) fail(client.error().message);
  auto info = client->info();
  if (!info) fail("cannot reach " + o.node + ": " + info.error().message);
  const NetworkId net = info->network_id;
  const std::string org = info->did;  // a development network's one organization
  std::mt19937_64 rng(42);
  json figures;

  // Phase 1: record anchors.
  std::vector<Person> patients, authors, doctors;
  for (std::size_t i = 0; i < o.patients; ++i) patients.push_back(Person::generate());
  for (unsigned c = 0; c < o.connections; ++c) authors.push_back(Person::generate());
  for (int i = 0; i < 64; ++i) doctors.push_back(Person::generate());
  std::vector<std::vector<Bytes>> anchor_txs(o.connections), contents(o.connections);
  std::vector<std::vector<std::pair<std::size_t, RecordId>>> made(o.connections);
  {
    std::vector<std::thread> pool;
    for (unsigned c = 0; c < o.connections; ++c)
      pool.emplace_back([&, c] {
        std::mt19937_64 r(c);
        for (std::size_t i = c; i < o.records; i += o.connections) {
          std::size_t p = r() % patients.size();
          Bytes content;
          Bytes tx = sign_as(
              authors[c], net, kTxTypeRecordAnchor,
              encode_record_anchor(synthetic_anchor(patients[p], authors[c], org, content)));
          contents[c].push_back(std::move(content));
          made[c].push_back({p, transaction_id(tx)});
          anchor_txs[c].push_back(std::move(tx));
        }
      });
    for (auto& t : pool) t.join();
  }
  // The records' (tiny) encrypted content goes up first, as a client's upload would; it is not
  // part of the anchors/s figure.
  {
    const cli::Actor uploader = authors[0].actor();
    uploader.sign_requests_of(*client);
    cli::CarBatchUploader car(*client);
    for (const auto& of_connection : contents)
      for (const auto& bytes : of_connection)
        if (Status s = car.put(content::Cid::of(content::Multicodec::raw, bytes), bytes); !s)
          fail("uploading the records' content: " + s.error().message);
    if (Status s = car.flush(); !s) fail("uploading the records' content: " + s.error().message);
  }
  std::vector<std::vector<std::string>> bodies;
  for (auto& txs : anchor_txs) bodies.push_back(batch_bodies(txs, o.batch));
  Phase anchors = post_batches(host, port, bodies, authors);
  if (anchors.valid != o.records) fail("not every record anchor was committed as valid");
  std::vector<std::vector<RecordId>> records_of(o.patients);
  for (auto& m : made)
    for (auto& [p, id] : m) records_of[p].push_back(id);
  figures["recordAnchors"] = {{"committed", anchors.valid},
                              {"seconds", anchors.seconds},
                              {"perSecond", anchors.valid / anchors.seconds},
                              {"batch", o.batch},
                              {"connections", o.connections},
                              {"batchLatencyP50Ms", percentile(anchors.latencies_ms, 0.5)},
                              {"batchLatencyP99Ms", percentile(anchors.latencies_ms, 0.99)}};
  std::printf(
      "record anchors committed     %llu in %.2f s: %.0f anchors/s (batches of %zu, %u "
      "connections; batch p50 %.0f ms, p99 %.0f ms)\n",
      static_cast<unsigned long long>(anchors.valid), anchors.seconds,
      anchors.valid / anchors.seconds, o.batch, o.connections,
      percentile(anchors.latencies_ms, 0.5), percentile(anchors.latencies_ms, 0.99));

  // Phase 2: consents, then a tenth of them revoked.
  std::vector<Consent> consents;
  std::vector<std::vector<Bytes>> grant_txs(o.connections), revoke_txs(o.connections);
  for (std::size_t p = 0; p < o.patients; ++p) {
    if (records_of[p].empty()) continue;
    for (unsigned k = 0; k < o.consents_per_patient; ++k) {
      Consent c{p, rng() % doctors.size(), {}, {"TREAT"}, {}, false};
      for (std::size_t n = 1 + rng() % 3; n > 0; --n)
        c.records.push_back(records_of[p][rng() % records_of[p].size()]);
      if (rng() % 2) c.purposes.push_back("CAREMGT");
      Bytes tx = sign_as(patients[p], net, kTxTypeConsentGrant,
                         encode_consent_grant(synthetic_grant(doctors[c.grantee], c.records,
                                                              c.purposes, 30 + int(rng() % 335))));
      c.id = transaction_id(tx);
      grant_txs[p % o.connections].push_back(std::move(tx));
      c.revoked = rng() % 10 == 0;
      consents.push_back(std::move(c));
    }
  }
  for (const auto& c : consents)  // signed after every grant: a patient's nonces only grow
    if (c.revoked)
      revoke_txs[c.patient % o.connections].push_back(
          sign_as(patients[c.patient], net, kTxTypeConsentRevoke, encode_consent_revoke({c.id})));
  bodies.clear();
  for (auto& txs : grant_txs) bodies.push_back(batch_bodies(txs, o.batch));
  Phase grants = post_batches(host, port, bodies, authors);
  bodies.clear();
  for (auto& txs : revoke_txs) bodies.push_back(batch_bodies(txs, o.batch));
  Phase revokes = post_batches(host, port, bodies, authors);
  if (grants.other || revokes.other) fail("a consent grant or revocation was not valid");
  figures["consents"] = {{"granted", grants.valid},
                         {"revoked", revokes.valid},
                         {"grantsPerSecond", grants.valid / grants.seconds}};
  std::printf(
      "consents granted             %llu (%.0f grants/s), %llu revoked; %zu patients, %zu records, "
      "%zu readers\n",
      static_cast<unsigned long long>(grants.valid), grants.valid / grants.seconds,
      static_cast<unsigned long long>(revokes.valid), o.patients, o.records, doctors.size());

  // Phase 3: questions (half permitted), then the route under load.
  std::vector<ReadQuestion> questions;
  std::map<std::string, std::size_t> doctor_index;
  for (std::size_t d = 0; d < doctors.size(); ++d) doctor_index[doctors[d].did] = d;
  auto permitted = [&](const ReadQuestion& q) {
    for (const auto& c : consents)
      if (!c.revoked && doctors[c.grantee].did == q.reader &&
          std::find(c.records.begin(), c.records.end(), q.record) != c.records.end() &&
          std::find(c.purposes.begin(), c.purposes.end(), q.purpose) != c.purposes.end())
        return true;
    return false;
  };
  const std::size_t question_count = std::max<std::size_t>(o.reads, 20000);
  while (questions.size() < question_count) {
    const Consent& c = consents[rng() % consents.size()];
    ReadQuestion q{doctors[c.grantee].did, c.records[rng() % c.records.size()], "TREAT", false};
    switch (rng() % 10) {
      case 0:
      case 1:
        q.purpose = "HPAYMT";
        break;  // wrong purpose
      case 2:
      case 3:
        q.reader = doctors[rng() % doctors.size()].did;
        break;  // likely none
      default:
        break;  // the grantee (revoked for a tenth of the consents)
    }
    q.permit = permitted(q);
    questions.push_back(q);
  }
  std::atomic<std::uint64_t> permits{0}, refusals{0}, wrong{0};
  std::vector<std::vector<double>> lat(o.connections);
  auto start = Clock::now();
  {
    std::vector<std::thread> pool;
    for (unsigned c = 0; c < o.connections; ++c)
      pool.emplace_back([&, c] {
        httplib::Client cli(host, port);
        cli.set_read_timeout(60, 0);
        for (std::size_t i = c; i < o.reads; i += o.connections) {
          const ReadQuestion& q = questions[i];
          const Person& reader = doctors[doctor_index.at(q.reader)];
          const std::string target =
              "/v1/records/" + q.record.hex() + "/access?purpose=" + q.purpose;
          auto t0 = Clock::now();
          auto fields =
              api::signature_headers({reader.key, reader.did}, "POST", target, hostport, "", "");
          if (!fields) std::abort();
          auto res = cli.Post(target, httplib::Headers(fields->begin(), fields->end()), "", "");
          lat[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
          const int want = q.permit ? 200 : 403;
          if (!res || res->status != want) {
            if (wrong++ < 3)
              std::cerr << "read answered " << (res ? res->status : 0) << ", expected " << want
                        << "\n";
            continue;
          }
          (q.permit ? permits : refusals) += 1;
        }
      });
    for (auto& t : pool) t.join();
  }
  const double read_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  if (wrong) fail(std::to_string(wrong.load()) + " reads got another answer than the ledger's");
  const double decided = static_cast<double>(permits + refusals);
  figures["readRoute"] = {{"reads", decided},
                          {"permitted", permits.load()},
                          {"refused", refusals.load()},
                          {"connections", o.connections},
                          {"perSecond", decided / read_seconds},
                          {"latencyP50Ms", percentile(all, 0.5)},
                          {"latencyP99Ms", percentile(all, 0.99)}};
  std::printf(
      "consented-read route         %.0f decisions/s, each on the ledger before the answer (%llu "
      "permitted, %llu refused, %u connections; p50 %.1f ms, p99 %.1f ms under this load)\n",
      decided / read_seconds, static_cast<unsigned long long>(permits.load()),
      static_cast<unsigned long long>(refusals.load()), o.connections, percentile(all, 0.5),
      percentile(all, 0.99));

  if (int rc = run_latency_phase(o.node, o.latency_reads, net, org, figures); rc != 0) return rc;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const double v1 = measure_verify_rate(1), vall = measure_verify_rate(cores);
  figures["ed25519VerifyPerSecond"] = {{"oneCore", v1}, {"allCores", vall}, {"cores", cores}};
  std::printf("limit: Ed25519 verify/s      %.0f on one core, %.0f on all %u cores (same run)\n",
              v1, vall, cores);
  if (!o.out.empty()) {
    json qs = json::array();
    for (const auto& q : questions) qs.push_back(question_json(q));
    std::ofstream(o.out) << json{
        {"figures", figures},
        {"organization", org},
        {"questions", qs}}.dump();
  }
  return 0;
}
