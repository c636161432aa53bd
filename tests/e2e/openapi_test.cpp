// docs/openapi.yaml against the server, in both directions, and real answers against its schemas:
//   - every route the server registers (HttpServer::route_labels(), the route table the server
//     itself routes, labels and counts metrics by) is an operation of the document, and every
//     operation of the document is a registered route;
//   - every operation of the document is served by a real `pv node start` process: a request to
//     it is not answered with the server's generic "no route" 404 or a 405;
//   - real answers of that node (node info, a committed transaction, its proof, its block,
//     refusals) validate against the document's schemas with ajv (tests/interop/openapi_check.mjs),
//     and answers broken on purpose do not.
// The document's own validity is tested in tests/unit/openapi_document_test.cpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "../interop/node_script.hpp"
#include "api/server.hpp"
#include "crypto/ed25519.hpp"
#include "node/node.hpp"
#include "node_process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using testing::run_node_script;
using testing::shell_quote;

const std::string kSpec = std::string(PV_SOURCE_DIR) + "/docs/openapi.yaml";

// The routes a server registers, from a real Node and HttpServer in this process (not bound).
std::vector<std::string> registered_routes(const std::string& data_dir) {
  crypto_init();
  NodeConfig config;
  config.data_dir = data_dir;
  config.key_passphrase = [](bool) -> Result<Passphrase> { return Passphrase("openapi test"); };
  config.key_kdf = KdfParams::interactive();
  auto node = Node::open(config);
  EXPECT_TRUE(node) << node.error().message;
  if (!node) return {};
  std::vector<std::string> labels;
  {
    api::HttpServer server(**node, api::HttpOptions::from(config));
    labels = server.route_labels();
  }
  (*node)->shutdown();
  return labels;
}

// "METHOD /path" of every operation of the document, read by swagger-parser.
std::vector<std::string> documented_operations() {
  auto r = run_node_script("openapi_check.mjs", "operations " + shell_quote(kSpec));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  auto j = json::parse(r.out, nullptr, false);
  EXPECT_TRUE(j.is_array()) << r.out;
  return j.is_array() ? j.get<std::vector<std::string>>() : std::vector<std::string>{};
}

// Is this the server's answer for a method and path it has no route for?
bool is_no_route_answer(const httplib::Result& res) {
  if (!res) return false;
  if (res->status == 405) return true;
  if (res->status != 404) return false;
  auto j = json::parse(res->body, nullptr, false);
  return j.is_object() && j.value("type", "") == "about:blank" &&
         j.value("detail", "").rfind("no route for ", 0) == 0;
}

httplib::Result send(httplib::Client& c, const std::string& method, const std::string& path) {
  if (method == "GET") return c.Get(path);
  if (method == "POST") return c.Post(path, "", "application/json");
  if (method == "DELETE") return c.Delete(path);
  ADD_FAILURE() << "the test cannot send " << method;
  return c.Get(path);
}

class OpenApiE2e : public ::testing::Test {
 protected:
  void SetUp() override { testing::require_interop_tools("@apidevtools/swagger-parser"); }

  void start_node() {
    node_ = std::make_unique<NodeProcess>(tmp_ / "data", free_port(),
                                          std::vector<std::string>{"--block-timeout-ms", "5"});
    ASSERT_TRUE(node_->start()) << read_text_file(tmp_ / "data.log");
    http_ = std::make_unique<httplib::Client>("127.0.0.1", node_->port());
    http_->set_read_timeout(std::chrono::seconds(30));
  }

  // Checks one real answer against the document: {"ok": true} or the validator's complaint.
  json check_answer(const std::string& method, const std::string& path,
                    const httplib::Result& res) {
    EXPECT_TRUE(res) << method << " " << path;
    if (!res) return json{{"ok", false}};
    const std::string body_file = tmp_ / "answer.json";
    std::ofstream(body_file, std::ios::binary) << res->body;
    return check_body(method, path, res->status, res->get_header_value("Content-Type"), body_file);
  }
  json check_body(const std::string& method, const std::string& path, int status,
                  const std::string& content_type, const std::string& body_file) {
    auto r = run_node_script("openapi_check.mjs",
                             "answer " + shell_quote(kSpec) + " " + method + " " +
                                 shell_quote(path) + " " + std::to_string(status) + " " +
                                 shell_quote(content_type) + " " + shell_quote(body_file));
    auto j = json::parse(r.out, nullptr, false);
    if (!j.is_object()) return json{{"ok", false}, {"error", r.out}};
    EXPECT_EQ(r.exit_code == 0, j.value("ok", false)) << r.out;
    return j;
  }

