#pragma once
// Shared by the precompile sources; internal to the evm level.

#include "evm/message.hpp"

namespace pv::evm {

// Input bytes [offset, offset + n), zero beyond the end.
Bytes padded_input(ByteView input, std::size_t offset, std::size_t n);

[[nodiscard]] CallResult bn254_add(ByteView input, std::int64_t gas);
[[nodiscard]] CallResult bn254_mul(ByteView input, std::int64_t gas);

}  // namespace pv::evm
