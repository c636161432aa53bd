// The v2 blob cipher (src/encryption/xchacha20_poly1305.hpp): libsodium's HChaCha20 + OpenSSL's
// RFC 8439 ChaCha20-Poly1305 must be exactly AEAD_XChaCha20_Poly1305. Checked against the
// published vectors of draft-irtf-cfrg-xchacha-03 (section 2.2.1 and appendix A.3.1) and, chunk by
// chunk of real v2 blobs, against libsodium's own crypto_aead_xchacha20poly1305_ietf_*, an
// independent implementation of the whole construction.

#include <gtest/gtest.h>
#include <sodium.h>

#include <random>

#include "encryption/blob_decryptor.hpp"
#include "encryption/blob_encryptor.hpp"

namespace pv {
namespace {

Bytes hex(std::string_view h) {
  return from_hex(h).value();
}

Bytes counting(std::uint8_t from, std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(from + i);
  return b;
}

XChaChaNonceTail tail_of(ByteView nonce24) {
  return XChaChaNonceTail::from(nonce24.subspan(16)).value();
}

TEST(XChaCha20Poly1305, HChaCha20MatchesTheDraftVector) {
  // draft-irtf-cfrg-xchacha-03, section 2.2.1.
  Bytes key = counting(0x00, 32), nonce = hex("000000090000004a0000000031415927");
  std::uint8_t subkey[32];
  ASSERT_EQ(crypto_core_hchacha20(subkey, nonce.data(), key.data(), nullptr), 0);
  EXPECT_EQ(to_hex(ByteView(subkey, 32)),
            "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
}

TEST(XChaCha20Poly1305, SealsTheDraftAeadVectorAndOpensIt) {
  // draft-irtf-cfrg-xchacha-03, appendix A.3.1 (AEAD_XChaCha20_Poly1305).
  const Bytes key = counting(0x80, 32), nonce = counting(0x40, 24);
  const Bytes ad = hex("50515253c0c1c2c3c4c5c6c7");
  const Bytes plain = to_bytes(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.");
  const std::string expected_cipher =
      "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4e"
      "da7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2"
      "383565d3fff921f9664c97637da9768812f615c68b13b52e";
  const std::string expected_tag = "c0875924c1c7987947deafd8780acf49";

  auto c = XChaCha20Poly1305::create(key, ByteView(nonce).first(16));
  ASSERT_TRUE(c.is_ok());
  Bytes sealed(plain.size() + kPoly1305TagBytes);
  c->seal(tail_of(nonce), ad, plain, sealed.data());
  EXPECT_EQ(to_hex(ByteView(sealed).first(plain.size())), expected_cipher);
  EXPECT_EQ(to_hex(ByteView(sealed).subspan(plain.size())), expected_tag);

  Bytes back(plain.size());
  ASSERT_TRUE(c->open(tail_of(nonce), ad, sealed, back.data()));
  EXPECT_EQ(back, plain);

  // Every flipped bit of ciphertext, tag, associated data or nonce is refused, and nothing of
  // the plaintext is left in the output buffer.
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes bad = sealed;
    bad[i] ^= 0x20;
    Bytes out(plain.size(), 0xee);
    EXPECT_FALSE(c->open(tail_of(nonce), ad, bad, out.data())) << "byte " << i;
    EXPECT_EQ(out, Bytes(plain.size(), 0)) << "byte " << i;
  }
  Bytes bad_ad = ad;
  bad_ad[0] ^= 1;
  EXPECT_FALSE(c->open(tail_of(nonce), bad_ad, sealed, back.data()));
  Bytes bad_nonce = nonce;
  bad_nonce[23] ^= 1;
  EXPECT_FALSE(c->open(tail_of(bad_nonce), ad, sealed, back.data()));
  bad_nonce = nonce;
  bad_nonce[0] ^= 1;  // in the HChaCha20 part: another subkey
  auto other = XChaCha20Poly1305::create(key, ByteView(bad_nonce).first(16));
  ASSERT_TRUE(other.is_ok());
  EXPECT_FALSE(other->open(tail_of(nonce), ad, sealed, back.data()));
  EXPECT_FALSE(c->open(tail_of(nonce), ad, ByteView(sealed).first(15), back.data()));
}

TEST(XChaCha20Poly1305, RefusesWrongSizedKeysAndNonces) {
  EXPECT_FALSE(XChaCha20Poly1305::create(Bytes(31), Bytes(16)).is_ok());
  EXPECT_FALSE(XChaCha20Poly1305::create(Bytes(32), Bytes(24)).is_ok());
}

// Splits a v2 blob into its chunks and checks each against libsodium's XChaCha20-Poly1305 with
// the nonce and associated data docs/blob-format.md gives: the same bytes come out of an
// independent implementation, in both directions.
void cross_check_with_libsodium(std::size_t size, std::uint32_t chunk, unsigned seed) {
  std::mt19937 rng(seed);
  Bytes plain(size);
  for (auto& b : plain) b = static_cast<std::uint8_t>(rng());
  DataKey key = DataKey::generate();
  auto enc = BlobEncryptor::create(key, chunk);
  ASSERT_TRUE(enc.is_ok());
  Bytes blob;
  enc->update(plain, blob);
  enc->finish(blob);

  const ByteView header = ByteView(blob).first(28);
  const ByteView head = header.subspan(12, 16);
  const std::size_t chunks = size == 0 ? 1 : (size + chunk - 1) / chunk;
  ASSERT_EQ(blob.size(), 28 + size + 16 * chunks);
  std::size_t at = 28, plain_at = 0;
  for (std::size_t i = 0; i < chunks; ++i) {
    const std::size_t n = std::min<std::size_t>(chunk, size - plain_at);
    std::uint8_t nonce[24];
    std::copy(head.begin(), head.end(), nonce);
    for (int b = 0; b < 7; ++b) nonce[16 + b] = static_cast<std::uint8_t>(i >> (48 - 8 * b));
    nonce[23] = i + 1 == chunks ? 1 : 0;

    Bytes mine(blob.begin() + static_cast<long>(at), blob.begin() + static_cast<long>(at + n + 16));
    Bytes theirs(n + 16);
    unsigned long long theirs_len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(theirs.data(), &theirs_len, plain.data() + plain_at,
                                               n, header.data(), header.size(), nullptr, nonce,
                                               key.data());
    ASSERT_EQ(theirs_len, n + 16);
    EXPECT_EQ(mine, theirs) << "chunk " << i << " of " << chunks;

    Bytes opened(n);
    unsigned long long opened_len = 0;
    ASSERT_EQ(crypto_aead_xchacha20poly1305_ietf_decrypt(opened.data(), &opened_len, nullptr,
                                                         mine.data(), mine.size(), header.data(),
                                                         header.size(), nonce, key.data()),
              0)
        << "chunk " << i;
    EXPECT_TRUE(
        std::equal(opened.begin(), opened.end(), plain.begin() + static_cast<long>(plain_at)));
    // The same chunk under the other last-chunk flag does not open.
    nonce[23] ^= 1;
    EXPECT_NE(crypto_aead_xchacha20poly1305_ietf_decrypt(opened.data(), &opened_len, nullptr,
                                                         mine.data(), mine.size(), header.data(),
                                                         header.size(), nonce, key.data()),
              0);
    at += n + 16;
    plain_at += n;
  }
  EXPECT_EQ(at, blob.size());
}

TEST(XChaCha20Poly1305, EveryBlobChunkIsWhatLibsodiumComputes) {
  cross_check_with_libsodium(0, 1024, 1);
  cross_check_with_libsodium(1, 1024, 2);
  cross_check_with_libsodium(1024, 1024, 3);
  cross_check_with_libsodium(5 * 1024 + 7, 1024, 4);
  cross_check_with_libsodium((1u << 20) + 3, kBlobDefaultChunk, 5);
}

}  // namespace
}  // namespace pv
