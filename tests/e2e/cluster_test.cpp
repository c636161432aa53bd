// Cluster mode on a real 3-member etcd cluster with 3 real nodes (scripts/cluster.sh), under
// continuous load: kill -9 of an etcd member and of a node, catch-up after compaction, a frozen
// etcd majority, and a corrupted node caught by the checkpoint exchange.

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "../unit/node_test_support.hpp"
#include "api/client.hpp"
#include "cluster_process.hpp"
#include "codec/binary.hpp"
#include "ledger/executor.hpp"
#include "storage/ledger_store.hpp"

namespace pv {
namespace {

// Writes are signed requests (RFC 9421): POST `body` to `path` signed by `key` as a did:key.
httplib::Result post_signed(httplib::Client& cli, int port, const SigningKey& key,
                            const std::string& path, const std::string& body) {
  auto fields =
      api::signature_headers({key, did_key_from_public_key(key.public_key())}, "POST", path,
                             "127.0.0.1:" + std::to_string(port), body, "application/json");
  httplib::Headers headers;
  if (fields) headers = httplib::Headers(fields->begin(), fields->end());
  return cli.Post(path, headers, body, "application/json");
}

using namespace std::chrono_literals;
using e2e::LocalCluster;

// etcd's backend quota in the out-of-space test: small enough to fill in seconds.
constexpr std::uint64_t kTinyEtcdQuota = 1024 * 1024;

nlohmann::json get_json(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(5, 0);
  auto r = c.Get(path);
  if (!r) r = c.Get(path);  // one retry of a transport failure (a busy shared machine)
  if (!r || r->status != 200) return {};
  return nlohmann::json::parse(r->body, nullptr, false);
}

std::uint64_t height(int port) {
  auto j = get_json(port, "/v1/node");
  return j.is_object() ? j["height"].get<std::uint64_t>() : 0;
}

std::string block_hash_at(int port, std::uint64_t h) {
  auto j = get_json(port, "/v1/blocks/" + std::to_string(h));
  return j.is_object() ? j["hash"].get<std::string>() : "";
}

std::string metrics(int port) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/metrics");
  return r && r->status == 200 ? r->body : "";
}

// Value of an unlabelled metric, or -1.
double metric(int port, const std::string& name) {
  std::string text = metrics(port);
  auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

// Writes batches of anchors with ?wait=true to the nodes in `ports` (round robin, skipping
// those marked down) until `stop`; records every transaction acknowledged as committed.
struct Load {
  std::vector<int> ports;
  NetworkId net;
  std::atomic<bool> stop{false};
  std::vector<std::atomic<bool>> down = std::vector<std::atomic<bool>>(3);
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<std::uint64_t> refused{0};
  std::vector<std::string> refusals;  // "STATUS CONTENT-TYPE BODY" of each refused request

  void run(int writer) {
    auto key = SigningKey::generate();
    std::uint64_t nonce = 1;
    for (std::size_t round = writer; !stop; ++round) {
      std::size_t i = round % ports.size();
      if (down[i]) continue;
      httplib::Client cli("127.0.0.1", ports[i]);
      cli.set_read_timeout(10, 0);
      cli.set_connection_timeout(1, 0);
      nlohmann::json txs = nlohmann::json::array();
      for (int k = 0; k < 20; ++k)
        txs.push_back(to_base64(testing::make_anchor(net, key, nonce++)));
      auto res = post_signed(cli, ports[i], key, "/v1/tx?wait=true&timeout_ms=8000",
                             nlohmann::json{{"txs", txs}}.dump());
      if (!res || res->status != 200) {
        ++refused;
        if (res) {
          std::lock_guard lock(mu);
          refusals.push_back(std::to_string(res->status) + " " +
                             res->get_header_value("Content-Type") + " " + res->body);
        }
        std::this_thread::sleep_for(50ms);
        continue;
      }
      auto doc = nlohmann::json::parse(res->body, nullptr, false);
      if (!doc.is_object() || !doc.contains("results")) continue;
      std::lock_guard lock(mu);
      for (const auto& r : doc["results"])
        if (r.value("status", "") == "committed")
          acknowledged.push_back(r["id"].get<std::string>());
    }
  }
  std::size_t count() {
    std::lock_guard lock(mu);
    return acknowledged.size();
  }

  // `n` writer threads; finish() (or the destructor, when a test stops early) joins them.
  void start(int n) {
    for (int w = 0; w < n; ++w) writers.emplace_back([this, w] { run(w); });
  }
  void finish() {
    stop = true;
    for (auto& t : writers) t.join();
    writers.clear();
  }
  ~Load() { finish(); }
  std::vector<std::thread> writers;
};

bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return done();
}

// All nodes in `ports` at the same height with the same head hash.
bool converged(const std::vector<int>& ports) {
  std::uint64_t h = height(ports[0]);
  if (h == 0) return false;
  for (int p : ports)
    if (height(p) != h) return false;
  std::string hash = block_hash_at(ports[0], h);
  for (int p : ports)
    if (block_hash_at(p, h) != hash) return false;
  return true;
}

void expect_all_acknowledged(int port, const std::vector<std::string>& ids) {
  // One kept-alive connection: thousands of short ones can run a busy shared machine out of
  // loopback ports, and a refused connection would count as a missing transaction.
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  c.set_read_timeout(10, 0);
  std::size_t missing = 0;
  for (const auto& id : ids) {
    auto r = c.Get("/v1/tx/" + id);
    if (!r) r = c.Get("/v1/tx/" + id);  // one retry of a transport failure
    if (!r || r->status != 200 || nlohmann::json::parse(r->body).value("status", "") != "committed")
      ++missing;
  }
  EXPECT_EQ(missing, 0u) << "acknowledged transactions missing on the node at port " << port;
}

TEST(Cluster, SurvivesKillNineOfAMemberAndANodeAndCatchesUpAfterCompaction) {
  // Compaction as soon as possible, and nodes more than 20 revisions behind stop holding it back,
  // so the killed node's gap is compacted away and it must catch up from its peers.
  LocalCluster cluster("--etcd-retain-revisions 20 --etcd-compact-min-revisions 1");
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  Load load;
  for (int i = 0; i < 3; ++i) load.ports.push_back(cluster.node_port(i));
  auto info = get_json(load.ports[0], "/v1/node");
  ASSERT_TRUE(info.is_object());
  EXPECT_EQ(info["ordering"], "etcd");
  load.net = *NetworkId::from_hex(info["networkId"].get<std::string>());
  load.start(3);

  ASSERT_TRUE(wait_until([&] { return load.count() >= 300; }, 60s)) << "no load got through";
  // kill -9 one etcd member and one node; writes go on through the others.
  double dead_revision = metric(load.ports[2], "pv_etcd_applied_revision");
  ASSERT_GT(dead_revision, 0);
  load.down[2] = true;
  LocalCluster::kill9(cluster.etcd_pid(2));
  LocalCluster::kill9(cluster.node_pid(2));
  std::size_t at_kill = load.count();
  ASSERT_TRUE(wait_until([&] { return load.count() >= at_kill + 600; }, 90s))
      << "writes stopped after the kill: " << load.count() - at_kill << " more acknowledged";
  // Compaction has gone past what the dead node committed: it must catch up from peers.
  ASSERT_TRUE(wait_until(
      [&] { return metric(load.ports[0], "pv_etcd_compacted_revision") > dead_revision + 1; }, 60s))
      << metrics(load.ports[0]);

  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;  // restarts both
  load.down[2] = false;
  ASSERT_TRUE(wait_until([&] { return load.count() >= at_kill + 900; }, 90s));
  load.finish();

  ASSERT_TRUE(wait_until([&] { return converged(load.ports); }, 90s))
      << "heights " << height(load.ports[0]) << " " << height(load.ports[1]) << " "
      << height(load.ports[2]);
  EXPECT_GE(metric(load.ports[2], "pv_etcd_catch_ups_total"), 1) << metrics(load.ports[2]);
  // Identical blocks everywhere, not only the head.
  std::uint64_t h = height(load.ports[0]);
  for (std::uint64_t b = 1; b <= h; b += std::max<std::uint64_t>(1, h / 25))
    EXPECT_EQ(block_hash_at(load.ports[0], b), block_hash_at(load.ports[2], b)) << "block " << b;
  for (int p : load.ports) expect_all_acknowledged(p, load.acknowledged);
  std::cout << "acknowledged " << load.acknowledged.size() << " transactions; " << h
            << " blocks on 3 nodes\n";
  EXPECT_EQ(metric(load.ports[0], "pv_divergence_alarm"), 0);
}

TEST(Cluster, FrozenEtcdMajorityRefusesWritesRatherThanForking) {
  LocalCluster cluster;
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  std::vector<int> ports = {cluster.node_port(0), cluster.node_port(1), cluster.node_port(2)};
  auto info = get_json(ports[0], "/v1/node");
  NetworkId net = *NetworkId::from_hex(info["networkId"].get<std::string>());
  auto key = SigningKey::generate();
  std::uint64_t nonce = 1;
  auto submit = [&](int port) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(15, 0);
    nlohmann::json txs =
        nlohmann::json::array({to_base64(testing::make_anchor(net, key, nonce++))});
    return post_signed(c, port, key, "/v1/tx?wait=true&timeout_ms=3000",
                       nlohmann::json{{"txs", txs}}.dump());
  };
  auto ok = submit(ports[0]);
  ASSERT_TRUE(ok && ok->status == 200) << (ok ? ok->body : "no answer");
  ASSERT_TRUE(wait_until([&] { return converged(ports); }, 30s));

