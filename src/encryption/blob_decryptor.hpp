#pragma once
// Streaming decryption and authentication of a blob container, version 2 or 1 (blob_format.hpp,
// docs/blob-format.md). Memory is one ciphertext chunk, whatever the object's size. Not
// thread-safe.
//
// Plaintext is released chunk by chunk, each chunk only after it authenticated. The object as a
// whole is authentic only when finish() succeeds: a caller that writes plaintext to disk must
// write to a temporary file and keep it only then.
//
// Refused (Errc::corruption, with a message naming the chunk): any altered byte, chunks
// reordered, dropped, duplicated or taken from another blob, a wrong key, a stream cut anywhere
// (including exactly at a chunk boundary), bytes after the last chunk, and header tampering.

#include <memory>
#include <optional>

#include "encryption/blob_format.hpp"
#include "encryption/data_key.hpp"
#include "encryption/xchacha20_poly1305.hpp"

namespace pv {

struct BlobStreamState;

class BlobDecryptor {
 public:
  explicit BlobDecryptor(const DataKey& key);
  ~BlobDecryptor();
  BlobDecryptor(BlobDecryptor&&) noexcept;
  BlobDecryptor& operator=(BlobDecryptor&&) noexcept;

  // Consumes ciphertext; appends the plaintext of every chunk that authenticated to `out`. A
  // whole chunk is held back until the next byte (or finish) tells whether it is the last one.
  // After a failure every later call fails the same way.
  [[nodiscard]] Status update(ByteView cipher, Bytes& out);
  // Decrypts what is left as the last chunk and checks that the last chunk was seen.
  [[nodiscard]] Status finish(Bytes& out);

  std::uint64_t plaintext_bytes() const { return plaintext_bytes_; }
  // The container's format version, 0 until its header has been read.
  std::uint8_t version() const { return header_ ? header_->version : 0; }

 private:
  Status fail(Errc code, std::string message);
  Status read_header(ByteView& cipher);
  Status open_chunk(ByteView frame, bool last, Bytes& out);
  Status open_v1(ByteView frame, bool last, Bytes& out);
  Status open_v2(ByteView frame, bool last, Bytes& out);
  std::string chunk_name() const;

  DataKey key_;
  std::optional<BlobHeader> header_;     // set once the whole header has been read
  Bytes header_bytes_;                   // the header as read: associated data
  std::unique_ptr<BlobStreamState> v1_;  // version 1: libsodium secretstream state
  std::optional<XChaCha20Poly1305> v2_;  // version 2
  std::size_t frame_ = 0;                // chunk size + overhead
  Bytes pending_;                        // a partial header or a partial or held-back chunk
  std::uint64_t chunk_index_ = 0;
  std::uint64_t plaintext_bytes_ = 0;
  bool last_seen_ = false;
  std::optional<Error> failed_;
};

}  // namespace pv
