// EC_POINTs_mul is deprecated in OpenSSL 3.0 but is still its only multi-scalar multiplication;
// this file alone uses it (docs/zk.md section 1).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "zk/p256.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <cstdlib>

#include "crypto/ed25519.hpp"
#include "zk/p256_context.hpp"

namespace pv::zk {

namespace {

void check(int ok) {
  if (ok != 1) std::abort();  // allocation failure or a bug: never input-dependent
}

}  // namespace

const EC_GROUP* p256_group() {
  static const EC_GROUP* group = [] {
    EC_GROUP* g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    if (g == nullptr) std::abort();
    return g;
  }();
  return group;
}

const BIGNUM* p256_order() {
  return EC_GROUP_get0_order(p256_group());
}

BN_CTX* bn_ctx() {
  struct Holder {
    BN_CTX* ctx = BN_CTX_new();
    ~Holder() { BN_CTX_free(ctx); }
  };
  thread_local Holder holder;
  if (holder.ctx == nullptr) std::abort();
  return holder.ctx;
}

// ---- Scalar -------------------------------------------------------------------------------

void Scalar::Free::operator()(bignum_st* b) const {
  BN_clear_free(b);
}

Scalar::Scalar() : bn_(BN_new()) {
  if (!bn_) std::abort();
}
Scalar::Scalar(const Scalar& other) : bn_(BN_dup(other.bn_.get())) {
  if (!bn_) std::abort();
}
Scalar& Scalar::operator=(const Scalar& other) {
  if (this != &other) check(BN_copy(bn_.get(), other.bn_.get()) != nullptr);
  return *this;
}
Scalar::~Scalar() = default;

Scalar Scalar::from_u64(std::uint64_t v) {
  Scalar s;
  check(BN_set_word(s.bn_.get(), v));
  return s;  // < 2^64 < n
}

Scalar Scalar::from_i64(std::int64_t v) {
  if (v >= 0) return from_u64(static_cast<std::uint64_t>(v));
  // -v as unsigned is exact also for INT64_MIN.
  return -from_u64(0 - static_cast<std::uint64_t>(v));
}

Result<Scalar> Scalar::decode(ByteView bytes) {
  if (bytes.size() != kScalarBytes)
    return make_error(Errc::malformed, "a scalar is 32 bytes, got " + std::to_string(bytes.size()));
  Scalar s;
  check(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), s.bn_.get()) != nullptr);
  if (BN_cmp(s.bn_.get(), p256_order()) >= 0)
    return make_error(Errc::non_canonical, "scalar is not below the group order");
  return s;
}

Scalar Scalar::from_le_bytes_mod_order(ByteView bytes) {
  Scalar s;
  check(BN_lebin2bn(bytes.data(), static_cast<int>(bytes.size()), s.bn_.get()) != nullptr);
  check(BN_nnmod(s.bn_.get(), s.bn_.get(), p256_order(), bn_ctx()));
  return s;
}

Scalar Scalar::random() {
  std::uint8_t wide[48];
  random_bytes(wide, sizeof wide);
  Scalar s = from_le_bytes_mod_order({wide, sizeof wide});
  OPENSSL_cleanse(wide, sizeof wide);
  return s;
}

ScalarBytes Scalar::encode() const {
  ScalarBytes out;
  check(BN_bn2binpad(bn_.get(), out.data(), kScalarBytes) == kScalarBytes ? 1 : 0);
  return out;
}

bool Scalar::is_zero() const {
  return BN_is_zero(bn_.get());
}
bool Scalar::bit(int i) const {
  return BN_is_bit_set(bn_.get(), i) == 1;
}
bool Scalar::fits_bits(int bits) const {
  return BN_num_bits(bn_.get()) <= bits;
}

Scalar Scalar::operator+(const Scalar& o) const {
  Scalar r;
  check(BN_mod_add(r.bn_.get(), bn_.get(), o.bn_.get(), p256_order(), bn_ctx()));
  return r;
}
Scalar Scalar::operator-(const Scalar& o) const {
  Scalar r;
  check(BN_mod_sub(r.bn_.get(), bn_.get(), o.bn_.get(), p256_order(), bn_ctx()));
  return r;
}
Scalar Scalar::operator*(const Scalar& o) const {
  Scalar r;
  check(BN_mod_mul(r.bn_.get(), bn_.get(), o.bn_.get(), p256_order(), bn_ctx()));
  return r;
}
Scalar& Scalar::operator+=(const Scalar& o) {
  check(BN_mod_add(bn_.get(), bn_.get(), o.bn_.get(), p256_order(), bn_ctx()));
  return *this;
}
Scalar& Scalar::operator-=(const Scalar& o) {
  check(BN_mod_sub(bn_.get(), bn_.get(), o.bn_.get(), p256_order(), bn_ctx()));
  return *this;
}
Scalar& Scalar::operator*=(const Scalar& o) {
  check(BN_mod_mul(bn_.get(), bn_.get(), o.bn_.get(), p256_order(), bn_ctx()));
  return *this;
}

Scalar Scalar::operator-() const {
  return Scalar() - *this;
}

// Fermat: s^(n-2) mod n, with one cached Montgomery context (constant time; about twice as fast
// as BN_mod_inverse here).
Scalar Scalar::inverse() const {
  if (is_zero()) std::abort();  // REQUIRES violated: a bug, never input (callers check)
  struct OrderConstants {
    BIGNUM* n_minus_2 = BN_new();
    BN_MONT_CTX* mont = BN_MONT_CTX_new();
    OrderConstants() {
      check(BN_copy(n_minus_2, p256_order()) != nullptr);
      check(BN_sub_word(n_minus_2, 2));
      check(BN_MONT_CTX_set(mont, p256_order(), bn_ctx()));
    }
  };
  static const OrderConstants c;
  Scalar r;
  check(BN_mod_exp_mont_consttime(r.bn_.get(), bn_.get(), c.n_minus_2, p256_order(), bn_ctx(),
                                  c.mont));
  return r;
}

bool operator==(const Scalar& a, const Scalar& b) {
  return BN_cmp(a.bn_.get(), b.bn_.get()) == 0;
}

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

void batch_invert(std::span<Scalar> scalars) {
  if (scalars.empty()) return;
  std::vector<Scalar> prefix;  // prefix[i] = s_0 · … · s_i
  prefix.reserve(scalars.size());
  prefix.push_back(scalars[0]);
  for (std::size_t i = 1; i < scalars.size(); ++i) prefix.push_back(prefix.back() * scalars[i]);
  Scalar inv = prefix.back().inverse();
  for (std::size_t i = scalars.size(); i-- > 1;) {
    const Scalar next = inv * scalars[i];  // 1 / (s_0 · … · s_{i-1})
    scalars[i] = inv * prefix[i - 1];
    inv = next;
  }
  scalars[0] = inv;
}

Scalar inner_product(std::span<const Scalar> a, std::span<const Scalar> b) {
  if (a.size() != b.size()) std::abort();
  Scalar acc;
  for (std::size_t i = 0; i < a.size(); ++i) acc += a[i] * b[i];
  return acc;
}

ScalarBytes group_order() {
  ScalarBytes out;
  check(BN_bn2binpad(p256_order(), out.data(), kScalarBytes) == kScalarBytes ? 1 : 0);
  return out;
}

}  // namespace pv::zk
