#pragma once
// The encrypted-blob container, version 1 (docs/blob-format.md is the byte-level spec):
//
//   offset  size  field
//   0       6     magic "PVBLOB" (50 56 42 4c 4f 42)
//   6       1     format version = 1
//   7       1     cipher suite = 1 (libsodium crypto_secretstream_xchacha20poly1305)
//   8       4     chunk size: plaintext bytes per chunk, unsigned big-endian
//   12      24    secretstream header (random, from init_push)
//   36      ...   chunks: each is (plaintext bytes + 17) ciphertext bytes
//
// Every chunk but the last carries exactly `chunk size` plaintext bytes and the tag MESSAGE; the
// last carries 0..chunk size bytes and the tag FINAL (an empty object is one empty FINAL chunk).
// The first chunk authenticates the 36 header bytes as associated data.

#include <cstdint>

#include "base/bytes.hpp"

namespace pv {

inline constexpr std::uint8_t kBlobMagic[6] = {'P', 'V', 'B', 'L', 'O', 'B'};
inline constexpr std::uint8_t kBlobVersion = 1;
inline constexpr std::uint8_t kBlobSuiteSecretstream = 1;
inline constexpr std::size_t kBlobStreamHeaderBytes = 24;  // ..._secretstream_..._HEADERBYTES
inline constexpr std::size_t kBlobHeaderBytes = 12 + kBlobStreamHeaderBytes;
inline constexpr std::size_t kBlobChunkOverhead = 17;  // ..._secretstream_..._ABYTES
inline constexpr std::uint32_t kBlobMinChunk = 1024;
inline constexpr std::uint32_t kBlobMaxChunk = 16u << 20;  // bounds a reader's memory
inline constexpr std::uint32_t kBlobDefaultChunk = 256u << 10;

struct BlobHeader {
  std::uint32_t chunk_size = kBlobDefaultChunk;
  FixedBytes<kBlobStreamHeaderBytes> stream_header;

  FixedBytes<kBlobHeaderBytes> encode() const;
  // Refuses another magic, version or suite, and a chunk size outside the bounds above.
  [[nodiscard]] static Result<BlobHeader> decode(ByteView bytes);
};

// Total ciphertext size of a plaintext of `plain_size` bytes.
std::uint64_t blob_ciphertext_size(std::uint64_t plain_size, std::uint32_t chunk_size);

}  // namespace pv
