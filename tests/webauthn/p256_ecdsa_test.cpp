// ES256 keys, signatures and their forms, attacked: every flipped bit of a signature or message
// must fail, malformed keys and DER must be refused, the low-S rule must hold for what we sign.

#include "crypto/p256_ecdsa.hpp"

#include <gtest/gtest.h>

namespace pv {
namespace {

// floor(n / 2) and n for P-256, from SEC 2 (the order is public curve data).
const char* kHalfOrderHex = "7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8";
const char* kOrderHex = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

P256Signature with_s(const P256Signature& sig, const char* s_hex) {
  P256Signature out = sig;
  auto s = from_hex(s_hex);
  std::copy(s->begin(), s->end(), out.bytes.begin() + 32);
  return out;
}

TEST(P256Ecdsa, SignVerifyAndEveryFlippedBitFails) {
  const auto key = P256SigningKey::generate();
  const Bytes msg = to_bytes("consent grant for record 42");
  const P256Signature sig = key.sign(msg);
  EXPECT_TRUE(es256_verify(key.public_key(), msg, sig));
  EXPECT_TRUE(p256_signature_is_low_s(sig));
  for (std::size_t i = 0; i < sig.size() * 8; ++i) {
    P256Signature bad = sig;
    bad.bytes[i / 8] ^= static_cast<std::uint8_t>(1u << (i % 8));
    EXPECT_FALSE(es256_verify(key.public_key(), msg, bad)) << "bit " << i;
  }
  for (std::size_t i = 0; i < msg.size(); ++i) {
    Bytes bad = msg;
    bad[i] ^= 0x01;
    EXPECT_FALSE(es256_verify(key.public_key(), bad, sig)) << "byte " << i;
  }
  const auto other = P256SigningKey::generate();
  EXPECT_FALSE(es256_verify(other.public_key(), msg, sig));
}

TEST(P256Ecdsa, SignaturesAreAlwaysLowS) {
  const auto key = P256SigningKey::generate();
  for (int i = 0; i < 64; ++i) {
    const Bytes msg = {static_cast<std::uint8_t>(i)};
    const P256Signature sig = key.sign(msg);
    EXPECT_TRUE(p256_signature_is_low_s(sig)) << i;
  }
}

TEST(P256Ecdsa, HighSVerifiesAndNormalisesBack) {
  const auto key = P256SigningKey::generate();
  const Bytes msg = to_bytes("m");
  const P256Signature low = key.sign(msg);
  // n − s, computed independently of p256_signature_normalize_s: the normaliser is an involution
  // on the pair, so normalising the high form must give back exactly what we signed.
  P256Signature high = low;
  {
    auto n = from_hex(kOrderHex);
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
      int d = (*n)[i] - low.bytes[32 + i] - borrow;
      borrow = d < 0;
      high.bytes[32 + i] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
    }
  }
  EXPECT_FALSE(p256_signature_is_low_s(high));
  EXPECT_TRUE(es256_verify(key.public_key(), msg, high));  // valid ECDSA, not canonical
  EXPECT_EQ(p256_signature_normalize_s(high), low);
  EXPECT_EQ(p256_signature_normalize_s(low), low);
}

TEST(P256Ecdsa, LowSBoundaryIsHalfTheOrder) {
  P256Signature sig;
  sig.bytes.fill(0x11);
  EXPECT_TRUE(p256_signature_is_low_s(with_s(sig, kHalfOrderHex)));
  EXPECT_FALSE(p256_signature_is_low_s(
      with_s(sig, "7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a9")));
  // s = n and s = 0 never verify; the normaliser leaves s ≥ n alone.
  EXPECT_EQ(p256_signature_normalize_s(with_s(sig, kOrderHex)), with_s(sig, kOrderHex));
}

TEST(P256Ecdsa, ZeroAndOutOfRangeSignaturesFail) {
  const auto key = P256SigningKey::generate();
  const Bytes msg = to_bytes("m");
  const P256Signature sig = key.sign(msg);
  P256Signature zero;
  EXPECT_FALSE(es256_verify(key.public_key(), msg, zero));
  EXPECT_FALSE(es256_verify(key.public_key(), msg, with_s(sig, kOrderHex)));
  P256Signature r_is_n = sig;
  auto n = from_hex(kOrderHex);
  std::copy(n->begin(), n->end(), r_is_n.bytes.begin());
  EXPECT_FALSE(es256_verify(key.public_key(), msg, r_is_n));
}

TEST(P256Ecdsa, PublicKeyDecodingIsStrict) {
  const auto key = P256SigningKey::generate();
  const auto& c = key.public_key().compressed();
  auto again = P256PublicKey::from_compressed(c.view());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, key.public_key());

