#pragma once
// The EVM's 256-bit word: four 64-bit limbs, least significant first. Trivially constructible
// (`uint256 x;` is uninitialized, `uint256 x{}` is zero) so a frame's stack costs no zeroing.
// Signed operations read the word as two's complement.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>

namespace pv::evm {

using u128 = unsigned __int128;

struct uint256 {
  std::uint64_t w[4];

  constexpr uint256() = default;
  constexpr uint256(std::uint64_t v) : w{v, 0, 0, 0} {}  // NOLINT: implicit by design
  constexpr uint256(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2, std::uint64_t w3)
      : w{w0, w1, w2, w3} {}

  static constexpr uint256 max() { return {~0ull, ~0ull, ~0ull, ~0ull}; }
  constexpr bool is_zero() const { return (w[0] | w[1] | w[2] | w[3]) == 0; }
  constexpr explicit operator bool() const { return !is_zero(); }
  // True when the value fits in 64 bits.
  constexpr bool fits_u64() const { return (w[1] | w[2] | w[3]) == 0; }
  constexpr bool negative() const { return (w[3] >> 63) != 0; }

  friend constexpr bool operator==(const uint256&, const uint256&) = default;
};

// Big-endian conversions (the EVM's byte order in memory, storage keys and hashes); the limbs
// are swapped whole, which needs a little-endian host.
static_assert(std::endian::native == std::endian::little);
uint256 load_be(const std::uint8_t* p, std::size_t n);  // n <= 32, right-aligned
inline uint256 load_be32(const std::uint8_t* p) {
  uint256 r;
  for (int i = 0; i < 4; ++i) {
    std::uint64_t v;
    std::memcpy(&v, p + (3 - i) * 8, 8);
    r.w[i] = __builtin_bswap64(v);
  }
  return r;
}
inline void store_be32(std::uint8_t* p, const uint256& x) {
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t v = __builtin_bswap64(x.w[3 - i]);
    std::memcpy(p + i * 8, &v, 8);
  }
}

constexpr uint256 operator+(const uint256& a, const uint256& b) {
  uint256 r;
  unsigned long long c = 0;
  for (int i = 0; i < 4; ++i) {
    u128 s = static_cast<u128>(a.w[i]) + b.w[i] + c;
    r.w[i] = static_cast<std::uint64_t>(s);
    c = static_cast<unsigned long long>(s >> 64);
  }
  return r;
}
constexpr uint256 operator-(const uint256& a, const uint256& b) {
  uint256 r;
  std::uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    std::uint64_t d = a.w[i] - b.w[i];
    std::uint64_t b1 = a.w[i] < b.w[i];
    r.w[i] = d - borrow;
    borrow = b1 | (d < borrow);
  }
  return r;
}
constexpr uint256 operator-(const uint256& a) { return uint256{0} - a; }
constexpr uint256 operator*(const uint256& a, const uint256& b) {
  uint256 r{0};
  for (int i = 0; i < 4; ++i) {
    std::uint64_t carry = 0;
    for (int j = 0; i + j < 4; ++j) {
      u128 p = static_cast<u128>(a.w[i]) * b.w[j] + r.w[i + j] + carry;
      r.w[i + j] = static_cast<std::uint64_t>(p);
      carry = static_cast<std::uint64_t>(p >> 64);
    }
  }
  return r;
}
constexpr uint256 operator&(const uint256& a, const uint256& b) {
  return {a.w[0] & b.w[0], a.w[1] & b.w[1], a.w[2] & b.w[2], a.w[3] & b.w[3]};
}
constexpr uint256 operator|(const uint256& a, const uint256& b) {
  return {a.w[0] | b.w[0], a.w[1] | b.w[1], a.w[2] | b.w[2], a.w[3] | b.w[3]};
}
constexpr uint256 operator^(const uint256& a, const uint256& b) {
  return {a.w[0] ^ b.w[0], a.w[1] ^ b.w[1], a.w[2] ^ b.w[2], a.w[3] ^ b.w[3]};
}
constexpr uint256 operator~(const uint256& a) { return {~a.w[0], ~a.w[1], ~a.w[2], ~a.w[3]}; }

constexpr bool operator<(const uint256& a, const uint256& b) {
  for (int i = 3; i >= 0; --i)
    if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
  return false;
}
constexpr bool operator>(const uint256& a, const uint256& b) { return b < a; }
constexpr bool operator<=(const uint256& a, const uint256& b) { return !(b < a); }
constexpr bool operator>=(const uint256& a, const uint256& b) { return !(a < b); }
constexpr bool slt(const uint256& a, const uint256& b) {
  if (a.negative() != b.negative()) return a.negative();
  return a < b;
}

// Shifts by any amount; 256 or more gives zero.
uint256 shl(const uint256& x, const uint256& shift);
uint256 shr(const uint256& x, const uint256& shift);
uint256 sar(const uint256& x, const uint256& shift);
uint256 shl(const uint256& x, unsigned shift);
uint256 shr(const uint256& x, unsigned shift);

// Number of significant bits (0 for zero) and bytes.
inline unsigned bit_length(const uint256& x) {
  for (int i = 3; i >= 0; --i)
    if (x.w[i] != 0) return static_cast<unsigned>(i * 64 + 64 - std::countl_zero(x.w[i]));
  return 0;
}
inline unsigned byte_length(const uint256& x) { return (bit_length(x) + 7) / 8; }

// EVM division semantics: x / 0 == 0 and x % 0 == 0.
struct DivResult {
  uint256 quot;
  uint256 rem;
};
DivResult udivmod(const uint256& u, const uint256& v);
uint256 sdiv(const uint256& u, const uint256& v);
uint256 smod(const uint256& u, const uint256& v);
uint256 addmod(const uint256& a, const uint256& b, const uint256& m);
uint256 mulmod(const uint256& a, const uint256& b, const uint256& m);
uint256 exp(uint256 base, uint256 exponent);
uint256 signextend(const uint256& byte_index, const uint256& x);
uint256 byte_at(const uint256& index, const uint256& x);

// Division of limb arrays (least significant first): q = u / v, r = u % v.
// REQUIRES: v[vn-1] != 0, un >= vn, q has un - vn + 1 limbs, r has vn limbs.
void divmod_limbs(const std::uint64_t* u, int un, const std::uint64_t* v, int vn,
                  std::uint64_t* q, std::uint64_t* r);

struct Uint256Hash {
  std::size_t operator()(const uint256& x) const noexcept {
    return static_cast<std::size_t>(x.w[0] * 0x9E3779B97F4A7C15ull ^ x.w[1] ^ (x.w[2] << 1) ^
                                    (x.w[3] << 2));
  }
};

}  // namespace pv::evm
