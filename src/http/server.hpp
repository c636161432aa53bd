#pragma once
// The HTTP/1.1 front of a node, built for hostile networks (docs/http-front.md): Boost.Beast on
// Asio, a few I/O threads holding thousands of connections, route handlers on a worker pool
// behind a bounded queue, and a limit or timeout on everything a client controls (limits.hpp).
// It answers RFC 9110/9112: keep-alive and pipelined requests in order, half-closed requests
// answered, strict parsing; every refusal is counted and shaped by Hooks::refusal.
//
// Thread safety: bind/serve/stop as documented; everything else is internal.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "http/limits.hpp"
#include "http/message.hpp"
#include "http/refusal.hpp"
#include "http/router.hpp"

namespace pv::http {

struct Hooks {
  // Shapes the answer to a refusal (status already set in `res`) for the request path it
  // concerns ("" when no path is known yet). Must not throw.
  std::function<void(const std::string& path, const Refused& refused, Response& res)> refusal;
  // After each answer, for metrics: the route's label ("unmatched" when none).
  std::function<void(const std::string& method, const std::string& label, int status)> answered;
  // A handler threw: `what` is the exception's message.
  std::function<void(const Request& req, const std::string& what)> internal_error;
};

struct TlsFiles {
  std::string cert_file;  // PEM chain; both empty: plain HTTP
  std::string key_file;
  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

struct ServerStats {
  std::uint64_t open_connections = 0;
  std::uint64_t queued_requests = 0;
  std::uint64_t buffered_bytes = 0;
  std::uint64_t internal_errors = 0;
};

class Server {
 public:
  // `router` must outlive the server and not change once serve() runs.
  Server(const Router& router, Limits limits, TlsFiles tls, Hooks hooks);
  ~Server();  // stop(), then waits for serve() to return if it runs
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (connections queue from here on); port 0 picks a free port. Errors: the
  // address is in use or not local, or the TLS certificate or key cannot be used.
  [[nodiscard]] Result<int> bind(const std::string& host, int port);
  // Serves until stop(): runs the I/O and worker threads. REQUIRES: bind() succeeded.
  [[nodiscard]] Status serve();
  // Stops accepting, closes idle connections, lets requests in progress finish (at most
  // Limits::write_timeout), then serve() returns. Safe from any thread; idempotent.
  void stop();

  int port() const;
  const RefusalCounters& refusals() const;
  ServerStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pv::http
