#pragma once
// The data key of one encrypted object and how it travels: a fresh random 32-byte key per
// object, wrapped for each reader as an X25519 sealed box to the reader's key-agreement key
// (identity/key_wrap.hpp: the did:key keyAgreement key of their Ed25519 identity key).
//
// Invariant: an unwrapped DataKey exists only on the client (this level is never linked into
// the node; scripts/check-levels.sh ranks it above `api`).

#include "crypto/ed25519.hpp"
#include "identity/key_wrap.hpp"

namespace pv {

inline constexpr std::size_t kDataKeyBytes = 32;  // an XChaCha20-Poly1305 key
using WrappedDataKey = SealedKey;                 // 80 bytes

// A symmetric data key. Wiped on destruction; copyable only explicitly.
class DataKey {
 public:
  static DataKey generate();
  // For tests and for keys that were unwrapped elsewhere.
  [[nodiscard]] static Result<DataKey> from(ByteView raw);
  ~DataKey();
  DataKey(const DataKey&);
  DataKey& operator=(const DataKey&);

  const std::uint8_t* data() const { return key_.data(); }
  ByteView view() const { return key_.view(); }

 private:
  DataKey() = default;
  FixedBytes<kDataKeyBytes> key_;
};

// Seals `key` for the holder of `recipient`'s secret key. Randomized: two wraps differ.
[[nodiscard]] Result<WrappedDataKey> wrap_data_key(const DataKey& key, const PublicKey& recipient);

// Opens a wrapped key with the recipient's Ed25519 signing key. Errc::unauthorized when the key
// was wrapped for someone else or the wrapped bytes were altered.
[[nodiscard]] Result<DataKey> unwrap_data_key(const WrappedDataKey& wrapped,
                                              const SigningKey& recipient);

}  // namespace pv
