#pragma once
// Ed25519 signatures from libsodium.

#include "base/bytes.hpp"

namespace pv {

using PublicKey = FixedBytes<32>;
using Signature = FixedBytes<64>;
using Seed = FixedBytes<32>;

// A signing key. Holds the secret in memory that is wiped on destruction.
class SigningKey {
 public:
  static SigningKey generate();
  static SigningKey from_seed(const Seed& seed);
  ~SigningKey();
  SigningKey(const SigningKey&);
  SigningKey& operator=(const SigningKey&);

  const PublicKey& public_key() const { return public_key_; }
  // The 32-byte seed; handle as a secret.
  const Seed& seed() const { return seed_; }
  Signature sign(ByteView message) const;

 private:
  SigningKey() = default;
  Seed seed_;
  FixedBytes<64> secret_;  // libsodium's expanded form: seed || public key
  PublicKey public_key_;
};

// True only for a valid signature by `key` over exactly `message`.
[[nodiscard]] bool ed25519_verify(const PublicKey& key, ByteView message, const Signature& sig);

// Fills `out` with cryptographically secure random bytes.
void random_bytes(std::uint8_t* out, std::size_t n);

// Call once before any other crypto function (idempotent, thread-safe).
void crypto_init();

}  // namespace pv
