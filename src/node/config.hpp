#pragma once
// Node configuration: flags override the config file, which overrides defaults.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/limits.hpp"
#include "identity/passphrase.hpp"
#include "identity/wallet_crypto.hpp"
#include "ledger/cosignature.hpp"
#include "ordering/embedded_sequencer.hpp"
#include "ordering/etcd_orderer.hpp"

namespace pv {

// Supplies the passphrase that encrypts the node key (node_key.hpp); `creating` is true when a
// new key file is about to be written (a terminal prompt then asks twice).
using NodeKeyPassphrase = std::function<Result<Passphrase>(bool creating)>;

// The node's HTTPS server: certificate chain and private key, PEM files. Both empty: plain HTTP.
struct NodeTls {
  std::string cert_file;
  std::string key_file;
  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

// A C2SP tlog-witness the node submits its checkpoints to (docs/audit.md): the witness's
// submission URL prefix ("http://auditor.example:7700") and its cosigner key.
struct WitnessConfig {
  std::string url;
  Cosigner cosigner;
};
// Parses "URL=VKEY" (the form of --witness); the vkey is a cosignature/v1 verifier key.
[[nodiscard]] Result<WitnessConfig> parse_witness_config(std::string_view text);

struct NodeConfig {
  std::string data_dir = "./pv-data";
  std::string listen = "127.0.0.1:7600";
  std::string genesis_file;          // empty: first start creates a single-node development network
  std::string network = "pv-local";  // network name for a generated genesis
  CutPolicy cutting;                 // when the embedded sequencer cuts a block
  bool sync_writes = true;  // fsync every block before acknowledging (never off in production)
  // The HTTP front: threads, connection limits, timeouts, size limits (docs/configuration.md).
  http::Limits http;
  NodeKeyPassphrase key_passphrase;           // required: Node::open refuses to start without it
  KdfParams key_kdf = KdfParams::moderate();  // Argon2id cost for a newly written node key file
  std::string ordering = "embedded";          // "embedded" (one node) or "etcd" (a cluster)
  // Cluster mode (docs/cluster.md): etcd endpoints and TLS, housekeeping. `etcd.cutting` is
  // ignored: `cutting` above applies to this node's batches too.
  EtcdOrderingOptions etcd;
  NodeTls tls;                // serve the API over HTTPS (peers too)
  std::string advertise_url;  // this node's API URL for peers; default http(s)://<listen>
  std::chrono::milliseconds peer_check_interval{2000};  // checkpoint exchange with peers
  std::string peer_ca_file;  // CA for https peer URLs (empty: the system's CA store)
  // Content blocks: empty keeps them in <data_dir>/blocks (pack files + RocksDB index); a Kubo
  // RPC URL ("http://127.0.0.1:5001") keeps them on that IPFS node instead.
  std::string blockstore_kubo_url;
  // How long the local store keeps an unpinned block from garbage collection (unset: 24 h).
  std::optional<std::chrono::seconds> blockstore_gc_grace;
  // Record content replication (docs/cluster.md, "Content replication"): how many nodes, this
  // one included, must hold a record's content pinned before its anchor is accepted. Unset: 2 in
  // a cluster (at most the genesis nodes), 1 with embedded ordering. 0: no check at all.
  std::optional<std::uint32_t> replication_copies;
  // Witnesses that cosign this node's checkpoints (--witness URL=VKEY, repeatable).
  std::vector<WitnessConfig> witnesses;
};

}  // namespace pv
