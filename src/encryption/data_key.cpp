#include "encryption/data_key.hpp"

#include <sodium.h>

namespace pv {

static_assert(kDataKeyBytes == crypto_secretstream_xchacha20poly1305_KEYBYTES);
static_assert(kWrappedKeyBytes == kDataKeyBytes + crypto_box_SEALBYTES);
static_assert(X25519PublicKey::size() == crypto_box_PUBLICKEYBYTES);

DataKey DataKey::generate() {
  DataKey k;
  crypto_init();
  crypto_secretstream_xchacha20poly1305_keygen(k.key_.data());
  return k;
}

Result<DataKey> DataKey::from(ByteView raw) {
  if (raw.size() != kDataKeyBytes)
    return make_error(Errc::invalid_argument,
                      "a data key is 32 bytes, got " + std::to_string(raw.size()));
  DataKey k;
  std::copy(raw.begin(), raw.end(), k.key_.bytes.begin());
  return k;
}

DataKey::~DataKey() {
  sodium_memzero(key_.data(), key_.size());
}
DataKey::DataKey(const DataKey&) = default;
DataKey& DataKey::operator=(const DataKey&) = default;

Result<WrappedDataKey> wrap_data_key(const DataKey& key, const PublicKey& recipient) {
  crypto_init();
  auto x = x25519_from_ed25519(recipient);
  if (!x) return x.error();
  WrappedDataKey out;
  if (crypto_box_seal(out.data(), key.data(), kDataKeyBytes, x->data()) != 0)
    return make_error(Errc::invalid_argument, "cannot seal the data key for this recipient");
  return out;
}

Result<DataKey> unwrap_data_key(const WrappedDataKey& wrapped, const SigningKey& recipient) {
  crypto_init();
  // Expand the seed to libsodium's 64-byte secret key, then convert both halves to X25519.
  FixedBytes<crypto_sign_SECRETKEYBYTES> ed_secret;
  PublicKey ed_public;
  crypto_sign_seed_keypair(ed_public.data(), ed_secret.data(), recipient.seed().data());
  FixedBytes<crypto_box_SECRETKEYBYTES> x_secret;
  X25519PublicKey x_public;
  int converted = crypto_sign_ed25519_sk_to_curve25519(x_secret.data(), ed_secret.data());
  converted |= crypto_sign_ed25519_pk_to_curve25519(x_public.data(), ed_public.data());
  sodium_memzero(ed_secret.data(), ed_secret.size());
  if (converted != 0) {
    sodium_memzero(x_secret.data(), x_secret.size());
    return make_error(Errc::invalid_argument, "this signing key has no key-agreement key");
  }
  FixedBytes<kDataKeyBytes> plain;
  int opened = crypto_box_seal_open(plain.data(), wrapped.data(), wrapped.size(), x_public.data(),
                                    x_secret.data());
  sodium_memzero(x_secret.data(), x_secret.size());
  if (opened != 0)
    return make_error(Errc::unauthorized,
                      "the wrapped data key does not open with this identity's key (wrapped for "
                      "someone else, or altered)");
  auto key = DataKey::from(plain.view());
  sodium_memzero(plain.data(), plain.size());
  return key;
}

}  // namespace pv