  Bytes bad(c.bytes.begin(), c.bytes.end());
  bad[0] = 0x04;
  EXPECT_FALSE(P256PublicKey::from_compressed(bad));
  bad[0] = 0x00;
  EXPECT_FALSE(P256PublicKey::from_sec1(bad));
  EXPECT_FALSE(P256PublicKey::from_sec1(Bytes{0x00}));  // the identity's SEC1 form
  // x = p (the field prime) is not a field element.
  auto p = from_hex("02ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
  EXPECT_FALSE(P256PublicKey::from_compressed(*p));
  // About half of all x have no y on the curve: among small x some must be refused, and every
  // one that decodes is a point whose key re-encodes to the same bytes.
  int refused = 0;
  for (std::uint8_t x = 1; x <= 32; ++x) {
    Bytes enc(33, 0);
    enc[0] = 0x02;
    enc[32] = x;
    auto k = P256PublicKey::from_compressed(enc);
    if (!k) {
      ++refused;
      continue;
    }
    EXPECT_EQ(to_hex(k->view()), to_hex(enc));
  }
  EXPECT_GT(refused, 4);
  EXPECT_LT(refused, 28);
  EXPECT_FALSE(P256PublicKey::from_sec1(Bytes(32, 0x02)));
  EXPECT_FALSE(P256PublicKey::from_sec1(Bytes(34, 0x02)));
}

TEST(P256Ecdsa, UncompressedImportChecksTheCurve) {
  // The generator G, uncompressed (SEC 2).
  auto g = from_hex(
      "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
      "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
  auto key = P256PublicKey::from_uncompressed(*g);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->compressed().hex(),
            "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
  Bytes off = *g;
  off[64] ^= 0x01;  // y changed: off the curve
  EXPECT_FALSE(P256PublicKey::from_uncompressed(off));
  Bytes hybrid = *g;
  hybrid[0] = 0x07;  // SEC1 hybrid form: refused
  EXPECT_FALSE(P256PublicKey::from_sec1(hybrid));
  auto d1 =
      FixedBytes<32>::from_hex("0000000000000000000000000000000000000000000000000000000000000001");
  auto one = P256SigningKey::from_scalar(*d1);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->public_key(), *key);  // 1·G = G
}

TEST(P256Ecdsa, ScalarOutOfRangeIsRefused) {
  FixedBytes<32> zero;
  EXPECT_FALSE(P256SigningKey::from_scalar(zero));
  auto n = FixedBytes<32>::from_hex(kOrderHex);
  EXPECT_FALSE(P256SigningKey::from_scalar(*n));
}

TEST(P256Der, RoundTripsAndIsMinimal) {
  const auto key = P256SigningKey::generate();
  for (int i = 0; i < 32; ++i) {
    const P256Signature sig = key.sign(Bytes{static_cast<std::uint8_t>(i)});
    const Bytes der = p256_signature_to_der(sig);
    auto back = p256_signature_from_der(der);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, sig);
  }
  P256Signature small;
  small.bytes[31] = 1;     // r = 1
  small.bytes[32] = 0x80;  // s has its top bit set: needs a 0x00 pad
  const Bytes der = p256_signature_to_der(small);
  EXPECT_EQ(to_hex(der), "3026020101022100" + std::string("80") + std::string(62, '0'));
}

TEST(P256Der, RefusesEveryNonDerForm) {
  const auto key = P256SigningKey::generate();
  P256Signature sig = key.sign(to_bytes("x"));
  sig.bytes[0] |= 0x80;  // make r need a pad byte, so the test can play with it
  const Bytes der = p256_signature_to_der(sig);
  ASSERT_TRUE(p256_signature_from_der(der));

  Bytes trailing = der;
  trailing.push_back(0x00);
  EXPECT_FALSE(p256_signature_from_der(trailing));
  Bytes truncated(der.begin(), der.end() - 1);
  EXPECT_FALSE(p256_signature_from_der(truncated));

  // Long-form sequence length (BER).
  Bytes long_form = {0x30, 0x81, der[1]};
  long_form.insert(long_form.end(), der.begin() + 2, der.end());
  EXPECT_FALSE(p256_signature_from_der(long_form));

  // r with an extra leading zero: non-minimal.
  Bytes padded = der;
  padded[1] += 1;
  padded[3] += 1;
  padded.insert(padded.begin() + 4, 0x00);
  EXPECT_FALSE(p256_signature_from_der(padded));

  // A zero before an r whose top bit is clear: non-minimal, though the value fits in 32 bytes.
  {
    P256Signature clear = sig;
    clear.bytes[0] = 0x40;  // top bit clear and the byte non-zero: r is exactly 32 bytes
    Bytes minimal = p256_signature_to_der(clear);
    ASSERT_EQ(minimal[3], 32);
    minimal[1] += 1;
    minimal[3] += 1;
    minimal.insert(minimal.begin() + 4, 0x00);
    EXPECT_FALSE(p256_signature_from_der(minimal));
  }

  // r without its pad: negative.
  Bytes negative = der;
  negative[1] -= 1;
  negative[3] -= 1;
  negative.erase(negative.begin() + 4);
  EXPECT_FALSE(p256_signature_from_der(negative));

  // A 34-byte integer, wrong tags, empty input.
  Bytes wide = {0x30, 0x26, 0x02, 0x22, 0x00};
  wide.insert(wide.end(), 33, 0x80);
  wide.insert(wide.end(), {0x02, 0x01, 0x01});
  wide[1] = static_cast<std::uint8_t>(wide.size() - 2);
  EXPECT_FALSE(p256_signature_from_der(wide));
  Bytes wrong_tag = der;
  wrong_tag[0] = 0x31;
  EXPECT_FALSE(p256_signature_from_der(wrong_tag));
  Bytes int_tag = der;
  int_tag[2] = 0x03;
  EXPECT_FALSE(p256_signature_from_der(int_tag));
  EXPECT_FALSE(p256_signature_from_der(Bytes{}));
  EXPECT_FALSE(p256_signature_from_der(Bytes{0x30, 0x00}));
  // Every truncation fails.
  for (std::size_t n = 0; n < der.size(); ++n)
    EXPECT_FALSE(p256_signature_from_der(ByteView(der).first(n))) << n;
}

}  // namespace
}  // namespace pv
