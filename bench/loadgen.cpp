// Load generator: pre-signs N document anchors from one signer per connection, submits them
// over HTTP in batches with ?wait=true, and reports committed tx/s and submit-to-commit latency,
// next to the Ed25519 verification rate of this machine measured in the same run.

#include <httplib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/client.hpp"
#include "codec/did_key.hpp"
#include "ledger/anchor.hpp"

using namespace pv;
using Clock = std::chrono::steady_clock;

namespace {

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// One signature to verify: a key, the exact message it signed, the signature.
struct SignedMessage {
  PublicKey key;
  Bytes message;
  Signature signature;
};

// 1,024 anchors signed by 1,024 keys, as the benchmark submits them: the limit verifies what a
// node or an auditor verifies (distinct keys and signatures, messages of this size). Verifying one
// signature again and again is faster than any ledger can be (the scalar multiplications repeat
// the same steps): that figure is printed too, for reference, but it is not the limit.
std::vector<SignedMessage> anchor_signatures() {
  NetworkId network;
  random_bytes(network.data(), network.size());
  std::vector<SignedMessage> out;
  for (int i = 0; i < 1024; ++i) {
    const SigningKey key = SigningKey::generate();
    Transaction tx;
    tx.type = kTxTypeAnchor;
    tx.signer = did_key_from_public_key(key.public_key());
    tx.nonce = 1;
    tx.created_ms = unix_ms();
    Hash32 doc;
    random_bytes(doc.data(), doc.size());
    tx.payload = encode_anchor({doc});
    sign_transaction(network, key, tx);
    out.push_back({key.public_key(), signing_message(network, tx), tx.signature});
  }
  return out;
}

// Ed25519 verifications per second on `threads` threads over one second, cycling through
// `signed_messages` (each thread from its own starting point).
double measure_verify_rate(unsigned threads, const std::vector<SignedMessage>& signed_messages) {
  std::atomic<std::uint64_t> count{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  auto start = Clock::now();
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::uint64_t n = 0;
      std::size_t i = t * signed_messages.size() / threads;
      while (!stop.load(std::memory_order_relaxed)) {
        const SignedMessage& m = signed_messages[i];
        if (!ed25519_verify(m.key, m.message, m.signature)) std::abort();
        ++n;
        if (++i == signed_messages.size()) i = 0;
      }
      count += n;
    });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  stop = true;
  for (auto& th : pool) th.join();
  return static_cast<double>(count) / std::chrono::duration<double>(Clock::now() - start).count();
}

struct Limit {
  double one_core = 0;
  double all_cores = 0;
  double one_signature_all_cores = 0;  // the same signature verified again and again
  unsigned cores = 1;
};

Limit measure_limit() {
  Limit l;
  l.cores = std::max(1u, std::thread::hardware_concurrency());
  const auto distinct = anchor_signatures();
  const std::vector<SignedMessage> one(1, distinct.front());
  l.one_core = measure_verify_rate(1, distinct);
  l.all_cores = measure_verify_rate(l.cores, distinct);
  l.one_signature_all_cores = measure_verify_rate(l.cores, one);
  return l;
}

nlohmann::json limit_json(const Limit& l) {
  return {{"ed25519VerifyPerSecondOneCore", l.one_core},
          {"ed25519VerifyPerSecondAllCores", l.all_cores},
          {"ed25519VerifyOneSignaturePerSecondAllCores", l.one_signature_all_cores},
          {"cores", l.cores}};
}

struct Split {
  std::string host;
  int port = 0;
};

