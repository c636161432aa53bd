#pragma once
// Precompiled contracts at addresses 0x01-0x0a. This build implements ecrecover, sha256,
// ripemd160, identity, modexp, and bn254 addition and scalar multiplication; the others (bn254
// pairing, blake2f, KZG point evaluation) are warm addresses like in Cancun but calling them fails
// with Status::unsupported_precompile.

#include "evm/message.hpp"

namespace pv::evm {

inline constexpr std::uint8_t last_precompile = 0x0a;

// The precompile number of `address`, or 0 when it is not one.
inline std::uint8_t precompile_number(const Address& address) {
  for (int i = 0; i < 19; ++i)
    if (address.bytes[i] != 0) return 0;
  std::uint8_t n = address.bytes[19];
  return n <= last_precompile ? n : 0;
}

[[nodiscard]] CallResult run_precompile(std::uint8_t number, ByteView input, std::int64_t gas);

}  // namespace pv::evm
