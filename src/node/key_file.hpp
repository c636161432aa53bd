#pragma once
// The signing key file written by `pv keygen`: JSON {"did", "publicKey", "seed"} (hex), mode
// 0600. The seed is stored in the clear; the encrypted wallet (Argon2id) replaces this file in a
// later issue.

#include <string>

#include "crypto/ed25519.hpp"

namespace pv {

struct KeyFile {
  SigningKey key;
  std::string did;
};

// Writes a new key file; refuses to replace an existing file unless `overwrite`.
[[nodiscard]] Status write_key_file(const std::string& path, const SigningKey& key, bool overwrite);
// Reads and checks a key file: the seed must give the stated public key and DID, and the file must
// not be readable by group or others.
[[nodiscard]] Result<KeyFile> read_key_file(const std::string& path);

// Writes `text` to `path` atomically (temporary file, fsync, rename) with the given mode.
[[nodiscard]] Status write_file_atomically(const std::string& path, const std::string& text,
                                           unsigned mode);

}  // namespace pv