Split split_url(const std::string& url) {
  std::string rest = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  auto colon = rest.rfind(':');
  return {rest.substr(0, colon), std::stoi(rest.substr(colon + 1))};
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pv_loadgen - submit pre-signed anchors to a node and measure committed tx/s"};
  std::string node_url = "http://127.0.0.1:7600";
  std::size_t total = 200000, batch = 500;
  unsigned connections = 8;
  bool json_out = false;
  bool limit_only = false;
  app.add_option("--node", node_url, "node URL; several comma-separated spread the connections (a cluster)");
  app.add_option("-n,--transactions", total, "transactions to submit");
  app.add_option("-b,--batch", batch, "transactions per POST");
  app.add_option("-c,--connections", connections, "concurrent connections (one signer each)");
  app.add_flag("--json", json_out, "print the figures as JSON");
  app.add_flag("--limit-only", limit_only,
               "only measure the limit (Ed25519 verifications per second of 1,024 distinct anchor "
               "signatures on one core and on all cores, one second each) and print it as JSON; "
               "no node is needed");
  CLI11_PARSE(app, argc, argv);
  crypto_init();
  if (limit_only) {
    std::cout << limit_json(measure_limit()).dump(2) << "\n";
    return 0;
  }

  std::vector<Split> targets;
  for (std::size_t start = 0;;) {
    std::size_t comma = node_url.find(',', start);
    targets.push_back(split_url(node_url.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  const Split& target = targets.front();
  httplib::Client info_client(target.host, target.port);
  auto info = info_client.Get("/v1/node");
  if (!info || info->status != 200) {
    std::cerr << "cannot reach " << node_url << "/v1/node: is the node running?\n";
    return 2;
  }
  auto node = nlohmann::json::parse(info->body);
  auto net = NetworkId::from_hex(node["networkId"].get<std::string>());
  if (!net) return 2;

  // Pre-sign on all cores: transactions[c] is connection c's ordered list of batches.
  std::size_t per_conn = (total + connections - 1) / connections;
  std::vector<std::vector<std::string>> bodies(connections);
  std::vector<SigningKey> keys;
  for (unsigned c = 0; c < connections; ++c) keys.push_back(SigningKey::generate());
  auto sign_start = Clock::now();
  {
    std::vector<std::thread> pool;
    for (unsigned c = 0; c < connections; ++c)
      pool.emplace_back([&, c] {
        const SigningKey& key = keys[c];
        std::string did = did_key_from_public_key(key.public_key());
        std::uint64_t created = unix_ms();
        for (std::size_t start = 0; start < per_conn; start += batch) {
          nlohmann::json txs = nlohmann::json::array();
          for (std::size_t i = start; i < std::min(per_conn, start + batch); ++i) {
            Transaction tx;
            tx.type = kTxTypeAnchor;
            tx.signer = did;
            tx.nonce = i + 1;
            tx.created_ms = created;
            Hash32 doc;
            random_bytes(doc.data(), doc.size());
            tx.payload = encode_anchor({doc});
            sign_transaction(*net, key, tx);
            txs.push_back(to_base64(encode_transaction(tx)));
          }
          bodies[c].push_back(nlohmann::json{{"txs", txs}}.dump());
        }
      });
    for (auto& th : pool) th.join();
  }
  double sign_seconds = std::chrono::duration<double>(Clock::now() - sign_start).count();

  std::atomic<std::uint64_t> committed{0}, failed{0};
  std::vector<std::vector<double>> latencies(connections);
  auto start = Clock::now();
  {
    std::vector<std::thread> pool;
    for (unsigned c = 0; c < connections; ++c)
      pool.emplace_back([&, c] {
        const Split& mine = targets[c % targets.size()];
        httplib::Client cli(mine.host, mine.port);
        cli.set_keep_alive(true);
        cli.set_read_timeout(60, 0);
        // Writes are signed requests (RFC 9421): one signature per HTTP request, made at send
        // time (it must be fresh), by the connection's key as a did:key. Timed with the request.
        const api::RequestSigner signer{keys[c], did_key_from_public_key(keys[c].public_key())};
        const std::string authority = mine.host + ":" + std::to_string(mine.port);
        for (const auto& body : bodies[c]) {
          auto t0 = Clock::now();
          auto fields = api::signature_headers(signer, "POST", "/v1/tx?wait=true", authority, body,
                                               "application/json");
          if (!fields) {
            ++failed;
            continue;
          }
          httplib::Headers headers(fields->begin(), fields->end());
          auto res = cli.Post("/v1/tx?wait=true", headers, body, "application/json");
          double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
          if (!res || res->status != 200) {
            ++failed;
            if (res && failed < 5) std::cerr << "HTTP " << res->status << ": " << res->body.substr(0, 300) << "\n";
            continue;
          }
          auto doc = nlohmann::json::parse(res->body, nullptr, false);
          std::uint64_t ok = 0;
          if (doc.is_object() && doc.contains("results"))
            for (const auto& r : doc["results"]) ok += r.value("status", "") == "committed" ? 1 : 0;
          committed += ok;
          latencies[c].push_back(ms);
        }
      });
    for (auto& th : pool) th.join();
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());

  const Limit limit = measure_limit();
  const double verify_1 = limit.one_core;
  const double verify_all = limit.all_cores;
  double tps = static_cast<double>(committed) / seconds;
  nlohmann::json figures = {{"transactions", total},
                            {"committed", committed.load()},
                            {"failedRequests", failed.load()},
                            {"batch", batch},
                            {"connections", connections},
                            {"nodes", targets.size()},
                            {"seconds", seconds},
                            {"committedTxPerSecond", tps},
                            {"latencyP50Ms", percentile(all, 0.50)},
                            {"latencyP99Ms", percentile(all, 0.99)},
                            {"presignTxPerSecond", static_cast<double>(total) / sign_seconds},
                            {"ed25519VerifyPerSecondOneCore", verify_1},
                            {"ed25519VerifyPerSecondAllCores", verify_all},
                            {"ed25519VerifyOneSignaturePerSecondAllCores",
                             limit.one_signature_all_cores},
                            {"verifyLimitTxPerSecond", verify_all / static_cast<double>(targets.size())},
                            {"cores", std::thread::hardware_concurrency()}};
  if (json_out) {
    std::cout << figures.dump(2) << "\n";
  } else {
    std::printf("committed transactions      %llu of %zu (%llu failed requests)\n",
                static_cast<unsigned long long>(committed.load()), total, static_cast<unsigned long long>(failed.load()));
    std::printf("committed, durable tx/s     %.0f   (target >= %d on %zu node%s)\n", tps,
                targets.size() > 1 ? 10000 : 25000, targets.size(), targets.size() > 1 ? "s" : "");
    std::printf("submit-to-commit latency    p50 %.1f ms, p99 %.1f ms (per batch of %zu, %u connections)\n",
                percentile(all, 0.5), percentile(all, 0.99), batch, connections);
    std::printf("limit: Ed25519 verify/s     %.0f on one core, %.0f on all %u cores\n", verify_1, verify_all,
                std::thread::hardware_concurrency());
    // Every node verifies every transaction's signature (its own at submission, the others' when
    // it commits their batches), so N nodes on one machine share the verifications N times over.
    if (targets.size() > 1)
      std::printf("limit: %zu nodes, one machine  %.0f tx/s (all-core verify/s / %zu: each node verifies every tx)\n",
                  targets.size(), verify_all / static_cast<double>(targets.size()), targets.size());
  }
  return committed == total ? 0 : 1;
}
