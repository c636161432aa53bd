// Invariant 5: an acknowledged transaction is never lost. The node is killed with SIGKILL while
// clients are writing, many times over; after every restart each transaction a client saw
// acknowledged as committed is still committed, and at the end `pv verify` passes.
// Cycles: PV_CRASH_CYCLES (default 20); scripts/soak.sh runs more.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "../unit/node_test_support.hpp"
#include "api/client.hpp"
#include "node_process.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;

int crash_cycles() {
  const char* env = std::getenv("PV_CRASH_CYCLES");
  return env ? std::max(1, std::atoi(env)) : 20;
}

// Writes batches with ?wait=true until the connection breaks; records what was acknowledged.
void write_until_killed(const std::string& host, int port, const NetworkId& net,
                        std::atomic<bool>& stop, std::mutex& mu,
                        std::vector<std::string>& acknowledged) {
  auto key = SigningKey::generate();
  httplib::Client cli(host, port);
  cli.set_read_timeout(10, 0);
  std::uint64_t nonce = 1;
  while (!stop) {
    nlohmann::json txs = nlohmann::json::array();
    for (int i = 0; i < 50; ++i) txs.push_back(to_base64(testing::make_anchor(net, key, nonce++)));
    // Writes are signed requests (RFC 9421), one signature per HTTP request.
    const std::string body = nlohmann::json{{"txs", txs}}.dump();
    auto fields = api::signature_headers({key, did_key_from_public_key(key.public_key())}, "POST",
                                         "/v1/tx?wait=true", host + ":" + std::to_string(port),
                                         body, "application/json");
    if (!fields) return;
    httplib::Headers headers(fields->begin(), fields->end());
    auto res = cli.Post("/v1/tx?wait=true", headers, body, "application/json");
    if (!res) return;  // the node is gone
    if (res->status != 200) continue;
    auto doc = nlohmann::json::parse(res->body, nullptr, false);
    if (!doc.is_object() || !doc.contains("results")) continue;
    std::lock_guard lock(mu);
    for (const auto& r : doc["results"])
      if (r.value("status", "") == "committed") acknowledged.push_back(r["id"].get<std::string>());
  }
}

TEST(Crash, KillNineUnderLoadLosesNothingAcknowledged) {
  testing::TempDir tmp;
  std::string data = tmp.str() + "/node";
  int port = e2e::free_port();
  e2e::NodeProcess node(data, port, {"--block-timeout-ms", "5"});
  std::mt19937 rng(20261123);
  std::vector<std::string> all_acknowledged, previous_cycle;
  std::uint64_t last_height = 0;
  for (int cycle = 0; cycle < crash_cycles(); ++cycle) {
    ASSERT_TRUE(node.start()) << "node did not start in cycle " << cycle << "; log: " << data
                              << ".log";
    ASSERT_TRUE(node.healthy()) << "node refuses writes after crash " << cycle;
    httplib::Client cli("127.0.0.1", port);
    auto info = cli.Get("/v1/node");
    ASSERT_TRUE(info && info->status == 200);
    auto info_doc = nlohmann::json::parse(info->body);
    std::uint64_t height = info_doc["height"].get<std::uint64_t>();
    EXPECT_GE(height, last_height) << "the node went back in height after crash " << cycle;
    NetworkId net = *NetworkId::from_hex(info_doc["networkId"].get<std::string>());

    // Everything acknowledged before this crash is still there (all cycles are checked at the end).
    for (const auto& id : previous_cycle) {
      auto res = cli.Get("/v1/tx/" + id);
      ASSERT_TRUE(res);
      ASSERT_EQ(res->status, 200) << "acknowledged transaction " << id << " lost after crash "
                                  << cycle;
      EXPECT_EQ(nlohmann::json::parse(res->body).value("status", ""), "committed");
    }

    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::string> acknowledged;
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w)
      writers.emplace_back(write_until_killed, "127.0.0.1", port, net, std::ref(stop), std::ref(mu),
                           std::ref(acknowledged));
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 400));
    node.kill9();
    stop = true;
    for (auto& t : writers) t.join();
    all_acknowledged.insert(all_acknowledged.end(), acknowledged.begin(), acknowledged.end());
    previous_cycle = std::move(acknowledged);
    last_height = height;
  }
  ASSERT_TRUE(node.start());
  httplib::Client cli("127.0.0.1", port);
  for (const auto& id : all_acknowledged) {
    auto res = cli.Get("/v1/tx/" + id);
    ASSERT_TRUE(res && res->status == 200) << "acknowledged transaction " << id << " lost";
  }
  EXPECT_GT(all_acknowledged.size(), 0u);
  std::cout << "acknowledged and kept across " << crash_cycles()
            << " kill -9 crashes: " << all_acknowledged.size() << " transactions\n";
  EXPECT_EQ(node.terminate(), 0);

  auto verify = e2e::run({e2e::pv_bin(), "verify", "--data-dir", data, "--json"});
  EXPECT_TRUE(verify.ok()) << verify.out << verify.err;
  auto report = nlohmann::json::parse(verify.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << verify.out;
  EXPECT_EQ(report.value("ok", false), true) << verify.out;
}

}  // namespace
}  // namespace pv
