#include "content/varint.hpp"

#include <string>

namespace pv::content {

void append_varint(Bytes& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

std::size_t varint_size(std::uint64_t value) {
  std::size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

Result<std::uint64_t> read_varint(ByteView in, std::size_t& pos, const char* what) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (pos + i >= in.size())
      return make_error(Errc::malformed, std::string(what) + ": input ends inside a varint");
    const std::uint8_t byte = in[pos + i];
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      if (byte == 0 && i > 0)
        return make_error(Errc::non_canonical,
                          std::string(what) + ": varint is not minimally encoded");
      // The ninth byte may carry only 7 more bits: 8*7 + 7 = 63 bits in all.
      pos += i + 1;
      return value;
    }
  }
  return make_error(Errc::malformed,
                    std::string(what) + ": varint longer than 9 bytes (value 2^63 or more)");
}

}  // namespace pv::content
