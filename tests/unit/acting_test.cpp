// Acting as a wallet identity (cli/acting.hpp) and the client side of request signing
// (api::NodeClient with a signer): real wallet files, real HTTP to an in-process httplib server
// that records what arrived, and the server-side verifier checking it.

#include "cli/acting.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "identity/http_signature.hpp"

namespace pv::cli {
namespace {

namespace fs = std::filesystem;

class ActingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_init();
    std::string tmpl = (fs::temp_directory_path() / "pv-acting-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    ::setenv("PV_WALLET_KDF", "interactive", 1);
    ::unsetenv("PV_PASSPHRASE");
    options_.wallet = dir_ + "/wallet";
    options_.passphrase_file = dir_ + "/pass";
    std::ofstream(options_.passphrase_file) << "right passphrase\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  IdentityMetadata create(const std::string& name) {
    auto wallet = open_wallet(options_);
    EXPECT_TRUE(wallet) << wallet.error().message;
    auto made = wallet->create(name, DidMethod::key, "right passphrase");
    EXPECT_TRUE(made) << made.error().message;
    return *made;
  }

  std::string dir_;
  ActingOptions options_;
};

TEST_F(ActingTest, UnlocksByNameOrDidAndSignsAsTheDidKey) {
  IdentityMetadata alice = create("alice");
  auto by_name = unlock_actor(options_, "alice", nullptr);
  ASSERT_TRUE(by_name) << by_name.error().message;
  EXPECT_EQ(by_name->signer_id(), alice.did);
  EXPECT_EQ(by_name->key().public_key(), alice.current_key);
  auto by_did = unlock_actor(options_, alice.did, nullptr);
  ASSERT_TRUE(by_did) << by_did.error().message;
  EXPECT_EQ(by_did->name(), "alice");

  // The only identity acts without --as.
  auto only = unlock_actor(options_, "", nullptr);
  ASSERT_TRUE(only) << only.error().message;
  EXPECT_EQ(only->did(), alice.did);

  // A signed transaction verifies under the identity's did:key and nothing else.
  NetworkId net = sha256(as_bytes("net"));
  Bytes encoded = by_name->sign_transaction(net, 1, to_bytes("payload"));
  auto tx = decode_transaction(encoded);
  ASSERT_TRUE(tx) << tx.error().message;
  EXPECT_EQ(tx->signer, alice.did);
  EXPECT_TRUE(verify_transaction_signature(net, *tx));
  EXPECT_FALSE(verify_transaction_signature(sha256(as_bytes("other")), *tx));
}

TEST_F(ActingTest, RefusesWrongPassphraseUnknownNameAndAmbiguity) {
  create("alice");
  create("bob");
  std::ofstream(options_.passphrase_file) << "wrong passphrase\n";
  auto wrong = unlock_actor(options_, "alice", nullptr);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::unauthorized);
  EXPECT_NE(wrong.error().message.find("wrong passphrase for identity alice"), std::string::npos)
      << wrong.error().message;

  std::ofstream(options_.passphrase_file) << "right passphrase\n";
  auto unknown = unlock_actor(options_, "carol", nullptr);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  auto ambiguous = unlock_actor(options_, "", nullptr);
  ASSERT_FALSE(ambiguous);
  EXPECT_NE(ambiguous.error().message.find("--as"), std::string::npos);
}

// What an in-process server received, for checking the client's signatures.
struct Received {
  std::mutex mu;
  std::vector<HttpRequest> requests;
};

TEST_F(ActingTest, EveryRequestOfASignedClientVerifiesAndTamperingIsCaught) {
  create("alice");
  auto actor = unlock_actor(options_, "alice", nullptr);
  ASSERT_TRUE(actor) << actor.error().message;

  httplib::Server server;
  Received received;
  auto record = [&](const httplib::Request& req, httplib::Response& res) {
    HttpRequest r;
    r.method = req.method;
    r.target = req.target;
    r.authority = req.get_header_value("Host");
    for (const auto& [k, v] : req.headers) r.headers.emplace(k, v);
    r.body = to_bytes(req.body);
    std::lock_guard lock(received.mu);
    received.requests.push_back(std::move(r));
    res.set_content("{}", "application/json");
  };
  server.Get(".*", record);
  server.Post(".*", record);
  int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { server.listen_after_bind(); });

  std::optional<api::NodeClient> client;
  if (auto c = api::NodeClient::connect("http://127.0.0.1:" + std::to_string(port)))
    client.emplace(std::move(*c));
  ASSERT_TRUE(client);
  EXPECT_TRUE(client->call("GET", "/v1/unsigned"));
  actor->sign_requests_of(*client);
  EXPECT_EQ(client->signer_keyid(), actor->did());
  EXPECT_TRUE(client->call("POST", "/v1/tx?wait=true", R"({"tx":"AA=="})"));
  EXPECT_TRUE(client->call("POST", "/v1/tx?wait=true", R"({"tx":"AA=="})"));  // same again
  EXPECT_TRUE(client->call("GET", "/v1/node"));
  client.reset();  // closes the kept-alive connection, so stop() does not wait for it
  server.stop();
  serving.join();

  ASSERT_EQ(received.requests.size(), 4u);
  EXPECT_EQ(received.requests[0].headers.count("signature"), 0u);
  ReplayGuard guard;
  const auto now = std::chrono::system_clock::now();
  for (std::size_t i = 1; i < received.requests.size(); ++i) {
    auto keyid = verify_request(received.requests[i], resolve_did_key, now, guard);
    ASSERT_TRUE(keyid) << i << ": " << keyid.error().message;
    EXPECT_EQ(*keyid, actor->did());
  }
  // Identical requests differ by their nonce, so none looked like a replay above; the exact
  // same signature again is one.
  auto replay = verify_request(received.requests[1], resolve_did_key, now, guard);
  ASSERT_FALSE(replay);
  EXPECT_NE(replay.error().message.find("replay"), std::string::npos) << replay.error().message;

  // A body changed in transit no longer matches the signed digest.
  HttpRequest tampered = received.requests[2];
  tampered.body = to_bytes(R"({"tx":"AB=="})");
  ReplayGuard fresh;
  EXPECT_FALSE(verify_request(tampered, resolve_did_key, now, fresh));
  // Nor does another path.
  HttpRequest moved = received.requests[2];
  moved.target = "/v1/other?wait=true";
  EXPECT_FALSE(verify_request(moved, resolve_did_key, now, fresh));
}

}  // namespace
}  // namespace pv::cli
