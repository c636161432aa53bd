// The auditor on a 3-node etcd cluster (issue 16, point 5). Honest and under load: it follows
// all three nodes while anchors are written to each, re-executes every block of each, cosigns
// through its gate, and disagrees with no node in anything. With one node's state corrupted: that
// node's block is caught by re-execution, and the two nodes' different sealed blocks of one
// height are evidence of divergent nodes that verifies offline. A node that drops an ordered
// transaction is named as divergent, with the block where it parts and the transaction it lacks.
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "../unit/node_test_support.hpp"
#include "api/client.hpp"
#include "cluster_process.hpp"
#include "codec/binary.hpp"
#include "ledger/executor.hpp"
#include "ledger/transaction.hpp"
#include "storage/ledger_store.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json get_json(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(5, 0);
  auto r = c.Get(path);
  if (!r || r->status != 200) return json();
  return json::parse(r->body, nullptr, false);
}

// One writer: batches of 20 signed anchors with ?wait=true to the nodes in turn until `stop`.
void write_anchors(const std::vector<int>& ports, const NetworkId& net, std::atomic<bool>& stop,
                   std::atomic<std::uint64_t>& committed) {
  const SigningKey key = SigningKey::generate();
  const std::string did = did_key_from_public_key(key.public_key());
  std::uint64_t nonce = 1;
  for (std::size_t round = 0; !stop; ++round) {
    const int port = ports[round % ports.size()];
    json txs = json::array();
    for (int k = 0; k < 20; ++k) txs.push_back(to_base64(testing::make_anchor(net, key, nonce++)));
    const std::string path = "/v1/tx?wait=true&timeout_ms=8000", body = json{{"txs", txs}}.dump();
    auto fields = api::signature_headers(
        {key, did}, "POST", path, "127.0.0.1:" + std::to_string(port), body, "application/json");
    ASSERT_TRUE(fields.is_ok());
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10, 0);
    auto res =
        c.Post(path, httplib::Headers(fields->begin(), fields->end()), body, "application/json");
    if (res && res->status == 200) committed += 20;
  }
}

