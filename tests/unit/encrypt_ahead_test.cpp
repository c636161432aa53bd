// cli::EncryptAhead, the two-thread `pv blob put` pipeline: the pieces it hands out, in order,
// are exactly the blob container a single-threaded BlobEncryptor writes (they decrypt to the
// file), a read error reaches the consumer after the pieces before it, and dropping the
// pipeline half-way stops its thread.

#include "cli/encrypt_ahead.hpp"

#include <gtest/gtest.h>

#include "content_test_support.hpp"
#include "encryption/blob_decryptor.hpp"

namespace pv::cli {
namespace {

// A file that fails after `fail_after` bytes.
class FailingSource final : public content::ByteSource {
 public:
  FailingSource(ByteView data, std::size_t fail_after) : data_(data), fail_after_(fail_after) {}
  Result<std::size_t> read(std::uint8_t* buf, std::size_t size) override {
    if (pos_ >= fail_after_) return make_error(Errc::io, "disk read error");
    std::size_t n = std::min({size, data_.size() - pos_, fail_after_ - pos_});
    std::copy_n(data_.data() + pos_, n, buf);
    pos_ += n;
    return n;
  }

 private:
  ByteView data_;
  std::size_t fail_after_, pos_ = 0;
};

// Also checks that every piece but the last is a whole number of UnixFS chunks.
Bytes drain(EncryptAhead& ahead, std::uint64_t& plain_bytes, std::size_t& pieces) {
  Bytes all;
  std::size_t last_size = 0;
  for (;;) {
    auto piece = ahead.next();
    EXPECT_TRUE(piece) << piece.error().message;
    if (!piece || !*piece) break;
    if (last_size % content::kChunkSize != 0)
      ADD_FAILURE() << "a piece of " << last_size << " bytes was followed by another";
    last_size = (*piece)->bytes.size();
    all.insert(all.end(), (*piece)->bytes.begin(), (*piece)->bytes.end());
    plain_bytes += (*piece)->plain_bytes;
    ++pieces;
    ahead.recycle(std::move((*piece)->bytes));
  }
  return all;
}

TEST(EncryptAhead, PiecesDecryptToTheFileAtEverySizeAroundAPiece) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, kEncryptPieceBytes,
                           kEncryptPieceBytes + 1, 9 * kEncryptPieceBytes + 12345}) {
    const Bytes plain = content::test::pseudo_random_bytes(size, size + 1);
    const DataKey key = DataKey::generate();
    auto enc = BlobEncryptor::create(key);
    ASSERT_TRUE(enc);
    content::MemorySource file(plain);
    EncryptAhead ahead(file, std::move(*enc));
    std::uint64_t plain_bytes = 0;
    std::size_t pieces = 0;
    const Bytes cipher = drain(ahead, plain_bytes, pieces);
    EXPECT_EQ(plain_bytes, size);
    EXPECT_EQ(cipher.size(), blob_ciphertext_size(size, kBlobDefaultChunk)) << size;
    BlobDecryptor dec(key);
    Bytes back;
    ASSERT_TRUE(dec.update(cipher, back)) << size;
    ASSERT_TRUE(dec.finish(back)) << size;
    EXPECT_TRUE(back == plain) << size;
    auto after = ahead.next();
    ASSERT_TRUE(after);
    EXPECT_FALSE(after->has_value()) << "stays at the end";
  }
}

TEST(EncryptAhead, AReadErrorReachesTheConsumerAfterThePiecesBeforeIt) {
  const Bytes plain = content::test::pseudo_random_bytes(5 * kEncryptPieceBytes, 3);
  auto enc = BlobEncryptor::create(DataKey::generate());
  ASSERT_TRUE(enc);
  FailingSource file(plain, 3 * kEncryptPieceBytes);
  EncryptAhead ahead(file, std::move(*enc));
  std::size_t pieces = 0;
  for (;;) {
    auto piece = ahead.next();
    if (!piece) {
      EXPECT_EQ(piece.error().code, Errc::io);
      EXPECT_NE(piece.error().message.find("disk read error"), std::string::npos);
      break;
    }
    ASSERT_TRUE(piece->has_value()) << "the error must not read as a clean end";
    ++pieces;
  }
  EXPECT_EQ(pieces, 3u);
}

TEST(EncryptAhead, DroppingItHalfWayStopsTheThread) {
  const Bytes plain = content::test::pseudo_random_bytes(64 * kEncryptPieceBytes, 4);
  auto enc = BlobEncryptor::create(DataKey::generate());
  ASSERT_TRUE(enc);
  content::MemorySource file(plain);
  std::size_t taken = 0;
  {
    EncryptAhead ahead(file, std::move(*enc));
    auto first = ahead.next();
    ASSERT_TRUE(first && first->has_value());
    taken = (*first)->plain_bytes;
  }  // the destructor must return although 63 pieces were never taken
  EXPECT_EQ(taken, kEncryptPieceBytes);
}

}  // namespace
}  // namespace pv::cli
