#include "evm/uint256.hpp"

namespace pv::evm {

uint256 load_be(const std::uint8_t* p, std::size_t n) {
  std::uint8_t buf[32] = {};
  for (std::size_t i = 0; i < n; ++i) buf[32 - n + i] = p[i];
  return load_be32(buf);
}

uint256 shl(const uint256& x, unsigned shift) {
  if (shift >= 256) return uint256{0};
  uint256 r{0};
  unsigned limbs = shift / 64, bits = shift % 64;
  for (int i = 3; i >= static_cast<int>(limbs); --i) {
    std::uint64_t v = x.w[i - limbs] << bits;
    if (bits != 0 && i - static_cast<int>(limbs) - 1 >= 0) v |= x.w[i - limbs - 1] >> (64 - bits);
    r.w[i] = v;
  }
  return r;
}

uint256 shr(const uint256& x, unsigned shift) {
  if (shift >= 256) return uint256{0};
  uint256 r{0};
  unsigned limbs = shift / 64, bits = shift % 64;
  for (unsigned i = 0; i + limbs < 4; ++i) {
    std::uint64_t v = x.w[i + limbs] >> bits;
    if (bits != 0 && i + limbs + 1 < 4) v |= x.w[i + limbs + 1] << (64 - bits);
    r.w[i] = v;
  }
  return r;
}

uint256 shl(const uint256& x, const uint256& shift) {
  return shift.fits_u64() && shift.w[0] < 256 ? shl(x, static_cast<unsigned>(shift.w[0]))
                                              : uint256{0};
}
uint256 shr(const uint256& x, const uint256& shift) {
  return shift.fits_u64() && shift.w[0] < 256 ? shr(x, static_cast<unsigned>(shift.w[0]))
                                              : uint256{0};
}
uint256 sar(const uint256& x, const uint256& shift) {
  if (!x.negative()) return shr(x, shift);
  if (!shift.fits_u64() || shift.w[0] >= 256) return uint256::max();
  unsigned s = static_cast<unsigned>(shift.w[0]);
  if (s == 0) return x;
  // Fill the vacated high bits with ones.
  return shr(x, s) | shl(uint256::max(), 256 - s);
}

void divmod_limbs(const std::uint64_t* u, int un, const std::uint64_t* v, int vn,
                  std::uint64_t* q, std::uint64_t* r) {
  if (vn == 1) {
    std::uint64_t rem = 0;
    for (int i = un - 1; i >= 0; --i) {
      u128 cur = (static_cast<u128>(rem) << 64) | u[i];
      q[i] = static_cast<std::uint64_t>(cur / v[0]);
      rem = static_cast<std::uint64_t>(cur % v[0]);
    }
    r[0] = rem;
    return;
  }
  // Knuth, TAOCP vol. 2, 4.3.1, algorithm D, with 64-bit digits. Normalize so that the
  // divisor's top digit has its high bit set.
  std::uint64_t vs[8], us[17];
  int s = std::countl_zero(v[vn - 1]);
  for (int i = vn - 1; i > 0; --i) vs[i] = s ? (v[i] << s) | (v[i - 1] >> (64 - s)) : v[i];
  vs[0] = v[0] << s;
  us[un] = s ? u[un - 1] >> (64 - s) : 0;
  for (int i = un - 1; i > 0; --i) us[i] = s ? (u[i] << s) | (u[i - 1] >> (64 - s)) : u[i];
  us[0] = u[0] << s;

  for (int j = un - vn; j >= 0; --j) {
    u128 num = (static_cast<u128>(us[j + vn]) << 64) | us[j + vn - 1];
    u128 qhat = num / vs[vn - 1];
    u128 rhat = num % vs[vn - 1];
    while (qhat >> 64 != 0 ||
           qhat * vs[vn - 2] > ((rhat << 64) | us[j + vn - 2])) {
      --qhat;
      rhat += vs[vn - 1];
      if (rhat >> 64 != 0) break;
    }
    // Multiply and subtract qhat * v from the current window of u.
    std::uint64_t borrow = 0, carry = 0;
    for (int i = 0; i < vn; ++i) {
      u128 p = qhat * vs[i] + carry;
      carry = static_cast<std::uint64_t>(p >> 64);
      auto plo = static_cast<std::uint64_t>(p);
      std::uint64_t t = us[i + j] - plo;
      std::uint64_t b1 = us[i + j] < plo;
      us[i + j] = t - borrow;
      borrow = b1 | (t < borrow);
    }
    std::uint64_t t = us[j + vn] - carry;
    std::uint64_t b1 = us[j + vn] < carry;
    us[j + vn] = t - borrow;
    borrow = b1 | (t < borrow);
    auto qd = static_cast<std::uint64_t>(qhat);
    if (borrow != 0) {  // qhat was one too large: add v back
      --qd;
      std::uint64_t c = 0;
      for (int i = 0; i < vn; ++i) {
        u128 sum = static_cast<u128>(us[i + j]) + vs[i] + c;
        us[i + j] = static_cast<std::uint64_t>(sum);
        c = static_cast<std::uint64_t>(sum >> 64);
      }
      us[j + vn] += c;
    }
    q[j] = qd;
  }
  for (int i = 0; i < vn; ++i)
    r[i] = s ? (us[i] >> s) | (us[i + 1] << (64 - s)) : us[i];
}

namespace {
int limb_count(const std::uint64_t* x, int n) {
  while (n > 0 && x[n - 1] == 0) --n;
  return n;
}
}  // namespace

DivResult udivmod(const uint256& u, const uint256& v) {
  int vn = limb_count(v.w, 4);
  if (vn == 0) return {uint256{0}, uint256{0}};
  if (u < v) return {uint256{0}, u};
  if (u.fits_u64()) return {uint256{u.w[0] / v.w[0]}, uint256{u.w[0] % v.w[0]}};
  int un = limb_count(u.w, 4);
  DivResult res{uint256{0}, uint256{0}};
  divmod_limbs(u.w, un, v.w, vn, res.quot.w, res.rem.w);
  return res;
}

uint256 sdiv(const uint256& u, const uint256& v) {
  if (v.is_zero()) return uint256{0};
  bool nu = u.negative(), nv = v.negative();
  uint256 q = udivmod(nu ? -u : u, nv ? -v : v).quot;
  return nu != nv ? -q : q;
}

uint256 smod(const uint256& u, const uint256& v) {
  if (v.is_zero()) return uint256{0};
  bool nu = u.negative();
  uint256 r = udivmod(nu ? -u : u, v.negative() ? -v : v).rem;
  return nu ? -r : r;
}

uint256 addmod(const uint256& a, const uint256& b, const uint256& m) {
  if (m.is_zero()) return uint256{0};
  // The 257-bit sum as five limbs.
  std::uint64_t s[5];
  std::uint64_t c = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = static_cast<u128>(a.w[i]) + b.w[i] + c;
    s[i] = static_cast<std::uint64_t>(t);
    c = static_cast<std::uint64_t>(t >> 64);
  }
  s[4] = c;
  int sn = limb_count(s, 5), mn = limb_count(m.w, 4);
  if (sn < mn) return uint256{s[0], s[1], s[2], s[3]};
  std::uint64_t q[5], r[4] = {0, 0, 0, 0};
  divmod_limbs(s, sn, m.w, mn, q, r);
  return uint256{r[0], r[1], r[2], r[3]};
}

