#include "identity/wallet_crypto.hpp"

#include <sodium.h>

#include "crypto/ed25519.hpp"

namespace pv {

static_assert(WalletSalt::size() == crypto_pwhash_SALTBYTES);
static_assert(WalletNonce::size() == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kWalletTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);

KdfParams KdfParams::moderate() {
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

KdfParams KdfParams::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

Status check_kdf_params_for_read(const KdfParams& p) {
  if (p.memlimit > kMaxKdfMemlimit)
    return make_error(Errc::too_large, "wallet KDF memlimit " + std::to_string(p.memlimit) +
                                           " is over the 1 GiB limit");
  if (p.opslimit > kMaxKdfOpslimit)
    return make_error(Errc::too_large, "wallet KDF opslimit " + std::to_string(p.opslimit) +
                                           " is over the limit of " +
                                           std::to_string(kMaxKdfOpslimit));
  if (p.memlimit < crypto_pwhash_MEMLIMIT_MIN || p.opslimit < crypto_pwhash_OPSLIMIT_MIN)
    return make_error(Errc::malformed, "wallet KDF parameters are below libsodium's minimum");
  return Status::ok();
}

Status check_kdf_params_for_write(const KdfParams& p) {
  PV_TRY(check_kdf_params_for_read(p));
  auto floor = KdfParams::interactive();
  if (p.opslimit < floor.opslimit || p.memlimit < floor.memlimit)
    return make_error(Errc::invalid_argument,
                      "wallet KDF parameters are weaker than libsodium INTERACTIVE");
  return Status::ok();
}

SecretBytes::~SecretBytes() {
  wipe();
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.wipe();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.wipe();
  }
  return *this;
}

void SecretBytes::wipe() {
  if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
  bytes_.clear();
}

Result<WalletFileKey> derive_wallet_file_key(std::string_view passphrase, const KdfParams& params,
                                             const WalletSalt& salt) {
  // Invariant: Argon2id never runs with parameters outside the read bounds.
  PV_TRY(check_kdf_params_for_read(params));
  if (passphrase.empty()) return make_error(Errc::invalid_argument, "empty passphrase");
  crypto_init();
  WalletFileKey key(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.data(),
                    params.opslimit, static_cast<std::size_t>(params.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    return make_error(Errc::internal, "Argon2id failed (out of memory?)");
  return key;
}

Bytes wallet_seal(const WalletFileKey& key, const WalletNonce& nonce, ByteView plaintext,
                  ByteView associated_data) {
  Bytes out(plaintext.size() + kWalletTagBytes);
  unsigned long long out_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data(), &out_len, plaintext.data(), plaintext.size(), associated_data.data(),
      associated_data.size(), nullptr, nonce.data(), key.data());
  out.resize(static_cast<std::size_t>(out_len));
  return out;
}

Result<SecretBytes> wallet_open(const WalletFileKey& key, const WalletNonce& nonce,
                                ByteView ciphertext, ByteView associated_data) {
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    return make_error(Errc::internal, "wallet file key has the wrong size");
  if (ciphertext.size() < kWalletTagBytes)
    return make_error(Errc::malformed, "wallet ciphertext is shorter than its tag");
  SecretBytes plain(ciphertext.size() - kWalletTagBytes);
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &plain_len, nullptr, ciphertext.data(), ciphertext.size(),
          associated_data.data(), associated_data.size(), nonce.data(), key.data()) != 0)
    return make_error(Errc::unauthorized, "wallet secrets do not authenticate");
  return plain;
}

}  // namespace pv
