#pragma once
// HMAC-SHA-256 (RFC 2104 / FIPS 198-1) and HKDF-SHA-256 (RFC 5869), both from OpenSSL.

#include "crypto/sha256.hpp"

namespace pv {

// One-shot HMAC-SHA-256 of `data` under `key`.
Hash32 hmac_sha256(ByteView key, ByteView data);

// Incremental HMAC-SHA-256 for data that arrives in pieces (a large file). Not thread-safe.
class HmacSha256 {
 public:
  explicit HmacSha256(ByteView key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;
  HmacSha256& update(ByteView data);
  // Finishes the MAC; the object must not be updated afterwards.
  Hash32 finish();

 private:
  void* ctx_;
};

// HKDF-SHA-256 extract-then-expand: `length` bytes (at most 255 * 32) of output keying material.
// Errc::invalid_argument for a length of 0 or over the limit.
[[nodiscard]] Result<Bytes> hkdf_sha256(ByteView ikm, ByteView salt, ByteView info,
                                        std::size_t length);

}  // namespace pv
