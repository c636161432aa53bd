#pragma once
// Helpers for in-process node tests: a temporary data directory and signed anchors.

#include <filesystem>
#include <random>
#include <string>

#include "codec/did_key.hpp"
#include "ledger/anchor.hpp"
#include "node/node.hpp"

namespace pv::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("pv-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// A signed anchor of a random document by `key` with the given nonce.
inline Bytes make_anchor(const NetworkId& network, const SigningKey& key, std::uint64_t nonce,
                         std::optional<Hash32> doc = std::nullopt) {
  Transaction tx;
  tx.type = kTxTypeAnchor;
  tx.signer = did_key_from_public_key(key.public_key());
  tx.nonce = nonce;
  tx.created_ms = now_ms();
  Hash32 h;
  if (doc) h = *doc;
  else random_bytes(h.data(), h.size());
  tx.payload = encode_anchor({h});
  sign_transaction(network, key, tx);
  return encode_transaction(tx);
}

inline NodeConfig test_config(const std::string& dir) {
  NodeConfig c;
  c.data_dir = dir;
  c.cutting.timeout = std::chrono::milliseconds(5);
  c.key_passphrase = [](bool) -> Result<Passphrase> { return Passphrase("node test passphrase"); };
  c.key_kdf = KdfParams::interactive();
  return c;
}

}  // namespace pv::testing
