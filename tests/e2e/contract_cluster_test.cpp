// Bad contract code on a real 3-node etcd cluster (scripts/cluster.sh): contract-version
// proposals whose init code is invalid, underflows or overflows the stack, jumps into push data,
// runs out of gas or reverts, then an adopted version that recurses until its gas runs out and
// reverts, which a record anchor then runs into (docs/evm.md, "Failure cases"). Every one is a
// clean verdict recorded with its transaction; every node records the same verdicts and reaches
// the same blocks and state digest.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/client.hpp"
#include "cluster_process.hpp"
#include "codec/did_key.hpp"
#include "identity/key_wrap.hpp"
#include "identity/record_commitment.hpp"
#include "identity/wallet_crypto.hpp"
#include "identity/wallet_file.hpp"
#include "ledger/consent_payloads.hpp"
#include "ledger/org_proposal.hpp"
#include "ledger/org_rules.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;
using e2e::LocalCluster;

std::uint64_t unix_millis() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

nlohmann::json get_json(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(10, 0);
  auto r = c.Get(path);
  if (!r) r = c.Get(path);
  if (!r || r->status != 200) return {};
  return nlohmann::json::parse(r->body, nullptr, false);
}

// POST /v1/tx?wait=true of one transaction, signed by `key` (RFC 9421); the answer.
nlohmann::json submit(int port, const SigningKey& key, const Bytes& tx) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(30, 0);
  const std::string path = "/v1/tx?wait=true&timeout_ms=20000";
  const std::string body = nlohmann::json{{"txs", nlohmann::json::array({to_base64(tx)})}}.dump();
  auto fields =
      api::signature_headers({key, did_key_from_public_key(key.public_key())}, "POST", path,
                             "127.0.0.1:" + std::to_string(port), body, "application/json");
  httplib::Headers headers;
  if (fields) headers = httplib::Headers(fields->begin(), fields->end());
  auto r = cli.Post(path, headers, body, "application/json");
  if (!r) return {};
  return nlohmann::json::parse(r->body, nullptr, false);
}

// The organizations' own keys, which cluster.sh made (keys/orgN.pvid) and names as their admins.
SigningKey org_key(const LocalCluster& cluster, int n) {
  auto text = read_identity_file_text(cluster.dir() + "/keys/org" + std::to_string(n) + ".pvid");
  EXPECT_TRUE(text);
  auto file = parse_identity_file(*text);
  EXPECT_TRUE(file);
  const char* pass = std::getenv("PV_NODE_PASSPHRASE");
  auto key = derive_wallet_file_key(pass ? pass : "pv local cluster node key passphrase", file->kdf,
                                    file->salt);
  EXPECT_TRUE(key);
  auto secrets = open_identity(*file, *key);
  EXPECT_TRUE(secrets) << (secrets ? "" : secrets.error().message);
  return secrets->current;
}

Bytes signed_tx(const NetworkId& net, const SigningKey& key, TxType type, Bytes payload,
                std::uint64_t nonce) {
  Transaction tx{
      type, did_key_from_public_key(key.public_key()), nonce, unix_millis(), std::move(payload),
      {}};
  tx.signature = key.sign(signing_message(net, tx));
  return encode_transaction(tx);
}

