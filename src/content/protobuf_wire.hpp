#pragma once
// The few protobuf wire-format pieces dag-pb and UnixFS need: varint and length-delimited
// fields with single-byte keys. Reading is strict: keys and lengths must be minimal varints and
// a length may not run past the end.

#include <cstdint>
#include <string>

#include "base/bytes.hpp"

namespace pv::content {

inline constexpr std::uint8_t kWireVarint = 0;
inline constexpr std::uint8_t kWireBytes = 2;

void put_varint_field(Bytes& out, std::uint8_t key, std::uint64_t value);
void put_bytes_field(Bytes& out, std::uint8_t key, ByteView value);

class WireReader {
 public:
  WireReader(ByteView in, const char* what) : in_(in), what_(what) {}
  bool at_end() const { return pos_ == in_.size(); }
  // A field key; keys above 127 (fields 16 and up) are not used by our messages and refused.
  [[nodiscard]] Result<std::uint8_t> key();
  [[nodiscard]] Result<std::uint64_t> varint();
  [[nodiscard]] Result<ByteView> bytes();
  // An error naming the message and the byte offset where reading stopped.
  Error error(Errc code, const std::string& message) const;

 private:
  ByteView in_;
  std::size_t pos_ = 0;
  const char* what_;
};

}  // namespace pv::content
