#include "cli/consent_keys.hpp"

#include <sodium.h>

#include "crypto/hmac.hpp"

namespace pv::cli {
namespace {

std::vector<const SigningKey*> keys_of(const Actor& actor) {
  std::vector<const SigningKey*> keys = {&actor.secrets().current};
  for (const auto& k : actor.secrets().devices) keys.push_back(&k);
  return keys;
}

}  // namespace

Result<X25519KeyPair> derive_category_key(const SigningKey& key, const std::string& category,
                                          std::uint32_t epoch) {
  std::string info = std::string(kCategoryKeyInfo) + category + "/" + std::to_string(epoch);
  auto okm = hkdf_sha256(key.seed().view(), {}, as_bytes(info), 32);
  if (!okm) return okm.error();
  auto secret = SecretKey32::from(*okm);
  sodium_memzero(okm->data(), okm->size());
  if (!secret) return secret.error();
  X25519KeyPair pair = X25519KeyPair::from_secret(*secret);
  sodium_memzero(secret->data(), secret->size());
  return pair;
}

Result<X25519KeyPair> own_category_key(const Actor& actor, const std::string& category,
                                       std::uint32_t epoch, const X25519PublicKey& expected) {
  for (const SigningKey* key : keys_of(actor)) {
    auto pair = derive_category_key(*key, category, epoch);
    if (pair && pair->public_key() == expected) return pair;
  }
  return make_error(Errc::not_found, "the " + category + " category key of epoch " +
                                         std::to_string(epoch) + " was not made by any key of " +
                                         actor.did() + " in this wallet");
}

Result<SecretKey32> open_wrapped(const Actor& actor, const WrappedKey& wrapped) {
  for (const SigningKey* key : keys_of(actor)) {
    if (!(key->public_key() == wrapped.recipient)) continue;
    auto opened = open_key(wrapped.sealed, *key);
    if (!opened)
      return make_error(Errc::unauthorized, "the key sealed to " + actor.did() +
                                                " does not open: " + opened.error().message);
    return opened;
  }
  return make_error(Errc::unauthorized, "the key is sealed to Ed25519 key " +
                                            to_hex(wrapped.recipient.view()).substr(0, 16) +
                                            "…, which " + actor.did() + " does not hold");
}

Result<WrappedKey> wrap_for(const SecretKey32& secret, const PublicKey& recipient) {
  auto sealed = seal_key_to_ed25519(secret, recipient);
  if (!sealed) return sealed.error();
  return WrappedKey{recipient, *sealed};
}

}  // namespace pv::cli
