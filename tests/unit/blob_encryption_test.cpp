// Client-side blob encryption (src/encryption), format version 2: container round trips at every
// chunk boundary, attack tests (every flipped byte, truncation at every length, reordered,
// dropped, duplicated and foreign chunks, wrong key, header tampering, trailing bytes), and
// data-key wrapping with the did:key specification's Ed25519 -> X25519 example. The primitive is
// checked in xchacha20_poly1305_test.cpp, version 1 reading in blob_v1_read_test.cpp.

#include <gtest/gtest.h>

#include <random>

#include "codec/did_key.hpp"
#include "encryption/blob_decryptor.hpp"
#include "encryption/blob_encryptor.hpp"

namespace pv {
namespace {

constexpr std::uint32_t kChunk = kBlobMinChunk;  // small chunks: many boundaries, cheap tests

Bytes random_plain(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

// Feeds `plain` in pieces of `piece` bytes (0: all at once).
Bytes encrypt(const DataKey& key, ByteView plain, std::size_t piece = 0,
              std::uint32_t chunk = kChunk) {
  auto enc = BlobEncryptor::create(key, chunk);
  EXPECT_TRUE(enc.is_ok());
  Bytes out;
  if (piece == 0) piece = plain.size() + 1;
  for (std::size_t at = 0; at < plain.size(); at += piece)
    enc->update(plain.subspan(at, std::min(piece, plain.size() - at)), out);
  enc->finish(out);
  return out;
}

Result<Bytes> decrypt(const DataKey& key, ByteView cipher, std::size_t piece = 0) {
  BlobDecryptor dec(key);
  Bytes out;
  if (piece == 0) piece = cipher.size() + 1;
  for (std::size_t at = 0; at < cipher.size(); at += piece)
    PV_TRY(dec.update(cipher.subspan(at, std::min(piece, cipher.size() - at)), out));
  PV_TRY(dec.finish(out));
  return out;
}

TEST(BlobEncryption, RoundTripsAtEveryChunkBoundaryAndAnySplit) {
  DataKey key = DataKey::generate();
  for (std::size_t n :
       {0u, 1u, kChunk - 1, kChunk, kChunk + 1, 2 * kChunk, 2 * kChunk + 1, 5 * kChunk + 123}) {
    Bytes plain = random_plain(n, static_cast<unsigned>(n));
    for (std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{kChunk},
                              std::size_t{kChunk + 17}}) {
      Bytes cipher = encrypt(key, plain, piece);
      ASSERT_EQ(cipher.size(), blob_ciphertext_size(n, kChunk)) << n;
      for (std::size_t dpiece : {std::size_t{0}, std::size_t{1}, std::size_t{1000}}) {
        auto back = decrypt(key, cipher, dpiece);
        ASSERT_TRUE(back.is_ok()) << n << " " << piece << ": " << back.error().message;
        EXPECT_EQ(*back, plain);
      }
    }
  }
}

TEST(BlobEncryption, HeaderIsTheDocumentedLayout) {
  DataKey key = DataKey::generate();
  Bytes cipher = encrypt(key, to_bytes("hello"), 0, 4096);
  ASSERT_EQ(cipher.size(), 28u + 5 + 16);
  // magic "PVBLOB", version 2, suite 2, chunk size 4096 big-endian, then a 16-byte nonce head.
  EXPECT_EQ(to_hex(ByteView(cipher).first(12)),
            "5056424c4f42"
            "02"
            "02"
            "00001000");
  auto h = BlobHeader::decode(cipher);
  ASSERT_TRUE(h.is_ok());
  EXPECT_EQ(h->version, 2);
  EXPECT_EQ(h->chunk_size, 4096u);
  EXPECT_EQ(h->encode(), Bytes(cipher.begin(), cipher.begin() + 28));
}

TEST(BlobEncryption, FreshHeaderEveryTimeSoEqualPlaintextsDiffer) {
  DataKey key = DataKey::generate();
  Bytes plain = random_plain(3000, 1);
  EXPECT_NE(encrypt(key, plain), encrypt(key, plain));
}

TEST(BlobEncryption, EveryFlippedByteIsRefused) {
  DataKey key = DataKey::generate();
  Bytes cipher = encrypt(key, random_plain(2 * kChunk + 100, 2));
  for (std::size_t i = 0; i < cipher.size(); ++i) {
    Bytes bad = cipher;
    bad[i] ^= 0x01;
    EXPECT_FALSE(decrypt(key, bad).is_ok()) << "flip at byte " << i << " went unnoticed";
  }
}

TEST(BlobEncryption, EveryTruncationIsRefusedIncludingAtChunkBoundaries) {
  DataKey key = DataKey::generate();
  Bytes cipher = encrypt(key, random_plain(3 * kChunk, 3));  // exact multiple: last chunk full
  const std::size_t frame = kChunk + kBlobChunkOverhead;
  for (std::size_t len = 0; len < cipher.size(); ++len) {
    auto r = decrypt(key, ByteView(cipher).first(len));
    ASSERT_FALSE(r.is_ok()) << "truncated to " << len << " bytes was accepted";
    if (len > kBlobHeaderBytes && (len - kBlobHeaderBytes) % frame == 0) {
      EXPECT_NE(r.error().message.find("without its final chunk"), std::string::npos)
          << r.error().message;
    }
  }
}

TEST(BlobEncryption, ReorderedDroppedAndDuplicatedChunksAreRefused) {
  DataKey key = DataKey::generate();
  Bytes cipher = encrypt(key, random_plain(3 * kChunk + 10, 4));
  const std::size_t frame = kChunk + kBlobChunkOverhead;
  auto chunk = [&](int i) {
    auto at = cipher.begin() + static_cast<long>(kBlobHeaderBytes + i * frame);
    return Bytes(at, i == 3 ? cipher.end() : at + static_cast<long>(frame));
  };
  auto assemble = [&](std::initializer_list<int> order) {
    Bytes out(cipher.begin(), cipher.begin() + kBlobHeaderBytes);
    for (int i : order) {
      Bytes c = chunk(i);
      out.insert(out.end(), c.begin(), c.end());
    }
    return out;
  };
  ASSERT_TRUE(decrypt(key, assemble({0, 1, 2, 3})).is_ok());
  EXPECT_FALSE(decrypt(key, assemble({1, 0, 2, 3})).is_ok());
  EXPECT_FALSE(decrypt(key, assemble({0, 2, 1, 3})).is_ok());
  EXPECT_FALSE(decrypt(key, assemble({0, 1, 3})).is_ok());
  EXPECT_FALSE(decrypt(key, assemble({0, 0, 1, 2, 3})).is_ok());
  EXPECT_FALSE(decrypt(key, assemble({0, 1, 2})).is_ok());
}

TEST(BlobEncryption, AChunkFromAnotherBlobIsRefusedEvenUnderTheSameKey) {
  DataKey key = DataKey::generate();
  Bytes plain = random_plain(3 * kChunk + 10, 10);
  Bytes mine = encrypt(key, plain), theirs = encrypt(key, plain);
  const std::size_t frame = kChunk + kBlobChunkOverhead;
  for (std::size_t i = 0; i < 4; ++i) {
    // Same key, same plaintext, same position: only the nonce head differs.
    Bytes bad = mine;
    const std::size_t at = kBlobHeaderBytes + i * frame;
    const std::size_t n = std::min(frame, mine.size() - at);
    std::copy_n(theirs.begin() + static_cast<long>(at), n, bad.begin() + static_cast<long>(at));
    auto r = decrypt(key, bad);
    ASSERT_FALSE(r.is_ok()) << "chunk " << i << " of another blob was accepted";
    EXPECT_NE(r.error().message.find("chunk " + std::to_string(i) + " failed authentication"),
              std::string::npos)
        << r.error().message;
  }
}

TEST(BlobEncryption, DroppingTheLastChunkIsNamedAsTruncation) {
  DataKey key = DataKey::generate();
  Bytes cipher = encrypt(key, random_plain(2 * kChunk + 10, 11));
  const std::size_t frame = kChunk + kBlobChunkOverhead;
  auto r = decrypt(key, ByteView(cipher).first(kBlobHeaderBytes + 2 * frame));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().message.find("ends after chunk 1 without its final chunk"), std::string::npos)
      << r.error().message;
  auto empty = decrypt(key, ByteView(cipher).first(kBlobHeaderBytes));
  ASSERT_FALSE(empty.is_ok());
  EXPECT_NE(empty.error().message.find("no chunk"), std::string::npos) << empty.error().message;
}

TEST(BlobEncryption, WrongKeyIsRefusedAtTheFirstChunk) {
  Bytes cipher = encrypt(DataKey::generate(), random_plain(5000, 5));
  BlobDecryptor dec(DataKey::generate());
  Bytes out;
  Status s = dec.update(cipher, out);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().code, Errc::corruption);
  EXPECT_NE(s.error().message.find("chunk 0 failed authentication"), std::string::npos);
  EXPECT_TRUE(out.empty()) << "no plaintext may come out of a chunk that did not authenticate";
}