uint256 mulmod(const uint256& a, const uint256& b, const uint256& m) {
  if (m.is_zero()) return uint256{0};
  std::uint64_t p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    std::uint64_t carry = 0;
    for (int j = 0; j < 4; ++j) {
      u128 t = static_cast<u128>(a.w[i]) * b.w[j] + p[i + j] + carry;
      p[i + j] = static_cast<std::uint64_t>(t);
      carry = static_cast<std::uint64_t>(t >> 64);
    }
    p[i + 4] = carry;
  }
  int pn = limb_count(p, 8), mn = limb_count(m.w, 4);
  if (pn < mn) return uint256{p[0], p[1], p[2], p[3]};
  std::uint64_t q[8], r[4] = {0, 0, 0, 0};
  divmod_limbs(p, pn, m.w, mn, q, r);
  return uint256{r[0], r[1], r[2], r[3]};
}

uint256 exp(uint256 base, uint256 exponent) {
  // Square and multiply over the exponent's bits, low to high; no square after the last bit.
  uint256 result{1};
  const unsigned bits = bit_length(exponent);
  for (unsigned i = 0; i < bits; ++i) {
    if ((exponent.w[i / 64] >> (i % 64)) & 1) result = result * base;
    if (i + 1 < bits) base = base * base;
  }
  return result;
}

uint256 signextend(const uint256& byte_index, const uint256& x) {
  if (!byte_index.fits_u64() || byte_index.w[0] >= 31) return x;
  unsigned bit = static_cast<unsigned>(byte_index.w[0]) * 8 + 7;
  uint256 mask = shl(uint256{1}, bit + 1) - uint256{1};
  bool sign = !shr(x, bit).is_zero() && (shr(x, bit).w[0] & 1);
  return sign ? (x | ~mask) : (x & mask);
}

uint256 byte_at(const uint256& index, const uint256& x) {
  if (!index.fits_u64() || index.w[0] >= 32) return uint256{0};
  unsigned shift = static_cast<unsigned>(31 - index.w[0]) * 8;
  return uint256{shr(x, shift).w[0] & 0xff};
}

}  // namespace pv::evm
