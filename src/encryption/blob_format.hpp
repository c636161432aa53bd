#pragma once
// The encrypted-blob container (docs/blob-format.md is the byte-level spec). Writers produce
// version 2; readers accept versions 1 and 2.
//
//   offset  size  field
//   0       6     magic "PVBLOB" (50 56 42 4c 4f 42)
//   6       1     format version: 2 (1 = the older libsodium secretstream container)
//   7       1     cipher suite: 2 in version 2, 1 in version 1
//   8       4     chunk size C: plaintext bytes per chunk, unsigned big-endian
//   12      16    v2: nonce head (random), the first 16 bytes of every chunk's XChaCha20 nonce
//   12      24    v1: secretstream header (random, from init_push)
//
// Version 2, chunk i (from 0): the 24-byte XChaCha20-Poly1305 nonce is
//   nonce head (16) || i as 7 bytes big-endian || 0x01 if this is the last chunk, else 0x00
// and the associated data is the 28 header bytes; a chunk is ciphertext || 16-byte tag.
// Version 1: secretstream push with tag MESSAGE or FINAL, 17 bytes overhead per chunk, the
// 36 header bytes as associated data of chunk 0 only.
// In both, every chunk but the last carries exactly C plaintext bytes; the last carries 0..C
// (an empty object is one empty last chunk).

#include <cstdint>

#include "base/bytes.hpp"

namespace pv {

inline constexpr std::uint8_t kBlobMagic[6] = {'P', 'V', 'B', 'L', 'O', 'B'};
inline constexpr std::size_t kBlobPreambleBytes = 12;  // magic, version, suite, chunk size

inline constexpr std::uint8_t kBlobVersion = 2;  // what writers produce
inline constexpr std::uint8_t kBlobSuiteXChaChaStream = 2;
inline constexpr std::size_t kBlobNonceHeadBytes = 16;
inline constexpr std::size_t kBlobHeaderBytes = kBlobPreambleBytes + kBlobNonceHeadBytes;  // 28
inline constexpr std::size_t kBlobChunkOverhead = 16;  // the Poly1305 tag

inline constexpr std::uint8_t kBlobVersion1 = 1;
inline constexpr std::uint8_t kBlobSuiteSecretstream = 1;
inline constexpr std::size_t kBlobV1StreamHeaderBytes = 24;  // ..._secretstream_..._HEADERBYTES
inline constexpr std::size_t kBlobV1HeaderBytes = kBlobPreambleBytes + kBlobV1StreamHeaderBytes;
inline constexpr std::size_t kBlobV1ChunkOverhead = 17;  // ..._secretstream_..._ABYTES

inline constexpr std::size_t kBlobMaxHeaderBytes = kBlobV1HeaderBytes;
inline constexpr std::uint32_t kBlobMinChunk = 1024;
inline constexpr std::uint32_t kBlobMaxChunk = 16u << 20;  // bounds a reader's memory
inline constexpr std::uint32_t kBlobDefaultChunk = 256u << 10;
// Chunk indexes are 7 bytes in the v2 nonce.
inline constexpr std::uint64_t kBlobMaxChunks = std::uint64_t{1} << 56;

struct BlobHeader {
  std::uint8_t version = kBlobVersion;
  std::uint32_t chunk_size = kBlobDefaultChunk;
  // v2: the nonce head (first 16 bytes used). v1: the secretstream header (all 24).
  FixedBytes<kBlobV1StreamHeaderBytes> nonce;

  std::size_t size() const {
    return version == kBlobVersion1 ? kBlobV1HeaderBytes : kBlobHeaderBytes;
  }
  std::size_t chunk_overhead() const {
    return version == kBlobVersion1 ? kBlobV1ChunkOverhead : kBlobChunkOverhead;
  }
  Bytes encode() const;
  // Refuses another magic, an unknown version or suite, and a chunk size outside the bounds.
  [[nodiscard]] static Result<BlobHeader> decode(ByteView bytes);
};

// How long the header is, from its first 12 bytes (errors as BlobHeader::decode).
[[nodiscard]] Result<std::size_t> blob_header_size(ByteView preamble);

// The last 8 bytes of chunk `index`'s v2 nonce: the index as 7 bytes big-endian, then the
// last-chunk flag (1 for the last chunk, 0 for every other). Requires index < kBlobMaxChunks.
FixedBytes<8> blob_chunk_nonce_tail(std::uint64_t index, bool last);

// Total ciphertext size of a plaintext of `plain_size` bytes in the version writers produce.
std::uint64_t blob_ciphertext_size(std::uint64_t plain_size, std::uint32_t chunk_size);

}  // namespace pv
