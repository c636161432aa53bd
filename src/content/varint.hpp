#pragma once
// Unsigned varint as multiformats uses it (unsigned LEB128): 7 bits per byte, least significant
// group first, high bit set on every byte but the last. Only the minimal encoding is accepted,
// and values are limited to 63 bits (at most 9 bytes), as the multiformats specification says.

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"

namespace pv::content {

// The longest encoding accepted: 9 bytes carry 63 bits.
inline constexpr std::size_t kMaxVarintBytes = 9;

// Appends the minimal encoding of `value` (REQUIRES: value < 2^63).
void append_varint(Bytes& out, std::uint64_t value);
// Number of bytes append_varint writes for `value`.
std::size_t varint_size(std::uint64_t value);

// Reads one varint at `pos` and advances `pos` past it. Errors (malformed): input ends inside
// the varint, more than 9 bytes, a non-minimal encoding (trailing zero group), or a value of 2^63
// or more. `what` names the field in the error message.
[[nodiscard]] Result<std::uint64_t> read_varint(ByteView in, std::size_t& pos, const char* what);

}  // namespace pv::content
