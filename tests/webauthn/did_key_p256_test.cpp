// did:key for P-256 (zDn...): round trips, and every non-canonical or foreign form is refused.

#include "codec/did_key_p256.hpp"

#include <gtest/gtest.h>

#include "codec/did_key.hpp"

namespace pv {
namespace {

TEST(DidKeyP256, RoundTripsAndStartsZDn) {
  for (int i = 0; i < 16; ++i) {
    const auto key = P256SigningKey::generate();
    const std::string did = did_key_from_p256(key.public_key());
    EXPECT_EQ(did.substr(0, 11), "did:key:zDn") << did;
    auto back = p256_from_did_key(did);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, key.public_key());
    // The multibase payload is exactly 0x80 0x24 ‖ the compressed key.
    auto raw = base58btc_decode(std::string_view(did).substr(9));
    ASSERT_TRUE(raw);
    ASSERT_EQ(raw->size(), 35u);
    EXPECT_EQ((*raw)[0], 0x80);
    EXPECT_EQ((*raw)[1], 0x24);
    EXPECT_EQ(to_hex(ByteView(*raw).subspan(2)), to_hex(key.public_key().view()));
  }
}

TEST(DidKeyP256, TheGeneratorsDid) {
  // 1·G: its compressed form is public curve data (SEC 2); the DID follows from the encoding.
  auto d1 =
      FixedBytes<32>::from_hex("0000000000000000000000000000000000000000000000000000000000000001");
  auto one = P256SigningKey::from_scalar(*d1);
  ASSERT_TRUE(one);
  Bytes raw = {0x80, 0x24};
  auto g = from_hex("036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
  raw.insert(raw.end(), g->begin(), g->end());
  EXPECT_EQ(did_key_from_p256(one->public_key()), "did:key:z" + base58btc_encode(raw));
}

Bytes payload(std::initializer_list<std::uint8_t> codec, ByteView key) {
  Bytes out(codec);
  out.insert(out.end(), key.begin(), key.end());
  return out;
}

TEST(DidKeyP256, AttacksAreRefused) {
  const auto key = P256SigningKey::generate();
  const std::string did = did_key_from_p256(key.public_key());

  // Uncompressed key under the right codec.
  auto g = from_hex(
      "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
      "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
  auto r = p256_from_did_key("did:key:z" + base58btc_encode(payload({0x80, 0x24}, *g)));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("compressed"), std::string::npos);
  // Wrong codecs: Ed25519 (0xed01), secp256k1 (0xe701), P-384 (0x1201), a non-minimal varint.
  for (auto codec : {std::initializer_list<std::uint8_t>{0xed, 0x01},
                     {0xe7, 0x01},
                     {0x81, 0x24},
                     {0x80, 0xa4, 0x00}}) {
    EXPECT_FALSE(
        p256_from_did_key("did:key:z" + base58btc_encode(payload(codec, key.public_key().view()))));
  }
  // An Ed25519 did:key is not a P-256 one, and the reverse.
  EXPECT_FALSE(p256_from_did_key("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"));
  EXPECT_FALSE(public_key_from_did_key(did));
  // Non-canonical base58: a leading '1' adds a zero byte; other multibases; other methods.
  EXPECT_FALSE(p256_from_did_key("did:key:z1" + did.substr(9)));
  EXPECT_FALSE(p256_from_did_key("did:key:f" + did.substr(9)));
  EXPECT_FALSE(p256_from_did_key("did:pv:z" + did.substr(9)));
  EXPECT_FALSE(p256_from_did_key(did + "1"));
  EXPECT_FALSE(p256_from_did_key(did.substr(0, did.size() - 1)));
  EXPECT_FALSE(p256_from_did_key(did + "#key-1"));
  EXPECT_FALSE(p256_from_did_key(""));
  // A point off the curve, and a bad prefix byte.
  Bytes off = payload({0x80, 0x24}, key.public_key().view());
  off[2] = 0x04;
  EXPECT_FALSE(p256_from_did_key("did:key:z" + base58btc_encode(off)));
  int refused = 0;
  for (std::uint8_t x = 1; x <= 16; ++x) {
    Bytes k(33, 0);
    k[0] = 0x02;
    k[32] = x;
    if (!p256_from_did_key("did:key:z" + base58btc_encode(payload({0x80, 0x24}, k)))) ++refused;
  }
  EXPECT_GT(refused, 0);
  // Every single-character change fails or decodes to another key.
  for (std::size_t i = 9; i < did.size(); ++i) {
    std::string bad = did;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    auto k = p256_from_did_key(bad);
    if (k) {
      EXPECT_NE(*k, key.public_key()) << i;
    }
  }
}

}  // namespace
}  // namespace pv
