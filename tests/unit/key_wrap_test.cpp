// Key wrapping (sealed boxes to a DID's key-agreement key), HMAC/HKDF against the RFC vectors,
// and the record commitment against an independent computation (Python's hmac/hashlib, see the
// comment at its test). Attacks: every flipped byte of a sealed key, the wrong recipient.

#include "identity/key_wrap.hpp"

#include <gtest/gtest.h>

#include "crypto/hmac.hpp"
#include "identity/record_commitment.hpp"

namespace pv {
namespace {

Bytes hex(std::string_view h) {
  return *from_hex(h);
}

TEST(Hmac, Rfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?")).hex(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Incremental equals one-shot.
  HmacSha256 mac(as_bytes("Jefe"));
  mac.update(as_bytes("what do ya want ")).update(as_bytes("for nothing?"));
  EXPECT_EQ(mac.finish().hex(), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hkdf, Rfc5869TestCases1And3) {
  Bytes ikm(22, 0x0b);
  auto okm1 = hkdf_sha256(ikm, hex("000102030405060708090a0b0c"), hex("f0f1f2f3f4f5f6f7f8f9"), 42);
  ASSERT_TRUE(okm1);
  EXPECT_EQ(to_hex(*okm1),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  auto okm3 = hkdf_sha256(ikm, {}, {}, 42);
  ASSERT_TRUE(okm3);
  EXPECT_EQ(to_hex(*okm3),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  EXPECT_FALSE(hkdf_sha256(ikm, {}, {}, 0));
  EXPECT_FALSE(hkdf_sha256(ikm, {}, {}, 255 * 32 + 1));
}

// Expected values computed independently with Python 3's hmac and hashlib (HKDF written out from
// RFC 5869, cross-checked on its test cases 1 and 3): data key = bytes 00..1f.
TEST(RecordCommitment, MatchesIndependentComputation) {
  auto data_key =
      *SecretKey32::from(hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  EXPECT_EQ(record_commitment_key(data_key).hex(),
            "23a788c488960395e37599bf21ae9d202377f091e23aff3773e07702ffc5116c");
  const std::string plaintext = R"({"resourceType":"Observation","status":"final"})";
  EXPECT_EQ(record_commitment(data_key, as_bytes(plaintext)).hex(),
            "09f970629ee7b0209d05f3d6c43490335bff017a16bc90384a1a55073931681e");
  RecordCommitment pieces(data_key);
  pieces.update(as_bytes(plaintext.substr(0, 10))).update(as_bytes(plaintext.substr(10)));
  EXPECT_EQ(pieces.finish(), record_commitment(data_key, as_bytes(plaintext)));
  // Without the key, the commitment is not the plain hash, and another key gives another value.
  EXPECT_NE(record_commitment(generate_secret_key(), as_bytes(plaintext)),
            record_commitment(data_key, as_bytes(plaintext)));
  EXPECT_NE(record_commitment(data_key, as_bytes(plaintext)), sha256(as_bytes(plaintext)));
}

TEST(KeyWrap, SealsToADidKeyAndOnlyItsHolderOpens) {
  auto patient = SigningKey::generate();
  auto other = SigningKey::generate();
  SecretKey32 data_key = generate_secret_key();
  auto sealed = seal_key_to_ed25519(data_key, patient.public_key());
  ASSERT_TRUE(sealed) << sealed.error().message;
  auto opened = open_key(*sealed, patient);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, data_key);
  auto wrong = open_key(*sealed, other);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::bad_signature);
  // Two seals of the same key differ (fresh ephemeral key each time).
  EXPECT_NE(*seal_key_to_ed25519(data_key, patient.public_key()), *sealed);
}

TEST(KeyWrap, EveryFlippedByteIsRefused) {
  auto patient = SigningKey::generate();
  SecretKey32 data_key = generate_secret_key();
  SealedKey sealed = *seal_key_to_ed25519(data_key, patient.public_key());
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (std::uint8_t bit : {0x01, 0x80}) {
      SealedKey bad = sealed;
      bad.bytes[i] ^= bit;
      EXPECT_FALSE(open_key(bad, patient)) << "flip at byte " << i;
    }
  }
}

TEST(KeyWrap, SecretSideMatchesTheDidKeyAgreementKey) {
  // The public key derived from the Ed25519 seed (secret side) is the one the did:key method
  // derives from the Ed25519 public key, which did_key_document_test checks against the spec.
  for (int i = 0; i < 8; ++i) {
    auto key = SigningKey::generate();
    auto pair = X25519KeyPair::from_signing_key(key);
    auto from_public = x25519_from_ed25519(key.public_key());
    ASSERT_TRUE(from_public);
    EXPECT_EQ(pair.public_key(), *from_public);
  }
}

TEST(KeyWrap, CategoryKeyPairRoundTrip) {
  auto category = X25519KeyPair::generate();
  auto again = X25519KeyPair::from_secret(category.secret());
  EXPECT_EQ(again.public_key(), category.public_key());
  SecretKey32 data_key = generate_secret_key();
  auto sealed = seal_key(data_key, category.public_key());
  ASSERT_TRUE(sealed);
  EXPECT_EQ(*open_key(*sealed, again), data_key);
  EXPECT_FALSE(open_key(*sealed, X25519KeyPair::generate()));
}

TEST(KeyWrap, RefusesAnEd25519KeyWithNoX25519Counterpart) {
  PublicKey not_a_point;
  not_a_point.bytes.fill(0xff);
  auto sealed = seal_key_to_ed25519(generate_secret_key(), not_a_point);
  ASSERT_FALSE(sealed);
  EXPECT_EQ(sealed.error().code, Errc::malformed);
}

}  // namespace
}  // namespace pv
