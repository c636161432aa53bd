#pragma once
// The plaintext of a wallet file's sealed secrets, a fixed binary layout (never JSON, so no
// seed passes through unwipeable text buffers):
//
//   u8 layout version (1) | u8 device count (<= kMaxDeviceKeys) | u8 has recovery (0/1)
//   | current seed (32) | device seeds (32 each, in metadata order) | recovery seed (32)?

#include "identity/wallet_crypto.hpp"
#include "identity/wallet_identity.hpp"

namespace pv {

SecretBytes encode_identity_secrets(const IdentitySecrets& secrets);
// Refuses any other length or layout (Errc::corruption: the bytes were authenticated, so a bad
// layout means a bug or a foreign writer, not an attack).
[[nodiscard]] Result<IdentitySecrets> decode_identity_secrets(ByteView plain);

}  // namespace pv
