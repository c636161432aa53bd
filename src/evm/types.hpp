#pragma once
// Addresses, 32-byte words as bytes, and Keccak-256 (Crypto++, the original Keccak padding
// Ethereum uses, not FIPS SHA3-256).

#include <cstring>
#include <functional>

#include "base/bytes.hpp"
#include "evm/uint256.hpp"

namespace pv::evm {

using Address = FixedBytes<20>;
using Bytes32 = FixedBytes<32>;

struct AddressHash {
  std::size_t operator()(const Address& a) const noexcept {
    std::uint64_t h;
    std::memcpy(&h, a.data() + 12, 8);
    return static_cast<std::size_t>(h ^ (static_cast<std::uint64_t>(a.bytes[0]) << 56));
  }
};

[[nodiscard]] Bytes32 keccak256(ByteView data);

inline uint256 to_word(const Address& a) { return load_be(a.data(), 20); }
inline Address to_address(const uint256& x) {
  std::uint8_t buf[32];
  store_be32(buf, x);
  Address a;
  std::memcpy(a.data(), buf + 12, 20);
  return a;
}
inline uint256 to_word(const Bytes32& b) { return load_be32(b.data()); }
inline Bytes32 to_bytes32(const uint256& x) {
  Bytes32 b;
  store_be32(b.data(), x);
  return b;
}
// An address whose last byte is n and the rest zero (precompiles).
constexpr Address small_address(std::uint8_t n) {
  Address a;
  a.bytes[19] = n;
  return a;
}

}  // namespace pv::evm
