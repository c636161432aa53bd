#pragma once
// Importing a passkey's public key as browsers hand it over: AuthenticatorAttestationResponse
// getPublicKey() gives a DER SubjectPublicKeyInfo, which for ES256 is always 91 bytes, a fixed
// 26-byte prefix (id-ecPublicKey, prime256v1, BIT STRING of 66 bytes) and the 65-byte
// uncompressed point.

#include "base/bytes.hpp"
#include "crypto/p256_ecdsa.hpp"

namespace pv::webauthn {

// Strict: exactly that prefix and length (no other curve, no compressed-point SPKI, no
// parameters spelled another way); the point is checked on the curve.
[[nodiscard]] Result<P256PublicKey> p256_key_from_spki(ByteView spki);

}  // namespace pv::webauthn
