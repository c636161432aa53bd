// `pv id` end to end: the real binary, a real node process, real wallet directories. A did:pv
// identity lives through create, rotate, export, recover from the backup on another "device",
// and deactivation; every key that should no longer act is refused, with a clear message.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node_process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class PvId : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = free_port();
    node_ = std::make_unique<NodeProcess>(tmp_ / "data", port_,
                                          std::vector<std::string>{"--block-timeout-ms", "5"});
    ASSERT_TRUE(node_->start()) << read_text_file(tmp_ / "data.log");
    env_ = {"HOME=" + tmp_.path(),       "XDG_CONFIG_HOME=" + (tmp_ / "config"),
            "PV_NODE=" + node_->url(),   "PV_PASSPHRASE=alice's long passphrase",
            "PV_WALLET_KDF=interactive", "PV_WALLET=" + (tmp_ / "wallet")};
  }

  // Runs pv with the test environment plus `extra` (which overrides it).
  Completed pv(std::vector<std::string> args, std::vector<std::string> extra = {}) {
    args.insert(args.begin(), pv_bin());
    std::vector<std::string> env;
    auto name = [](const std::string& e) { return e.substr(0, e.find('=')); };
    for (const auto& e : env_) {
      bool overridden = false;
      for (const auto& x : extra) overridden = overridden || name(x) == name(e);
      if (!overridden) env.push_back(e);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return run(args, env);
  }
  json out_json(const Completed& c) {
    auto j = json::parse(c.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "stdout: " << c.out << "\nstderr: " << c.err;
    return j;
  }
  // Anchors a fresh document as `as`; returns the completed command.
  Completed anchor(const std::string& as, std::vector<std::string> extra = {}) {
    static int n = 0;
    std::string doc = std::to_string(++n);
    doc = std::string(64 - doc.size(), 'a') + doc;
    return pv({"tx", "submit", "--as", as, "--anchor", doc, "--wait", "--json"}, extra);
  }

  TempDir tmp_;
  int port_ = 0;
  std::unique_ptr<NodeProcess> node_;
  std::vector<std::string> env_;
};

TEST_F(PvId, DidKeyCreateShowListAndWrongPassphrase) {
  auto made = pv({"id", "create", "--name", "alice", "--json"});
  ASSERT_TRUE(made.ok()) << made.err;
  const std::string did = out_json(made)["did"];
  EXPECT_EQ(did.rfind("did:key:z6Mk", 0), 0u);

  auto shown = pv({"id", "show", "alice", "--json"});
  ASSERT_TRUE(shown.ok()) << shown.err;
  json doc = out_json(shown);
  EXPECT_EQ(doc["id"], did);
  EXPECT_EQ(doc["verificationMethod"][0]["controller"], did);
  auto by_did = pv({"id", "show", did, "--json"});
  ASSERT_TRUE(by_did.ok()) << by_did.err;
  EXPECT_EQ(out_json(by_did), doc);

  ASSERT_TRUE(pv({"id", "create", "--name", "second"}).ok());
  auto listed = pv({"id", "list", "--json"}, {"PV_PASSPHRASE=not needed"});
  ASSERT_TRUE(listed.ok()) << listed.err;
  json list = out_json(listed);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "alice");
  EXPECT_EQ(list[0]["did"], did);

  auto committed = anchor(did);  // by DID
  ASSERT_TRUE(committed.ok()) << committed.err;
  EXPECT_EQ(out_json(committed)["validity"], "valid");

  auto wrong = anchor("alice", {"PV_PASSPHRASE=alice's wrong passphrase"});
  EXPECT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.exit.code, 1);
  EXPECT_NE(wrong.err.find("wrong passphrase for identity alice"), std::string::npos) << wrong.err;
  auto ambiguous = pv({"tx", "submit", "--anchor", std::string(64, 'b')});
  EXPECT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.err.find("--as"), std::string::npos) << ambiguous.err;
  auto rotate_key = pv({"id", "rotate", "alice"});
  EXPECT_FALSE(rotate_key.ok());
  EXPECT_NE(rotate_key.err.find("did:key"), std::string::npos) << rotate_key.err;
}

