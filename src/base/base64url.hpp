#pragma once
// Base64url (RFC 4648 section 5) without padding, as JOSE (RFC 7515) and WebAuthn's
// clientDataJSON use it.

#include <string>
#include <string_view>

#include "base/bytes.hpp"

namespace pv {

// Base64url without padding.
std::string base64url_encode(ByteView data);
// Strict: rejects '=' padding, characters outside the url-safe alphabet (including '+', '/',
// whitespace), a length of 1 mod 4, and non-zero unused trailing bits, so every byte string has
// exactly one accepted encoding.
[[nodiscard]] Result<Bytes> base64url_decode(std::string_view text);

}  // namespace pv