TEST(BlobEncryption, HeaderTamperingIsRefused) {
  DataKey key = DataKey::generate();
  Bytes cipher = encrypt(key, random_plain(3000, 6), 0, 2048);
  auto refused = [&](auto edit) {
    Bytes bad = cipher;
    edit(bad);
    return !decrypt(key, bad).is_ok();
  };
  EXPECT_TRUE(refused([](Bytes& b) { b[0] = 'X'; }));     // magic
  EXPECT_TRUE(refused([](Bytes& b) { b[6] = 1; }));       // version 1 (another layout)
  EXPECT_TRUE(refused([](Bytes& b) { b[6] = 3; }));       // an unknown version
  EXPECT_TRUE(refused([](Bytes& b) { b[7] = 1; }));       // suite
  EXPECT_TRUE(refused([](Bytes& b) { b[10] = 0x04; }));   // chunk size 2048 -> 1024 (valid)
  EXPECT_TRUE(refused([](Bytes& b) { b[8] = 0xff; }));    // chunk size out of range
  EXPECT_TRUE(refused([](Bytes& b) { b[20] ^= 0x80; }));  // nonce head
  // Another object's header in front of this object's chunks.
  Bytes other = encrypt(key, random_plain(3000, 7), 0, 2048);
  EXPECT_TRUE(refused(
      [&](Bytes& b) { std::copy(other.begin(), other.begin() + kBlobHeaderBytes, b.begin()); }));
}

