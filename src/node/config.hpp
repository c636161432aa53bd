#pragma once
// Node configuration: flags override the config file, which overrides defaults.

#include <chrono>
#include <cstdint>
#include <string>

namespace pv {

struct BlockCutting {
  std::uint32_t max_transactions = 2000;       // cut when this many are queued
  std::uint32_t max_bytes = 4 * 1024 * 1024;  // or when their encodings reach this size
  std::chrono::milliseconds timeout{20};       // or when the oldest has waited this long
};

struct NodeConfig {
  std::string data_dir = "./pv-data";
  std::string listen = "127.0.0.1:7600";
  std::string genesis_file;   // empty: first start creates a single-node development network
  std::string network = "pv-local";  // network name for a generated genesis
  BlockCutting cutting;
  bool sync_writes = true;    // fsync every block before acknowledging (never off in production)
  std::uint32_t http_threads = 0;  // 0: one per core, at least 4
};

}  // namespace pv
