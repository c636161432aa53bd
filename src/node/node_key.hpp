#pragma once
// The node's Ed25519 key: seals blocks and signs checkpoints. Stored encrypted in
// <data-dir>/node-key.pvid, the wallet's identity file format (identity/wallet_file.hpp:
// Argon2id + XChaCha20-Poly1305, mode 0600), as a did:key identity named "node". The seed is
// never written in the clear. The passphrase comes from NodeConfig::key_passphrase (`pv node
// start`: --key-passphrase-file, PV_NODE_PASSPHRASE, or a prompt; docs/configuration.md).
//
// A data directory from before encryption holds a plaintext <data-dir>/node-key.json; it is
// encrypted into node-key.pvid on the next start and the plaintext file is overwritten and
// removed.

#include <string>

#include "crypto/ed25519.hpp"
#include "node/config.hpp"

namespace pv {

inline constexpr const char* kNodeKeyFileName = "node-key.pvid";
inline constexpr const char* kLegacyNodeKeyFileName = "node-key.json";

// Loads and decrypts the node key, or creates (and encrypts) a fresh one when there is none.
// A wrong passphrase is Errc::unauthorized with a message naming the file and the sources.
[[nodiscard]] Result<SigningKey> load_or_create_node_key(const std::string& data_dir,
                                                         const NodeKeyPassphrase& passphrase,
                                                         const KdfParams& kdf);

}  // namespace pv
