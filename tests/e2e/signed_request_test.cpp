// Signed requests against a real node process: unsigned, forged, stale, future, tampered,
// replayed requests and keys that no longer belong to their DID all get 401 problem documents,
// and nothing already committed is disturbed. Identities are made with the real `pv` binary; the
// test unlocks their wallet files with the library only to forge what `pv` would never send.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/client.hpp"
#include "identity/http_signature.hpp"
#include "identity/wallet.hpp"
#include "ledger/anchor.hpp"
#include "node_process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
constexpr const char* kPass = "signed request test passphrase";

class SignedRequests : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_init();
    port_ = free_port();
    node_ = std::make_unique<NodeProcess>(tmp_ / "data", port_,
                                          std::vector<std::string>{"--block-timeout-ms", "5"});
    ASSERT_TRUE(node_->start()) << read_text_file(tmp_ / "data.log");
    env_ = {"HOME=" + tmp_.path(), "PV_NODE=" + node_->url(), "PV_PASSPHRASE=" + std::string(kPass),
            "PV_WALLET_KDF=interactive", "PV_WALLET=" + (tmp_ / "wallet")};
    auto client = api::NodeClient::connect(node_->url());
    ASSERT_TRUE(client);
    auto info = client->info();
    ASSERT_TRUE(info) << info.error().message;
    network_ = info->network_id;
    http_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }

  Completed pv(std::vector<std::string> args) {
    args.insert(args.begin(), pv_bin());
    return run(args, env_);
  }
  std::string create(const std::string& name, const std::string& method) {
    auto made = pv({"id", "create", "--name", name, "--method", method, "--json"});
    EXPECT_TRUE(made.ok()) << made.err;
    return json::parse(made.out, nullptr, false).value("did", "");
  }
  SigningKey current_key(const std::string& name) {
    auto wallet = Wallet::open(tmp_ / "wallet");
    EXPECT_TRUE(wallet);
    auto secrets = wallet->unlock(name, kPass);
    EXPECT_TRUE(secrets) << secrets.error().message;
    return secrets->current;
  }
  // A fresh signed anchor transaction (its own envelope signature is valid).
  std::string anchor_body(const std::string& signer, const SigningKey& key) {
    Transaction tx;
    tx.type = kTxTypeAnchor;
    tx.signer = signer;
    tx.nonce = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch() /
                                          std::chrono::microseconds(1));
    tx.created_ms = tx.nonce / 1000;
    DocumentAnchor a;
    random_bytes(a.document_hash.data(), a.document_hash.size());
    tx.payload = encode_anchor(a);
    tx.signature = key.sign(signing_message(network_, tx));
    last_id_ = transaction_id(encode_transaction(tx)).hex();
    return json{{"tx", to_base64(encode_transaction(tx))}}.dump();
  }
  // Signs POST /v1/tx?wait=true as `keyid` with `key`, `created_offset` seconds off the clock.
  HttpRequest signed_post(const std::string& body, const std::string& keyid, const SigningKey& key,
                          std::int64_t created_offset = 0) {
    HttpRequest r{
        "POST", "/v1/tx?wait=true", "127.0.0.1:" + std::to_string(port_), {}, to_bytes(body)};
    set_header(r.headers, "content-type", "application/json");
    SignOptions o;
    o.keyid = keyid;
    o.created = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count() +
                created_offset;
    last_created_ = o.created;
    EXPECT_TRUE(sign_request(r, key, o));
    return r;
  }
  std::int64_t last_created_ = 0;  // `created` of the last signed_post
  httplib::Result send(const HttpRequest& r) {
    httplib::Headers headers;
    for (const auto& [k, v] : r.headers)
      if (k != "content-type") headers.emplace(k, v);
    return http_->Post(r.target, headers, std::string(as_chars(r.body)), "application/json");
  }
  // Asserts a 401 problem document whose detail contains `rule`, and that the transaction it
  // carried was not taken.
  void expect_refused(const httplib::Result& r, const std::string& rule) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
    auto doc = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << r->body;
    EXPECT_EQ(doc["status"], 401);
    EXPECT_EQ(doc["type"], "urn:pv:problem:unauthorized");
    EXPECT_NE(doc.value("detail", "").find(rule), std::string::npos) << doc.dump();
    auto status = http_->Get("/v1/tx/" + last_id_);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, 404) << "a refused request's transaction reached the node";
  }

  TempDir tmp_;
  int port_ = 0;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<httplib::Client> http_;
  std::vector<std::string> env_;
  NetworkId network_;
  std::string last_id_;
};

