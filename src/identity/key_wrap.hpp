#pragma once
// Key wrapping on the client side: a 32-byte secret (a record's data key, or a category secret
// key) sealed to one recipient with libsodium's anonymous sealed box (crypto_box_seal: an
// ephemeral X25519 key, X25519 + XSalsa20-Poly1305, 48 bytes of overhead). Only the holder of the
// recipient's X25519 secret opens it; the sender cannot, and nothing tells who sealed it.
//
// A DID's key-agreement key is the X25519 counterpart of its Ed25519 key, derived as the did:key
// method specifies (birational map, crypto_sign_ed25519_pk_to_curve25519); the secret side is
// derived from the Ed25519 seed the same way (crypto_sign_ed25519_sk_to_curve25519). So a
// wallet that holds an Ed25519 signing key can open what was sealed to that key's DID.
//
// Protocol and rationale: docs/consent.md ("How keys follow consent").

#include "crypto/ed25519.hpp"
#include "identity/did_key_document.hpp"

namespace pv {

// A symmetric 32-byte secret: a data key or a category secret key. Handle as a secret.
using SecretKey32 = FixedBytes<32>;
// crypto_box_SEALBYTES (48) + 32.
inline constexpr std::size_t kSealedKeyBytes = 80;
using SealedKey = FixedBytes<kSealedKeyBytes>;

// An X25519 key pair whose secret is wiped on destruction (a category key pair).
class X25519KeyPair {
 public:
  static X25519KeyPair generate();
  // The pair whose secret is `secret` (the public key is computed from it).
  static X25519KeyPair from_secret(const SecretKey32& secret);
  // The key-agreement pair of an Ed25519 signing key (the did:key derivation).
  static X25519KeyPair from_signing_key(const SigningKey& key);
  ~X25519KeyPair();
  X25519KeyPair(const X25519KeyPair&);
  X25519KeyPair& operator=(const X25519KeyPair&);

  const X25519PublicKey& public_key() const { return public_key_; }
  const SecretKey32& secret() const { return secret_; }

 private:
  X25519KeyPair() = default;
  X25519PublicKey public_key_;
  SecretKey32 secret_;
};

// A fresh random 32-byte key (a record's data key).
SecretKey32 generate_secret_key();

// Seals `secret` to an X25519 public key.
[[nodiscard]] Result<SealedKey> seal_key(const SecretKey32& secret,
                                         const X25519PublicKey& recipient);
// Seals `secret` to the key-agreement key of an Ed25519 key (a DID's key). Errc::malformed when
// the Ed25519 key has no X25519 counterpart.
[[nodiscard]] Result<SealedKey> seal_key_to_ed25519(const SecretKey32& secret,
                                                    const PublicKey& recipient);

// Opens a sealed key. Errc::bad_signature when it was not sealed to this pair or was altered.
[[nodiscard]] Result<SecretKey32> open_key(const SealedKey& sealed, const X25519KeyPair& recipient);
[[nodiscard]] Result<SecretKey32> open_key(const SealedKey& sealed, const SigningKey& recipient);

}  // namespace pv