TEST(AuditCluster, AuditorAndNodesOfAnHonestClusterUnderLoadDisagreeInNothing) {
  TempDir tmp;
  const int audit_port = free_port();
  const std::string audit_url = "http://127.0.0.1:" + std::to_string(audit_port);
  const std::string name = "auditor.test/cluster";
  const std::vector<std::string> env = {"HOME=" + tmp.path(), "XDG_CONFIG_HOME=" + (tmp / "config"),
                                        "PV_AUDIT_PASSPHRASE=e2e auditor passphrase",
                                        "PV_WALLET_KDF=interactive"};
  auto key =
      run({pv_bin(), "audit", "key", "--data-dir", tmp / "audit", "--name", name, "--json"}, env);
  ASSERT_TRUE(key.ok()) << key.err;
  const std::string vkey = json::parse(key.out)["vkey"];
  // Every node submits its checkpoints to the auditor's witness.
  LocalCluster cluster("--witness " + audit_url + "=" + vkey);
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  std::vector<std::string> argv = {pv_bin(),
                                   "audit",
                                   "serve",
                                   "--data-dir",
                                   tmp / "audit",
                                   "--genesis",
                                   cluster.dir() + "/genesis.json",
                                   "--listen",
                                   "127.0.0.1:" + std::to_string(audit_port),
                                   "--poll-ms",
                                   "50"};
  std::vector<int> ports;
  for (int i = 0; i < 3; ++i) {
    argv.insert(argv.end(), {"--node", cluster.node_url(i)});
    ports.push_back(cluster.node_port(i));
  }
  Process auditor = Process::spawn(argv, env);
  ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor.err();

  const json info = get_json(ports[0], "/v1/node");
  ASSERT_TRUE(info.is_object());
  auto net = NetworkId::from_hex(info["networkId"].get<std::string>());
  ASSERT_TRUE(net.is_ok());
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> committed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w)
    writers.emplace_back([&] { write_anchors(ports, *net, stop, committed); });
  const auto load_until = std::chrono::steady_clock::now() + 8s;
  while (std::chrono::steady_clock::now() < load_until) std::this_thread::sleep_for(100ms);
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_GT(committed.load(), 0u);

  // Every node's head, as the node reports it, once they all agree.
  std::uint64_t head = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::set<std::uint64_t> heights;
    for (int p : ports) heights.insert(get_json(p, "/v1/node").value("height", 0ull));
    if (heights.size() == 1 && *heights.begin() > 0) {
      head = *heights.begin();
      break;
    }
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_GT(head, 0u);
  const json block = get_json(ports[0], "/v1/blocks/" + std::to_string(head));
  ASSERT_TRUE(block.is_object());
  json s;
  while (std::chrono::steady_clock::now() < deadline + 60s) {
    s = get_json(audit_port, "/v1/status");
    bool all = s.is_object() && s["nodes"].size() == 3;
    for (std::size_t i = 0; all && i < 3; ++i)
      all = s["nodes"][i]["verifiedHeight"].get<std::uint64_t>() >= head;
    if (all) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(s.is_object()) << auditor.err();
  EXPECT_EQ(s["ok"], true) << s.dump(2) << auditor.err();
  for (std::size_t i = 0; i < 3; ++i) {
    const json& n = s["nodes"][i];
    EXPECT_EQ(n["halted"], false) << n.dump();
    ASSERT_GE(n["verifiedHeight"].get<std::uint64_t>(), head) << n.dump();
    // Every node's blocks re-executed here to the same chain the nodes report.
    EXPECT_EQ(n["verifiedBlockHash"], s["nodes"][0]["verifiedBlockHash"]) << s.dump(2);
    EXPECT_EQ(n["verifiedStateDigest"], s["nodes"][0]["verifiedStateDigest"]) << s.dump(2);
  }
  if (s["nodes"][0]["verifiedHeight"].get<std::uint64_t>() == head) {
    EXPECT_EQ(s["nodes"][0]["verifiedBlockHash"], block["hash"]) << block.dump();
    EXPECT_EQ(s["nodes"][0]["verifiedStateDigest"], block["header"]["stateDigest"]);
  }
  auto check = run({pv_bin(), "audit", "check", "--data-dir", tmp / "audit"}, env);
  EXPECT_TRUE(check.ok()) << check.out << check.err;
  // Each node's checkpoint comes back cosigned by the auditor, which cosigns only what it
  // re-executed.
  for (int p : ports) {
    std::string note;
    const auto until = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < until) {
      httplib::Client c("127.0.0.1", p);
      auto r = c.Get("/v1/checkpoint");
      note = r && r->status == 200 ? r->body : "";
      if (note.find("\xE2\x80\x94 " + name + " ") != std::string::npos) break;
      std::this_thread::sleep_for(200ms);
    }
    EXPECT_NE(note.find("\xE2\x80\x94 " + name + " "), std::string::npos) << note;
  }
  std::cout << "committed " << committed << " anchors under load; the auditor re-executed all "
            << "three nodes to height " << head << " and found nothing\n";
}

