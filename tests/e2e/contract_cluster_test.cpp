// Bad contract code on a real 3-node etcd cluster (scripts/cluster.sh: 3 etcd members and 3
// node processes on loopback), docs/evm.md "Failure cases of contract code":
//   1. contract-version proposals whose init code is invalid, underflows or overflows the stack,
//      jumps into push data, runs out of gas or reverts: each refused with its own verdict, the
//      version in force unchanged;
//   2. adopted versions whose runtime code does each of those, and one that recurses into itself
//      until its gas runs out (the call depth limit of 1024 is out of reach under the genesis
//      gas cap) and reports the depth it reached: a consent grant then runs into each, and is
//      refused with that failure as its verdict;
//   3. the built contract back in force: the same grant is valid.
// Each proposal and grant goes to another node. Every node records the same verdict for every
// transaction, and all reach the same blocks (hash chain, results hash) and state digest.

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/client.hpp"
#include "cluster_process.hpp"
#include "codec/did_key.hpp"
#include "content/car.hpp"
#include "content/file_importer.hpp"
#include "evm/types.hpp"
#include "identity/key_wrap.hpp"
#include "identity/record_commitment.hpp"
#include "identity/wallet_crypto.hpp"
#include "identity/wallet_file.hpp"
#include "ledger/consent_contract_code.hpp"
#include "ledger/consent_payloads.hpp"
#include "ledger/org_proposal.hpp"
#include "ledger/org_rules.hpp"

