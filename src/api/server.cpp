#include "api/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "api/attestation_routes.hpp"
#include "api/kubo_rpc_support.hpp"
#include "api/metrics.hpp"
#include "api/routes.hpp"
#include "http/server.hpp"
#include "node/content_replication.hpp"
#include "node/replay_journal.hpp"

namespace pv::api {

// --- shared helpers (declared in routes.hpp) ---

void RouteTable::get(const std::string& label, SimpleHandler handler) {
  router_.add(label, [h = std::move(handler)](const http::Request& req, http::Response& res,
                                              const http::ContentReader&) { h(req, res); });
}

void RouteTable::del(const std::string& label, SimpleHandler handler) {
  get(label, std::move(handler));
}

void RouteTable::post(const std::string& label, http::Handler handler, http::BodyMode body) {
  router_.add(label, std::move(handler), body);
}

namespace {

// Text taken from a request is checked before it reaches a route, but a body or a stored value
// may still carry bytes that are not UTF-8: they are replaced rather than thrown on.
std::string dump_json(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

void send_json(http::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(dump_json(body), "application/json");
}

void send_problem(http::Response& res, const Problem& problem) {
  res.status = problem.status;
  res.set_content(dump_json(problem_to_json(problem)), kProblemContentType);
}

void send_error(http::Response& res, const Error& error) {
  send_problem(res, problem_from_error(error));
}

// --- HttpServer ---

HttpOptions HttpOptions::from(const NodeConfig& config) {
  HttpOptions o;
  o.limits = config.http;
  o.max_body_bytes = config.http.max_body_bytes;
  o.tls_cert_file = config.tls.cert_file;
  o.tls_key_file = config.tls.key_file;
  o.replication_copies = config.replication_copies;
  o.replay_journal_dir = config.data_dir + "/replay-guard";
  o.witnesses = config.witnesses;
  return o;
}

namespace {

bool uses_tls(const HttpOptions& o) {
  return !o.tls_cert_file.empty() || !o.tls_key_file.empty();
}

http::Limits effective_limits(const HttpOptions& o) {
  http::Limits limits = o.limits;
  limits.max_body_bytes = o.max_body_bytes;
  return limits;
}

}  // namespace

struct HttpServer::Impl {
  Node& node;
  HttpOptions options;
  RouteTable routes;
  HttpMetrics metrics;
  std::atomic<bool> stopping{false};
  RequestAuthenticator auth{[this](const std::string& key) { return node.read_state(key); },
                            options.max_signature_skew};
  ApiContext ctx{node, options, metrics, stopping, auth};
  std::unique_ptr<http::Server> server;

  std::unique_ptr<ContentReplication> replication;
  std::unique_ptr<RocksReplayJournal> replay_journal;
  std::unique_ptr<WitnessSubmitter> witnesses;

  Impl(Node& n, HttpOptions o, content::BlockStore* blocks) : node(n), options(std::move(o)) {
    ctx.blocks = blocks;
    ctx.local_blocks = blocks;
    if (blocks != nullptr) {
      // At most half the workers wait on peers, so the rest can serve their calls back.
      replication = std::make_unique<ContentReplication>(
          node, *blocks,
          options.replication_copies.value_or(default_replication_copies(node.info())),
          std::max<std::size_t>(1, effective_limits(options).resolved_worker_threads() / 2));
      ctx.replication = replication.get();
      // In a cluster, content reads fall back to the peers.
      if (node.peer_client() != nullptr) ctx.blocks = &replication->store();
    }
    if (!options.witnesses.empty()) {
      witnesses = std::make_unique<WitnessSubmitter>(node, options.witnesses);
      ctx.witnesses = witnesses.get();
    }
  }

  // Every refusal of the front is a problem document, except on the Kubo RPC routes, whose
  // clients parse Kubo's own error shape.
  void shape_refusal(const std::string& path, const http::Refused& refused, http::Response& res) {
    const int status = res.status;
    if (path.rfind("/api/v0/", 0) == 0) {
      kubo_error(res, make_error(status == 413 ? Errc::too_large : Errc::invalid_argument,
                                 refused.detail));
      res.status = status;
      return;
    }
    send_problem(res, http_problem(status, refused.detail));
  }
};

HttpServer::HttpServer(Node& node, HttpOptions options, content::BlockStore* blocks)
    : impl_(std::make_unique<Impl>(node, std::move(options), blocks)) {
  Impl& s = *impl_;
  add_tx_routes(s.routes, s.ctx);
  add_ledger_routes(s.routes, s.ctx);
  add_ops_routes(s.routes, s.ctx);
  add_did_routes(s.routes, s.ctx);
  add_org_routes(s.routes, s.ctx);
  add_peer_routes(s.routes, s.ctx);
  add_ipfs_routes(s.routes, s.ctx);
  add_kubo_routes(s.routes, s.ctx);
  add_block_routes(s.routes, s.ctx);
  add_record_routes(s.routes, s.ctx);
  add_consent_routes(s.routes, s.ctx);
  add_emergency_routes(s.routes, s.ctx);
  add_attestation_routes(s.routes, s.ctx);
  add_peer_content_routes(s.routes, s.ctx);

  http::Hooks hooks;
  hooks.refusal = [&s](const std::string& path, const http::Refused& refused, http::Response& res) {
    s.shape_refusal(path, refused, res);
  };
  hooks.answered = [&s](const std::string& method, const std::string& label, int status) {
    s.metrics.record_request(method, label, status);
  };
  hooks.internal_error = [](const http::Request& req, const std::string& what) {
    spdlog::error("http: {} {} failed: {}", printable_excerpt(req.method),
                  printable_excerpt(req.path, 200), printable_excerpt(what, 400));
  };
  http::TlsFiles tls{s.options.tls_cert_file, s.options.tls_key_file};
  s.server = std::make_unique<http::Server>(s.routes.router(), effective_limits(s.options),
                                            std::move(tls), std::move(hooks));
  s.ctx.http = s.server.get();
}

HttpServer::~HttpServer() {
  stop();
}

Result<int> HttpServer::bind(const std::string& host, int port) {
  Impl& s = *impl_;
  if (uses_tls(s.options) && (s.options.tls_cert_file.empty() || s.options.tls_key_file.empty()))
    return make_error(Errc::invalid_argument,
                      "cannot serve HTTPS with certificate \"" + s.options.tls_cert_file +
                          "\" and key \"" + s.options.tls_key_file +
                          "\": both must be readable PEM files and the key must match the "
                          "certificate");
  if (!s.options.replay_journal_dir.empty() && !s.replay_journal) {
    auto journal = RocksReplayJournal::open(s.options.replay_journal_dir);
    if (!journal) return journal.error();
    PV_TRY(s.auth.persist_replays(**journal));
    s.replay_journal = std::move(*journal);
  }
  return s.server->bind(host, port);
}

Status HttpServer::serve() {
  Impl& s = *impl_;
  if (s.stopping) return Status::ok();
  return s.server->serve();
}

Status HttpServer::listen(const std::string& host, int port) {
  auto bound = bind(host, port);
  if (!bound) return bound.error();
  return serve();
}

void HttpServer::stop() {
  if (!impl_) return;
  impl_->stopping = true;
  impl_->server->stop();
}

int HttpServer::port() const {
  return impl_->server->port();
}

const char* HttpServer::scheme() const {
  return uses_tls(impl_->options) ? "https" : "http";
}

std::vector<std::string> HttpServer::route_labels() const {
  return impl_->routes.labels();
}

const http::Router& HttpServer::router() const {
  return impl_->routes.router();
}

Result<std::pair<std::string, int>> parse_listen_address(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return make_error(Errc::invalid_argument,
                      "listen address must be HOST:PORT, got \"" + printable_excerpt(text) + "\"");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = parse_decimal(text.substr(colon + 1), "port");
  if (!port || *port > 65535)
    return make_error(Errc::invalid_argument, "listen port must be 0..65535, got \"" +
                                                  printable_excerpt(text.substr(colon + 1)) + "\"");
  return std::pair{host, static_cast<int>(*port)};
}

}  // namespace pv::api