TEST(AuditCluster, ANodeWhoseBlocksDifferFromTheOthersIsNamed) {
  LocalCluster cluster;
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  TempDir tmp;
  const std::vector<std::string> env = {"HOME=" + tmp.path(), "XDG_CONFIG_HOME=" + (tmp / "config"),
                                        "PV_AUDIT_PASSPHRASE=e2e auditor passphrase",
                                        "PV_WALLET_KDF=interactive"};
  std::vector<int> ports = {cluster.node_port(0), cluster.node_port(1), cluster.node_port(2)};
  const json info = get_json(ports[0], "/v1/node");
  ASSERT_TRUE(info.is_object());
  const NetworkId net = *NetworkId::from_hex(info["networkId"].get<std::string>());
  const SigningKey key = SigningKey::generate();
  const std::string signer = did_key_from_public_key(key.public_key());
  auto submit = [&](std::uint64_t nonce) {
    json txs = json::array({to_base64(testing::make_anchor(net, key, nonce))});
    const std::string path = "/v1/tx?wait=true", body = json{{"txs", txs}}.dump();
    auto fields =
        api::signature_headers({key, signer}, "POST", path, "127.0.0.1:" + std::to_string(ports[0]),
                               body, "application/json");
    httplib::Client c("127.0.0.1", ports[0]);
    c.set_read_timeout(15, 0);
    auto r =
        c.Post(path, httplib::Headers(fields->begin(), fields->end()), body, "application/json");
    return r && r->status == 200;
  };
  ASSERT_TRUE(submit(1));
  // Node 3's state corrupted while it is down: it believes the signer's nonce is 1000, so it
  // refuses the next transaction that the other two commit.
  LocalCluster::kill9(cluster.node_pid(2));
  {
    auto store = LedgerStore::open(cluster.node_dir(2) + "/ledger", LedgerStore::Mode::read_write);
    ASSERT_TRUE(store.is_ok()) << store.error().message;
    BinaryWriter w;
    w.u64(1000);
    ASSERT_TRUE((*store)->raw_put("state", as_bytes(nonce_state_key(signer)), w.bytes()).is_ok());
  }
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  ASSERT_TRUE(submit(2));

  const int audit_port = free_port();
  std::vector<std::string> argv = {pv_bin(),
                                   "audit",
                                   "serve",
                                   "--data-dir",
                                   tmp / "audit",
                                   "--genesis",
                                   cluster.dir() + "/genesis.json",
                                   "--listen",
                                   "127.0.0.1:" + std::to_string(audit_port),
                                   "--poll-ms",
                                   "50"};
  for (int i = 0; i < 3; ++i) argv.insert(argv.end(), {"--node", cluster.node_url(i)});
  Process auditor = Process::spawn(argv, env);
  ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor.err();

  std::map<std::string, json> by_kind;
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (std::chrono::steady_clock::now() < deadline && by_kind.size() < 2) {
    auto check = run({pv_bin(), "audit", "check", "--data-dir", tmp / "audit", "--json"}, env);
    json j = json::parse(check.out, nullptr, false);
    if (j.is_object())
      for (const auto& a : j["alarms"]) by_kind[a["kind"].get<std::string>()] = a;
    std::this_thread::sleep_for(300ms);
  }
  ASSERT_TRUE(by_kind.count("reexecution")) << auditor.err();
  EXPECT_NE(by_kind["reexecution"]["reason"].get<std::string>().find(cluster.node_url(2)),
            std::string::npos)
      << by_kind["reexecution"].dump();
  EXPECT_NE(by_kind["reexecution"]["reason"].get<std::string>().find("transaction verdicts"),
            std::string::npos)
      << by_kind["reexecution"].dump();
  ASSERT_TRUE(by_kind.count("divergent-node")) << auditor.err();
  EXPECT_EQ(by_kind.size(), 2u);  // nothing else: the two honest nodes agree
  // Two blocks of one height, each sealed by its node, that differ: checkable by anyone.
  auto evidence =
      run({pv_bin(), "audit", "evidence", by_kind["divergent-node"]["file"], "--json"}, env);
  EXPECT_TRUE(evidence.ok()) << evidence.out << evidence.err;
  json status = get_json(audit_port, "/v1/status");
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["nodes"][2]["halted"], true) << status.dump(2);
  EXPECT_EQ(status["nodes"][0]["halted"], false) << status.dump(2);
  EXPECT_EQ(status["nodes"][1]["halted"], false) << status.dump(2);
}

