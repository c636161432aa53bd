#pragma once
// The identity file format (`<name>.pvid`, JSON; docs/wallet.md):
//
//   {"format": "pv-identity", "version": 1,
//    "identity": {public metadata},
//    "kdf": {"algorithm": "argon2id13", "opslimit": N, "memlimit": N, "salt": base64},
//    "secrets": {"algorithm": "xchacha20poly1305-ietf", "nonce": base64, "ciphertext": base64}}
//
// Invariant: the associated data of the AEAD is the canonical re-encoding of everything but
// "secrets" (format, version, identity, kdf), so no clear field can be edited, swapped between
// files or downgraded without unlock failing. Parsing is strict: unknown or missing fields,
// wrong types, non-canonical base64 and out-of-bounds KDF parameters are refused before any
// key derivation or allocation beyond the file itself.

#include <filesystem>
#include <string>

#include "identity/wallet_crypto.hpp"
#include "identity/wallet_identity.hpp"

namespace pv {

inline constexpr int kIdentityFileVersion = 1;
inline constexpr std::size_t kMaxIdentityFileBytes = 1 << 20;
inline constexpr std::string_view kIdentityFileSuffix = ".pvid";

struct IdentityFile {
  IdentityMetadata identity;
  KdfParams kdf;
  WalletSalt salt;
  WalletNonce nonce;
  Bytes ciphertext;  // sealed secrets || tag
};

std::string encode_identity_file(const IdentityFile& file);
[[nodiscard]] Result<IdentityFile> parse_identity_file(std::string_view text);
// The exact bytes authenticated as associated data.
Bytes identity_file_associated_data(const IdentityFile& file);

// Encrypts `secrets` for `identity` under `passphrase` with a fresh random salt and nonce.
[[nodiscard]] Result<IdentityFile> seal_identity(const IdentityMetadata& identity,
                                                 const IdentitySecrets& secrets,
                                                 std::string_view passphrase,
                                                 const KdfParams& params);
// Decrypts with an already derived key (`derive_wallet_file_key(passphrase, file.kdf,
// file.salt)`); checks that the seeds give exactly the metadata's public keys. Errc::unauthorized
// when the key or any authenticated byte is wrong.
[[nodiscard]] Result<IdentitySecrets> open_identity(const IdentityFile& file,
                                                    const WalletFileKey& key);

// Reads a file of at most kMaxIdentityFileBytes.
[[nodiscard]] Result<std::string> read_identity_file_text(const std::filesystem::path& path);
// Writes atomically: a temporary file (mode 0600, O_EXCL) in the same directory, fsync, then
// rename (replace) or link (no replace: fails with Errc::conflict if `path` exists), then fsync
// of the directory. Readers see the old file or the new one, never a mix.
[[nodiscard]] Status write_identity_file_text(const std::filesystem::path& path,
                                              std::string_view text, bool replace);

}  // namespace pv
