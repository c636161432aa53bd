// Witness cosigning end to end (docs/audit.md): real `pv node start` and `pv audit witness`
// processes. The node submits each checkpoint to the witness, GET /v1/checkpoint carries the
// cosignature, `pv verify --min-witnesses` trusts the node only with enough valid cosignatures by
// the witnesses it names, and a witness killed with SIGKILL resumes from its data directory; a
// witness that refuses is named by the node (GET /v1/witnesses, /metrics) and by `pv verify`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json parse_json(const Completed& c) {
  auto j = json::parse(c.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << c.out << c.err;
  return j;
}

std::string get_checkpoint(int port) {
  httplib::Client c("127.0.0.1", port);
  auto res = c.Get("/v1/checkpoint");
  return res && res->status == 200 ? res->body : "";
}

// The cosignature lines ("— <witness name> ...") in a checkpoint note.
int cosignature_lines(const std::string& note, const std::string& witness_name) {
  int n = 0;
  const std::string prefix = "\xE2\x80\x94 " + witness_name + " ";
  for (std::size_t pos = note.find(prefix); pos != std::string::npos;
       pos = note.find(prefix, pos + 1))
    ++n;
  return n;
}

bool wait_for_cosigned(int port, const std::string& witness_name, std::uint64_t min_size,
                       std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string note = get_checkpoint(port);
    const auto nl = note.find('\n');
    const auto nl2 = note.find('\n', nl + 1);
    if (nl != std::string::npos && nl2 != std::string::npos &&
        std::stoull(note.substr(nl + 1, nl2 - nl - 1)) >= min_size &&
        cosignature_lines(note, witness_name) == 1)
      return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(Witness, NodeCheckpointsAreCosignedAndClientsRequireThem) {
  TempDir tmp;
  const int port = free_port(), witness_port = free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::string witness_url = "http://127.0.0.1:" + std::to_string(witness_port);
  const std::vector<std::string> env = {"HOME=" + tmp.path(), "XDG_CONFIG_HOME=" + (tmp / "config"),
                                        "PV_NODE=" + url, "PV_PASSPHRASE=e2e wallet passphrase",
                                        "PV_NODE_PASSPHRASE=e2e node passphrase",
                                        "PV_AUDIT_PASSPHRASE=e2e witness passphrase",
                                        "PV_WALLET_KDF=interactive"};
  const std::string pv = pv_bin();
  const std::string name = "witness.test/w1";

  auto key = run({pv, "audit", "key", "--data-dir", tmp / "audit", "--name", name, "--json"}, env);
  ASSERT_TRUE(key.ok()) << key.err;
  const std::string vkey = parse_json(key)["vkey"];
  EXPECT_EQ(vkey.rfind(name + "+", 0), 0u);
  // The key is kept: asking again prints the same verifier key, and the name cannot change.
  auto again = run({pv, "audit", "key", "--data-dir", tmp / "audit", "--json"}, env);
  ASSERT_TRUE(again.ok()) << again.err;
  EXPECT_EQ(parse_json(again)["vkey"], vkey);
  EXPECT_FALSE(run({pv, "audit", "key", "--data-dir", tmp / "audit", "--name", "other"}, env).ok());
  // A wrong passphrase opens nothing.
  auto wrong = run({pv, "audit", "key", "--data-dir", tmp / "audit"},
                   {"PV_AUDIT_PASSPHRASE=not it", "PV_WALLET_KDF=interactive"});
  EXPECT_FALSE(wrong.ok());

  // A node with a malformed --witness refuses to start, saying why.
  auto bad = run({pv, "node", "start", "--data-dir", tmp / "bad", "--listen",
                  "127.0.0.1:" + std::to_string(free_port()), "--witness", witness_url},
                 env, 30s);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.err.find("URL=VKEY"), std::string::npos) << bad.err;

  Process node = Process::spawn({pv, "node", "start", "--data-dir", tmp / "data", "--listen",
                                 "127.0.0.1:" + std::to_string(port), "--block-timeout-ms", "5",
                                 "--witness", witness_url + "=" + vkey},
                                env);
  ASSERT_TRUE(wait_for_http_ok(port, "/healthz", 30s)) << node.err();
  // The witness is not up yet: the node serves its checkpoint without cosignatures, and a client
  // that asks for one cosigned by a witness gets 503.
  EXPECT_EQ(cosignature_lines(get_checkpoint(port), name), 0);
  {
    httplib::Client c("127.0.0.1", port);
    auto res = c.Get("/v1/checkpoint?witnesses=1");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
  }

  auto start_witness = [&] {
    return Process::spawn({pv, "audit", "witness", "--data-dir", tmp / "audit", "--listen",
                           "127.0.0.1:" + std::to_string(witness_port), "--node", url},
                          env);
  };
  auto witness = std::make_unique<Process>(start_witness());
  ASSERT_TRUE(wait_for_http_ok(witness_port, "/healthz", 30s)) << witness->err();

  ASSERT_TRUE(run({pv, "id", "create", "--name", "alice"}, env).ok());
  ASSERT_TRUE(run({pv, "tx", "submit", "--anchor", std::string(64, 'a'), "--wait"}, env).ok());
  ASSERT_TRUE(wait_for_cosigned(port, name, 1, 60s)) << get_checkpoint(port) << witness->err();

  // pv verify: one named witness required and present.
  const std::string state = tmp / "verify-state.json";
  auto verified = run({pv, "verify", "--state", state, "--witness", vkey, "--min-witnesses", "1",
                       "--json"},
                      env);
  ASSERT_TRUE(verified.ok()) << verified.err;
  json report = parse_json(verified);
  ASSERT_EQ(report["witnesses"].size(), 1u);
  EXPECT_EQ(report["witnesses"][0]["name"], name);

  // Two required, one given: a usage error. Two given, one of them never cosigned: refused.
  EXPECT_FALSE(run({pv, "verify", "--state", state, "--witness", vkey, "--min-witnesses", "2"},
                   env).ok());
  auto other = run({pv, "audit", "key", "--data-dir", tmp / "audit2", "--name", name, "--json"},
                   env);
  ASSERT_TRUE(other.ok()) << other.err;
  const std::string impostor = parse_json(other)["vkey"];  // same name, another key
  auto refused = run({pv, "verify", "--state", state, "--witness", vkey, "--witness", impostor,
                      "--min-witnesses", "2"},
                     env);
  EXPECT_FALSE(refused.ok());
  // Only the impostor trusted: its name matches the lines but its key id does not.
  auto forged = run({pv, "verify", "--state", state, "--witness", impostor, "--min-witnesses", "1"},
                    env);
  EXPECT_FALSE(forged.ok());

  // The witness dies without warning; the node keeps serving; the restarted witness resumes
  // from its data directory and cosigns the next checkpoints.
  witness->signal(SIGKILL);
  witness.reset();
  ASSERT_TRUE(run({pv, "tx", "submit", "--anchor", std::string(64, 'b'), "--wait"}, env).ok());
  EXPECT_FALSE(get_checkpoint(port).empty());
  witness = std::make_unique<Process>(start_witness());
  ASSERT_TRUE(wait_for_http_ok(witness_port, "/healthz", 30s)) << witness->err();
  ASSERT_TRUE(run({pv, "tx", "submit", "--anchor", std::string(64, 'c'), "--wait"}, env).ok());
  ASSERT_TRUE(wait_for_cosigned(port, name, 3, 60s)) << get_checkpoint(port) << witness->err();
  EXPECT_TRUE(run({pv, "verify", "--state", state, "--witness", vkey, "--min-witnesses", "1"}, env)
                  .ok());
}