TEST(AuditCluster, ANodeWithPendingTransactionsAndNoProgressIsStalled) {
  LocalCluster cluster;
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  TempDir tmp;
  const std::vector<std::string> env = {"HOME=" + tmp.path(), "XDG_CONFIG_HOME=" + (tmp / "config"),
                                        "PV_AUDIT_PASSPHRASE=e2e auditor passphrase",
                                        "PV_WALLET_KDF=interactive"};
  const int port = cluster.node_port(0), audit_port = free_port();
  const json info = get_json(port, "/v1/node");
  ASSERT_TRUE(info.is_object());
  const NetworkId net = *NetworkId::from_hex(info["networkId"].get<std::string>());
  const SigningKey key = SigningKey::generate();
  const std::string signer = did_key_from_public_key(key.public_key());
  std::uint64_t nonce = 1;
  // Not waited for: 202 Accepted comes before the transaction is ordered.
  auto submit = [&] {
    json txs = json::array({to_base64(testing::make_anchor(net, key, nonce++))});
    const std::string path = "/v1/tx", body = json{{"txs", txs}}.dump();
    auto fields = api::signature_headers(
        {key, signer}, "POST", path, "127.0.0.1:" + std::to_string(port), body, "application/json");
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(5, 0);
    auto r =
        c.Post(path, httplib::Headers(fields->begin(), fields->end()), body, "application/json");
    return r ? r->status : 0;
  };
  ASSERT_EQ(submit(), 202);
  Process auditor = Process::spawn(
      {pv_bin(), "audit", "serve", "--data-dir", tmp / "audit", "--genesis",
       cluster.dir() + "/genesis.json", "--listen", "127.0.0.1:" + std::to_string(audit_port),
       "--poll-ms", "50", "--stall-seconds", "2", "--node", cluster.node_url(0)},
      env);
  ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor.err();
  std::this_thread::sleep_for(3s);  // idle: nothing pending is no stall
  EXPECT_TRUE(run({pv_bin(), "audit", "check", "--data-dir", tmp / "audit"}, env).ok());

  // etcd loses its quorum: the node still answers and accepts a few transactions before it
  // notices, which then stay pending while its log stands still.
  ::kill(cluster.etcd_pid(0), SIGSTOP);
  ::kill(cluster.etcd_pid(1), SIGSTOP);
  int accepted = 0;
  for (int i = 0; i < 20 && accepted < 3; ++i) accepted += submit() == 202 ? 1 : 0;
  json alarms;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto check = run({pv_bin(), "audit", "check", "--data-dir", tmp / "audit", "--json"}, env);
    alarms = json::parse(check.out, nullptr, false);
    if (alarms.is_object() && !alarms["alarms"].empty()) break;
    std::this_thread::sleep_for(300ms);
  }
  const std::string metrics = [&] {
    httplib::Client c("127.0.0.1", audit_port);
    auto r = c.Get("/metrics");
    return r ? r->body : std::string();
  }();
  ::kill(cluster.etcd_pid(0), SIGCONT);
  ::kill(cluster.etcd_pid(1), SIGCONT);
  ASSERT_GT(accepted, 0) << "the node refused every transaction at once; nothing was pending";
  ASSERT_TRUE(alarms.is_object() && !alarms["alarms"].empty()) << auditor.err();
  EXPECT_EQ(alarms["alarms"][0]["kind"], "stalled") << alarms.dump();
  EXPECT_NE(metrics.find("pv_audit_alarm{kind=\"stalled\"} 1"), std::string::npos) << metrics;
}

