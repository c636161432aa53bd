#include "encryption/blob_format.hpp"

#include <sodium.h>

#include <algorithm>

namespace pv {

static_assert(kBlobStreamHeaderBytes == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(kBlobChunkOverhead == crypto_secretstream_xchacha20poly1305_ABYTES);

FixedBytes<kBlobHeaderBytes> BlobHeader::encode() const {
  FixedBytes<kBlobHeaderBytes> out;
  std::copy(std::begin(kBlobMagic), std::end(kBlobMagic), out.bytes.begin());
  out.bytes[6] = kBlobVersion;
  out.bytes[7] = kBlobSuiteSecretstream;
  for (int i = 0; i < 4; ++i)
    out.bytes[8 + i] = static_cast<std::uint8_t>(chunk_size >> (24 - 8 * i));
  std::copy(stream_header.bytes.begin(), stream_header.bytes.end(), out.bytes.begin() + 12);
  return out;
}

Result<BlobHeader> BlobHeader::decode(ByteView bytes) {
  if (bytes.size() < kBlobHeaderBytes)
    return make_error(Errc::malformed, "encrypted blob is shorter than its 36-byte header (" +
                                           std::to_string(bytes.size()) + " bytes)");
  if (!std::equal(std::begin(kBlobMagic), std::end(kBlobMagic), bytes.begin()))
    return make_error(Errc::malformed,
                      "not a PatientVault encrypted blob (the first bytes are not \"PVBLOB\")");
  if (bytes[6] != kBlobVersion)
    return make_error(Errc::malformed, "encrypted blob format version " + std::to_string(bytes[6]) +
                                           " is not supported (this build reads version 1)");
  if (bytes[7] != kBlobSuiteSecretstream)
    return make_error(Errc::malformed,
                      "unknown cipher suite " + std::to_string(bytes[7]) + " in blob header");
  BlobHeader h;
  h.chunk_size = 0;
  for (int i = 0; i < 4; ++i) h.chunk_size = (h.chunk_size << 8) | bytes[8 + i];
  if (h.chunk_size < kBlobMinChunk || h.chunk_size > kBlobMaxChunk)
    return make_error(Errc::malformed, "blob chunk size " + std::to_string(h.chunk_size) +
                                           " is outside 1 KiB..16 MiB");
  std::copy(bytes.begin() + 12, bytes.begin() + kBlobHeaderBytes, h.stream_header.bytes.begin());
  return h;
}

std::uint64_t blob_ciphertext_size(std::uint64_t plain_size, std::uint32_t chunk_size) {
  std::uint64_t chunks = plain_size == 0 ? 1 : (plain_size + chunk_size - 1) / chunk_size;
  return kBlobHeaderBytes + plain_size + chunks * kBlobChunkOverhead;
}

}  // namespace pv
