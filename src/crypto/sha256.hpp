#pragma once
// SHA-256 from OpenSSL (uses the CPU's SHA extensions where present).

#include "base/bytes.hpp"

namespace pv {

using Hash32 = FixedBytes<32>;

Hash32 sha256(ByteView data);
Hash32 sha256(ByteView a, ByteView b);

// Incremental hashing for data that arrives in pieces. Not thread-safe.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Sha256& update(ByteView data);
  Sha256& update(std::string_view text) { return update(as_bytes(text)); }
  // Finishes the hash; the object must not be updated afterwards.
  Hash32 finish();

 private:
  void* ctx_;
};

}  // namespace pv
