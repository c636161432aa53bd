#include "api/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <thread>

#include "api/metrics.hpp"
#include "api/routes.hpp"
#include "node/content_replication.hpp"
#include "node/replay_journal.hpp"

namespace pv::api {

// --- shared helpers (declared in routes.hpp) ---

void RouteTable::get(const std::string& label, const std::string& pattern,
                     httplib::Server::Handler handler) {
  routes_.push_back({"GET", label, std::regex(pattern)});
  server_.Get(pattern, std::move(handler));
}

void RouteTable::del(const std::string& label, const std::string& pattern,
                     httplib::Server::Handler handler) {
  routes_.push_back({"DELETE", label, std::regex(pattern)});
  server_.Delete(pattern, std::move(handler));
}

void RouteTable::post(const std::string& label, const std::string& pattern,
                      httplib::Server::HandlerWithContentReader handler) {
  routes_.push_back({"POST", label, std::regex(pattern)});
  server_.Post(pattern, std::move(handler));
}

std::string RouteTable::label(const std::string& method, const std::string& path) const {
  // httplib answers HEAD with the GET handler.
  const std::string& m = method == "HEAD" ? std::string("GET") : method;
  for (const auto& r : routes_)
    if (r.method == m && std::regex_match(path, r.pattern)) return r.label;
  return "unmatched";
}

std::string RouteTable::allowed_methods(const std::string& path) const {
  std::string out;
  for (const auto& r : routes_) {
    if (!std::regex_match(path, r.pattern)) continue;
    if (out.find(r.method) != std::string::npos) continue;
    if (!out.empty()) out += ", ";
    out += r.method;
    if (r.method == "GET") out += ", HEAD";
  }
  return out;
}

std::vector<std::string> RouteTable::labels() const {
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back(r.label);
  return out;
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump() + "\n", "application/json");
}

void send_problem(httplib::Response& res, const Problem& problem) {
  res.status = problem.status;
  res.set_content(problem_to_json(problem).dump() + "\n", kProblemContentType);
}

void send_error(httplib::Response& res, const Error& error) {
  send_problem(res, problem_from_error(error));
}

Result<std::uint64_t> parse_decimal(const std::string& text, const char* what) {
  auto bad = [&] {
    return make_error(Errc::invalid_argument, std::string(what) +
                                                  " must be a decimal unsigned integer, got \"" +
                                                  text.substr(0, 40) + "\"");
  };
  if (text.empty() || text.size() > 20) return bad();
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad();
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return bad();
    v = v * 10 + digit;
  }
  return v;
}

Result<TxId> parse_tx_id(const std::string& text) {
  auto id = TxId::from_hex(text);
  if (!id)
    return make_error(Errc::invalid_argument,
                      "transaction id must be 64 hex characters (SHA-256 of the signed encoding)");
  return *id;
}

// --- HttpServer ---

HttpOptions HttpOptions::from(const NodeConfig& config) {
  HttpOptions o;
  o.threads = config.http_threads;
  o.tls_cert_file = config.tls.cert_file;
  o.tls_key_file = config.tls.key_file;
  o.replication_copies = config.replication_copies;
  o.replay_journal_dir = config.data_dir + "/replay-guard";
  return o;
}

namespace {

bool uses_tls(const HttpOptions& o) {
  return !o.tls_cert_file.empty() || !o.tls_key_file.empty();
}

std::unique_ptr<httplib::Server> make_http_server(const HttpOptions& o) {
  if (!uses_tls(o)) return std::make_unique<httplib::Server>();
  return std::make_unique<httplib::SSLServer>(o.tls_cert_file.c_str(), o.tls_key_file.c_str());
}

std::size_t pool_size(std::uint32_t configured);
}  // namespace

struct HttpServer::Impl {
  Node& node;
  HttpOptions options;
  std::unique_ptr<httplib::Server> owned_server;  // an httplib::SSLServer with TLS
  httplib::Server& server;
  RouteTable routes{server};
  HttpMetrics metrics;
  std::atomic<bool> stopping{false};
  RequestAuthenticator auth{[this](const std::string& key) { return node.read_state(key); },
                            options.max_signature_skew};
  ApiContext ctx{node, options, metrics, stopping, auth};
  int port = 0;
  bool bound = false;

  std::unique_ptr<ContentReplication> replication;
  std::unique_ptr<RocksReplayJournal> replay_journal;

  Impl(Node& n, HttpOptions o, content::BlockStore* blocks)
      : node(n),
        options(std::move(o)),
        owned_server(make_http_server(options)),
        server(*owned_server) {
    ctx.blocks = blocks;
    ctx.local_blocks = blocks;
    if (blocks != nullptr) {
      // At most half the server's threads wait on peers, so the rest can serve their calls back.
      replication = std::make_unique<ContentReplication>(
          node, *blocks,
          options.replication_copies.value_or(default_replication_copies(node.info())),
          pool_size(options.threads) / 2);
      ctx.replication = replication.get();
      // In a cluster, content reads fall back to the peers.
      if (node.peer_client() != nullptr) ctx.blocks = &replication->store();
    }
  }
};

namespace {

std::size_t pool_size(std::uint32_t configured) {
  if (configured != 0) return configured;
  return std::max<std::size_t>(4, std::thread::hardware_concurrency());
}

std::string error_detail(const httplib::Request& req, int status, const HttpOptions& options) {
  switch (status) {
    case 404:
      return "no route for " + req.method + " " + req.path;
    case 413:
      return "request body is larger than the limit of " + std::to_string(options.max_body_bytes) +
             " bytes";
    case 400:
      return "the HTTP request could not be parsed";
    default:
      return std::string("HTTP ") + status_phrase(status);
  }
}

// Routes whose request body is streamed into the blockstore, whatever its size.
bool is_streamed_upload(const std::string& path) {
  return path == "/api/v0/add";
}

}  // namespace

