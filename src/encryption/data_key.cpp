#include "encryption/data_key.hpp"

#include <sodium.h>

namespace pv {

static_assert(kDataKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kDataKeyBytes == crypto_secretstream_xchacha20poly1305_KEYBYTES);  // version 1

DataKey DataKey::generate() {
  DataKey k;
  crypto_init();
  randombytes_buf(k.key_.data(), k.key_.size());
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
  auto secret = SecretKey32::from(key.view());
  if (!secret) return secret.error();
  auto sealed = seal_key_to_ed25519(*secret, recipient);
  sodium_memzero(secret->data(), secret->size());
  return sealed;
}

Result<DataKey> unwrap_data_key(const WrappedDataKey& wrapped, const SigningKey& recipient) {
  auto opened = open_key(wrapped, recipient);
  if (!opened)
    return make_error(Errc::unauthorized,
                      "the wrapped data key does not open with this identity's key (wrapped for "
                      "someone else, or altered)");
  auto key = DataKey::from(opened->view());
  sodium_memzero(opened->data(), opened->size());
  return key;
}

}  // namespace pv
