// Shamir secret sharing through libgfshare (crypto/secret_sharing.hpp): every k-subset of n
// shares gives the secret back, fewer do not, a changed share gives a wrong value, misuse is
// refused, and the shares are cross-checked against a plain reference interpolation over
// GF(2^8) written here from the textbook definition (Lagrange at x = 0), so the library is known
// to compute the scheme it claims.

#include "crypto/secret_sharing.hpp"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <set>

#include "crypto/ed25519.hpp"

namespace pv {
namespace {

using Secret = FixedBytes<kShareBytes>;

Secret random_secret() {
  Secret s;
  random_bytes(s.data(), s.size());
  return s;
}

// Reference arithmetic in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1 (0x11d), the field libgfshare
// uses: shift-and-add multiplication and inversion by exponentiation (a^254).
std::uint8_t gf_mul(std::uint8_t a, std::uint8_t b) {
  std::uint8_t p = 0;
  for (int i = 0; i < 8; ++i) {
    if (b & 1) p ^= a;
    bool carry = a & 0x80;
    a = static_cast<std::uint8_t>(a << 1);
    if (carry) a ^= 0x1d;
    b >>= 1;
  }
  return p;
}
std::uint8_t gf_inv(std::uint8_t a) {
  static const std::array<std::uint8_t, 256> table = [] {
    std::array<std::uint8_t, 256> t{};
    for (int x = 1; x < 256; ++x) {
      std::uint8_t r = 1;
      for (int i = 0; i < 254; ++i) r = gf_mul(r, static_cast<std::uint8_t>(x));
      t[x] = r;
    }
    return t;
  }();
  return table[a];
}
// f(0) from the points (x_i, y_i): sum y_i * prod_{j != i} x_j / (x_j - x_i); minus is xor.
Secret reference_combine(const std::vector<SecretShare>& shares) {
  Secret out;
  for (std::size_t byte = 0; byte < kShareBytes; ++byte) {
    std::uint8_t acc = 0;
    for (std::size_t i = 0; i < shares.size(); ++i) {
      std::uint8_t term = shares[i].value.bytes[byte];
      for (std::size_t j = 0; j < shares.size(); ++j) {
        if (i == j) continue;
        std::uint8_t xj = shares[j].number, xi = shares[i].number;
        term = gf_mul(term, gf_mul(xj, gf_inv(static_cast<std::uint8_t>(xj ^ xi))));
      }
      acc ^= term;
    }
    out.bytes[byte] = acc;
  }
  return out;
}

// Calls `f` with every subset of `shares` of size `k`.
void each_subset(const std::vector<SecretShare>& shares, std::size_t k,
                 const std::function<void(const std::vector<SecretShare>&)>& f) {
  const std::size_t n = shares.size();
  for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
    if (static_cast<std::size_t>(__builtin_popcount(mask)) != k) continue;
    std::vector<SecretShare> subset;
    for (std::size_t i = 0; i < n; ++i)
      if (mask & (1u << i)) subset.push_back(shares[i]);
    f(subset);
  }
}

TEST(SecretSharing, EveryThresholdSubsetRecombinesAndMatchesTheReference) {
  crypto_init();
  for (auto [n, k] : {std::pair{2, 2}, {3, 2}, {5, 3}, {7, 7}, {16, 5}}) {
    Secret secret = random_secret();
    auto shares = split_secret(secret, n, k);
    ASSERT_TRUE(shares) << shares.error().message;
    ASSERT_EQ(shares->size(), static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < shares->size(); ++i) EXPECT_EQ((*shares)[i].number, i + 1);
    int subsets = 0;
    each_subset(*shares, k, [&](const std::vector<SecretShare>& subset) {
      auto combined = combine_shares(subset);
      ASSERT_TRUE(combined);
      EXPECT_EQ(*combined, secret) << n << " shares, threshold " << k;
      if (n <= 7 || subsets % 97 == 0) {
        EXPECT_EQ(reference_combine(subset), secret) << "reference disagrees with libgfshare";
      }
      ++subsets;
    });
    EXPECT_GT(subsets, 0);
    if (n <= 7) {
      // All n shares recombine too (a degree k-1 polynomial through more points is the same).
      auto all = combine_shares(*shares);
      ASSERT_TRUE(all);
      EXPECT_EQ(*all, secret);
    }
  }
}

TEST(SecretSharing, FewerThanThresholdOrAChangedShareGiveAWrongValue) {
  crypto_init();
  Secret secret = random_secret();
  auto shares = split_secret(secret, 5, 3);
  ASSERT_TRUE(shares);
  each_subset(*shares, 2, [&](const std::vector<SecretShare>& subset) {
    auto combined = combine_shares(subset);
    ASSERT_TRUE(combined);
    EXPECT_NE(*combined, secret) << "two shares of a 3-of-5 split must not give the secret";
  });
  // Flip each bit of one share: the result is never the secret.
  std::vector<SecretShare> three(shares->begin(), shares->begin() + 3);
  for (std::size_t byte = 0; byte < kShareBytes; ++byte)
    for (int bit = 0; bit < 8; ++bit) {
      auto changed = three;
      changed[1].value.bytes[byte] ^= static_cast<std::uint8_t>(1u << bit);
      EXPECT_NE(*combine_shares(changed), secret);
    }
  // A share of another split of the same secret does not mix in.
  auto other = split_secret(secret, 5, 3);
  ASSERT_TRUE(other);
  auto mixed = three;
  mixed[2] = (*other)[2];
  EXPECT_NE(*combine_shares(mixed), secret);
}

TEST(SecretSharing, SplitsAreFreshAndTwoSharesSayNothingAlone) {
  crypto_init();
  Secret secret = random_secret();
  auto a = split_secret(secret, 3, 2);
  auto b = split_secret(secret, 3, 2);
  ASSERT_TRUE(a && b);
  // Fresh coefficients each time: the same secret gives different shares.
  EXPECT_NE((*a)[0].value, (*b)[0].value);
  // No share equals the secret.
  for (const auto& s : *a) EXPECT_NE(s.value, secret);
  // With threshold 2, one share is consistent with every secret: for any candidate c, the line
  // through (0, c) and share 1 is a valid split. Shown on byte 0: all 256 candidates appear as
  // the value at 0 of the line through share 1 and a varied share 2.
  std::set<std::uint8_t> reachable;
  for (int y = 0; y < 256; ++y) {
    std::vector<SecretShare> pair = {(*a)[0], (*a)[1]};
    pair[1].value.bytes[0] = static_cast<std::uint8_t>(y);
    reachable.insert(reference_combine(pair).bytes[0]);
  }
  EXPECT_EQ(reachable.size(), 256u);
}

TEST(SecretSharing, RefusesMisuse) {
  crypto_init();
  Secret secret = random_secret();
  EXPECT_FALSE(split_secret(secret, 3, 1)) << "threshold 1 is no threshold";
  EXPECT_FALSE(split_secret(secret, 2, 3)) << "threshold above the share count";
  EXPECT_FALSE(split_secret(secret, 17, 3)) << "more than 16 shares";
  auto shares = split_secret(secret, 3, 2);
  ASSERT_TRUE(shares);
  EXPECT_FALSE(combine_shares(std::vector<SecretShare>{}));
  std::vector<SecretShare> twice = {(*shares)[0], (*shares)[0]};
  EXPECT_FALSE(combine_shares(twice));
  std::vector<SecretShare> zero = {(*shares)[0], (*shares)[1]};
  zero[1].number = 0;
  EXPECT_FALSE(combine_shares(zero));
}

}  // namespace
}  // namespace pv
