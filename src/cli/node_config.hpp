#pragma once
// Node settings for `pv node start`: defaults (NodeConfig), then the JSON config file, then
// flags; each later source overrides the earlier. Keys: docs/configuration.md.

#include <optional>
#include <string>

#include "base/result.hpp"
#include "node/config.hpp"

namespace pv::cli {

// Settings given on the command line; unset ones leave the file's or the default value.
struct NodeFlags {
  std::optional<std::string> data_dir, listen, genesis, network;
  std::optional<std::uint32_t> block_max_tx, block_max_bytes, block_timeout_ms, http_threads;
};

// Applies the JSON config file at `path` to `config`. Unknown keys are an error (they are
// usually typos that would silently keep a default).
[[nodiscard]] Status apply_config_file(const std::string& path, NodeConfig& config);
void apply_flags(const NodeFlags& flags, NodeConfig& config);

}  // namespace pv::cli
