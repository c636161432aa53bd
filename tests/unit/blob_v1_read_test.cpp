// Version 1 blobs (libsodium secretstream, docs/blob-format.md) stay readable after version 2
// became what writers produce: written here by a test-side v1 writer built from the document,
// read by BlobDecryptor in any split, and every tampering still refused.

#include <gtest/gtest.h>

#include <random>

#include "../blob_v1_writer.hpp"
#include "encryption/blob_decryptor.hpp"

namespace pv {
namespace {

constexpr std::uint32_t kChunk = 1024;
constexpr std::size_t kFrame = kChunk + kBlobV1ChunkOverhead;

Bytes random_plain(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

Result<Bytes> decrypt(const DataKey& key, ByteView cipher, std::size_t piece = 0) {
  BlobDecryptor dec(key);
  Bytes out;
  if (piece == 0) piece = cipher.size() + 1;
  for (std::size_t at = 0; at < cipher.size(); at += piece)
    PV_TRY(dec.update(cipher.subspan(at, std::min(piece, cipher.size() - at)), out));
  PV_TRY(dec.finish(out));
  if (dec.version() != 1) return make_error(Errc::internal, "not read as version 1");
  return out;
}

TEST(BlobV1Read, RoundTripsAtEveryChunkBoundaryAndAnySplit) {
  DataKey key = DataKey::generate();
  for (std::size_t n :
       {std::size_t{0}, std::size_t{1}, std::size_t{kChunk}, std::size_t{kChunk + 1},
        std::size_t{3 * kChunk}, std::size_t{3 * kChunk + 5}}) {
    Bytes plain = random_plain(n, static_cast<unsigned>(n));
    Bytes cipher = testing_v1::encrypt_blob_v1(key.view(), plain, kChunk);
    ASSERT_EQ(to_hex(ByteView(cipher).first(8)), "5056424c4f420101");
    for (std::size_t piece :
         {std::size_t{0}, std::size_t{1}, std::size_t{kFrame}, std::size_t{999}}) {
      auto back = decrypt(key, cipher, piece);
      ASSERT_TRUE(back.is_ok()) << n << " " << piece << ": " << back.error().message;
      EXPECT_EQ(*back, plain);
    }
  }
}

TEST(BlobV1Read, TamperingIsStillRefused) {
  DataKey key = DataKey::generate();
  Bytes cipher = testing_v1::encrypt_blob_v1(key.view(), random_plain(3 * kChunk, 3), kChunk);
  ASSERT_TRUE(decrypt(key, cipher).is_ok());
  for (std::size_t i = 0; i < cipher.size(); ++i) {
    Bytes bad = cipher;
    bad[i] ^= 0x01;
    EXPECT_FALSE(decrypt(key, bad).is_ok()) << "flip at byte " << i;
  }
  for (std::size_t len = 0; len < cipher.size(); ++len) {
    auto r = decrypt(key, ByteView(cipher).first(len));
    ASSERT_FALSE(r.is_ok()) << "truncated to " << len;
    if (len > kBlobV1HeaderBytes && (len - kBlobV1HeaderBytes) % kFrame == 0) {
      EXPECT_NE(r.error().message.find("without its final chunk"), std::string::npos)
          << r.error().message;
    }
  }
  // Chunks 1 and 2 swapped.
  Bytes swapped = cipher;
  std::swap_ranges(swapped.begin() + kBlobV1HeaderBytes + kFrame,
                   swapped.begin() + kBlobV1HeaderBytes + 2 * kFrame,
                   swapped.begin() + kBlobV1HeaderBytes + 2 * kFrame);
  EXPECT_FALSE(decrypt(key, swapped).is_ok());
  // A byte after the final chunk.
  Bytes longer = cipher;
  longer.push_back(0);
  auto r = decrypt(key, longer);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.error().message.find("after the blob's final chunk"), std::string::npos)
      << r.error().message;
  EXPECT_FALSE(decrypt(DataKey::generate(), cipher).is_ok());
}

}  // namespace
}  // namespace pv
