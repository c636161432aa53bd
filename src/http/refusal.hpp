#pragma once
// Why the front refused a request or a connection, with the status it answers and the counter
// /metrics exposes (pv_http_refusals_total{reason="..."}).

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace pv::http {

enum class Refusal : std::uint8_t {
  malformed,              // 400: unparseable request line or headers, bad escapes, not UTF-8
  missing_host,           // 400: HTTP/1.1 without exactly one Host
  header_timeout,         // 408: headers not complete within Limits::header_timeout
  body_timeout,           // 408: body stalled longer than Limits::body_timeout
  url_too_long,           // 414
  headers_too_large,      // 431: header bytes
  too_many_headers,       // 431: header count
  body_too_large,         // 413
  unsupported_encoding,   // 415: a Content-Encoding on a request body
  bad_expectation,        // 417: an Expect other than 100-continue
  too_many_connections,   // 503: Limits::max_connections
  too_many_from_address,  // 429: Limits::max_connections_per_address
  queue_full,             // 503: Limits::queue_capacity
  memory_budget,          // 503: Limits::max_buffered_bytes
  not_found,              // 404
  method_not_allowed,     // 405
  internal_error,         // 500: a handler threw (a bug; logged)
  kCount
};

inline constexpr std::size_t kRefusalKinds = static_cast<std::size_t>(Refusal::kCount);

const char* refusal_name(Refusal reason);
int refusal_status(Refusal reason);

// A refusal with what to tell the client.
struct Refused {
  Refused(Refusal r, std::string d, std::string a = {}, bool keep = false)
      : reason(r), detail(std::move(d)), allow(std::move(a)), keep_alive(keep) {}
  Refusal reason;
  std::string detail;
  std::string allow;        // 405: the methods served at the path
  bool keep_alive = false;  // the request was read whole: the connection may serve the next one
};

class RefusalCounters {
 public:
  void add(Refusal reason) { counts_[static_cast<std::size_t>(reason)]++; }
  std::uint64_t get(Refusal reason) const { return counts_[static_cast<std::size_t>(reason)]; }

 private:
  std::array<std::atomic<std::uint64_t>, kRefusalKinds> counts_{};
};

}  // namespace pv::http
