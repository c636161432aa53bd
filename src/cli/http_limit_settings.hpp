#pragma once
// The HTTP front's limits as `pv node start` flags and config-file keys (the same name, e.g.
// --http-max-connections and "http-max-connections"): one table, so that a new limit gets its
// flag, its key and its help line together. docs/configuration.md lists them.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "http/limits.hpp"

namespace pv::cli {

struct HttpLimitSetting {
  const char* key;  // config key; the flag is "--" + key
  const char* help;
  std::uint64_t min;  // smallest accepted value (0 where 0 means "choose for me")
  std::uint64_t max;
  std::function<std::uint64_t(const http::Limits&)> get;
  std::function<void(http::Limits&, std::uint64_t)> set;
};

const std::vector<HttpLimitSetting>& http_limit_settings();

// Sets `key` to `value` after checking its range; Errc::invalid_argument names the range.
[[nodiscard]] Status apply_http_limit(const HttpLimitSetting& setting, std::uint64_t value,
                                      http::Limits& limits);

}  // namespace pv::cli
