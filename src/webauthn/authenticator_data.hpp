#pragma once
// WebAuthn authenticator data (W3C WebAuthn Level 2, section 6.1): rpIdHash (32) · flags (1) ·
// signCount (4, big-endian) · attested credential data (when AT) · extensions CBOR (when ED).

#include <cstdint>

#include "base/bytes.hpp"
#include "crypto/sha256.hpp"

namespace pv::webauthn {

inline constexpr std::size_t kAuthenticatorDataMinSize = 37;
// The largest authenticatorData a kind-3 proof carries (docs/passkeys.md section 2).
inline constexpr std::size_t kAuthenticatorDataMaxSize = 1024;

// Flag bits of byte 32.
inline constexpr std::uint8_t kFlagUserPresent = 0x01;   // UP
inline constexpr std::uint8_t kFlagUserVerified = 0x04;  // UV
inline constexpr std::uint8_t kFlagBackupEligible = 0x08;
inline constexpr std::uint8_t kFlagBackedUp = 0x10;
inline constexpr std::uint8_t kFlagAttestedData = 0x40;  // AT
inline constexpr std::uint8_t kFlagExtensions = 0x80;    // ED

// The fixed 37-byte head, and where the variable parts start.
struct AuthenticatorDataHead {
  Hash32 rp_id_hash;
  std::uint8_t flags = 0;
  std::uint32_t sign_count = 0;
  ByteView rest;  // the bytes after the head (attested credential data and/or extensions)
};

// Splits the head off; Errc::malformed below 37 bytes, Errc::too_large above `max_size`.
[[nodiscard]] Result<AuthenticatorDataHead> split_authenticator_data(
    ByteView data, std::size_t max_size = kAuthenticatorDataMaxSize);

// The rules of an assertion's authenticator data (docs/passkeys.md section 2, step 2): rpIdHash
// is SHA-256(rp_id); UP set; UV set when `require_uv`; AT clear (an assertion carries no
// credential); ED clear (this library accepts no extension outputs: an assertion with any is
// refused, see docs/encoding.md); no byte after the head. Returns the head.
[[nodiscard]] Result<AuthenticatorDataHead> check_assertion_authenticator_data(
    ByteView data, std::string_view rp_id, bool require_uv);

}  // namespace pv::webauthn
