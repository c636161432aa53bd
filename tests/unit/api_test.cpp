// The HTTP API in process: a real Node on a temporary data directory (real RocksDB), a real
// HttpServer on 127.0.0.1 with an ephemeral port, and real HTTP through httplib::Client.

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "api/client.hpp"
#include "api/server.hpp"
#include "codec/did_key.hpp"
#include "ledger/anchor.hpp"
#include "ledger/merkle.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_init();
    std::string tmpl = (std::filesystem::temp_directory_path() / "pv-api-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    NodeConfig config;
    config.data_dir = dir_ + "/data";
    config.cutting.timeout = std::chrono::milliseconds(5);
    config.http.worker_threads = 4;
    config.key_passphrase = [](bool) -> Result<Passphrase> { return Passphrase("api test"); };
    config.key_kdf = KdfParams::interactive();
    auto node = Node::open(config);
    ASSERT_TRUE(node) << node.error().message;
    node_ = std::move(*node);
    server_ = std::make_unique<HttpServer>(*node_, HttpOptions::from(config));
    auto port = server_->bind("127.0.0.1", 0);
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
    serving_ = std::thread([this] { (void)server_->serve(); });
    http_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    http_->set_read_timeout(std::chrono::seconds(30));
    network_ = node_->info().network_id;
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (serving_.joinable()) serving_.join();
    server_.reset();
    if (node_) node_->shutdown();
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A signed document-anchor transaction; each call anchors a fresh document.
  Bytes anchor_tx(const SigningKey& key, const SigningKey* signer_of_record = nullptr) {
    Transaction tx;
    tx.type = kTxTypeAnchor;
    tx.signer = did_key_from_public_key((signer_of_record ? *signer_of_record : key).public_key());
    tx.nonce = ++nonce_;
    tx.created_ms =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    DocumentAnchor anchor;
    random_bytes(anchor.document_hash.data(), anchor.document_hash.size());
    tx.payload = encode_anchor(anchor);
    // Signed by hand, not with sign_transaction(): a forger's key need not match the signer.
    tx.signature = key.sign(signing_message(network_, tx));
    return encode_transaction(tx);
  }

  // POST with an RFC 9421 signature by `requester_` (the API refuses unsigned writes).
  httplib::Result post_raw(const std::string& path, const std::string& text) {
    auto signed_headers =
        signature_headers(requester_, "POST", path, "127.0.0.1:" + std::to_string(port_), text,
                          "application/json");
    EXPECT_TRUE(signed_headers);
    httplib::Headers headers;
    for (const auto& [k, v] : *signed_headers) headers.emplace(k, v);
    return http_->Post(path.c_str(), headers, text, "application/json");
  }
  httplib::Result post(const std::string& path, const json& body) {
    return post_raw(path, body.dump());
  }

  static json body_of(const httplib::Result& r) { return json::parse(r->body); }

  // Asserts an RFC 9457 problem document with the given status.
  static void expect_problem(const httplib::Result& r, int status) {
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
    auto doc = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << r->body;
    EXPECT_TRUE(doc["type"].is_string());
    EXPECT_TRUE(doc["title"].is_string());
    EXPECT_EQ(doc["status"], status);
    EXPECT_TRUE(doc["detail"].is_string());
  }

  std::string dir_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<HttpServer> server_;
  std::thread serving_;
  std::unique_ptr<httplib::Client> http_;
  int port_ = 0;
  NetworkId network_;
  SigningKey key_ = SigningKey::generate();
  RequestSigner requester_{key_, did_key_from_public_key(key_.public_key())};
  std::uint64_t nonce_ = 1000;
};

TEST_F(ApiTest, NodeInfoCheckpointAndHealth) {
  auto r = http_->Get("/v1/node");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  auto info = parse_node_info(body_of(r));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->network_id, network_);
  EXPECT_EQ(info->ordering, "embedded");

  auto cp = http_->Get("/v1/checkpoint");
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->status, 200);
  EXPECT_EQ(cp->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  auto opened = open_checkpoint(cp->body, info->checkpoint_key_name, info->checkpoint_key);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->size, info->log_size);

  auto health = http_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
}

