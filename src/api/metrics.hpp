#pragma once
// Prometheus text exposition (format 0.0.4) of the node's counters plus the HTTP layer's own:
// requests by route and status, and submissions the API refused before they reached the node.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "http/server.hpp"
#include "node/node.hpp"

namespace pv::api {

inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

class HttpMetrics {
 public:
  // Thread-safe.
  void record_request(const std::string& method, const std::string& route, int status);
  // A transaction (or a whole body) refused before it reached the node.
  void record_refused_submission(std::uint64_t n = 1) { refused_ += n; }

  std::string render(const NodeMetrics& node) const;

 private:
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::atomic<std::uint64_t> refused_{0};
};

// The HTTP front's own counters: refusals by reason, internal errors, connections, queue.
std::string render_http_front(const http::Server& server);
// A Prometheus label value: backslash, double quote and newline escaped (exposition 0.0.4).
std::string escape_label(std::string_view v);

}  // namespace pv::api
