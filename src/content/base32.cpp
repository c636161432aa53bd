#include "content/base32.hpp"

#include <string>

namespace pv::content {
namespace {

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

int value_of(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

std::string base32_lower_encode(ByteView data) {
  std::string out;
  out.reserve((data.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : data) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(buffer >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

Result<Bytes> base32_lower_decode(std::string_view text) {
  // Lengths mod 8 of 1, 3 and 6 characters cannot come from whole bytes.
  const std::size_t rest = text.size() % 8;
  if (rest == 1 || rest == 3 || rest == 6)
    return make_error(Errc::malformed, "base32: length " + std::to_string(text.size()) +
                                           " is not a whole number of bytes");
  Bytes out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int v = value_of(text[i]);
    if (v < 0)
      return make_error(Errc::malformed, "base32: character " + std::to_string(i) +
                                             " is not in the lower-case alphabet a-z2-7");
    buffer = ((buffer << 5) | static_cast<std::uint32_t>(v)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0)
    return make_error(Errc::non_canonical, "base32: non-zero trailing bits");
  return out;
}

}  // namespace pv::content