TEST_F(ApiTest, SubmitWaitThenLookUpProveAndFetchBlock) {
  Bytes tx = anchor_tx(key_);
  auto r = post("/v1/tx?wait=true", {{"tx", to_base64(tx)}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto result = parse_submission_result(body_of(r));
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->outcome, SubmissionOutcome::committed);
  EXPECT_EQ(*result->id, transaction_id(tx));
  EXPECT_EQ(result->committed->result.code, TxCode::valid);
  const std::string id = result->id->hex();

  auto got = http_->Get(("/v1/tx/" + id).c_str());
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200);
  auto status = parse_tx_status(body_of(got));
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->state, TxState::committed);
  EXPECT_EQ(status->encoded, tx);

  auto pr = http_->Get(("/v1/tx/" + id + "/proof").c_str());
  ASSERT_TRUE(pr);
  ASSERT_EQ(pr->status, 200) << pr->body;
  auto proof = parse_inclusion_proof(body_of(pr));
  ASSERT_TRUE(proof) << proof.error().message;
  NodeInfo info = node_->info();
  auto cp = open_checkpoint(proof->checkpoint, info.checkpoint_key_name, info.checkpoint_key);
  ASSERT_TRUE(cp) << cp.error().message;
  EXPECT_EQ(cp->size, proof->tree_size);
  EXPECT_EQ(proof->leaf_hash, merkle_leaf_hash(tx));
  EXPECT_TRUE(verify_merkle_inclusion(merkle_leaf_hash(tx), proof->log_index, cp->size,
                                      proof->hashes, cp->root));

  const auto height = std::to_string(result->committed->location.height);
  auto bj = http_->Get(("/v1/blocks/" + height).c_str());
  ASSERT_TRUE(bj);
  ASSERT_EQ(bj->status, 200);
  json block_doc = body_of(bj);
  auto bb = http_->Get(("/v1/blocks/" + height + "?format=binary").c_str());
  ASSERT_TRUE(bb);
  EXPECT_EQ(bb->get_header_value("Content-Type"), "application/octet-stream");
  auto block = decode_block(as_bytes(bb->body));
  ASSERT_TRUE(block) << block.error().message;
  EXPECT_EQ(block_doc["hash"], block_hash(block->header).hex());
  EXPECT_TRUE(verify_block_seal(block->header, block->seal));
  bool found = false;
  for (const auto& t : block_doc["txs"])
    if (t["id"] == id) found = t["tx"] == to_base64(tx) && t["validity"] == "valid";
  EXPECT_TRUE(found);

  // A second commit, then a consistency proof from the first size to the second.
  auto r2 = post("/v1/tx?wait=true", {{"tx", to_base64(anchor_tx(key_))}});
  ASSERT_TRUE(r2);
  ASSERT_EQ(r2->status, 200);
  Checkpoint later = node_->checkpoint();
  auto cr = http_->Get(("/v1/proof/consistency?size1=" + std::to_string(cp->size) +
                        "&size2=" + std::to_string(later.size))
                           .c_str());
  ASSERT_TRUE(cr);
  ASSERT_EQ(cr->status, 200) << cr->body;
  auto consistency = parse_consistency_proof(body_of(cr));
  ASSERT_TRUE(consistency) << consistency.error().message;
  EXPECT_TRUE(
      verify_merkle_consistency(cp->size, later.size, consistency->hashes, cp->root, later.root));
}

TEST_F(ApiTest, SubmitWithoutWaitIsAcceptedThenCommits) {
  Bytes tx = anchor_tx(key_);
  auto r = post("/v1/tx", {{"tx", to_base64(tx)}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  EXPECT_EQ(body_of(r)["status"], "accepted");
  auto done = node_->wait_committed({transaction_id(tx)}, std::chrono::seconds(10));
  ASSERT_TRUE(done[0].has_value());
}

TEST_F(ApiTest, BadInputGetsProblemsAndDisturbsNothing) {
  Bytes good = anchor_tx(key_);
  auto first = post("/v1/tx?wait=true", {{"tx", to_base64(good)}});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);

  expect_problem(post_raw("/v1/tx", "{\"tx\": "), 400);
  expect_problem(post_raw("/v1/tx", "[1,2]"), 400);
  expect_problem(post("/v1/tx", {{"tx", "not base64!"}}), 400);
  expect_problem(post("/v1/tx", {{"tx", to_base64(as_bytes("garbage"))}}), 400);
  expect_problem(post("/v1/tx", {{"tx", 42}}), 400);
  std::string oversize(16 * 1024 * 1024 + 10, 'A');
  expect_problem(post_raw("/v1/tx", "{\"tx\":\"" + oversize + "\"}"), 413);

  // Signed by another key than the signer's DID.
  SigningKey mallory = SigningKey::generate();
  auto forged = post("/v1/tx", {{"tx", to_base64(anchor_tx(mallory, &key_))}});
  expect_problem(forged, 422);
  // Replay of a committed transaction.
  expect_problem(post("/v1/tx", {{"tx", to_base64(good)}}), 409);
  // Stale nonce: a fresh transaction with a nonce below the committed one.
  nonce_ = 1;
  expect_problem(post("/v1/tx", {{"tx", to_base64(anchor_tx(key_))}}), 409);
  nonce_ = 5000;
  // Non-canonical: a valid encoding with a trailing byte.
  Bytes padded = anchor_tx(key_);
  padded.push_back(0);
  expect_problem(post("/v1/tx", {{"tx", to_base64(padded)}}), 400);

  auto still = http_->Get(("/v1/tx/" + transaction_id(good).hex()).c_str());
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);
  EXPECT_EQ(body_of(still)["status"], "committed");
  EXPECT_EQ(body_of(still)["validity"], "valid");
  EXPECT_EQ(node_->health().is_ok(), true);
}