namespace pv {
namespace {

using namespace std::chrono_literals;
using e2e::LocalCluster;
using nlohmann::json;

std::uint64_t unix_millis() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

json get_json(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(10, 0);
  auto r = c.Get(path);
  if (!r) r = c.Get(path);  // one retry of a transport failure (a busy shared machine)
  if (!r || r->status != 200) return {};
  return json::parse(r->body, nullptr, false);
}

std::uint64_t height_of(int port) {
  auto j = get_json(port, "/v1/node");
  return j.is_object() ? j.value("height", std::uint64_t{0}) : 0;
}

// Waits until every node has applied at least block `h`; false after 30 s.
bool wait_for_height(const std::vector<int>& ports, std::uint64_t h) {
  for (int attempt = 0; attempt < 150; ++attempt) {
    bool all = true;
    for (int p : ports) all = all && height_of(p) >= h;
    if (all) return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

httplib::Result post_signed(int port, const SigningKey& key, const std::string& path,
                            const std::string& body, const std::string& type) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(60, 0);
  auto fields = api::signature_headers({key, did_key_from_public_key(key.public_key())}, "POST",
                                       path, "127.0.0.1:" + std::to_string(port), body, type);
  httplib::Headers headers;
  if (fields) headers = httplib::Headers(fields->begin(), fields->end());
  return cli.Post(path, headers, body, type);
}

// POST /v1/tx?wait=true of one transaction signed by `key`; the transaction's result (id, status,
// validity, reason, height), or null.
json submit(int port, const SigningKey& key, const Bytes& tx) {
  auto r = post_signed(port, key, "/v1/tx?wait=true&timeout_ms=20000",
                       json{{"txs", json::array({to_base64(tx)})}}.dump(), "application/json");
  if (!r) return {};
  auto answer = json::parse(r->body, nullptr, false);
  if (!answer.is_object() || !answer.contains("results") || answer["results"].empty()) {
    ADD_FAILURE() << "no result: " << r->status << " " << r->body;
    return {};
  }
  return answer["results"][0];
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

// Some ciphertext as its UnixFS blocks in a CAR, and the root CID, as `pv blob put` uploads it.
struct Content {
  content::Cid root = content::Cid::v1(content::Multicodec::raw, Hash32{});
  std::string car;
};

Content make_content() {
  struct Keep : content::BlockSink {
    std::map<content::Cid, Bytes> blocks;
    Status put(const content::Cid& c, ByteView b) override {
      blocks.emplace(c, Bytes(b.begin(), b.end()));
      return Status::ok();
    }
  };
  Bytes bytes(300);
  random_bytes(bytes.data(), bytes.size());
  Keep keep;
  content::FileImporter importer(keep);
  EXPECT_TRUE(importer.write(bytes));
  Content c;
  c.root = importer.finish()->root;
  content::MemorySink out;
  content::CarWriter car(out);
  EXPECT_TRUE(car.write_header({c.root}));
  for (const auto& [cid, b] : keep.blocks) EXPECT_TRUE(car.put(cid, b));
  c.car = std::string(as_chars(out.bytes));
  return c;
}

// Init code that deploys `runtime` as it is: CODECOPY of the bytes after this 10-byte header.
std::string deployer(const std::string& runtime_hex) {
  char len[3];
  std::snprintf(len, sizeof len, "%02x", static_cast<unsigned>(runtime_hex.size() / 2));
  return std::string("60") + len + "600a5f3960" + len + "5ff3" + runtime_hex;
}

// A runtime that calls itself with all the gas the 63/64 rule lets it pass, one level deeper
// each time (depth 1 at the top, then the caller's depth + 1 as call data), until a call fails;
// the frame whose call failed without return data reverts with its depth as one 32-byte word,
// and every frame above passes that revert data up:
//   ADDRESS CALLER EQ PUSH1 inner JUMPI PUSH1 1 PUSH1 call JUMP
//   inner: JUMPDEST PUSH0 CALLDATALOAD PUSH1 1 ADD
//   call:  JUMPDEST DUP1 PUSH1 1 ADD PUSH0 MSTORE PUSH0 PUSH0 PUSH1 32 PUSH0 PUSH0 ADDRESS GAS
//          CALL PUSH1 ok JUMPI RETURNDATASIZE PUSH1 bubble JUMPI PUSH0 MSTORE PUSH1 32 PUSH0 REVERT
//   bubble: JUMPDEST RETURNDATASIZE PUSH0 PUSH0 RETURNDATACOPY RETURNDATASIZE PUSH0 REVERT
//   ok:    JUMPDEST STOP
constexpr const char* kRecursion =
    "303314600b5760016011565b5f356001015b806001015f525f5f60205f5f305af16036573d602e575f5260205ffd"
    "5b3d5f5f3e3d5ffd5b00";

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
  const std::string org2_did = did_key_from_public_key(org2.public_key());
  const json contract_v1 = get_json(ports[0], "/v1/contracts/consent");
  ASSERT_TRUE(contract_v1.is_object());
  ASSERT_EQ(contract_v1.value("version", 0), 1);

  // Each node learns its peers from their progress records in etcd; an anchor's content is
  // replicated to one of them before the anchor is accepted.
  cluster.wait_for_peers();

  std::vector<std::string> ids;  // every transaction whose verdict the nodes must agree on
  std::uint64_t last_height = 0;
  int turn = 0;
  // Submits to the next node in turn, once every node has applied the last commit (a proposal
  // names the membership version it applies to).
  auto send = [&](const SigningKey& key, const Bytes& tx) -> json {
    EXPECT_TRUE(wait_for_height(ports, last_height));
    auto r = submit(ports[turn++ % 3], key, tx);
    if (!r.is_object()) return json::object();
    EXPECT_EQ(r.value("status", ""), "committed") << r.dump();
    ids.push_back(r.value("id", ""));
    last_height = std::max(last_height, r.value("height", std::uint64_t{0}));
    return r;
  };
  // A contract-version proposal with `init_hex`, approved by two of the three organizations
  // (the cluster's threshold) and submitted by a fresh key (the approvals carry authority).
  auto propose = [&](const std::string& init_hex) -> json {
    EXPECT_TRUE(wait_for_height(ports, last_height));
    auto membership = get_json(ports[turn % 3], "/v1/organizations");
    MembershipProposal p;
    p.action = OrgAction::contract_version;
    p.membership_version = membership.value("version", std::uint64_t{0});
    p.expires_ms = unix_millis() + 3'600'000;
    p.contract = {"// e2e: hand-written bytecode", "{}", "hand-written", *from_hex(init_hex)};
    MembershipChange c{
        p, {approve_proposal(net, p, org1_did, org1), approve_proposal(net, p, org2_did, org2)}};
    SigningKey once = SigningKey::generate();
    return send(once, signed_tx(net, once, kTxTypeOrgMembership, encode_membership_change(c), 1));
  };
  auto reason_of = [](const json& r) { return r.value("reason", std::string()); };

  // A record and a grant to use it with, under the built contract.
  SigningKey author = SigningKey::generate(), patient = SigningKey::generate();
  SigningKey reader = SigningKey::generate();
  const Content content = make_content();
  {
    auto up = post_signed(ports[0], author, "/v1/blocks", content.car, "application/vnd.ipld.car");
    ASSERT_TRUE(up && up->status == 200) << (up ? up->body : "no answer");
    auto pin = post_signed(ports[0], author, "/v1/pins/" + content.root.to_string(), "", "");
    ASSERT_TRUE(pin && pin->status == 200) << (pin ? pin->body : "no answer");
  }
  SecretKey32 data_key = generate_secret_key();
  RecordAnchor a;
  a.patient = did_key_from_public_key(patient.public_key());
  a.organization = org1_did;
  a.cid = content.root.bytes();
  a.commitment = record_commitment(data_key, as_bytes(std::string("{}")));
  a.category = "Observation";
  a.media_type = "application/fhir+json";
  a.size = 300;
  a.for_patient = {patient.public_key(), *seal_key_to_ed25519(data_key, patient.public_key())};
  a.for_author = {author.public_key(), *seal_key_to_ed25519(data_key, author.public_key())};
  turn = 0;  // the content is on node 1
  auto anchored =
      send(author, signed_tx(net, author, kTxTypeRecordAnchor, encode_record_anchor(a), 1));
  ASSERT_EQ(anchored.value("validity", ""), "valid") << anchored.dump();
  const RecordId record = *RecordId::from_hex(anchored.value("id", ""));
  std::uint64_t patient_nonce = 1;
  auto grant_tx = [&] {
    ConsentGrant g;
    g.grantee = did_key_from_public_key(reader.public_key());
    g.records = {record};
    g.actions = static_cast<std::uint8_t>(ConsentAction::access);
    g.purposes = {"TREAT"};
    g.not_before_ms = unix_millis() - 60'000;
    g.not_after_ms = unix_millis() + 86'400'000;
    g.record_keys = {
        {record, {reader.public_key(), *seal_key_to_ed25519(data_key, reader.public_key())}, {}}};
    return signed_tx(net, patient, kTxTypeConsentGrant, encode_consent_grant(g), patient_nonce++);
  };

  // 1. Init code that fails: refused, the version in force unchanged on every node.
  const std::pair<const char*, const char*> bad_init[] = {
      {"fe", "the proposed contract's init code failed: invalid"},
      {"01", "the proposed contract's init code failed: stack-underflow"},
      {"5b5f600056", "the proposed contract's init code failed: stack-overflow"},
      {"600456605b", "the proposed contract's init code failed: bad-jump-destination"},
      {"5b600056", "the proposed contract's init code failed: out-of-gas"},
      {"60006000fd", "the proposed contract's init code failed: revert"},
  };
  for (const auto& [code, verdict] : bad_init) {
    auto r = propose(code);
    EXPECT_EQ(r.value("validity", ""), "rejected") << code << ": " << r.dump();
    EXPECT_NE(reason_of(r).find(verdict), std::string::npos) << code << ": " << r.dump();
  }
  ASSERT_TRUE(wait_for_height(ports, last_height));
  for (int p : ports) EXPECT_EQ(get_json(p, "/v1/contracts/consent"), contract_v1) << p;

  // 2. Versions whose runtime fails: adopted, then a consent grant runs into each.
  struct RuntimeCase {
    const char* runtime;
    std::string verdict;  // after "the consent contract (code <hash>) "
  };
  const RuntimeCase bad_runtime[] = {
      {"fe", "failed: invalid (gas cap 10000000)"},
      {"01", "failed: stack-underflow (gas cap 10000000)"},
      {"5b5f600056", "failed: stack-overflow (gas cap 10000000)"},
      {"600456605b", "failed: bad-jump-destination (gas cap 10000000)"},
      {"5b600056", "failed: out-of-gas (gas cap 10000000)"},
      {"60006000fd", "refused: (no reason)"},
      {kRecursion, "refused: 0x"},
  };
  int version = 1;
  for (const auto& c : bad_runtime) {
    auto adopted = propose(deployer(c.runtime));
    ASSERT_EQ(adopted.value("validity", ""), "valid") << c.runtime << ": " << adopted.dump();
    ++version;
    const std::string hash = evm::keccak256(*from_hex(c.runtime)).hex();  // no 0x
    ASSERT_TRUE(wait_for_height(ports, last_height));
    for (int p : ports) {
      auto in_force = get_json(p, "/v1/contracts/consent");
      EXPECT_EQ(in_force.value("version", 0), version) << p;
      EXPECT_EQ(in_force.value("codeHash", ""), "0x" + hash) << p << " " << in_force.dump();
    }
    auto r = send(patient, grant_tx());
    EXPECT_EQ(r.value("validity", ""), "rejected") << c.runtime << ": " << r.dump();
    const std::string expected =
        "the consent contract (code " + hash.substr(0, 16) + ") " + c.verdict;
    EXPECT_NE(reason_of(r).find(expected), std::string::npos)
        << c.runtime << ": " << r.dump() << "\nexpected: " << expected;
    if (c.runtime == kRecursion) {
      // The depth the recursion reached, one 32-byte word: deep (more than 256 frames, where a
      // frame moves to a thread of its own) and short of the limit of 1024.
      const std::string reason = reason_of(r);
      const auto at = reason.find("refused: 0x");
      ASSERT_NE(at, std::string::npos) << reason;
      const std::string word = reason.substr(at + 11);
      ASSERT_EQ(word.size(), 64u) << reason;
      const unsigned long depth = std::stoul(word.substr(48), nullptr, 16);
      EXPECT_EQ(word.substr(0, 48), std::string(48, '0')) << reason;
      EXPECT_GT(depth, 256u) << reason;
      EXPECT_LT(depth, 1024u) << reason;
      std::printf("the recursion reached depth %lu under the gas cap\n", depth);
    }
  }

  // 3. The built contract back in force: its storage (the record) was kept; the grant is valid.
  auto restored = propose(to_hex(consent_contract_init_code()));
  ASSERT_EQ(restored.value("validity", ""), "valid") << restored.dump();
  auto granted = send(patient, grant_tx());
  EXPECT_EQ(granted.value("validity", ""), "valid") << granted.dump();

  // Every node: the same verdict for every transaction, the same blocks and state digest.
  ASSERT_TRUE(wait_for_height(ports, last_height)) << "the nodes did not all reach " << last_height;
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
  auto head0 = get_json(ports[0], "/v1/blocks/" + std::to_string(last_height));
  ASSERT_TRUE(head0.is_object());
  EXPECT_EQ(head0["header"].value("stateDigest", "").size(), 64u) << head0.dump();
  for (int i = 1; i < 3; ++i) {
    auto head = get_json(ports[i], "/v1/blocks/" + std::to_string(last_height));
    ASSERT_TRUE(head.is_object()) << "node " << i;
    EXPECT_EQ(head.value("hash", "x"), head0.value("hash", "y")) << "node " << i;
    EXPECT_EQ(head["header"].value("stateDigest", "x"), head0["header"].value("stateDigest", "y"))
        << "node " << i;
    EXPECT_EQ(head["header"].value("txResultsHash", "x"),
              head0["header"].value("txResultsHash", "y"))
        << "node " << i;
    EXPECT_EQ(get_json(ports[i], "/v1/contracts/consent"),
              get_json(ports[0], "/v1/contracts/consent"))
        << "node " << i;
  }
}

}  // namespace
}  // namespace pv
