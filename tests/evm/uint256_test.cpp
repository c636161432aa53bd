// The 256-bit word against a plain bit-by-bit reference (std::bitset, schoolbook shift-and-add
// and restoring division), on every pair of edge values and on random words.

#include <gtest/gtest.h>

#include <bitset>
#include <random>

#include "evm/uint256.hpp"

namespace pv::evm {
namespace {

using Bits = std::bitset<512>;

Bits to_bits(const uint256& x) {
  Bits b;
  for (int i = 0; i < 256; ++i) b[i] = (x.w[i / 64] >> (i % 64)) & 1;
  return b;
}
uint256 from_bits(const Bits& b) {
  uint256 x{0};
  for (int i = 0; i < 256; ++i)
    if (b[i]) x.w[i / 64] |= 1ull << (i % 64);
  return x;
}
Bits ref_add(const Bits& a, const Bits& b) {
  Bits r;
  bool c = false;
  for (int i = 0; i < 512; ++i) {
    r[i] = a[i] ^ b[i] ^ c;
    c = (a[i] && b[i]) || (c && (a[i] || b[i]));
  }
  return r;
}
Bits ref_mul(const Bits& a, const Bits& b) {
  Bits r;
  for (int i = 0; i < 512; ++i)
    if (b[i]) r = ref_add(r, a << i);
  return r;
}
bool ref_less(const Bits& a, const Bits& b) {
  for (int i = 511; i >= 0; --i)
    if (a[i] != b[i]) return b[i];
  return false;
}
Bits ref_sub(const Bits& a, const Bits& b) { return ref_add(a, ref_add(~b, Bits(1))); }
// Restoring division; x / 0 == 0 and x % 0 == 0 as in the EVM.
std::pair<Bits, Bits> ref_divmod(const Bits& u, const Bits& v) {
  if (v.none()) return {Bits(), Bits()};
  Bits q, r;
  for (int i = 511; i >= 0; --i) {
    r <<= 1;
    r[0] = u[i];
    if (!ref_less(r, v)) {
      r = ref_sub(r, v);
      q[i] = true;
    }
  }
  return {q, r};
}
Bits low256(Bits b) {
  for (int i = 256; i < 512; ++i) b[i] = false;
  return b;
}

std::vector<uint256> edge_values() {
  std::vector<uint256> v = {uint256{0}, uint256{1}, uint256{2}, uint256{3}, uint256{0xff},
                            uint256{~0ull}, uint256{0, 1, 0, 0}, uint256{~0ull, ~0ull, 0, 0},
                            uint256{0, 0, 1, 0}, uint256{0, 0, 0, 1ull << 63},
                            uint256{0, 0, 0, 1}, uint256::max(), uint256::max() - uint256{1},
                            uint256{~0ull, ~0ull, ~0ull, (1ull << 63) - 1},
                            uint256{1, 0, 0, 1ull << 63}, uint256{0x8000000000000000ull, 0, 0, 0},
                            uint256{0x123456789abcdef0ull, 0xfedcba9876543210ull, 7, 0},
                            uint256{5, 0, 0, 0x7fffffffffffffffull}};
  return v;
}

std::vector<uint256> random_values(int n) {
  std::mt19937_64 rng(42);
  std::vector<uint256> v;
  for (int i = 0; i < n; ++i) {
    uint256 x{rng(), rng(), rng(), rng()};
    // Vary the length so that every divisor size occurs.
    int limbs = i % 4;
    for (int j = limbs + 1; j < 4 && i % 3 == 0; ++j) x.w[j] = 0;
    v.push_back(x);
  }
  return v;
}

void check_pair(const uint256& a, const uint256& b) {
  const Bits A = to_bits(a), B = to_bits(b);
  ASSERT_EQ(a + b, from_bits(low256(ref_add(A, B))));
  ASSERT_EQ(a - b, from_bits(low256(ref_sub(A, B))));
  ASSERT_EQ(a * b, from_bits(low256(ref_mul(A, B))));
  auto [q, r] = ref_divmod(A, B);
  const DivResult d = udivmod(a, b);
  ASSERT_EQ(d.quot, from_bits(q));
  ASSERT_EQ(d.rem, from_bits(r));
  ASSERT_EQ(a < b, ref_less(A, B));
  // mulmod and addmod with the third operand taken from the pair.
  for (const uint256& m : {b, a | uint256{1}}) {
    ASSERT_EQ(mulmod(a, b, m), from_bits(ref_divmod(ref_mul(A, B), to_bits(m)).second));
    ASSERT_EQ(addmod(a, b, m), from_bits(ref_divmod(ref_add(A, B), to_bits(m)).second));
  }
}

TEST(Uint256, EveryPairOfEdgeValuesMatchesTheReference) {
  const auto values = edge_values();
  for (const auto& a : values)
    for (const auto& b : values) check_pair(a, b);
}

TEST(Uint256, RandomWordsMatchTheReference) {
  const auto values = random_values(120);
  for (std::size_t i = 0; i + 1 < values.size(); ++i) check_pair(values[i], values[i + 1]);
}

TEST(Uint256, SignedDivisionEdgeCases) {
  const uint256 min = uint256{0, 0, 0, 1ull << 63};  // -2^255
  const uint256 minus_one = uint256::max();
  EXPECT_EQ(sdiv(min, minus_one), min);  // the one overflow: -2^255 / -1
  EXPECT_EQ(smod(min, minus_one), uint256{0});
  EXPECT_EQ(sdiv(uint256{7}, uint256{0}), uint256{0});
  EXPECT_EQ(smod(uint256{7}, uint256{0}), uint256{0});
  EXPECT_EQ(sdiv(-uint256{7}, uint256{2}), -uint256{3});  // truncates toward zero
  EXPECT_EQ(smod(-uint256{7}, uint256{2}), -uint256{1});  // sign of the dividend
  EXPECT_EQ(smod(uint256{7}, -uint256{2}), uint256{1});
  EXPECT_TRUE(slt(minus_one, uint256{0}));
  EXPECT_FALSE(slt(uint256{0}, min));
}

TEST(Uint256, ShiftsBytesAndSignExtension) {
  const uint256 x{0x0123456789abcdefull, 0, 0, 0x8000000000000000ull};
  for (unsigned s : {0u, 1u, 63u, 64u, 65u, 128u, 255u, 256u, 300u}) {
    const Bits X = to_bits(x);
    EXPECT_EQ(shl(x, uint256{s}), s >= 256 ? uint256{0} : from_bits(low256(X << s))) << s;
    EXPECT_EQ(shr(x, uint256{s}), s >= 256 ? uint256{0} : from_bits(X >> s)) << s;
    // x is negative: SAR fills with ones.
    Bits fill;  // the top s of the 256 bits
    for (unsigned i = 256 - std::min(s, 256u); i < 256; ++i) fill[i] = true;
    const uint256 expect_sar = s >= 256 ? uint256::max() : from_bits((X >> s) | fill);
    EXPECT_EQ(sar(x, uint256{s}), expect_sar) << s;
  }
  EXPECT_EQ(shl(uint256{1}, uint256{0, 1, 0, 0}), uint256{0});  // shift amount above 2^64
  EXPECT_EQ(byte_at(uint256{0}, x), uint256{0x80});
  EXPECT_EQ(byte_at(uint256{31}, x), uint256{0xef});
  EXPECT_EQ(byte_at(uint256{32}, x), uint256{0});
  EXPECT_EQ(signextend(uint256{0}, uint256{0xff}), uint256::max());
  EXPECT_EQ(signextend(uint256{0}, uint256{0x7f}), uint256{0x7f});
  EXPECT_EQ(signextend(uint256{1}, uint256{0x18000}), -uint256{0x8000});
  EXPECT_EQ(signextend(uint256{31}, x), x);
  EXPECT_EQ(signextend(uint256::max(), x), x);
}

TEST(Uint256, ExponentiationAndLengths) {
  EXPECT_EQ(exp(uint256{2}, uint256{255}), uint256(0, 0, 0, 1ull << 63));
  EXPECT_EQ(exp(uint256{2}, uint256{256}), uint256{0});
  EXPECT_EQ(exp(uint256{0}, uint256{0}), uint256{1});
  EXPECT_EQ(exp(uint256::max(), uint256{2}), uint256{1});
  EXPECT_EQ(exp(uint256{3}, uint256{5}), uint256{243});
  EXPECT_EQ(byte_length(uint256{0}), 0u);
  EXPECT_EQ(byte_length(uint256{0x100}), 2u);
  EXPECT_EQ(byte_length(uint256::max()), 32u);
  std::uint8_t buf[32];
  store_be32(buf, uint256{0x0102, 0, 0, 0xaa00000000000000ull});
  EXPECT_EQ(buf[0], 0xaa);
  EXPECT_EQ(buf[30], 0x01);
  EXPECT_EQ(buf[31], 0x02);
  EXPECT_EQ(load_be32(buf), uint256(0x0102, 0, 0, 0xaa00000000000000ull));
  EXPECT_EQ(load_be(buf + 30, 2), uint256{0x0102});
}

}  // namespace
}  // namespace pv::evm
