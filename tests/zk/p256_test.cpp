// The group layer (zk/p256.hpp): canonical decoding refuses everything but the one encoding of a
// curve point other than the identity and of a scalar below n; arithmetic and the library's
// multi-scalar multiplication agree with plain repeated operations.

#include "zk/p256.hpp"

#include <gtest/gtest.h>

#include "zk_test_support.hpp"

namespace pv::zk {
namespace {

using testing::hex;

TEST(ZkP256, PointDecodingIsCanonical) {
  const Point p = Point::generator() * Scalar::from_u64(7);
  const PointBytes enc = p.encode();
  auto back = Point::decode(enc.view());
  ASSERT_TRUE(back.is_ok());
  EXPECT_TRUE(*back == p);

  Bytes bytes(enc.bytes.begin(), enc.bytes.end());
  for (std::uint8_t prefix : {0x00, 0x01, 0x04, 0x05, 0x06, 0x07, 0xff}) {
    Bytes bad = bytes;
    bad[0] = prefix;
    EXPECT_FALSE(Point::decode(bad).is_ok()) << int{prefix};
  }
  Bytes flipped_sign = bytes;
  flipped_sign[0] ^= 1;  // the other point with this x: a valid, different point
  auto neg = Point::decode(flipped_sign);
  ASSERT_TRUE(neg.is_ok());
  EXPECT_TRUE(*neg == -p);

  EXPECT_FALSE(Point::decode(hex("00")).is_ok());     // SEC1 identity
  EXPECT_FALSE(Point::decode(Bytes(33, 0)).is_ok());  // zero prefix and x
  EXPECT_FALSE(Point::decode(ByteView(bytes).first(32)).is_ok());
  Bytes longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(Point::decode(longer).is_ok());
  // x = p and x = 2^256 - 1 are out of the field; x = 1 is not on the curve.
  EXPECT_FALSE(
      Point::decode(hex("02ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"))
          .is_ok());
  EXPECT_FALSE(
      Point::decode(hex("03ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"))
          .is_ok());
  EXPECT_FALSE(
      Point::decode(hex("020000000000000000000000000000000000000000000000000000000000000001"))
          .is_ok());
  // The uncompressed form of a valid point is refused too.
  EXPECT_FALSE(
      Point::decode(hex("046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2"
                        "fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"))
          .is_ok());
  EXPECT_TRUE(Point().is_identity());
  EXPECT_TRUE((p - p).is_identity());
}

TEST(ZkP256, ScalarDecodingIsCanonical) {
  const ScalarBytes order = group_order();
  EXPECT_EQ(order.hex(), "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  auto bad = Scalar::decode(order.view());
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.error().code, Errc::non_canonical);
  Bytes n_minus_1(order.bytes.begin(), order.bytes.end());
  n_minus_1[31] -= 1;
  auto top = Scalar::decode(n_minus_1);
  ASSERT_TRUE(top.is_ok());
  EXPECT_TRUE(*top == Scalar::from_i64(-1));
  Bytes n_plus_1(order.bytes.begin(), order.bytes.end());
  n_plus_1[31] += 1;
  EXPECT_FALSE(Scalar::decode(n_plus_1).is_ok());
  EXPECT_FALSE(Scalar::decode(Bytes(32, 0xff)).is_ok());
  EXPECT_FALSE(Scalar::decode(Bytes(31, 0)).is_ok());
  EXPECT_FALSE(Scalar::decode(Bytes(33, 0)).is_ok());
  EXPECT_TRUE(Scalar::decode(Bytes(32, 0)).is_ok());
}

TEST(ZkP256, ArithmeticAndMultiScalarMultiplication) {
  const Scalar a = Scalar::random(), b = Scalar::random();
  EXPECT_TRUE((a + b) - b == a);
  EXPECT_TRUE(a * a.inverse() == Scalar::from_u64(1));
  EXPECT_TRUE(Scalar::from_i64(-5) + Scalar::from_u64(5) == Scalar());
  EXPECT_TRUE(Scalar::from_i64(INT64_MIN) == -(Scalar::from_u64(1ull << 63)));
  const Point g = Point::generator();
  EXPECT_TRUE(g * (a + b) == g * a + g * b);
  std::vector<Scalar> s;
  std::vector<Point> p;
  Point naive = g * Scalar::from_u64(3);
  for (int i = 0; i < 20; ++i) {
    s.push_back(Scalar::random());
    p.push_back(g * Scalar::random());
    naive = naive + p.back() * s.back();
  }
  EXPECT_TRUE(multi_scalar_mul(Scalar::from_u64(3), s, p) == naive);
  EXPECT_TRUE(Scalar::from_u64(255).fits_bits(8));
  EXPECT_FALSE(Scalar::from_u64(256).fits_bits(8));
  EXPECT_TRUE(Scalar::from_u64(5).bit(0) && !Scalar::from_u64(5).bit(1) &&
              Scalar::from_u64(5).bit(2));
}

}  // namespace
}  // namespace pv::zk