TEST_F(PvId, DidPvRotateExportRecoverDeactivate) {
  auto made = pv({"id", "create", "--name", "bob", "--method", "pv", "--json"});
  ASSERT_TRUE(made.ok()) << made.err;
  const std::string did = out_json(made)["did"];
  EXPECT_EQ(did.rfind("did:pv:", 0), 0u);
  auto shown = pv({"id", "show", "bob", "--json"});
  ASSERT_TRUE(shown.ok()) << shown.err;
  EXPECT_EQ(out_json(shown)["verificationMethod"][0]["id"], did + "#key-1");
  ASSERT_TRUE(anchor("bob").ok());

  // A backup taken now holds key-1 and the recovery key.
  const std::string backup = tmp_ / "bob-backup.pvid";
  ASSERT_TRUE(pv({"id", "export", "bob", "--out", backup}).ok());
  EXPECT_FALSE(pv({"id", "export", "bob", "--out", backup}).ok());  // never overwritten

  auto rotated = pv({"id", "rotate", "bob", "--json"});
  ASSERT_TRUE(rotated.ok()) << rotated.err;
  EXPECT_NE(out_json(rotated)["publicKey"], out_json(made)["publicKey"]);
  json methods = out_json(pv({"id", "show", did, "--json"}))["verificationMethod"];
  ASSERT_EQ(methods.size(), 1u);
  EXPECT_EQ(methods[0]["id"], did + "#key-2");
  ASSERT_TRUE(anchor("bob").ok());

  // The backup's key-1 was rotated out: a device holding only the backup cannot act.
  const std::string old_device = "PV_WALLET=" + (tmp_ / "old-device");
  ASSERT_TRUE(pv({"id", "import", backup}, {old_device}).ok());
  auto stale = anchor("bob", {old_device});
  EXPECT_FALSE(stale.ok());
  EXPECT_NE(stale.err.find("is not an active key of " + did), std::string::npos) << stale.err;

  // A new device recovers from the backup with its recovery key; the rotated key-2 of the first
  // wallet stops working, the recovered one works.
  const std::string new_device = "PV_WALLET=" + (tmp_ / "new-device");
  auto recovered = pv({"id", "recover", "--from-backup", backup, "--json"}, {new_device});
  ASSERT_TRUE(recovered.ok()) << recovered.err;
  EXPECT_EQ(out_json(recovered)["did"], did);
  methods = out_json(pv({"id", "show", did, "--json"}))["verificationMethod"];
  ASSERT_EQ(methods.size(), 1u);
  EXPECT_EQ(methods[0]["id"], did + "#key-3");
  auto recovered_use = anchor("bob", {new_device});
  ASSERT_TRUE(recovered_use.ok()) << recovered_use.err;
  EXPECT_EQ(out_json(recovered_use)["validity"], "valid");
  auto thief = anchor("bob");
  EXPECT_FALSE(thief.ok());
  EXPECT_NE(thief.err.find("not an active key"), std::string::npos) << thief.err;
  // The recovery key in the old backup was used up: recovering with it again is refused.
  auto again = pv({"id", "recover", "bob"}, {old_device});
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.err.find("recovering " + did + " failed"), std::string::npos) << again.err;

  // Deactivation is final.
  auto ended = pv({"id", "deactivate", "bob", "--json"}, {new_device});
  ASSERT_TRUE(ended.ok()) << ended.err;
  auto after = anchor("bob", {new_device});
  EXPECT_FALSE(after.ok());
  EXPECT_NE(after.err.find("deactivated"), std::string::npos) << after.err;
}

}  // namespace
}  // namespace pv::e2e