HttpServer::HttpServer(Node& node, HttpOptions options, content::BlockStore* blocks)
    : impl_(std::make_unique<Impl>(node, std::move(options), blocks)) {
  Impl& s = *impl_;
  const std::size_t threads = pool_size(s.options.threads);
  s.server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Answers go out as soon as they are written: with Nagle's algorithm a response written in two
  // parts (headers, body) on a kept-alive connection waited for the client's delayed ACK, about
  // 40 ms per request (measured by bench/consent_read_latency.cpp: 50 ms p50 against 8 ms).
  s.server.set_tcp_nodelay(true);
  // httplib refuses bodies over its limit before routing. Streamed uploads (/api/v0/add) have no
  // size limit, so httplib's is lifted and the pre-routing handler below applies the old one
  // (4 x max_body_bytes) to every other route; bodies between max_body_bytes and that are
  // drained and answered with a clean 413 by the route itself.
  s.server.set_payload_max_length(std::numeric_limits<std::size_t>::max());
  s.server.set_pre_routing_handler([&s](const httplib::Request& req, httplib::Response& res) {
    if (is_streamed_upload(req.path)) return httplib::Server::HandlerResponse::Unhandled;
    const std::string length = req.get_header_value("Content-Length");
    auto declared = parse_decimal(length, "Content-Length");
    if (length.empty() || !declared || *declared <= s.options.max_body_bytes * 4)
      return httplib::Server::HandlerResponse::Unhandled;
    res.set_header("Connection", "close");
    send_problem(res, http_problem(413, error_detail(req, 413, s.options)));
    return httplib::Server::HandlerResponse::Handled;
  });

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
  add_peer_content_routes(s.routes, s.ctx);

  // Every error answer is a problem document, including httplib's own (unknown route, wrong
  // method, unparseable request, body over the hard limit).
  s.server.set_error_handler(httplib::Server::HandlerWithResponse(
      [&s](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        // httplib answers 404 for a known path under another method (400 when such a request has
        // no body length): both are really 405.
        if ((res.status == 404 || res.status == 400) &&
            s.routes.label(req.method, req.path) == "unmatched") {
          std::string allowed = s.routes.allowed_methods(req.path);
          if (!allowed.empty()) {
            res.set_header("Allow", allowed);
            send_problem(res, http_problem(405, req.method + " is not allowed on " + req.path +
                                                    "; use " + allowed));
            return httplib::Server::HandlerResponse::Handled;
          }
        }
        send_problem(res, http_problem(res.status, error_detail(req, res.status, s.options)));
        return httplib::Server::HandlerResponse::Handled;
      }));
  s.server.set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                    std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("http: {} {} failed: {}", req.method, req.path, what);
    send_problem(res, problem_from_error(make_error(Errc::internal, "internal error: " + what)));
  });
  s.server.set_logger([&s](const httplib::Request& req, const httplib::Response& res) {
    s.metrics.record_request(req.method, s.routes.label(req.method, req.path), res.status);
  });
}

HttpServer::~HttpServer() {
  stop();
}

Result<int> HttpServer::bind(const std::string& host, int port) {
  Impl& s = *impl_;
  if (s.bound) return make_error(Errc::invalid_argument, "HTTP server is already bound");
  if (uses_tls(s.options) &&
      (s.options.tls_cert_file.empty() || s.options.tls_key_file.empty() || !s.server.is_valid()))
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
  int bound_port = port;
  if (port == 0) {
    bound_port = s.server.bind_to_any_port(host);
    if (bound_port < 0) bound_port = 0;
  } else if (!s.server.bind_to_port(host, port)) {
    bound_port = 0;
  }
  if (bound_port <= 0)
    return make_error(Errc::io, "cannot listen on " + host + ":" + std::to_string(port) +
                                    " (address in use or not local?)");
  s.port = bound_port;
  s.bound = true;
  return bound_port;
}

Status HttpServer::serve() {
  Impl& s = *impl_;
  if (!s.bound) return make_error(Errc::invalid_argument, "HTTP server is not bound");
  if (s.stopping) return Status::ok();
  if (!s.server.listen_after_bind() && !s.stopping)
    return make_error(Errc::io, "HTTP server stopped unexpectedly");
  return Status::ok();
}

Status HttpServer::listen(const std::string& host, int port) {
  auto bound = bind(host, port);
  if (!bound) return bound.error();
  return serve();
}

void HttpServer::stop() {
  if (!impl_) return;
  impl_->stopping = true;
  impl_->server.stop();
}

int HttpServer::port() const {
  return impl_->port;
}

const char* HttpServer::scheme() const {
  return uses_tls(impl_->options) ? "https" : "http";
}

std::vector<std::string> HttpServer::route_labels() const {
  return impl_->routes.labels();
}

Result<std::pair<std::string, int>> parse_listen_address(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return make_error(Errc::invalid_argument,
                      "listen address must be HOST:PORT, got \"" + text + "\"");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = parse_decimal(text.substr(colon + 1), "port");
  if (!port || *port > 65535)
    return make_error(Errc::invalid_argument,
                      "listen port must be 0..65535, got \"" + text.substr(colon + 1) + "\"");
  return std::pair{host, static_cast<int>(*port)};
}

}  // namespace pv::api
