// EC_POINTs_mul is deprecated in OpenSSL 3.0 but is still its only multi-scalar multiplication;
// this file alone uses it (docs/zk.md section 1).
#define OPENSSL_SUPPRESS_DEPRECATED
// P-256 points (zk/p256.hpp): canonical decoding, group operations and the multi-scalar
// multiplication, on OpenSSL's EC_POINT.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include <cstdlib>

#include "zk/p256.hpp"
#include "zk/p256_context.hpp"

namespace pv::zk {

namespace {

void check(int ok) {
  if (ok != 1) std::abort();  // allocation failure or a bug: never input-dependent
}

}  // namespace

// ---- Point --------------------------------------------------------------------------------

void Point::Free::operator()(ec_point_st* p) const {
  EC_POINT_free(p);
}

Point::Point() : p_(EC_POINT_new(p256_group())) {
  if (!p_) std::abort();
  check(EC_POINT_set_to_infinity(p256_group(), p_.get()));
}
Point::Point(const Point& other) : p_(EC_POINT_dup(other.p_.get(), p256_group())) {
  if (!p_) std::abort();
}
Point& Point::operator=(const Point& other) {
  if (this != &other) check(EC_POINT_copy(p_.get(), other.p_.get()));
  return *this;
}
Point::~Point() = default;

Point Point::generator() {
  Point g;
  check(EC_POINT_copy(g.p_.get(), EC_GROUP_get0_generator(p256_group())));
  return g;
}

namespace {

// The field constants of SEC1 decompression: y = (x^3 - 3x + b)^((p+1)/4), p = 3 mod 4, with a
// Montgomery context made once (OpenSSL's oct2point builds one per call; ~30 % of its time).
struct FieldConstants {
  BIGNUM* p = BN_new();
  BIGNUM* b = BN_new();
  BIGNUM* sqrt_exponent = BN_new();
  BN_MONT_CTX* mont = BN_MONT_CTX_new();
  FieldConstants() {
    BIGNUM* a = BN_new();
    check(EC_GROUP_get_curve(p256_group(), p, a, b, bn_ctx()));
    BN_free(a);
    check(BN_copy(sqrt_exponent, p) != nullptr);
    check(BN_add_word(sqrt_exponent, 1));
    check(BN_rshift(sqrt_exponent, sqrt_exponent, 2));
    check(BN_MONT_CTX_set(mont, p, bn_ctx()));
  }
};

const FieldConstants& field() {
  static const FieldConstants f;
  return f;
}

}  // namespace

Result<Point> Point::decode(ByteView bytes) {
  if (bytes.size() != kPointBytes)
    return make_error(Errc::malformed, "a point is 33 bytes, got " + std::to_string(bytes.size()));
  if (bytes[0] != 0x02 && bytes[0] != 0x03)
    return make_error(Errc::non_canonical, "a point must be SEC1 compressed (prefix 02 or 03)");
  const FieldConstants& f = field();
  BN_CTX* ctx = bn_ctx();
  BN_CTX_start(ctx);
  BIGNUM* x = BN_CTX_get(ctx);
  BIGNUM* rhs = BN_CTX_get(ctx);
  BIGNUM* y = BN_CTX_get(ctx);
  BIGNUM* t = BN_CTX_get(ctx);
  if (t == nullptr) std::abort();
  Point p;
  std::string why;
  check(BN_bin2bn(bytes.data() + 1, 32, x) != nullptr);
  if (BN_cmp(x, f.p) >= 0) {
    why = "x is not below the field prime";
  } else {
    // rhs = x^3 - 3x + b; y = rhs^((p+1)/4) is its square root if it has one.
    check(BN_mod_sqr(t, x, f.p, ctx));
    check(BN_mod_mul(rhs, t, x, f.p, ctx));
    check(BN_mod_sub(rhs, rhs, x, f.p, ctx));
    check(BN_mod_sub(rhs, rhs, x, f.p, ctx));
    check(BN_mod_sub(rhs, rhs, x, f.p, ctx));
    check(BN_mod_add(rhs, rhs, f.b, f.p, ctx));
    check(BN_mod_exp_mont(y, rhs, f.sqrt_exponent, f.p, ctx, f.mont));
    check(BN_mod_sqr(t, y, f.p, ctx));
    if (BN_cmp(t, rhs) != 0) {
      why = "x is not the abscissa of a P-256 point";
    } else {
      if (BN_is_odd(y) != (bytes[0] & 1)) check(BN_sub(y, f.p, y));  // y != 0 on P-256
      // Checks the point is on the curve once more (cheap: no square root).
      if (EC_POINT_set_affine_coordinates(p256_group(), p.p_.get(), x, y, ctx) != 1) {
        ERR_clear_error();
        why = "not the encoding of a P-256 point";
      }
    }
  }
  BN_CTX_end(ctx);
  if (!why.empty()) return make_error(Errc::malformed, why);
  if (p.is_identity()) return make_error(Errc::malformed, "the identity is not accepted");
  return p;
}

Result<Point> Point::from_affine(ByteView x, ByteView y) {
  if (x.size() != 32 || y.size() != 32)
    return make_error(Errc::malformed, "coordinates are 32 bytes");
  Point p;
  BN_CTX* ctx = bn_ctx();
  BN_CTX_start(ctx);
  BIGNUM* bx = BN_CTX_get(ctx);
  BIGNUM* by = BN_CTX_get(ctx);
  if (by == nullptr) std::abort();
  check(BN_bin2bn(x.data(), 32, bx) != nullptr);
  check(BN_bin2bn(y.data(), 32, by) != nullptr);
  const bool ok = EC_POINT_set_affine_coordinates(p256_group(), p.p_.get(), bx, by, ctx) == 1;
  BN_CTX_end(ctx);
  if (!ok) {
    ERR_clear_error();
    return make_error(Errc::malformed, "not a point on P-256");
  }
  return p;
}

PointBytes Point::encode() const {
  PointBytes out;
  const std::size_t n = EC_POINT_point2oct(p256_group(), p_.get(), POINT_CONVERSION_COMPRESSED,
                                           out.data(), kPointBytes, bn_ctx());
  if (n != kPointBytes) std::abort();  // REQUIRES violated: the identity has no encoding
  return out;
}

bool Point::is_identity() const {
  return EC_POINT_is_at_infinity(p256_group(), p_.get()) == 1;
}

Point Point::operator+(const Point& o) const {
  Point r;
  check(EC_POINT_add(p256_group(), r.p_.get(), p_.get(), o.p_.get(), bn_ctx()));
  return r;
}
Point Point::operator-() const {
  Point r(*this);
  check(EC_POINT_invert(p256_group(), r.p_.get(), bn_ctx()));
  return r;
}
Point Point::operator-(const Point& o) const {
  return *this + (-o);
}

Point Point::operator*(const Scalar& s) const {
  Point r;
  check(EC_POINT_mul(p256_group(), r.p_.get(), nullptr, p_.get(), s.raw(), bn_ctx()));
  return r;
}

bool operator==(const Point& a, const Point& b) {
  const int c = EC_POINT_cmp(p256_group(), a.p_.get(), b.p_.get(), bn_ctx());
  if (c < 0) std::abort();
  return c == 0;
}

namespace {

Point msm(const Scalar& g, std::span<const Scalar> scalars, std::vector<const EC_POINT*>& ps) {
  if (scalars.size() != ps.size()) std::abort();
  std::vector<const BIGNUM*> ss;
  ss.reserve(scalars.size());
  for (const auto& s : scalars) ss.push_back(s.raw());
  Point r;
  check(
      EC_POINTs_mul(p256_group(), r.raw_mut(), g.raw(), ps.size(), ps.data(), ss.data(), bn_ctx()));
  return r;
}

}  // namespace

Point multi_scalar_mul(const Scalar& g, std::span<const Scalar> scalars,
                       std::span<const Point> points) {
  std::vector<const EC_POINT*> ps;
  ps.reserve(points.size());
  for (const auto& p : points) ps.push_back(p.raw());
  return msm(g, scalars, ps);
}

Point multi_scalar_mul(const Scalar& g, std::span<const Scalar> scalars,
                       std::span<const Point* const> points) {
  std::vector<const EC_POINT*> ps;
  ps.reserve(points.size());
  for (const Point* p : points) ps.push_back(p->raw());
  return msm(g, scalars, ps);
}

}  // namespace pv::zk
