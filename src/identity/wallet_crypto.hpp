#pragma once
// The cryptography of a wallet file: Argon2id (libsodium crypto_pwhash, ALG_ARGON2ID13) turns a
// passphrase and a per-write random salt into a 32-byte file key; XChaCha20-Poly1305-IETF seals
// the secrets under that key with a per-write random nonce and the public header as associated
// data. No primitive is implemented here; everything is libsodium.

#include <cstdint>
#include <string_view>

#include "base/bytes.hpp"

namespace pv {

// Argon2id cost parameters as stored in a wallet file.
struct KdfParams {
  std::uint64_t opslimit = 0;  // passes over memory
  std::uint64_t memlimit = 0;  // bytes

  // libsodium MODERATE (3 passes, 256 MiB; ~0.6 s here): the default for real wallets.
  static KdfParams moderate();
  // libsodium INTERACTIVE (2 passes, 64 MiB; ~0.1 s here): the floor for writing. Tests use it
  // to stay fast; it is weaker against offline guessing, so production code should not.
  static KdfParams interactive();
  friend bool operator==(const KdfParams&, const KdfParams&) = default;
};

// Bounds checked on every read, before anything is allocated: a hostile file must not make us
// allocate more than 1 GiB or spin for minutes. opslimit 10 is 2.5x libsodium SENSITIVE.
inline constexpr std::uint64_t kMaxKdfMemlimit = 1ull << 30;
inline constexpr std::uint64_t kMaxKdfOpslimit = 10;

// Accepts libsodium's minimum up to the caps above (a file we did not write may be weaker than
// we would write; it only weakens itself).
[[nodiscard]] Status check_kdf_params_for_read(const KdfParams& p);
// Writing additionally requires at least INTERACTIVE.
[[nodiscard]] Status check_kdf_params_for_write(const KdfParams& p);

using WalletSalt = FixedBytes<16>;                  // crypto_pwhash_SALTBYTES
using WalletNonce = FixedBytes<24>;                 // crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
inline constexpr std::size_t kWalletTagBytes = 16;  // crypto_aead_xchacha20poly1305_ietf_ABYTES

// Owns secret bytes; wiped with sodium_memzero on destruction and on move. Not copyable.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t n) : bytes_(n, 0) {}
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  ByteView view() const { return bytes_; }
  void wipe();

 private:
  Bytes bytes_;
};

// The 32-byte key derived from a passphrase; wiped on destruction.
using WalletFileKey = SecretBytes;

// Runs Argon2id. Refuses parameters outside the read bounds (so never allocates more than
// kMaxKdfMemlimit) and empty passphrases.
[[nodiscard]] Result<WalletFileKey> derive_wallet_file_key(std::string_view passphrase,
                                                           const KdfParams& params,
                                                           const WalletSalt& salt);

// Encrypts `plaintext`; the result is ciphertext || 16-byte tag.
Bytes wallet_seal(const WalletFileKey& key, const WalletNonce& nonce, ByteView plaintext,
                  ByteView associated_data);
// Decrypts and authenticates; any change to key, nonce, ciphertext or associated data gives
// Errc::unauthorized and no plaintext.
[[nodiscard]] Result<SecretBytes> wallet_open(const WalletFileKey& key, const WalletNonce& nonce,
                                              ByteView ciphertext, ByteView associated_data);

}  // namespace pv
