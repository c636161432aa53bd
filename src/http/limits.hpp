#pragma once
// Every limit and timeout of the HTTP front, with its default. Each is a `pv node start` flag
// and a line of docs/configuration.md; a request over a limit is refused with the status named
// here and counted in /metrics (pv_http_refusals_total{reason}).

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace pv::http {

struct Limits {
  // Threads that read and write sockets (0: one per core, at most 4). They never run a handler.
  std::uint32_t io_threads = 0;
  // Threads that run route handlers (0: 32; a handler may wait on a block being committed).
  std::uint32_t worker_threads = 0;
  // Requests read in full and waiting for a worker; beyond it: 503 with Retry-After.
  std::size_t queue_capacity = 1024;

  // Open connections; beyond it a new connection is answered 503 and closed.
  std::size_t max_connections = 16'384;
  // Open connections from one client address; beyond it: 429 and closed.
  std::size_t max_connections_per_address = 1'024;

  // From a connection's first byte (or its accept) to the end of a request's headers: 408.
  std::chrono::milliseconds header_timeout{10'000};
  // Longest silence while a body is being received: 408.
  std::chrono::milliseconds body_timeout{30'000};
  // Longest wait for a kept-alive connection's next request; then closed quietly.
  std::chrono::milliseconds idle_timeout{75'000};
  // Longest stall while an answer is being written (a client that stops reading); then closed.
  std::chrono::milliseconds write_timeout{30'000};

  std::size_t max_url_bytes = 8 * 1024;      // request-target; beyond: 414
  std::size_t max_header_bytes = 32 * 1024;  // all header lines together; beyond: 431
  std::size_t max_header_count = 100;        // header lines; beyond: 431
  // A buffered request body (every route but the streamed Kubo add); beyond: 413.
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  // Buffered bodies of all connections together, so that many large uploads at once cannot
  // exhaust memory; beyond: 503 with Retry-After.
  std::size_t max_buffered_bytes = 256 * 1024 * 1024;

  // Resolved defaults (0 replaced by what the machine has).
  std::uint32_t resolved_io_threads() const;
  std::uint32_t resolved_worker_threads() const;
};

}  // namespace pv::http
