#pragma once
// The HTTP API of a node (docs/api.md): JSON bodies, RFC 9457 problem documents for every error,
// Prometheus text at /metrics. A thin layer: every request becomes one or a few calls on Node.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "http/limits.hpp"
#include "http/router.hpp"
#include "node/config.hpp"

namespace pv {
class Node;
namespace content {
class BlockStore;
}
}  // namespace pv

namespace pv::api {

struct HttpOptions {
  // Threads, timeouts and size limits of the HTTP front (http/limits.hpp; docs/configuration.md).
  http::Limits limits;
  std::size_t max_body_bytes = 16 * 1024 * 1024;  // larger request bodies get 413
  std::size_t max_batch = 10'000;                 // transactions per POST /v1/tx
  std::chrono::milliseconds max_wait{60'000};     // cap on ?wait=true&timeout_ms=
  std::chrono::milliseconds default_wait{30'000};
  // Signed requests: `created` may differ from the node's clock by at most this much.
  std::chrono::seconds max_signature_skew{300};
  // HTTPS: both set serves TLS only (OpenSSL), with this certificate chain and private key
  // (PEM files). Both empty: plain HTTP.
  std::string tls_cert_file, tls_key_file;
  // Nodes that must hold a record's content before its anchor is accepted (NodeConfig); unset:
  // default_replication_copies() of the genesis. Applies only with a blockstore.
  std::optional<std::uint32_t> replication_copies;
  // Where accepted request signatures are journaled so that a restart does not forget them
  // (<data-dir>/replay-guard for a node); empty: remembered in memory only.
  std::string replay_journal_dir;
  // Witnesses to submit checkpoints to (docs/audit.md); GET /v1/checkpoint appends their
  // cosignatures.
  std::vector<WitnessConfig> witnesses;

  static HttpOptions from(const NodeConfig& config);
};

class HttpServer {
 public:
  // `node` (and `blocks`, when given) must outlive the server. Without a blockstore the content
  // routes (/ipfs, /api/v0, /v1/blocks, /v1/pins) answer 503.
  explicit HttpServer(Node& node, HttpOptions options = {}, content::BlockStore* blocks = nullptr);
  ~HttpServer();  // stops serving
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; port 0 picks a free port. Returns the bound port (an error, too,
  // when the TLS certificate or key cannot be loaded). Connections queue from here on, so a
  // caller may announce readiness before serve() runs.
  [[nodiscard]] Result<int> bind(const std::string& host, int port);
  // Serves until stop(). REQUIRES: bind() succeeded.
  [[nodiscard]] Status serve();
  // bind() then serve().
  [[nodiscard]] Status listen(const std::string& host, int port);
  // Stops accepting and ends pending ?wait=true requests early; serve() returns once the
  // in-flight requests are answered. Safe from any thread; idempotent. The caller joins the
  // thread that runs serve() before destroying the server.
  void stop();
  int port() const;
  // "https" with TLS, else "http".
  const char* scheme() const;
  // Every route this server answers, as "METHOD /path/{param}" in registration order (the
  // labels of docs/openapi.yaml's operations, checked against it by tests/e2e/openapi_test.cpp).
  std::vector<std::string> route_labels() const;
  // The routes as the front dispatches them (for the front's fuzz target, which drives requests
  // through http::admit and these handlers without sockets).
  const http::Router& router() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "HOST:PORT" (or "[v6]:PORT"). Port 0 is allowed (ephemeral).
[[nodiscard]] Result<std::pair<std::string, int>> parse_listen_address(const std::string& text);

}  // namespace pv::api
