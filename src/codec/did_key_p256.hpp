#pragma once
// did:key for P-256 public keys (W3C CCG did:key, docs/passkeys.md section 1): "did:key:" +
// multibase base58btc ('z') of the multicodec p256-pub (0x1200, varint 0x80 0x24) followed by
// the 33-byte SEC1 compressed key, so every such DID starts "zDn".

#include <string>
#include <string_view>

#include "crypto/p256_ecdsa.hpp"

namespace pv {

std::string did_key_from_p256(const P256PublicKey& key);
// Strict: only "did:key:z", the p256-pub multicodec, a 33-byte compressed key on the curve (an
// uncompressed key is refused), and the one canonical base58btc spelling.
[[nodiscard]] Result<P256PublicKey> p256_from_did_key(std::string_view did);

}  // namespace pv
