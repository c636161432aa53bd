#include "identity/key_wrap.hpp"

#include <sodium.h>

namespace pv {

static_assert(kSealedKeyBytes == crypto_box_SEALBYTES + 32);
static_assert(crypto_box_PUBLICKEYBYTES == 32 && crypto_box_SECRETKEYBYTES == 32);

X25519KeyPair X25519KeyPair::generate() {
  SecretKey32 secret;
  random_bytes(secret.data(), secret.size());
  X25519KeyPair pair = from_secret(secret);
  sodium_memzero(secret.data(), secret.size());
  return pair;
}

X25519KeyPair X25519KeyPair::from_secret(const SecretKey32& secret) {
  crypto_init();
  X25519KeyPair pair;
  pair.secret_ = secret;
  crypto_scalarmult_base(pair.public_key_.data(), pair.secret_.data());
  return pair;
}

X25519KeyPair X25519KeyPair::from_signing_key(const SigningKey& key) {
  crypto_init();
  // libsodium's expanded Ed25519 secret (seed || public key), rebuilt from the seed.
  FixedBytes<crypto_sign_SECRETKEYBYTES> expanded;
  PublicKey pk;
  crypto_sign_seed_keypair(pk.data(), expanded.data(), key.seed().data());
  X25519KeyPair pair;
  crypto_sign_ed25519_sk_to_curve25519(pair.secret_.data(), expanded.data());
  sodium_memzero(expanded.data(), expanded.size());
  crypto_scalarmult_base(pair.public_key_.data(), pair.secret_.data());
  return pair;
}

X25519KeyPair::~X25519KeyPair() {
  sodium_memzero(secret_.data(), secret_.size());
}
X25519KeyPair::X25519KeyPair(const X25519KeyPair&) = default;
X25519KeyPair& X25519KeyPair::operator=(const X25519KeyPair&) = default;

SecretKey32 generate_secret_key() {
  SecretKey32 k;
  random_bytes(k.data(), k.size());
  return k;
}

Result<SealedKey> seal_key(const SecretKey32& secret, const X25519PublicKey& recipient) {
  crypto_init();
  SealedKey out;
  if (crypto_box_seal(out.data(), secret.data(), secret.size(), recipient.data()) != 0)
    return make_error(Errc::invalid_argument, "cannot seal to this X25519 key");
  return out;
}

Result<SealedKey> seal_key_to_ed25519(const SecretKey32& secret, const PublicKey& recipient) {
  auto x = x25519_from_ed25519(recipient);
  if (!x) return x.error();
  return seal_key(secret, *x);
}

Result<SecretKey32> open_key(const SealedKey& sealed, const X25519KeyPair& recipient) {
  crypto_init();
  SecretKey32 out;
  if (crypto_box_seal_open(out.data(), sealed.data(), sealed.size(), recipient.public_key().data(),
                           recipient.secret().data()) != 0)
    return make_error(Errc::bad_signature,
                      "the wrapped key does not open with this key (not sealed to it, or altered)");
  return out;
}

Result<SecretKey32> open_key(const SealedKey& sealed, const SigningKey& recipient) {
  return open_key(sealed, X25519KeyPair::from_signing_key(recipient));
}

}  // namespace pv
