#include "codec/binary.hpp"

namespace pv {

void BinaryWriter::u16(std::uint16_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v));
}

void BinaryWriter::u32(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
}

void BinaryWriter::u64(std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
}

void BinaryWriter::var(ByteView data) {
  u32(static_cast<std::uint32_t>(data.size()));
  raw(data);
}

Result<ByteView> BinaryReader::raw(std::size_t n, const char* what) {
  if (remaining() < n)
    return make_error(Errc::malformed, std::string("truncated input while reading ") + what);
  ByteView out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Result<std::uint8_t> BinaryReader::u8(const char* what) {
  auto r = raw(1, what);
  if (!r) return r.error();
  return (*r)[0];
}

Result<std::uint16_t> BinaryReader::u16(const char* what) {
  auto r = raw(2, what);
  if (!r) return r.error();
  return static_cast<std::uint16_t>(((*r)[0] << 8) | (*r)[1]);
}

Result<std::uint32_t> BinaryReader::u32(const char* what) {
  auto r = raw(4, what);
  if (!r) return r.error();
  std::uint32_t v = 0;
  for (auto b : *r) v = (v << 8) | b;
  return v;
}

Result<std::uint64_t> BinaryReader::u64(const char* what) {
  auto r = raw(8, what);
  if (!r) return r.error();
  std::uint64_t v = 0;
  for (auto b : *r) v = (v << 8) | b;
  return v;
}

Result<ByteView> BinaryReader::var(std::size_t max_len, const char* what) {
  auto len = u32(what);
  if (!len) return len.error();
  if (*len > max_len)
    return make_error(Errc::too_large, std::string(what) + " is " + std::to_string(*len) +
                                           " bytes, over the limit of " + std::to_string(max_len));
  return raw(*len, what);
}

Result<std::string> BinaryReader::text(std::size_t max_len, const char* what) {
  auto r = var(max_len, what);
  if (!r) return r.error();
  return std::string(as_chars(*r));
}

Status BinaryReader::expect_end(const char* what) const {
  if (remaining() != 0)
    return make_error(Errc::non_canonical, std::to_string(remaining()) + " trailing bytes after " + what);
  return Status::ok();
}

}  // namespace pv
