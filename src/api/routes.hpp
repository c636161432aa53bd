#pragma once
// Internal to the api level: route registration shared by the routes_*.cpp files.

#include "http/message.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/params.hpp"
#include "api/problem.hpp"
#include "api/request_auth.hpp"
#include "api/server.hpp"
#include "api/witness_submitter.hpp"
#include "content/block_store.hpp"
#include "identity/http_signature.hpp"
#include "identity/http_signature_replay.hpp"
#include "node/node.hpp"

namespace pv {
class ContentReplication;
struct ReplicationStats;
}  // namespace pv

namespace pv::api {

class HttpMetrics;

// Every route the server answers, by label: "METHOD /path/{param}" is at once the route's path
// template (http/router.hpp), its label in /metrics, and its operation in docs/openapi.yaml (a new
// route goes there too: tests/e2e/openapi_test.cpp fails on a route the document lacks, and on a
// documented operation that no route serves).
class RouteTable {
 public:
  using SimpleHandler = std::function<void(const http::Request&, http::Response&)>;

  void get(const std::string& label, SimpleHandler handler);
  void post(const std::string& label, http::Handler handler,
            http::BodyMode body = http::BodyMode::buffered);
  void del(const std::string& label, SimpleHandler handler);

  const http::Router& router() const { return router_; }
  // Every route's label, in registration order.
  std::vector<std::string> labels() const { return router_.labels(); }

 private:
  http::Router router_;
};

// State the route handlers share.
struct ApiContext {
  Node& node;
  HttpOptions options;
  HttpMetrics& metrics;
  std::atomic<bool>& stopping;
  RequestAuthenticator& auth;
  content::BlockStore* blocks = nullptr;  // null: content routes answer 503
  // Cluster content replication (node/content_replication.hpp); with it, `blocks` reads fall
  // back to the peers and `local_blocks` is this node's own store. Null without a blockstore.
  ContentReplication* replication = nullptr;
  content::BlockStore* local_blocks = nullptr;
  // The front, for its counters in /metrics (set once the server is built).
  const http::Server* http = nullptr;
  // Submits checkpoints to the configured witnesses; null without witnesses.
  WitnessSubmitter* witnesses = nullptr;
};

// --- Signed routes: requests made on someone's behalf -----------------------------------------
//
// Every route that writes, or reads anything private, is registered with one of these wrappers:
//
//   routes.post("POST /v1/things",
//               signed_post(ctx, [&ctx](SignedRequest& req, http::Response& res) {
//                 // req.body: the whole body; req.signer.did: who asked (authorize on it)
//               }));
//   routes.get("GET /v1/things/{id}", R"(/v1/things/([^/]+))", signed_get(ctx, handler));
//
// The wrapper reads the body (413 over HttpOptions::max_body_bytes), checks the RFC 9421
// signature against the node's current state (request_auth.hpp) and answers 401 with a problem
// document naming the failed rule; the handler runs only for an authenticated request. Public
// reads (checkpoints, proofs, blocks, DID resolution, health, metrics) use plain handlers.
struct SignedRequest {
  const http::Request& http;  // method, path, params, matches, headers
  const std::string& body;
  AuthenticatedSigner signer;
};
using SignedHandler = std::function<void(SignedRequest& request, http::Response& res)>;

http::Handler signed_post(ApiContext& ctx, SignedHandler handler);
RouteTable::SimpleHandler signed_get(ApiContext& ctx, SignedHandler handler);
// The request as the signature sees it (authority from the Host header). The body is borrowed,
// not copied: `body` must outlive the returned HttpRequest.
HttpRequest signature_view(const http::Request& req, const std::string& body);

void send_json(http::Response& res, int status, const nlohmann::json& body);
void send_problem(http::Response& res, const Problem& problem);
void send_error(http::Response& res, const Error& error);

void add_tx_routes(RouteTable& routes, ApiContext& ctx);
void add_ledger_routes(RouteTable& routes, ApiContext& ctx);
void add_ops_routes(RouteTable& routes, ApiContext& ctx);
void add_did_routes(RouteTable& routes, ApiContext& ctx);
void add_org_routes(RouteTable& routes, ApiContext& ctx);
void add_peer_routes(RouteTable& routes, ApiContext& ctx);
// Content: the IPFS trustless gateway (routes_ipfs.cpp), the Kubo RPC subset (routes_kubo.cpp),
// signed block uploads and pins (routes_blocks.cpp).
void add_ipfs_routes(RouteTable& routes, ApiContext& ctx);
void add_kubo_routes(RouteTable& routes, ApiContext& ctx);
void add_block_routes(RouteTable& routes, ApiContext& ctx);
void add_record_routes(RouteTable& routes, ApiContext& ctx);
void add_consent_routes(RouteTable& routes, ApiContext& ctx);
void add_emergency_routes(RouteTable& routes, ApiContext& ctx);
// Node-to-node content: GET /v1/peer/blocks/{cid}, POST /v1/peer/replicas/{cid}.
void add_peer_content_routes(RouteTable& routes, ApiContext& ctx);
// Before a record anchor (type 30) is submitted: its content must reach replication.copies
// nodes (anchor_replication.cpp). Ok for every other transaction.
// Errc::conflict: the content is not on this node; Errc::unavailable: too few nodes hold it.
[[nodiscard]] Status check_anchor_replication(ApiContext& ctx, ByteView encoded_tx);
std::string render_replication_metrics(const ReplicationStats& stats);

}  // namespace pv::api
