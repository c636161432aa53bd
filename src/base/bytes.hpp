#pragma once
// Byte containers and the text encodings used at the edges (hex, base64).

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace pv {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Lower-case hex.
std::string to_hex(ByteView data);
// Accepts upper or lower case; rejects odd length and non-hex characters.
Result<Bytes> from_hex(std::string_view text);

// Standard base64 (RFC 4648 section 4) with padding.
std::string to_base64(ByteView data);
// Strict: padding required, no whitespace, non-zero trailing bits rejected.
Result<Bytes> from_base64(std::string_view text);

// A fixed-size byte string: keys, hashes, signatures.
template <std::size_t N>
struct FixedBytes {
  static constexpr std::size_t size_bytes = N;
  std::array<std::uint8_t, N> bytes{};

  ByteView view() const { return {bytes.data(), N}; }
  std::uint8_t* data() { return bytes.data(); }
  const std::uint8_t* data() const { return bytes.data(); }
  static constexpr std::size_t size() { return N; }
  std::string hex() const { return to_hex(view()); }
  bool is_zero() const {
    for (auto b : bytes)
      if (b != 0) return false;
    return true;
  }
  static Result<FixedBytes> from(ByteView b) {
    if (b.size() != N)
      return make_error(Errc::malformed,
                        "expected " + std::to_string(N) + " bytes, got " + std::to_string(b.size()));
    FixedBytes out;
    std::copy(b.begin(), b.end(), out.bytes.begin());
    return out;
  }
  static Result<FixedBytes> from_hex(std::string_view text) {
    auto raw = pv::from_hex(text);
    if (!raw) return raw.error();
    return from(*raw);
  }
  friend bool operator==(const FixedBytes&, const FixedBytes&) = default;
  friend auto operator<=>(const FixedBytes&, const FixedBytes&) = default;
};

}  // namespace pv
