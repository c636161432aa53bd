#include "zk/hash_to_curve.hpp"

#include <openssl/err.h>

#include <cstdlib>

#include "crypto/sha256.hpp"
#include "zk/p256_context.hpp"

namespace pv::zk {

namespace {

void check(int ok) {
  if (ok != 1) std::abort();  // allocation failure or a bug: never input-dependent
}

// The curve's field prime p and coefficients a = -3, b, read from OpenSSL's group.
struct Curve {
  BIGNUM* p = BN_new();
  BIGNUM* a = BN_new();
  BIGNUM* b = BN_new();
  BIGNUM* z = BN_new();  // Z = -10 (RFC 9380 section 8.2)
  BIGNUM* minus_b_over_a = BN_new();
  BIGNUM* b_over_za = BN_new();
  BIGNUM* p_minus_1_over_2 = BN_new();
  Curve() {
    BN_CTX* ctx = bn_ctx();
    check(EC_GROUP_get_curve(p256_group(), p, a, b, ctx));
    check(BN_set_word(z, 10));
    check(BN_sub(z, p, z));
    BIGNUM* t = BN_new();
    check(BN_mod_inverse(t, a, p, ctx) != nullptr);
    check(BN_mod_mul(minus_b_over_a, b, t, p, ctx));
    check(BN_mod_sub(minus_b_over_a, p, minus_b_over_a, p, ctx));
    check(BN_mod_mul(t, z, a, p, ctx));
    check(BN_mod_inverse(t, t, p, ctx) != nullptr);
    check(BN_mod_mul(b_over_za, b, t, p, ctx));
    check(BN_sub(p_minus_1_over_2, p, BN_value_one()));
    check(BN_rshift1(p_minus_1_over_2, p_minus_1_over_2));
    BN_free(t);
  }
};

const Curve& curve() {
  static const Curve c;
  return c;
}

// g(x) = x^3 + a·x + b.
void curve_rhs(BIGNUM* out, const BIGNUM* x, BN_CTX* ctx) {
  const Curve& c = curve();
  BN_CTX_start(ctx);
  BIGNUM* t = BN_CTX_get(ctx);
  if (t == nullptr) std::abort();
  check(BN_mod_sqr(t, x, c.p, ctx));
  check(BN_mod_add(t, t, c.a, c.p, ctx));
  check(BN_mod_mul(t, t, x, c.p, ctx));
  check(BN_mod_add(out, t, c.b, c.p, ctx));
  BN_CTX_end(ctx);
}

// Euler's criterion; 0 counts as a square (RFC 9380 is_square).
bool is_square(const BIGNUM* v, BN_CTX* ctx) {
  if (BN_is_zero(v)) return true;
  BN_CTX_start(ctx);
  BIGNUM* t = BN_CTX_get(ctx);
  if (t == nullptr) std::abort();
  check(BN_mod_exp(t, v, curve().p_minus_1_over_2, curve().p, ctx));
  const bool square = BN_is_one(t);
  BN_CTX_end(ctx);
  return square;
}

// Simplified SWU for a = -3 (RFC 9380 section 6.6.2), on affine coordinates.
Point map_to_curve_sswu(const BIGNUM* u) {
  const Curve& c = curve();
  BN_CTX* ctx = bn_ctx();
  BN_CTX_start(ctx);
  BIGNUM* u2 = BN_CTX_get(ctx);
  BIGNUM* tv1 = BN_CTX_get(ctx);
  BIGNUM* x1 = BN_CTX_get(ctx);
  BIGNUM* x2 = BN_CTX_get(ctx);
  BIGNUM* gx = BN_CTX_get(ctx);
  BIGNUM* y = BN_CTX_get(ctx);
  if (y == nullptr) std::abort();
  // tv1 = inv0(Z^2·u^4 + Z·u^2)
  check(BN_mod_sqr(u2, u, c.p, ctx));
  check(BN_mod_mul(u2, u2, c.z, c.p, ctx));  // u2 = Z·u^2
  check(BN_mod_sqr(tv1, u2, c.p, ctx));
  check(BN_mod_add(tv1, tv1, u2, c.p, ctx));
  if (BN_is_zero(tv1)) {
    check(BN_copy(x1, c.b_over_za) != nullptr);  // exceptional case: x1 = B / (Z·A)
  } else {
    check(BN_mod_inverse(tv1, tv1, c.p, ctx) != nullptr);
    check(BN_add_word(tv1, 1));
    check(BN_mod_mul(x1, c.minus_b_over_a, tv1, c.p, ctx));  // x1 = (-B/A)·(1 + tv1)
  }
  curve_rhs(gx, x1, ctx);
  const BIGNUM* x = x1;
  if (!is_square(gx, ctx)) {
    check(BN_mod_mul(x2, u2, x1, c.p, ctx));  // x2 = Z·u^2·x1
    curve_rhs(gx, x2, ctx);
    x = x2;
  }
  if (BN_mod_sqrt(y, gx, c.p, ctx) == nullptr) std::abort();   // gx is a square here
  if (BN_is_odd(y) != BN_is_odd(u)) check(BN_sub(y, c.p, y));  // sgn0(y) = sgn0(u)
  std::uint8_t xb[32], yb[32];
  check(BN_bn2binpad(x, xb, 32) == 32 ? 1 : 0);
  check(BN_bn2binpad(y, yb, 32) == 32 ? 1 : 0);
  BN_CTX_end(ctx);
  auto point = Point::from_affine({xb, 32}, {yb, 32});
  if (!point) std::abort();  // SWU always lands on the curve: a bug otherwise
  return *point;
}

}  // namespace

Bytes expand_message_xmd_sha256(ByteView msg, ByteView dst, std::size_t len) {
  const std::size_t ell = (len + 31) / 32;
  if (dst.empty() || dst.size() > 255 || ell > 255 || len > 65535) std::abort();
  Bytes dst_prime(dst.begin(), dst.end());
  dst_prime.push_back(static_cast<std::uint8_t>(dst.size()));
  const std::uint8_t z_pad[64] = {};
  const std::uint8_t lib_str[3] = {static_cast<std::uint8_t>(len >> 8),
                                   static_cast<std::uint8_t>(len & 0xff), 0};
  Sha256 h0;
  h0.update(ByteView(z_pad, 64)).update(msg).update(ByteView(lib_str, 3)).update(dst_prime);
  const Hash32 b0 = h0.finish();
  Bytes out;
  Hash32 prev{};
  for (std::size_t i = 1; i <= ell; ++i) {
    Hash32 in = b0;
    if (i > 1)
      for (std::size_t k = 0; k < 32; ++k) in.bytes[k] ^= prev.bytes[k];
    const std::uint8_t idx = static_cast<std::uint8_t>(i);
    Sha256 hi;
    hi.update(in.view()).update(ByteView(&idx, 1)).update(dst_prime);
    prev = hi.finish();
    out.insert(out.end(), prev.bytes.begin(), prev.bytes.end());
  }
  out.resize(len);
  return out;
}

Point hash_to_curve_p256(ByteView msg, ByteView dst) {
  const Bytes uniform = expand_message_xmd_sha256(msg, dst, 96);  // count 2 · L 48
  BN_CTX* ctx = bn_ctx();
  Point sum;
  for (int i = 0; i < 2; ++i) {
    BN_CTX_start(ctx);
    BIGNUM* u = BN_CTX_get(ctx);
    if (u == nullptr) std::abort();
    check(BN_bin2bn(uniform.data() + 48 * i, 48, u) != nullptr);
    check(BN_nnmod(u, u, curve().p, ctx));
    sum = sum + map_to_curve_sswu(u);
    BN_CTX_end(ctx);
  }
  return sum;  // clear_cofactor is the identity map for h = 1
}

}  // namespace pv::zk