// Two witnesses: one honest, one that refuses every checkpoint of this node (it follows another
// network's log, so it answers 404 for this origin). The node keeps going with the honest one,
// counts and reports the refusals with the refusing witness's name and answer, and a client that
// requires both witnesses is refused with the refusing one named.
TEST(Witness, AWitnessThatRefusesIsNamedByTheNodeAndByClients) {
  TempDir tmp;
  const int port = free_port(), other_port = free_port(), honest_port = free_port(),
            refuser_port = free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> env = {"HOME=" + tmp.path(), "XDG_CONFIG_HOME=" + (tmp / "config"),
                                        "PV_NODE=" + url, "PV_PASSPHRASE=e2e wallet passphrase",
                                        "PV_NODE_PASSPHRASE=e2e node passphrase",
                                        "PV_AUDIT_PASSPHRASE=e2e witness passphrase",
                                        "PV_WALLET_KDF=interactive"};
  const std::string pv = pv_bin();
  const std::string honest = "witness.test/honest", refuser = "witness.test/refuser";
  auto vkey_of = [&](const std::string& dir, const std::string& name) {
    auto key = run({pv, "audit", "key", "--data-dir", tmp / dir, "--name", name, "--json"}, env);
    EXPECT_TRUE(key.ok()) << key.err;
    return parse_json(key)["vkey"].get<std::string>();
  };
  const std::string honest_vkey = vkey_of("honest", honest),
                    refuser_vkey = vkey_of("refuser", refuser);

  Process other = Process::spawn({pv, "node", "start", "--data-dir", tmp / "other", "--listen",
                                  "127.0.0.1:" + std::to_string(other_port)},
                                 env);
  Process node = Process::spawn(
      {pv, "node", "start", "--data-dir", tmp / "data", "--listen",
       "127.0.0.1:" + std::to_string(port), "--block-timeout-ms", "5", "--witness",
       "http://127.0.0.1:" + std::to_string(honest_port) + "=" + honest_vkey, "--witness",
       "http://127.0.0.1:" + std::to_string(refuser_port) + "=" + refuser_vkey},
      env);
  ASSERT_TRUE(wait_for_http_ok(other_port, "/healthz", 30s)) << other.err();
  ASSERT_TRUE(wait_for_http_ok(port, "/healthz", 30s)) << node.err();
  Process honest_witness =
      Process::spawn({pv, "audit", "witness", "--data-dir", tmp / "honest", "--listen",
                      "127.0.0.1:" + std::to_string(honest_port), "--node", url},
                     env);
  Process refusing_witness = Process::spawn(
      {pv, "audit", "witness", "--data-dir", tmp / "refuser", "--listen",
       "127.0.0.1:" + std::to_string(refuser_port), "--node",
       "http://127.0.0.1:" + std::to_string(other_port)},
      env);
  ASSERT_TRUE(wait_for_http_ok(honest_port, "/healthz", 30s)) << honest_witness.err();
  ASSERT_TRUE(wait_for_http_ok(refuser_port, "/healthz", 30s)) << refusing_witness.err();

  ASSERT_TRUE(run({pv, "id", "create", "--name", "alice"}, env).ok());
  ASSERT_TRUE(run({pv, "tx", "submit", "--anchor", std::string(64, 'a'), "--wait"}, env).ok());
  ASSERT_TRUE(wait_for_cosigned(port, honest, 1, 60s)) << get_checkpoint(port);
  EXPECT_EQ(cosignature_lines(get_checkpoint(port), refuser), 0);

  // The node names the refusing witness, with its answer, and counts its refusals.
  json witnesses;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    httplib::Client c("127.0.0.1", port);
    auto res = c.Get("/v1/witnesses");
    if (res && res->status == 200) witnesses = json::parse(res->body, nullptr, false);
    if (witnesses.is_object() && witnesses["witnesses"].size() == 2 &&
        witnesses["witnesses"][1]["refusals"].get<int>() >= 1)
      break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(witnesses.is_object()) << witnesses.dump();
  ASSERT_EQ(witnesses["witnesses"].size(), 2u) << witnesses.dump();
  const json& h = witnesses["witnesses"][0];
  const json& r = witnesses["witnesses"][1];
  EXPECT_EQ(h["name"], honest);
  EXPECT_GE(h["cosignedSize"].get<int>(), 1) << witnesses.dump();
  EXPECT_EQ(h["refusals"], 0) << witnesses.dump();
  EXPECT_EQ(r["name"], refuser);
  EXPECT_EQ(r["cosignedSize"], 0) << witnesses.dump();
  EXPECT_GE(r["refusals"].get<int>(), 1) << witnesses.dump();
  EXPECT_NE(r["lastError"].get<std::string>().find("refused the checkpoint"), std::string::npos)
      << witnesses.dump();
  EXPECT_NE(r["lastError"].get<std::string>().find("404"), std::string::npos) << witnesses.dump();
  httplib::Client c("127.0.0.1", port);
  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("pv_witness_refusals_total{witness=\"" + refuser + "\"} "),
            std::string::npos)
      << metrics->body;
  EXPECT_EQ(metrics->body.find("pv_witness_refusals_total{witness=\"" + refuser + "\"} 0"),
            std::string::npos)
      << metrics->body;
  EXPECT_EQ(metrics->body.find("pv_witness_cosigned_size{witness=\"" + honest + "\"} 0"),
            std::string::npos)
      << metrics->body;

  // A client that trusts the checkpoint only with both witnesses is refused, and told which
  // witness did not cosign and what it answered; with one of the two it is served.
  const std::string state = tmp / "verify-state.json";
  auto both = run({pv, "verify", "--state", state, "--witness", honest_vkey, "--witness",
                   refuser_vkey, "--min-witnesses", "2"},
                  env);
  EXPECT_FALSE(both.ok()) << both.out;
  EXPECT_NE(both.err.find(refuser), std::string::npos) << both.err;
  EXPECT_NE(both.err.find("404"), std::string::npos) << both.err;
  EXPECT_EQ(both.err.find("witness " + honest), std::string::npos) << both.err;
  auto one = run({pv, "verify", "--state", state, "--witness", honest_vkey, "--witness",
                  refuser_vkey, "--min-witnesses", "1", "--json"},
                 env);
  ASSERT_TRUE(one.ok()) << one.err;
  json report = parse_json(one);
  ASSERT_EQ(report["witnesses"].size(), 1u) << one.out;
  EXPECT_EQ(report["witnesses"][0]["name"], honest);
}

}  // namespace
}  // namespace pv::e2e
