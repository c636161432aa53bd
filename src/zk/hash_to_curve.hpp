#pragma once
// RFC 9380 hash-to-curve, suite P256_XMD:SHA-256_SSWU_RO_ (docs/zk.md section 2): the
// generators whose discrete logarithms nobody knows. Variable time: for public inputs only.

#include "base/bytes.hpp"
#include "zk/p256.hpp"

namespace pv::zk {

// RFC 9380 section 5.3.1 with SHA-256. REQUIRES: 1 <= dst.size() <= 255, len <= 8160.
Bytes expand_message_xmd_sha256(ByteView msg, ByteView dst, std::size_t len);

// hash_to_curve(msg) under `dst` (RFC 9380 section 3, the _RO_ variant: two field elements,
// each mapped by simplified SWU, added; P-256 has cofactor 1). REQUIRES: 1 <= dst.size() <= 255.
Point hash_to_curve_p256(ByteView msg, ByteView dst);

}  // namespace pv::zk
