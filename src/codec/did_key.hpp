#pragma once
// did:key for Ed25519 public keys (W3C CCG did:key): "did:key:" + multibase base58btc ('z') of
// the multicodec prefix 0xed 0x01 followed by the 32-byte key, so every such DID starts "z6Mk".

#include <string>
#include <string_view>

#include "crypto/ed25519.hpp"

namespace pv {

std::string base58btc_encode(ByteView data);
Result<Bytes> base58btc_decode(std::string_view text);

std::string did_key_from_public_key(const PublicKey& key);
// Rejects other methods, other multicodecs, wrong lengths and non-canonical encodings.
[[nodiscard]] Result<PublicKey> public_key_from_did_key(std::string_view did);

}  // namespace pv
