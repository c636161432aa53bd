#pragma once
// The group of the zero-knowledge proofs: NIST P-256 through OpenSSL 3 (docs/zk.md section 1).
// Scalars are integers mod the group order n; points are group elements. Decoding is canonical
// and refuses everything else: a point only as 33-byte SEC1 compressed form of a curve point
// other than the identity, a scalar only as 32 big-endian bytes of an integer < n.
// Not thread-safe per object; distinct objects may be used from distinct threads.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/bytes.hpp"

struct bignum_st;
struct ec_point_st;

namespace pv::zk {

inline constexpr std::size_t kPointBytes = 33;
inline constexpr std::size_t kScalarBytes = 32;
using PointBytes = FixedBytes<kPointBytes>;
using ScalarBytes = FixedBytes<kScalarBytes>;

class Scalar {
 public:
  Scalar();  // zero
  Scalar(const Scalar& other);
  Scalar(Scalar&&) noexcept = default;
  Scalar& operator=(const Scalar& other);
  Scalar& operator=(Scalar&&) noexcept = default;
  ~Scalar();

  static Scalar from_u64(std::uint64_t v);
  // A signed value v as v mod n (so -1 is n - 1).
  static Scalar from_i64(std::int64_t v);
  // Canonical decoding: exactly 32 big-endian bytes of an integer < n.
  [[nodiscard]] static Result<Scalar> decode(ByteView bytes);
  // LE2IP(bytes) mod n: the Fiat-Shamir draft's DecodeField (48 bytes give bias <= 2^-128).
  static Scalar from_le_bytes_mod_order(ByteView bytes);
  // Uniform from 48 bytes of OS randomness.
  static Scalar random();

  ScalarBytes encode() const;
  bool is_zero() const;
  // Bit i of the canonical integer (0 = least significant).
  bool bit(int i) const;
  // True when the canonical integer is < 2^bits.
  bool fits_bits(int bits) const;

  Scalar operator+(const Scalar& o) const;
  Scalar operator-(const Scalar& o) const;
  Scalar operator*(const Scalar& o) const;
  Scalar operator-() const;
  Scalar& operator+=(const Scalar& o);  // in place, no allocation
  Scalar& operator-=(const Scalar& o);
  Scalar& operator*=(const Scalar& o);
  // REQUIRES: !is_zero().
  Scalar inverse() const;
  friend bool operator==(const Scalar& a, const Scalar& b);

  const bignum_st* raw() const { return bn_.get(); }

 private:
  struct Free {
    void operator()(bignum_st* b) const;
  };
  std::unique_ptr<bignum_st, Free> bn_;
};

class Point {
 public:
  Point();  // the identity
  Point(const Point& other);
  Point(Point&&) noexcept = default;
  Point& operator=(const Point& other);
  Point& operator=(Point&&) noexcept = default;
  ~Point();

  static Point generator();
  // Canonical decoding (see the file comment); never yields the identity.
  [[nodiscard]] static Result<Point> decode(ByteView bytes);
  // Affine coordinates as 32-byte big-endian field elements; refuses points not on the curve.
  [[nodiscard]] static Result<Point> from_affine(ByteView x, ByteView y);

  // REQUIRES: !is_identity() (the identity has no 33-byte encoding).
  PointBytes encode() const;
  bool is_identity() const;

  Point operator+(const Point& o) const;
  Point operator-(const Point& o) const;
  Point operator-() const;
  // Scalar multiplication (constant time in the scalar: OpenSSL's P-256 ladder/window).
  Point operator*(const Scalar& s) const;
  friend bool operator==(const Point& a, const Point& b);

  const ec_point_st* raw() const { return p_.get(); }
  ec_point_st* raw_mut() { return p_.get(); }

 private:
  struct Free {
    void operator()(ec_point_st* p) const;
  };
  std::unique_ptr<ec_point_st, Free> p_;
};

inline Point operator*(const Scalar& s, const Point& p) {
  return p * s;
}

// Multi-scalar multiplication g·G + Σ s_i·P_i through OpenSSL's EC_POINTs_mul (constant time in
// the scalars on P-256). REQUIRES: scalars.size() == points.size().
Point multi_scalar_mul(const Scalar& g, std::span<const Scalar> scalars,
                       std::span<const Point> points);

// Replaces every scalar by its inverse with one field inversion (Montgomery's trick).
// REQUIRES: no scalar is zero.
void batch_invert(std::span<Scalar> scalars);

// The same over points held elsewhere. REQUIRES: scalars.size() == points.size(), no null.
Point multi_scalar_mul(const Scalar& g, std::span<const Scalar> scalars,
                       std::span<const Point* const> points);

// <a, b> over scalars. REQUIRES: a.size() == b.size().
Scalar inner_product(std::span<const Scalar> a, std::span<const Scalar> b);

// The group order n, 32 big-endian bytes.
ScalarBytes group_order();

}  // namespace pv::zk