  // Freeze two of three etcd members: no quorum is left anywhere.
  ::kill(cluster.etcd_pid(0), SIGSTOP);
  ::kill(cluster.etcd_pid(1), SIGSTOP);
  std::uint64_t frozen_height = height(ports[2]);
  bool refused = wait_until(
      [&] {
        auto r = submit(ports[2]);
        return r && r->status == 503;
      },
      60s);
  httplib::Client c("127.0.0.1", ports[2]);
  auto health = c.Get("/healthz");
  ::kill(cluster.etcd_pid(0), SIGCONT);
  ::kill(cluster.etcd_pid(1), SIGCONT);
  ASSERT_TRUE(refused) << "a node without etcd quorum kept accepting writes";
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 503);
  EXPECT_NE(health->body.find("etcd"), std::string::npos) << health->body;
  EXPECT_EQ(height(ports[2]), frozen_height) << "a block was cut without etcd";

  // Quorum back: writes resume, and every node holds the same blocks.
  ASSERT_TRUE(wait_until(
      [&] {
        auto r = submit(ports[1]);
        return r && r->status == 200 && r->body.find("committed") != std::string::npos;
      },
      60s));
  ASSERT_TRUE(wait_until([&] { return converged(ports); }, 60s));
}

TEST(Cluster, EtcdOutOfSpaceRefusesWritesThenRecoversAfterCompaction) {
  // A tiny etcd quota and no routine compaction: the batches' history fills etcd until it raises
  // NOSPACE. The nodes must refuse writes saying why, then compact, defragment, disarm, resume.
  LocalCluster cluster("--etcd-compact-min-revisions 1000000000",
                       "--quota-backend-bytes=" + std::to_string(kTinyEtcdQuota));
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  Load load;
  for (int i = 0; i < 3; ++i) load.ports.push_back(cluster.node_port(i));
  auto info = get_json(load.ports[0], "/v1/node");
  load.net = *NetworkId::from_hex(info["networkId"].get<std::string>());
  load.start(3);
  auto nospace_refusal = [&] {
    std::lock_guard lock(load.mu);
    for (const auto& r : load.refusals)
      if (r.find("NOSPACE") != std::string::npos) return r;
    return std::string();
  };
  bool alarmed = wait_until([&] { return !nospace_refusal().empty(); }, 150s);
  std::size_t at_alarm = load.count();
  ASSERT_TRUE(alarmed) << "no write was refused for NOSPACE; " << load.count() << " acknowledged; "
                       << metrics(load.ports[0]);
  // The refusal is a problem document that says what happened and what comes next.
  std::string refusal = nospace_refusal();
  EXPECT_EQ(refusal.rfind("503 application/problem+json", 0), 0u) << refusal;
  EXPECT_NE(refusal.find("out of space"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("compaction"), std::string::npos) << refusal;
  // Compaction + defragmentation + disarm: writes resume on every node.
  ASSERT_TRUE(wait_until([&] { return load.count() >= at_alarm + 300; }, 90s))
      << "writes did not resume: " << metrics(load.ports[0]) << "\nnode 1 log:\n"
      << e2e::read_text_file(cluster.node_log(0));
  load.finish();
  // The load may have filled etcd again before it stopped: with no more writes, every alarm
  // ends within a few housekeeping rounds.
  double compacted = 0;
  for (int p : load.ports) {
    EXPECT_TRUE(wait_until([&] { return metric(p, "pv_etcd_nospace_alarm") == 0; }, 30s))
        << metrics(p);
    compacted = std::max(compacted, metric(p, "pv_etcd_compacted_revision"));
  }
  EXPECT_GT(compacted, 0) << "no node compacted etcd";
  // etcd itself holds no alarm any more (one per member was raised).
  httplib::Client etcd(cluster.etcd_url(0));
  std::string alarms;
  EXPECT_TRUE(wait_until(
      [&] {
        auto r = etcd.Post("/v3/maintenance/alarm", R"({"action":"GET"})", "application/json");
        alarms = r && r->status == 200 ? r->body : "no answer";
        return alarms.find("NOSPACE") == std::string::npos && alarms != "no answer";
      },
      30s))
      << alarms;
  ASSERT_TRUE(wait_until([&] { return converged(load.ports); }, 60s));
  for (int p : load.ports) expect_all_acknowledged(p, load.acknowledged);
  std::cout << "acknowledged " << load.acknowledged.size() << " transactions, " << at_alarm
            << " before the alarm; " << load.refused << " requests refused\n";
}

TEST(Cluster, CorruptedNodeRaisesTheDivergenceAlarm) {
  LocalCluster cluster("--peer-check-interval-ms 300");
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  std::vector<int> ports = {cluster.node_port(0), cluster.node_port(1), cluster.node_port(2)};
  auto info = get_json(ports[0], "/v1/node");
  NetworkId net = *NetworkId::from_hex(info["networkId"].get<std::string>());
  auto key = SigningKey::generate();
  std::string signer = did_key_from_public_key(key.public_key());
  auto submit = [&](int port, std::uint64_t nonce) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(15, 0);
    nlohmann::json txs = nlohmann::json::array({to_base64(testing::make_anchor(net, key, nonce))});
    return post_signed(c, port, key, "/v1/tx?wait=true", nlohmann::json{{"txs", txs}}.dump());
  };
  auto first = submit(ports[0], 1);
  ASSERT_TRUE(first && first->status == 200);
  ASSERT_TRUE(wait_until([&] { return converged(ports); }, 30s));
  EXPECT_EQ(metric(ports[2], "pv_divergence_alarm"), 0);

  // Stop node 3 and corrupt its state: it now believes the signer's nonce is 1000.
  LocalCluster::kill9(cluster.node_pid(2));
  {
    auto store = LedgerStore::open(cluster.node_dir(2) + "/ledger", LedgerStore::Mode::read_write);
    ASSERT_TRUE(store) << store.error().message;
    BinaryWriter w;
    w.u64(1000);
    ASSERT_TRUE((*store)->raw_put("state", as_bytes(nonce_state_key(signer)), w.bytes()));
  }
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  // Node 3 refuses this transaction as a stale nonce; the others commit it: different blocks.
  auto second = submit(ports[0], 2);
  ASSERT_TRUE(second && second->status == 200);
  ASSERT_TRUE(wait_until([&] { return metric(ports[2], "pv_divergence_alarm") == 1; }, 30s))
      << metrics(ports[2]);
  std::string m = metrics(ports[2]);
  EXPECT_TRUE(
      m.find("pv_divergence_peer{peer=\"" + cluster.node_url(0) + "\"}") != std::string::npos ||
      m.find("pv_divergence_peer{peer=\"" + cluster.node_url(1) + "\"}") != std::string::npos)
      << m;
  EXPECT_NE(e2e::read_text_file(cluster.node_log(2)).find("DIVERGENCE"), std::string::npos);
  // The healthy nodes see it too, from their side.
  ASSERT_TRUE(wait_until([&] { return metric(ports[0], "pv_divergence_alarm") == 1; }, 30s));
  EXPECT_TRUE(wait_until([&] { return metric(ports[1], "pv_divergence_alarm") == 1; }, 30s));
}

}  // namespace
}  // namespace pv