TEST_F(ApiTest, BatchWithSomeBadTransactions) {
  Bytes a = anchor_tx(key_), b = anchor_tx(key_);
  SigningKey other = SigningKey::generate();
  Bytes forged = anchor_tx(other, &key_);
  auto r =
      post("/v1/tx?wait=true", {{"txs", {to_base64(a), "%%%", to_base64(forged), to_base64(b)}}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json doc = body_of(r);
  EXPECT_EQ(doc["accepted"], 2);
  EXPECT_EQ(doc["refused"], 2);
  ASSERT_EQ(doc["results"].size(), 4u);
  EXPECT_EQ(doc["results"][0]["status"], "committed");
  EXPECT_EQ(doc["results"][1]["status"], "refused");
  EXPECT_EQ(doc["results"][1]["problem"]["status"], 400);
  EXPECT_EQ(doc["results"][2]["problem"]["status"], 422);
  EXPECT_EQ(doc["results"][3]["status"], "committed");

  // Every one refused: a problem document carrying the per-transaction results.
  auto all_bad = post("/v1/tx", {{"txs", {"%%%", to_base64(a)}}});
  expect_problem(all_bad, 400);
  EXPECT_EQ(body_of(all_bad)["results"].size(), 2u);
}

TEST_F(ApiTest, UnknownThingsAndWrongMethodsAreProblems) {
  expect_problem(http_->Get("/nowhere"), 404);
  expect_problem(http_->Get(("/v1/tx/" + std::string(64, 'a')).c_str()), 404);
  expect_problem(http_->Get("/v1/tx/xyz"), 400);
  expect_problem(http_->Get("/v1/blocks/999999"), 404);
  expect_problem(http_->Get("/v1/blocks/-1"), 400);
  expect_problem(http_->Get("/v1/proof/consistency?size1=1"), 400);
  auto wrong = http_->Delete("/v1/node");
  expect_problem(wrong, 405);
  EXPECT_EQ(wrong->get_header_value("Allow"), "GET, HEAD");
  expect_problem(http_->Put("/v1/tx", "{}", "application/json"), 405);
  expect_problem(http_->Post("/v1/node", "{}", "application/json"), 405);
}

TEST_F(ApiTest, MetricsParseAndMove) {
  auto sample = [&](const std::string& name) -> double {
    auto r = http_->Get("/metrics");
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    const std::regex line(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInf]+$)");
    std::istringstream in(r->body);
    double value = -1;
    for (std::string l; std::getline(in, l);) {
      if (l.empty() || l[0] == '#') continue;
      EXPECT_TRUE(std::regex_match(l, line)) << l;
      if (l.rfind(name + " ", 0) == 0) value = std::stod(l.substr(name.size() + 1));
    }
    return value;
  };
  const double committed = sample("pv_committed_transactions_total");
  const double rejected = sample("pv_rejected_submissions_total");
  ASSERT_GE(committed, 0);
  auto r = post("/v1/tx?wait=true", {{"tx", to_base64(anchor_tx(key_))}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  (void)post("/v1/tx", {{"tx", "%%%"}});
  EXPECT_EQ(sample("pv_committed_transactions_total"), committed + 1);
  EXPECT_GT(sample("pv_rejected_submissions_total"), rejected);
  EXPECT_GE(sample("pv_commit_latency_seconds_count"), 1);
  EXPECT_GE(sample("pv_block_height"), 1);
  auto text = http_->Get("/metrics")->body;
  EXPECT_NE(text.find("pv_http_requests_total{method=\"POST\",route=\"POST /v1/tx\",code=\"200\"}"),
            std::string::npos);
  EXPECT_NE(text.find("pv_commit_latency_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(text.find("pv_queue_depth "), std::string::npos);
}

TEST_F(ApiTest, NodeClientRoundTrips) {
  auto client = NodeClient::connect("http://127.0.0.1:" + std::to_string(port_));
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_TRUE(client->health());
  auto info = client->info();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->network_id, network_);
  Bytes tx = anchor_tx(key_);
  auto unsigned_submit = client->submit(tx, true, std::chrono::seconds(10));
  ASSERT_FALSE(unsigned_submit);
  EXPECT_EQ(unsigned_submit.error().code, Errc::unauthorized);
  client->set_signer(requester_);
  auto submitted = client->submit(tx, true, std::chrono::seconds(10));
  ASSERT_TRUE(submitted) << submitted.error().message;
  ASSERT_EQ(submitted->outcome, SubmissionOutcome::committed);
  auto replay = client->submit(tx, false, std::chrono::seconds(1));
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code, Errc::conflict);
  auto block = client->block(submitted->committed->location.height);
  ASSERT_TRUE(block) << block.error().message;
  auto missing = client->get_tx(TxId{});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_FALSE(NodeClient::connect("ftp://x"));
  auto nobody = NodeClient::connect("http://127.0.0.1:1");
  ASSERT_TRUE(nobody);
  EXPECT_EQ(nobody->info().error().code, Errc::unavailable);
}

}  // namespace
}  // namespace pv::api