TEST_F(SignedRequests, EveryBadSignatureGets401AndNothingCommittedIsLost) {
  const std::string alice = create("alice", "key");
  auto committed =
      pv({"tx", "submit", "--as", "alice", "--anchor", std::string(64, 'e'), "--wait", "--json"});
  ASSERT_TRUE(committed.ok()) << committed.err;
  const std::string kept = json::parse(committed.out)["id"];
  const SigningKey key = current_key("alice");
  const SigningKey mallory = SigningKey::generate();

  // Unsigned.
  std::string body = anchor_body(alice, key);
  const std::string body_id = last_id_;
  expect_refused(http_->Post("/v1/tx?wait=true", body, "application/json"), "missing signature");
  // Forged: alice's keyid, mallory's key.
  expect_refused(send(signed_post(body, alice, mallory)), "bad signature");
  // Stale and from the future (beyond the 300 s skew).
  expect_refused(send(signed_post(body, alice, key, -600)), "stale signature");
  expect_refused(send(signed_post(body, alice, key, +600)), "in the future");
  // Body changed after signing.
  HttpRequest tampered = signed_post(body, alice, key);
  tampered.body = to_bytes(anchor_body(alice, key));
  expect_refused(send(tampered), "content-digest mismatch");
  last_id_ = body_id;
  // Path changed after signing.
  HttpRequest moved = signed_post(body, alice, key);
  moved.target = "/v1/tx";
  expect_refused(send(moved), "bad signature");
  // Unknown keyid.
  expect_refused(
      send(signed_post(body, "did:pv:0011223344556677:3J98t1WpEZ73CNmQviecrn#key-1", key)),
      "is not known to this node");

  // Replayed: the exact request a second time.
  HttpRequest once = signed_post(body, alice, key);
  auto first = send(once);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  const std::string accepted_id = body_id;
  last_id_ = std::string(64, '0');  // nothing new may appear
  expect_refused(send(once), "replay");

  for (const std::string& id : {kept, accepted_id}) {
    auto still = http_->Get("/v1/tx/" + id);
    ASSERT_TRUE(still);
    EXPECT_EQ(json::parse(still->body)["status"], "committed") << id;
  }
}

TEST_F(SignedRequests, AReplayAfterTheNodeRestartsIsStillRefused) {
  const std::string alice = create("alice", "key");
  const SigningKey key = current_key("alice");
  const std::string body = anchor_body(alice, key);
  const std::string id = last_id_;
  HttpRequest once = signed_post(body, alice, key);
  const std::int64_t first_created = last_created_;
  auto first = send(once);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  // Killed without warning and started again on the same data directory: the node must still
  // know the signature it accepted (it is within the 300 s skew, so only memory of it refuses it).
  node_->kill9();
  ASSERT_TRUE(node_->start()) << read_text_file(tmp_ / "data.log");
  http_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  last_id_ = std::string(64, '0');  // nothing new may appear
  expect_refused(send(once), "replayed signature");
  // A fresh signature over the same body (another `created`, so another signature: Ed25519 is
  // deterministic) is a new request; the transaction inside is then the ledger's business.
  // Its `created` is one second before the first's, whatever the time the restart took.
  const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  auto fresh = send(signed_post(body, alice, key, first_created - 1 - now_s));
  ASSERT_TRUE(fresh);
  EXPECT_NE(fresh->status, 401) << fresh->body;
  auto still = http_->Get("/v1/tx/" + id);
  ASSERT_TRUE(still);
  EXPECT_EQ(json::parse(still->body)["status"], "committed");
}

TEST_F(SignedRequests, RotatedOutAndDeactivatedKeysAreRefused) {
  const std::string bob = create("bob", "pv");
  const SigningKey key1 = current_key("bob");
  ASSERT_TRUE(pv({"id", "rotate", "bob"}).ok());
  const SigningKey key2 = current_key("bob");

  // The rotated-out key can sign neither a request nor a transaction that is accepted.
  expect_refused(send(signed_post(anchor_body(bob + "#key-1", key1), bob + "#key-1", key1)),
                 "#key-1 is not an active key of " + bob);
  HttpRequest relayed = signed_post(anchor_body(bob + "#key-1", key1), bob + "#key-2", key2);
  auto tx_refused = send(relayed);
  ASSERT_TRUE(tx_refused);
  EXPECT_EQ(tx_refused->status, 422) << tx_refused->body;
  EXPECT_NE(tx_refused->body.find("not an active key"), std::string::npos) << tx_refused->body;
  // The current key works for both.
  auto ok = send(signed_post(anchor_body(bob + "#key-2", key2), bob + "#key-2", key2));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;

  // A deactivated DID signs nothing.
  const std::string carol = create("carol", "pv");
  const SigningKey carol_key = current_key("carol");
  auto ended = pv({"id", "deactivate", "carol"});
  ASSERT_TRUE(ended.ok()) << ended.err;
  expect_refused(
      send(signed_post(anchor_body(carol + "#key-1", carol_key), carol + "#key-1", carol_key)),
      carol + " is deactivated");
}

}  // namespace
}  // namespace pv::e2e
