#pragma once
// Node settings for `pv node start`: defaults (NodeConfig), then the JSON config file, then
// flags; each later source overrides the earlier. Keys: docs/configuration.md.

#include <map>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "node/config.hpp"

namespace pv::cli {

// Settings given on the command line; unset ones leave the file's or the default value.
struct NodeFlags {
  std::optional<std::string> data_dir, listen, genesis, network;
  std::optional<std::uint32_t> block_max_tx, block_max_bytes, block_timeout_ms;
  std::optional<std::string> ordering, etcd_endpoints, etcd_ca, etcd_cert, etcd_key, advertise_url, peer_ca;
  std::optional<std::string> tls_cert, tls_key;
  std::optional<std::uint64_t> etcd_retain_revisions, etcd_compact_min_revisions, peer_check_interval_ms;
  std::optional<std::uint32_t> replication_copies;
  // HTTP limits given as flags, by key (http_limit_settings.hpp).
  std::map<std::string, std::uint64_t> http_limits;
};

// "http://a:2379,http://b:2379" -> endpoints; refuses empty entries and non-http(s) URLs.
[[nodiscard]] Result<std::vector<std::string>> parse_endpoints(const std::string& text);
// Checks the settings that depend on each other (ordering mode and endpoints).
[[nodiscard]] Status check_node_config(const NodeConfig& config);

// Applies the JSON config file at `path` to `config`. Unknown keys are an error (they are
// usually typos that would silently keep a default).
[[nodiscard]] Status apply_config_file(const std::string& path, NodeConfig& config);
[[nodiscard]] Status apply_flags(const NodeFlags& flags, NodeConfig& config);

}  // namespace pv::cli
