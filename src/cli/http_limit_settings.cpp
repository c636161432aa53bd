#include "cli/http_limit_settings.hpp"

namespace pv::cli {
namespace {

using Ms = std::chrono::milliseconds;
constexpr std::uint64_t kDay = 24ull * 3600 * 1000;
constexpr std::uint64_t kGiB = 1ull << 30;

template <class Field>
HttpLimitSetting count(const char* key, const char* help, std::uint64_t min, std::uint64_t max,
                       Field http::Limits::*field) {
  return {key, help, min, max,
          [field](const http::Limits& l) { return static_cast<std::uint64_t>(l.*field); },
          [field](http::Limits& l, std::uint64_t v) { l.*field = static_cast<Field>(v); }};
}

HttpLimitSetting millis(const char* key, const char* help, Ms http::Limits::*field) {
  return {key, help, 100, kDay,
          [field](const http::Limits& l) { return static_cast<std::uint64_t>((l.*field).count()); },
          [field](http::Limits& l, std::uint64_t v) { l.*field = Ms(v); }};
}

}  // namespace

const std::vector<HttpLimitSetting>& http_limit_settings() {
  static const std::vector<HttpLimitSetting> settings = {
      count("http-threads", "threads that run request handlers (0: 32)", 0, 1024,
            &http::Limits::worker_threads),
      count("http-io-threads", "threads that read and write sockets (0: one per core, at most 4)",
            0, 64, &http::Limits::io_threads),
      count("http-queue-capacity", "requests waiting for a handler thread; beyond: 503", 1,
            1'000'000, &http::Limits::queue_capacity),
      count("http-max-connections", "open connections; beyond: 503 and closed", 1, 1'000'000,
            &http::Limits::max_connections),
      count("http-max-connections-per-address",
            "open connections from one client address; beyond: 429 and closed", 1, 1'000'000,
            &http::Limits::max_connections_per_address),
      millis("http-header-timeout-ms", "time to send a request's headers; then 408",
             &http::Limits::header_timeout),
      millis("http-body-timeout-ms", "longest pause inside a request body; then 408",
             &http::Limits::body_timeout),
      millis("http-idle-timeout-ms", "how long an idle kept-alive connection stays open",
             &http::Limits::idle_timeout),
      millis("http-write-timeout-ms", "longest stall writing an answer; then closed",
             &http::Limits::write_timeout),
      count("http-max-url-bytes", "request-target length; beyond: 414", 256, 1 << 20,
            &http::Limits::max_url_bytes),
      count("http-max-header-bytes", "all header lines together; beyond: 431", 1024, 1 << 20,
            &http::Limits::max_header_bytes),
      count("http-max-headers", "header lines per request; beyond: 431", 8, 10'000,
            &http::Limits::max_header_count),
      count("http-max-body-bytes", "request body size (all routes but Kubo add); beyond: 413",
            1024, 4 * kGiB, &http::Limits::max_body_bytes),
      count("http-max-buffered-bytes",
            "request bodies held in memory across connections; beyond: 503", 1 << 20, 64 * kGiB,
            &http::Limits::max_buffered_bytes),
  };
  return settings;
}

Status apply_http_limit(const HttpLimitSetting& setting, std::uint64_t value,
                        http::Limits& limits) {
  if (value < setting.min || value > setting.max)
    return make_error(Errc::invalid_argument, std::string(setting.key) + " must be between " +
                                                  std::to_string(setting.min) + " and " +
                                                  std::to_string(setting.max) + ", got " +
                                                  std::to_string(value));
  setting.set(limits, value);
  return Status::ok();
}

}  // namespace pv::cli
