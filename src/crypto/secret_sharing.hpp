#pragma once
// k-of-n secret sharing of a 32-byte key: Shamir's scheme over GF(2^8), byte by byte, as
// implemented by Debian's libgfshare (no home-made primitive; docs/consent.md section 8.2).
// Any `threshold` distinct shares give the secret back; fewer say nothing about it.
//
// Share numbers are the x-coordinates, 1..255 (never 0: the secret is the value at 0). The
// coefficients come from libsodium's randombytes_buf: libgfshare's own default source is
// random(), which this wrapper never lets it use.
//
// Combining never fails on wrong data: the wrong shares, or too few, give a wrong 32-byte value.
// Callers check the result against something authenticated (an AEAD, a commitment).

#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace pv {

inline constexpr std::size_t kShareBytes = 32;
inline constexpr std::size_t kMaxShares = 16;

struct SecretShare {
  std::uint8_t number = 0;  // x-coordinate, 1..255
  FixedBytes<kShareBytes> value;
};

// Splits `secret` into shares numbered 1..count, any `threshold` of which recombine.
// Errc::invalid_argument unless 2 <= threshold <= count <= kMaxShares.
[[nodiscard]] Result<std::vector<SecretShare>> split_secret(const FixedBytes<kShareBytes>& secret,
                                                            std::size_t count,
                                                            std::size_t threshold);

// Interpolates the secret from `shares` (use exactly `threshold` of them). Errc::invalid_argument
// for no shares, more than kMaxShares, a number 0 or a repeated number.
[[nodiscard]] Result<FixedBytes<kShareBytes>> combine_shares(std::span<const SecretShare> shares);

}  // namespace pv