TEST(BlobEncryption, TrailingBytesAfterTheFinalChunkAreRefused) {
  DataKey key = DataKey::generate();
  // Last chunk full: the FINAL tag is seen before the extra byte arrives, and named.
  Bytes full = encrypt(key, random_plain(2 * kChunk, 8));
  full.push_back(0);
  auto r = decrypt(key, full);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().message.find("after the blob's final chunk"), std::string::npos)
      << r.error().message;
  // Last chunk short: the extra byte becomes part of that chunk, which then fails to
  // authenticate.
  Bytes cipher = encrypt(key, random_plain(1500, 8));
  Bytes one_more = cipher;
  one_more.push_back(0);
  EXPECT_FALSE(decrypt(key, one_more).is_ok());
  // A whole second object appended after the first.
  Bytes doubled = cipher;
  doubled.insert(doubled.end(), cipher.begin(), cipher.end());
  EXPECT_FALSE(decrypt(key, doubled).is_ok());
  EXPECT_FALSE(decrypt(key, doubled, 1).is_ok());
}

TEST(BlobEncryption, ChunkSizeBoundsAreEnforcedForWriters) {
  DataKey key = DataKey::generate();
  EXPECT_FALSE(BlobEncryptor::create(key, kBlobMinChunk - 1).is_ok());
  EXPECT_FALSE(BlobEncryptor::create(key, kBlobMaxChunk + 1).is_ok());
  EXPECT_TRUE(BlobEncryptor::create(key, kBlobMaxChunk).is_ok());
}

TEST(DataKeyWrap, DerivesTheDidKeySpecExampleKeyAgreementKey) {
  // did:key method specification, Ed25519 example: the DID and its X25519 keyAgreement key.
  auto ed = public_key_from_did_key("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK");
  ASSERT_TRUE(ed.is_ok());
  auto x = x25519_from_ed25519(*ed);
  ASSERT_TRUE(x.is_ok());
  EXPECT_EQ(x25519_multibase(*x), "z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p");
  // A data key wrapped for that DID's key is sealed to exactly that agreement key: it opens
  // with the X25519 key pair libsodium derives from the matching signing key (covered below).
}

TEST(DataKeyWrap, OnlyTheRecipientUnwraps) {
  SigningKey owner = SigningKey::generate();
  SigningKey other = SigningKey::generate();
  DataKey key = DataKey::generate();
  auto wrapped = wrap_data_key(key, owner.public_key());
  ASSERT_TRUE(wrapped.is_ok());
  auto again = wrap_data_key(key, owner.public_key());
  ASSERT_TRUE(again.is_ok());
  EXPECT_NE(*wrapped, *again) << "sealed boxes are randomized";

  auto back = unwrap_data_key(*wrapped, owner);
  ASSERT_TRUE(back.is_ok());
  EXPECT_TRUE(std::equal(back->view().begin(), back->view().end(), key.view().begin()));

  auto wrong = unwrap_data_key(*wrapped, other);
  ASSERT_FALSE(wrong.is_ok());
  EXPECT_EQ(wrong.error().code, Errc::unauthorized);

  for (std::size_t i = 0; i < wrapped->size(); ++i) {
    WrappedDataKey bad = *wrapped;
    bad.bytes[i] ^= 0x01;
    EXPECT_FALSE(unwrap_data_key(bad, owner).is_ok()) << "flip at byte " << i;
  }
}

TEST(DataKeyWrap, RefusesAKeyThatIsNotACurvePoint) {
  PublicKey not_a_point;
  not_a_point.bytes.fill(0xff);
  EXPECT_FALSE(wrap_data_key(DataKey::generate(), not_a_point).is_ok());
}

TEST(DataKeyWrap, EncryptsUnderAnUnwrappedKeyEndToEnd) {
  SigningKey owner = SigningKey::generate();
  DataKey key = DataKey::generate();
  Bytes plain = random_plain(10'000, 9);
  Bytes cipher = encrypt(key, plain);
  auto wrapped = wrap_data_key(key, owner.public_key());
  ASSERT_TRUE(wrapped.is_ok());
  auto unwrapped = unwrap_data_key(*wrapped, owner);
  ASSERT_TRUE(unwrapped.is_ok());
  auto back = decrypt(*unwrapped, cipher);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(*back, plain);
}

}  // namespace
}  // namespace pv
