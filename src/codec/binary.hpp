#pragma once
// Canonical binary encoding primitives. Every integer is fixed-width big-endian, every
// variable-length field is a u32 big-endian length followed by the bytes. Because no value has
// two encodings, "decodes" and "is canonical" differ only in the checks a type adds on top
// (allowed ranges, limits, trailing bytes). See docs/encoding.md.

#include <cstdint>
#include <cstring>
#include <string>

#include "base/bytes.hpp"

namespace pv {

class BinaryWriter {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void raw(ByteView data) {
    // resize + memcpy rather than insert: the same bytes, and no GCC 12 -Wstringop-overflow
    // false positive when the writer is still empty.
    if (data.empty()) return;
    const std::size_t at = out_.size();
    out_.resize(at + data.size());
    std::memcpy(out_.data() + at, data.data(), data.size());
  }
  template <std::size_t N>
  void fixed(const FixedBytes<N>& b) { raw(b.view()); }
  // u32 length, then the bytes.
  void var(ByteView data);
  void var(std::string_view text) { var(as_bytes(text)); }

  const Bytes& bytes() const& { return out_; }
  Bytes take() { return std::move(out_); }
  // Empties the buffer and keeps its capacity, to write the next entry without allocating.
  void clear() { out_.clear(); }
  void reserve(std::size_t n) { out_.reserve(n); }

 private:
  Bytes out_;
};

// Reads what BinaryWriter wrote. Every read checks bounds and returns an error instead of
// reading past the end; `what` names the field in the error message.
class BinaryReader {
 public:
  explicit BinaryReader(ByteView data) : data_(data) {}

  [[nodiscard]] Result<std::uint8_t> u8(const char* what);
  [[nodiscard]] Result<std::uint16_t> u16(const char* what);
  [[nodiscard]] Result<std::uint32_t> u32(const char* what);
  [[nodiscard]] Result<std::uint64_t> u64(const char* what);
  [[nodiscard]] Result<ByteView> raw(std::size_t n, const char* what);
  template <std::size_t N>
  [[nodiscard]] Result<FixedBytes<N>> fixed(const char* what) {
    auto r = raw(N, what);
    if (!r) return r.error();
    return FixedBytes<N>::from(*r);
  }
  // A u32-length-prefixed field of at most `max_len` bytes.
  [[nodiscard]] Result<ByteView> var(std::size_t max_len, const char* what);
  [[nodiscard]] Result<std::string> text(std::size_t max_len, const char* what);

  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t position() const { return pos_; }
  // Fails unless every byte was consumed: trailing bytes are non-canonical.
  [[nodiscard]] Status expect_end(const char* what) const;

 private:
  ByteView data_;
  std::size_t pos_ = 0;
};

}  // namespace pv