TEST(ContractCluster, BadContractCodeGivesTheSameVerdictOnEveryNode) {
  if (!std::getenv("PV_NODE_PASSPHRASE")) setenv("PV_NODE_PASSPHRASE", "pv-e2e", 1);
  LocalCluster cluster;
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  std::vector<int> ports;
  for (int i = 0; i < 3; ++i) ports.push_back(cluster.node_port(i));
  auto info = get_json(ports[0], "/v1/node");
  ASSERT_TRUE(info.is_object());
  const NetworkId net = *NetworkId::from_hex(info["networkId"].get<std::string>());
  SigningKey org1 = org_key(cluster, 1), org2 = org_key(cluster, 2);
  const std::string org1_did = did_key_from_public_key(org1.public_key());
  auto contract_before = get_json(ports[0], "/v1/contracts/consent");
  ASSERT_TRUE(contract_before.is_object());

  // Each proposal goes to another node; a fresh key submits it (the approvals carry authority).
  std::vector<std::string> ids;
  int turn = 0;
  auto propose = [&](const std::string& init_hex) {
    auto membership = get_json(ports[0], "/v1/organizations");
    MembershipProposal p;
    p.action = OrgAction::contract_version;
    p.membership_version = membership["version"].get<std::uint64_t>();
    p.expires_ms = unix_millis() + 3'600'000;
    p.contract = {"// e2e bad contract", "{}", "hand-written", *from_hex(init_hex)};
    MembershipChange c{
        p,
        {approve_proposal(net, p, org1_did, org1),
         approve_proposal(net, p, did_key_from_public_key(org2.public_key()), org2)}};
    SigningKey once = SigningKey::generate();
    auto answer =
        submit(ports[turn++ % 3], once,
               signed_tx(net, once, kTxTypeOrgMembership, encode_membership_change(c), 1));
    EXPECT_TRUE(answer.is_object() && answer.contains("results")) << answer.dump();
    if (!answer.is_object() || !answer.contains("results")) return nlohmann::json{};
    auto r = answer["results"][0];
    ids.push_back(r.value("id", ""));
    return r;
  };
  const std::pair<const char*, const char*> bad[] = {
      {"fe", "init code failed: invalid"},
      {"01", "init code failed: stack-underflow"},
      {"5b5f600056", "init code failed: stack-overflow"},
      {"600456605b", "init code failed: bad-jump-destination"},
      {"5b600056", "init code failed: out-of-gas"},
      {"60006000fd", "init code failed: revert"},
  };
  for (const auto& [code, verdict] : bad) {
    auto r = propose(code);
    EXPECT_EQ(r.value("status", ""), "committed") << r.dump();
    EXPECT_EQ(r.value("validity", ""), "rejected") << r.dump();
    EXPECT_NE(r.value("reason", "").find(verdict), std::string::npos) << r.dump();
  }
  EXPECT_EQ(get_json(ports[1], "/v1/contracts/consent"), contract_before);

  // A version that recurses into itself with all its gas and reverts when the inner call fails;
  // then a record anchor, whose contract call runs into it.
  auto adopted = propose(
      "6015600a5f3960155ff3"
      "5f5f5f5f5f305af11560115700000000005b5f5ffd");
  ASSERT_EQ(adopted.value("validity", ""), "valid") << adopted.dump();
  auto contract_after = get_json(ports[2], "/v1/contracts/consent");
  EXPECT_EQ(contract_after["version"], 2);
  SigningKey author = SigningKey::generate(), patient = SigningKey::generate();
  SecretKey32 data_key = generate_secret_key();
  RecordAnchor a;
  a.patient = did_key_from_public_key(patient.public_key());
  a.organization = org1_did;
  a.cid = to_bytes("\x01\x55\x12\x20" + std::string(32, 'c'));
  a.commitment = record_commitment(data_key, as_bytes(std::string("{}")));
  a.category = "Observation";
  a.media_type = "application/fhir+json";
  a.size = 2;
  a.for_patient = {patient.public_key(), *seal_key_to_ed25519(data_key, patient.public_key())};
  a.for_author = {author.public_key(), *seal_key_to_ed25519(data_key, author.public_key())};
  auto anchored = submit(ports[0], author,
                         signed_tx(net, author, kTxTypeRecordAnchor, encode_record_anchor(a), 1));
  ASSERT_TRUE(anchored.is_object() && anchored.contains("results")) << anchored.dump();
  auto r = anchored["results"][0];
  ids.push_back(r.value("id", ""));
  EXPECT_EQ(r.value("validity", ""), "rejected") << r.dump();
  EXPECT_NE(r.value("reason", "").find("the consent contract (code "), std::string::npos)
      << r.dump();
  EXPECT_NE(r.value("reason", "").find("refused: (no reason)"), std::string::npos) << r.dump();

  // Every node: the same verdict on every transaction, the same head and state digest.
  std::uint64_t head = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::uint64_t h0 = get_json(ports[0], "/v1/node").value("height", 0ull);
    bool same = h0 > 0;
    for (int p : ports) same = same && get_json(p, "/v1/node").value("height", 0ull) == h0;
    if (same) {
      head = h0;
      break;
    }
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_GT(head, 0u) << "the nodes did not reach the same height";
  for (const auto& id : ids) {
    auto first = get_json(ports[0], "/v1/tx/" + id);
    ASSERT_EQ(first.value("status", ""), "committed") << id;
    for (int i = 1; i < 3; ++i) {
      auto other = get_json(ports[i], "/v1/tx/" + id);
      EXPECT_EQ(other.value("validity", ""), first.value("validity", "")) << id;
      EXPECT_EQ(other.value("reason", ""), first.value("reason", "")) << id;
      EXPECT_EQ(other.value("height", 0ull), first.value("height", 0ull)) << id;
    }
  }
  auto block0 = get_json(ports[0], "/v1/blocks/" + std::to_string(head));
  ASSERT_TRUE(block0.is_object());
  for (int i = 1; i < 3; ++i) {
    auto block = get_json(ports[i], "/v1/blocks/" + std::to_string(head));
    EXPECT_EQ(block.value("hash", ""), block0.value("hash", "")) << "node " << i;
    EXPECT_EQ(block["header"].value("stateDigest", "x"), block0["header"].value("stateDigest", "y"))
        << block.dump();
  }
}

}  // namespace
}  // namespace pv
