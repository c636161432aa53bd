#pragma once
// RFC 4648 base32 in lower case without padding: the alphabet of multibase 'b', which CIDv1
// strings use.

#include <string>
#include <string_view>

#include "base/bytes.hpp"

namespace pv::content {

std::string base32_lower_encode(ByteView data);
// Strict: only 'a'-'z' and '2'-'7', no padding, a length that a whole number of bytes gives,
// and zero trailing bits, so every byte string has exactly one accepted text.
[[nodiscard]] Result<Bytes> base32_lower_decode(std::string_view text);

}  // namespace pv::content
