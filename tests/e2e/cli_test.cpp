// `pv` end to end with real processes: a node, the wallet commands against it, a clean SIGTERM
// shutdown, then offline verification of the data directory it left.

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

json parse_out(const Completed& c) {
  auto j = json::parse(c.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "stdout: " << c.out << "\nstderr: " << c.err;
  return j;
}

TEST(PvCli, NodeWalletProofAuditShutdownAndOfflineVerify) {
  TempDir tmp;
  const int port = free_port();
  ASSERT_GT(port, 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  // A private HOME and no inherited PV_* settings: the test touches nothing of the user's.
  const std::vector<std::string> env = {"HOME=" + tmp.path(), "XDG_CONFIG_HOME=" + (tmp / "config"),
                                        "PV_NODE=" + url, "PV_PASSPHRASE=e2e wallet passphrase",
                                        "PV_NODE_PASSPHRASE=e2e node passphrase",
                                        "PV_WALLET_KDF=interactive"};
  const std::string pv = pv_bin();

  Process node = Process::spawn({pv, "node", "start", "--data-dir", tmp / "data", "--listen",
                                 "127.0.0.1:" + std::to_string(port), "--block-timeout-ms", "5"},
                                env);
  ASSERT_TRUE(wait_for_http_ok(port, "/healthz", 30s)) << node.err();
  EXPECT_NE(node.out().find("pv node listening on " + url + " (network "), std::string::npos)
      << node.out();

  auto created = run({pv, "id", "create", "--name", "alice", "--json"}, env);
  ASSERT_TRUE(created.ok()) << created.err;
  EXPECT_EQ(parse_out(created)["did"].get<std::string>().rfind("did:key:z6Mk", 0), 0u);
  auto again = run({pv, "id", "create", "--name", "alice"}, env);
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.err.find("already holds an identity named alice"), std::string::npos)
      << again.err;

  const std::string anchor(64, 'c');
  auto submit = run({pv, "tx", "submit", "--anchor", anchor, "--wait", "--json"}, env);
  ASSERT_TRUE(submit.ok()) << submit.err;
  json submitted = parse_out(submit);
  EXPECT_EQ(submitted["status"], "committed");
  EXPECT_EQ(submitted["validity"], "valid");
  const std::string id = submitted["id"];

  auto get = run({pv, "tx", "get", id, "--proof", "--json"}, env);
  ASSERT_TRUE(get.ok()) << get.err;
  EXPECT_EQ(parse_out(get)["proof"]["verified"], true);
  auto human = run({pv, "tx", "get", id, "--proof"}, env);
  ASSERT_TRUE(human.ok()) << human.err;
  EXPECT_NE(human.out.find("proof verified"), std::string::npos);

  const std::string state = tmp / "verify-state.json";
  auto audit1 = run({pv, "verify", "--node", url, "--state", state, "--json"}, env);
  ASSERT_TRUE(audit1.ok()) << audit1.err;
  EXPECT_EQ(parse_out(audit1)["ok"], true);
  auto second = run({pv, "tx", "submit", "--anchor", std::string(64, 'd'), "--wait"}, env);
  ASSERT_TRUE(second.ok()) << second.err;
  auto audit2 = run({pv, "verify", "--node", url, "--state", state, "--json"}, env);
  ASSERT_TRUE(audit2.ok()) << audit2.err;
  EXPECT_EQ(parse_out(audit2)["consistencyChecked"], true);

  // Errors: one line on stderr, non-zero exit.
  auto bad_id = run({pv, "tx", "get", "zz"}, env);
  EXPECT_FALSE(bad_id.ok());
  EXPECT_EQ(std::count(bad_id.err.begin(), bad_id.err.end(), '\n'), 1) << bad_id.err;

  node.signal(SIGTERM);
  ProcessExit stopped = node.wait(30s);
  EXPECT_TRUE(stopped.exited) << node.err();
  EXPECT_EQ(stopped.code, 0);

  auto unreachable = run({pv, "tx", "get", id}, env);
  EXPECT_FALSE(unreachable.ok());
  EXPECT_NE(unreachable.err.find("pv node start"), std::string::npos) << unreachable.err;

  auto offline = run({pv, "verify", "--data-dir", tmp / "data", "--json"}, env);
  ASSERT_TRUE(offline.ok()) << offline.out << offline.err;
  json report = parse_out(offline);
  EXPECT_EQ(report["ok"], true);
  EXPECT_GE(report["transactions"].get<int>(), 2);
}

TEST(PvCli, EveryCommandExplainsItself) {
  for (std::vector<std::string> cmd : {std::vector<std::string>{"node", "start"},
                                       {"id", "create"},
                                       {"id", "show"},
                                       {"id", "list"},
                                       {"id", "rotate"},
                                       {"id", "recover"},
                                       {"id", "deactivate"},
                                       {"id", "export"},
                                       {"id", "import"},
                                       {"tx", "submit"},
                                       {"tx", "get"},
                                       {"verify"}}) {
    cmd.insert(cmd.begin(), pv_bin());
    cmd.push_back("--help");
    auto help = run(cmd);
    EXPECT_TRUE(help.ok()) << cmd[1];
    EXPECT_NE(help.out.find("Example"), std::string::npos) << cmd[1] << ": " << help.out;
    EXPECT_NE(help.out.find("--json"), std::string::npos) << cmd[1];
  }
}

}  // namespace
}  // namespace pv::e2e
