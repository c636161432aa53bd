#pragma once
// Node configuration: flags override the config file, which overrides defaults.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "identity/passphrase.hpp"
#include "identity/wallet_crypto.hpp"
#include "ordering/embedded_sequencer.hpp"

namespace pv {

// Supplies the passphrase that encrypts the node key (node_key.hpp); `creating` is true when a
// new key file is about to be written (a terminal prompt then asks twice).
using NodeKeyPassphrase = std::function<Result<Passphrase>(bool creating)>;

struct NodeConfig {
  std::string data_dir = "./pv-data";
  std::string listen = "127.0.0.1:7600";
  std::string genesis_file;   // empty: first start creates a single-node development network
  std::string network = "pv-local";  // network name for a generated genesis
  CutPolicy cutting;         // when the embedded sequencer cuts a block
  bool sync_writes = true;    // fsync every block before acknowledging (never off in production)
  std::uint32_t http_threads = 0;  // 0: one per core, at least 4
  NodeKeyPassphrase key_passphrase;  // required: Node::open refuses to start without it
  KdfParams key_kdf = KdfParams::moderate();  // Argon2id cost for a newly written node key file
};

}  // namespace pv
