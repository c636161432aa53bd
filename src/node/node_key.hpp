#pragma once
// The node's Ed25519 key: seals blocks and signs checkpoints. Kept in <data-dir>/node-key.json
// (the key file format of node/key_file.hpp, mode 0600). Encrypting it at rest arrives with the
// wallet work.

#include <string>

#include "crypto/ed25519.hpp"

namespace pv {

// Loads the key file, or creates it with a fresh key when it does not exist.
[[nodiscard]] Result<SigningKey> load_or_create_node_key(const std::string& path);

}  // namespace pv
