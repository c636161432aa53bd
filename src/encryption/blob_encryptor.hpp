#pragma once
// Streaming encryption of one object into the blob container (blob_format.hpp). Memory is one
// chunk, whatever the object's size. Not thread-safe.

#include <memory>

#include "encryption/blob_format.hpp"
#include "encryption/data_key.hpp"

namespace pv {

struct BlobStreamState;  // libsodium's secretstream state, wiped on destruction

class BlobEncryptor {
 public:
  // Refuses a chunk size outside kBlobMinChunk..kBlobMaxChunk.
  [[nodiscard]] static Result<BlobEncryptor> create(const DataKey& key,
                                                    std::uint32_t chunk_size = kBlobDefaultChunk);
  ~BlobEncryptor();
  BlobEncryptor(BlobEncryptor&&) noexcept;
  BlobEncryptor& operator=(BlobEncryptor&&) noexcept;

  // Appends to `out` the header (on the first call) and every chunk that is known not to be the
  // last one. A chunk is written only once at least one more plaintext byte has arrived, so the
  // final chunk can carry the FINAL tag.
  void update(ByteView plain, Bytes& out);
  // Appends the final chunk (and the header, for an empty object). Call exactly once, last.
  void finish(Bytes& out);

  std::uint32_t chunk_size() const { return chunk_size_; }

 private:
  BlobEncryptor() = default;
  void emit_header(Bytes& out);
  void push(ByteView plain, bool final, Bytes& out);

  std::unique_ptr<BlobStreamState> state_;
  FixedBytes<kBlobHeaderBytes> header_;
  std::uint32_t chunk_size_ = kBlobDefaultChunk;
  Bytes pending_;  // < chunk_size_ bytes, or exactly chunk_size_ waiting to learn if it is last
  bool header_written_ = false;
  bool first_chunk_ = true;
  bool finished_ = false;
};

}  // namespace pv
