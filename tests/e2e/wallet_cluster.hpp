#pragma once
// A test fixture: a running 3-node etcd cluster (scripts/cluster.sh) whose nodes know their
// peers, a wallet with alice, dr-ben, dr-cara and mallory (did:key), `pv` run against one of the
// nodes, and the organization of the development genesis.

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cluster_process.hpp"
#include "identity/wallet.hpp"
#include "process.hpp"

namespace pv::e2e {

class WalletCluster : public ::testing::Test {
 protected:
  static constexpr const char* kWalletPassphrase = "cluster wallet passphrase";

  void SetUp() override {
    if (!std::getenv("PV_NODE_PASSPHRASE")) setenv("PV_NODE_PASSPHRASE", "pv-e2e", 1);
    ASSERT_TRUE(cluster_.start()) << cluster_.last().out << cluster_.last().err;
    auto wallet = Wallet::open(tmp_ / "wallet", {KdfParams::interactive()});
    ASSERT_TRUE(wallet);
    for (const char* name : {"alice", "dr-ben", "dr-cara", "mallory"}) {
      auto id = wallet->create(name, DidMethod::key, kWalletPassphrase);
      ASSERT_TRUE(id);
      ids_[name] = *id;
    }
    env_ = {"HOME=" + tmp_.path(),
            "XDG_CONFIG_HOME=" + (tmp_ / "config"),
            "PV_WALLET=" + (tmp_ / "wallet"),
            "PV_PASSPHRASE=" + std::string(kWalletPassphrase),
            "PV_WALLET_KDF=interactive",
            "PV_AS="};
    cluster_.wait_for_peers();
    auto orgs = httplib::Client("127.0.0.1", cluster_.node_port(0)).Get("/v1/organizations");
    ASSERT_TRUE(orgs && orgs->status == 200);
    org_ = nlohmann::json::parse(orgs->body)["organizations"][0]["did"].get<std::string>();
  }

  // `pv ARGS --node <node i> --json`.
  Completed pv_on(std::vector<std::string> args, int node) {
    args.insert(args.begin(), pv_bin());
    args.insert(args.end(), {"--node", cluster_.node_url(node), "--json"});
    return run(args, env_);
  }

  LocalCluster cluster_;
  TempDir tmp_;
  std::vector<std::string> env_;
  std::string org_;
  std::map<std::string, IdentityMetadata> ids_;
};

}  // namespace pv::e2e