  TempDir tmp_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(OpenApiE2e, EveryRegisteredRouteIsDocumentedAndNoOtherOperation) {
  const auto registered = registered_routes(tmp_ / "inproc");
  const auto documented = documented_operations();
  ASSERT_GE(registered.size(), 41u);
  ASSERT_NE(std::find(registered.begin(), registered.end(), "GET /v1/tx/{id}"), registered.end());
  const std::set<std::string> doc_set(documented.begin(), documented.end());
  const std::set<std::string> route_set(registered.begin(), registered.end());
  for (const auto& route : registered)
    EXPECT_TRUE(doc_set.count(route)) << route << " is served but not in docs/openapi.yaml";
  for (const auto& op : documented)
    EXPECT_TRUE(route_set.count(op)) << op << " is in docs/openapi.yaml but not registered";
}

TEST_F(OpenApiE2e, EveryDocumentedOperationIsServedByARealNode) {
  ASSERT_NO_FATAL_FAILURE(start_node());
  // The detector itself: an unknown path and a wrong method are the generic answers.
  ASSERT_TRUE(is_no_route_answer(http_->Get("/v1/no-such-route")));
  ASSERT_TRUE(is_no_route_answer(http_->Delete("/v1/node")));
  // The node serves the document it was built with.
  auto served = http_->Get("/openapi.yaml");
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200);
  EXPECT_EQ(served->get_header_value("Content-Type"), "application/yaml");
  EXPECT_EQ(served->body, read_text_file(kSpec));
  const auto documented = documented_operations();
  ASSERT_GE(documented.size(), 41u);
  for (const auto& op : documented) {
    const std::string method = op.substr(0, op.find(' '));
    // Every path parameter becomes "x": the route must match whatever the handler thinks of it.
    const std::string path =
        std::regex_replace(op.substr(op.find(' ') + 1), std::regex(R"(\{[^}]+\})"), "x");
    auto res = send(*http_, method, path);
    ASSERT_TRUE(res) << op << ": no answer";
    EXPECT_FALSE(is_no_route_answer(res))
        << op << " is documented but the node answers " << res->status << " " << res->body;
  }
}