// A node that drops a transaction: node 3 is stopped, a transaction is ordered and committed by
// the other two, and node 3's ordering cursor is moved past it while it is down (what a node that
// skips an ordered entry leaves behind); restarted, it commits the next transaction in the block
// where the others hold the dropped one. Each of its blocks re-executes on its own, so only the
// comparison across nodes can catch it: divergent-node, naming node 3, the block where the
// ledgers part and the id of the transaction it lacks, with both sealed blocks as evidence.
TEST(AuditCluster, ANodeThatDropsATransactionIsNamedWithTheTransaction) {
  LocalCluster cluster;
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  TempDir tmp;
  const std::vector<std::string> env = {"HOME=" + tmp.path(), "XDG_CONFIG_HOME=" + (tmp / "config"),
                                        "PV_AUDIT_PASSPHRASE=e2e auditor passphrase",
                                        "PV_WALLET_KDF=interactive"};
  const int port = cluster.node_port(0);
  const json info = get_json(port, "/v1/node");
  ASSERT_TRUE(info.is_object());
  const NetworkId net = *NetworkId::from_hex(info["networkId"].get<std::string>());
  const SigningKey key = SigningKey::generate();
  const std::string signer = did_key_from_public_key(key.public_key());
  auto submit = [&](const Bytes& tx) {
    json txs = json::array({to_base64(tx)});
    const std::string path = "/v1/tx?wait=true", body = json{{"txs", txs}}.dump();
    auto fields = api::signature_headers({key, signer}, "POST", path,
                                         "127.0.0.1:" + std::to_string(port), body,
                                         "application/json");
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(15, 0);
    auto r =
        c.Post(path, httplib::Headers(fields->begin(), fields->end()), body, "application/json");
    return r && r->status == 200;
  };
  ASSERT_TRUE(submit(testing::make_anchor(net, key, 1)));
  LocalCluster::kill9(cluster.node_pid(2));
  const Bytes dropped = testing::make_anchor(net, key, 2);
  ASSERT_TRUE(submit(dropped));
  // Where node 1's ordering stands now (read-only beside the running node): past the dropped
  // transaction's entry.
  std::uint64_t position = 0;
  {
    auto store = LedgerStore::open(cluster.node_dir(0) + "/ledger", LedgerStore::Mode::read_only);
    ASSERT_TRUE(store.is_ok()) << store.error().message;
    auto p = (*store)->ordering_position();
    ASSERT_TRUE(p.is_ok() && p->has_value());
    position = **p;
  }
  {
    auto store = LedgerStore::open(cluster.node_dir(2) + "/ledger", LedgerStore::Mode::read_write);
    ASSERT_TRUE(store.is_ok()) << store.error().message;
    BinaryWriter w;
    w.u64(position);
    ASSERT_TRUE((*store)->raw_put("meta", as_bytes(std::string("ordering")), w.bytes()).is_ok());
  }
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  ASSERT_TRUE(submit(testing::make_anchor(net, key, 3)));

  const int audit_port = free_port();
  std::vector<std::string> argv = {pv_bin(), "audit", "serve", "--data-dir", tmp / "audit",
                                   "--genesis", cluster.dir() + "/genesis.json", "--listen",
                                   "127.0.0.1:" + std::to_string(audit_port), "--poll-ms", "50"};
  for (int i = 0; i < 3; ++i) argv.insert(argv.end(), {"--node", cluster.node_url(i)});
  Process auditor = Process::spawn(argv, env);
  ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor.err();

  json alarms;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto check = run({pv_bin(), "audit", "check", "--data-dir", tmp / "audit", "--json"}, env);
    alarms = json::parse(check.out, nullptr, false);
    if (alarms.is_object() && alarms["alarms"].size() >= 2) break;
    std::this_thread::sleep_for(300ms);
  }
  ASSERT_TRUE(alarms.is_object()) << auditor.err();
  ASSERT_GE(alarms["alarms"].size(), 2u) << alarms.dump(2) << auditor.err();
  const std::string id = transaction_id(dropped).hex();
  bool named_drop = false;
  for (const auto& a : alarms["alarms"]) {
    // Only divergence: node 3's blocks are each valid on their own, and nodes 1 and 2 agree.
    EXPECT_EQ(a["kind"], "divergent-node") << a.dump();
    const std::string reason = a["reason"];
    EXPECT_NE(reason.find(cluster.node_url(2)), std::string::npos) << reason;
    const bool drop = reason.find("dropped: " + cluster.node_url(2) + "'s ledger from block") !=
                          std::string::npos &&
                      reason.find(id) != std::string::npos;
    named_drop = named_drop || drop;
    // Both sealed blocks of the height where the ledgers part: anyone can check they differ.
    auto evidence = run({pv_bin(), "audit", "evidence", a["file"], "--json"}, env);
    EXPECT_TRUE(evidence.ok()) << evidence.out << evidence.err;
  }
  EXPECT_TRUE(named_drop) << alarms.dump(2);
}

}  // namespace
}  // namespace pv::e2e
