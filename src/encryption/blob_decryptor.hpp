#pragma once
// Streaming decryption and authentication of a blob container (blob_format.hpp). Memory is one
// ciphertext chunk, whatever the object's size. Not thread-safe.
//
// Plaintext is released chunk by chunk, each chunk only after it authenticated. The object as a
// whole is authentic only when finish() succeeds: a caller that writes plaintext to disk must
// write to a temporary file and keep it only then.
//
// Refused (Errc::corruption, with a message naming the chunk): any altered byte, chunks
// reordered, dropped or duplicated, a wrong key, a stream cut anywhere (including exactly at a
// chunk boundary: the FINAL tag is required), bytes after the final chunk, and header tampering.

#include <memory>
#include <optional>

#include "encryption/blob_format.hpp"
#include "encryption/data_key.hpp"

namespace pv {

struct BlobStreamState;

class BlobDecryptor {
 public:
  explicit BlobDecryptor(const DataKey& key);
  ~BlobDecryptor();
  BlobDecryptor(BlobDecryptor&&) noexcept;
  BlobDecryptor& operator=(BlobDecryptor&&) noexcept;

  // Consumes ciphertext; appends the plaintext of every chunk that authenticated to `out`.
  // After a failure every later call fails the same way.
  [[nodiscard]] Status update(ByteView cipher, Bytes& out);
  // Decrypts what is left (it must be the FINAL chunk) and checks that the FINAL chunk was seen.
  [[nodiscard]] Status finish(Bytes& out);

  std::uint64_t plaintext_bytes() const { return plaintext_bytes_; }

 private:
  Status fail(Errc code, std::string message);
  Status open_chunk(ByteView frame, bool at_end, Bytes& out);

  std::unique_ptr<BlobStreamState> state_;
  DataKey key_;
  FixedBytes<kBlobHeaderBytes> header_bytes_;
  std::uint32_t chunk_size_ = 0;  // 0 until the header has been read
  Bytes pending_;                 // a partial header or a partial chunk
  std::uint64_t chunk_index_ = 0;
  std::uint64_t plaintext_bytes_ = 0;
  bool final_seen_ = false;
  std::optional<Error> failed_;
};

}  // namespace pv