TEST_F(OpenApiE2e, RealAnswersMatchTheDocumentedSchemas) {
  ASSERT_NO_FATAL_FAILURE(start_node());
  const std::vector<std::string> env = {
      "HOME=" + tmp_.path(),       "XDG_CONFIG_HOME=" + (tmp_ / "config"),
      "PV_NODE=" + node_->url(),   "PV_PASSPHRASE=openapi e2e passphrase",
      "PV_WALLET_KDF=interactive", "PV_WALLET=" + (tmp_ / "wallet")};
  ASSERT_TRUE(run({pv_bin(), "id", "create", "--name", "alice"}, env).ok());
  auto submitted = run({pv_bin(), "tx", "submit", "--as", "alice", "--anchor", std::string(64, 'c'),
                        "--wait", "--json"},
                       env);
  ASSERT_TRUE(submitted.ok()) << submitted.err;
  const json tx = json::parse(submitted.out);
  const std::string id = tx["id"], height = std::to_string(tx["height"].get<std::uint64_t>());

  struct Probe {
    std::string method, path;
    int status;
  };
  const std::vector<Probe> probes = {
      {"GET", "/v1/node", 200},
      {"GET", "/v1/tx/" + id, 200},
      {"GET", "/v1/tx/" + id + "/proof", 200},
      {"GET", "/v1/blocks/" + height, 200},
      {"GET", "/v1/proof/consistency?size1=1&size2=1", 200},
      {"GET", "/v1/pins", 200},
      {"POST", "/api/v0/version", 200},
      {"GET", "/v1/blocks/" + height + "?format=binary", 200},
      {"GET", "/v1/checkpoint", 200},
      {"GET", "/healthz", 200},
      {"GET", "/metrics", 200},
      {"GET", "/openapi.yaml", 200},
      {"POST", "/v1/tx", 401},         // unsigned
      {"GET", "/v1/tx/not-hex", 400},  // bad id
      {"GET", "/v1/tx/" + std::string(64, '0'), 404},
      {"GET", "/v1/did/did:pv:nonsense", 400},           // DID resolution problem
      {"POST", "/api/v0/block/stat?arg=nonsense", 400},  // Kubo's error body
  };
  for (const auto& p : probes) {
    auto res = send(*http_, p.method, p.path);
    ASSERT_TRUE(res) << p.path;
    EXPECT_EQ(res->status, p.status) << p.method << " " << p.path << ": " << res->body;
    json verdict = check_answer(p.method, p.path, res);
    EXPECT_TRUE(verdict.value("ok", false)) << p.method << " " << p.path << ": " << verdict.dump();
  }
  // Content: a file added through the Kubo RPC subset, then read through the gateway.
  httplib::MultipartFormDataItems file = {{"file", "openapi e2e content", "a.txt", ""}};
  auto added = http_->Post("/api/v0/add?pin=false", file);
  ASSERT_TRUE(added && added->status == 200) << (added ? added->body : "no answer");
  json verdict = check_answer("POST", "/api/v0/add", added);
  EXPECT_TRUE(verdict.value("ok", false)) << verdict.dump();
  const std::string cid = json::parse(added->body)["Hash"];
  for (const std::string format : {"raw", "car"}) {
    const std::string path = "/ipfs/" + cid + "?format=" + format;
    auto res = http_->Get(path);
    ASSERT_TRUE(res && res->status == 200) << path;
    verdict = check_answer("GET", path, res);
    EXPECT_TRUE(verdict.value("ok", false)) << verdict.dump();
  }

  // The generic answers of HTTP itself are the document's Problem too.
  for (const char* method : {"GET", "DELETE"}) {
    auto res =
        send(*http_, method, method == std::string("GET") ? "/v1/no-such-route" : "/v1/node");
    ASSERT_TRUE(res);
    const std::string body_file = tmp_ / "problem.json";
    std::ofstream(body_file, std::ios::binary) << res->body;
    auto r = run_node_script("openapi_check.mjs",
                             "problem " + shell_quote(kSpec) + " " + shell_quote(body_file));
    EXPECT_EQ(r.exit_code, 0) << res->status << " " << res->body << ": " << r.out;
  }

  // The schemas refuse what they should: a node info without networkId, a committed
  // transaction without its position, a problem document without a status.
  auto broken = [&](const std::string& path, const std::function<void(json&)>& edit) {
    auto res = http_->Get(path);
    EXPECT_TRUE(res && res->status == 200) << path;
    if (!res) return json{{"ok", true}};
    json body = json::parse(res->body);
    edit(body);
    const std::string body_file = tmp_ / "broken.json";
    std::ofstream(body_file, std::ios::binary) << body.dump();
    return check_body("GET", path, 200, "application/json", body_file);
  };
  EXPECT_FALSE(broken("/v1/node", [](json& j) { j.erase("networkId"); })["ok"].get<bool>());
  EXPECT_FALSE(broken("/v1/tx/" + id, [](json& j) { j.erase("logIndex"); })["ok"].get<bool>());
  EXPECT_FALSE(broken("/v1/tx/" + id, [](json& j) { j["status"] = "maybe"; })["ok"].get<bool>());
  EXPECT_FALSE(broken("/v1/tx/" + id + "/proof",
                      [](json& j) { j["hashes"] = json::array({"not hex"}); })["ok"]
                   .get<bool>());
  auto unsigned_post = http_->Post("/v1/tx", "{}", "application/json");
  ASSERT_TRUE(unsigned_post);
  json problem = json::parse(unsigned_post->body);
  problem.erase("status");
  const std::string body_file = tmp_ / "problem-broken.json";
  std::ofstream(body_file, std::ios::binary) << problem.dump();
  EXPECT_FALSE(
      check_body("POST", "/v1/tx", 401, "application/problem+json", body_file)["ok"].get<bool>());
}

}  // namespace
}  // namespace pv::e2e
