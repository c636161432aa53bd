#pragma once
// The DID document of an Ed25519 did:key, as the W3C CCG did:key method specifies it
// (https://w3c-ccg.github.io/did-method-key/): one Ed25519VerificationKey2020 method used for
// authentication, assertionMethod, capabilityDelegation and capabilityInvocation, plus the
// X25519 key-agreement key derived from the same key (birational map of the Edwards point to
// Montgomery form, libsodium crypto_sign_ed25519_pk_to_curve25519), encoded with multicodec
// 0xec 0x01 and base58btc so its fingerprint starts "z6LS".

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/ed25519.hpp"

namespace pv {

using X25519PublicKey = FixedBytes<32>;

// Fails (Errc::malformed) for Ed25519 keys that are not valid curve points or are of small
// order.
[[nodiscard]] Result<X25519PublicKey> x25519_from_ed25519(const PublicKey& key);
// "z6LS...": multibase base58btc of 0xec 0x01 || key.
std::string x25519_multibase(const X25519PublicKey& key);

// The resolved document for `did` (a canonical Ed25519 did:key).
[[nodiscard]] Result<nlohmann::json> did_key_document(std::string_view did);

}  // namespace pv
