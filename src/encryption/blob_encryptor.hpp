#pragma once
// Streaming encryption of one object into the blob container, version 2 (blob_format.hpp,
// docs/blob-format.md). Memory is one chunk, whatever the object's size. Not thread-safe.

#include <optional>

#include "encryption/blob_format.hpp"
#include "encryption/data_key.hpp"
#include "encryption/xchacha20_poly1305.hpp"

namespace pv {

class BlobEncryptor {
 public:
  // A fresh random nonce head. Refuses a chunk size outside kBlobMinChunk..kBlobMaxChunk.
  [[nodiscard]] static Result<BlobEncryptor> create(const DataKey& key,
                                                    std::uint32_t chunk_size = kBlobDefaultChunk);
  ~BlobEncryptor();
  BlobEncryptor(BlobEncryptor&&) noexcept;
  BlobEncryptor& operator=(BlobEncryptor&&) noexcept;

  // Appends to `out` the header (on the first call) and every chunk that is known not to be the
  // last one. A chunk is written only once at least one more plaintext byte has arrived, so the
  // last chunk can be sealed with the last-chunk flag in its nonce.
  void update(ByteView plain, Bytes& out);
  // Appends the last chunk (and the header, for an empty object). Call exactly once, last.
  void finish(Bytes& out);

  std::uint32_t chunk_size() const { return chunk_size_; }

 private:
  BlobEncryptor() = default;
  void emit_header(Bytes& out);
  void seal(ByteView plain, bool last, Bytes& out);

  std::optional<XChaCha20Poly1305> cipher_;
  Bytes header_;
  std::uint32_t chunk_size_ = kBlobDefaultChunk;
  std::uint64_t chunk_index_ = 0;
  Bytes pending_;  // < chunk_size_ bytes, or exactly chunk_size_ waiting to learn if it is last
  bool header_written_ = false;
  bool finished_ = false;
};

}  // namespace pv
