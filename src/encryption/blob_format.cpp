#include "encryption/blob_format.hpp"

#include <sodium.h>

#include <algorithm>

namespace pv {

static_assert(kBlobV1StreamHeaderBytes == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(kBlobV1ChunkOverhead == crypto_secretstream_xchacha20poly1305_ABYTES);

Bytes BlobHeader::encode() const {
  Bytes out(size());
  std::copy(std::begin(kBlobMagic), std::end(kBlobMagic), out.begin());
  out[6] = version;
  out[7] = version == kBlobVersion1 ? kBlobSuiteSecretstream : kBlobSuiteXChaChaStream;
  for (int i = 0; i < 4; ++i) out[8 + i] = static_cast<std::uint8_t>(chunk_size >> (24 - 8 * i));
  std::copy_n(nonce.bytes.begin(), size() - kBlobPreambleBytes, out.begin() + kBlobPreambleBytes);
  return out;
}

Result<std::size_t> blob_header_size(ByteView bytes) {
  if (bytes.size() < kBlobPreambleBytes)
    return make_error(Errc::malformed, "encrypted blob is shorter than its header (" +
                                           std::to_string(bytes.size()) + " bytes)");
  if (!std::equal(std::begin(kBlobMagic), std::end(kBlobMagic), bytes.begin()))
    return make_error(Errc::malformed,
                      "not a PatientVault encrypted blob (the first bytes are not \"PVBLOB\")");
  const std::uint8_t version = bytes[6], suite = bytes[7];
  if (version != kBlobVersion && version != kBlobVersion1)
    return make_error(Errc::malformed, "encrypted blob format version " + std::to_string(version) +
                                           " is not supported (this build reads versions 1 and "
                                           "2; a newer pv may read it)");
  const std::uint8_t expected =
      version == kBlobVersion1 ? kBlobSuiteSecretstream : kBlobSuiteXChaChaStream;
  if (suite != expected)
    return make_error(Errc::malformed, "unknown cipher suite " + std::to_string(suite) +
                                           " in a version " + std::to_string(version) +
                                           " blob header");
  std::uint32_t chunk_size = 0;
  for (int i = 0; i < 4; ++i) chunk_size = (chunk_size << 8) | bytes[8 + i];
  if (chunk_size < kBlobMinChunk || chunk_size > kBlobMaxChunk)
    return make_error(Errc::malformed, "blob chunk size " + std::to_string(chunk_size) +
                                           " is outside 1 KiB..16 MiB");
  return version == kBlobVersion1 ? kBlobV1HeaderBytes : kBlobHeaderBytes;
}

Result<BlobHeader> BlobHeader::decode(ByteView bytes) {
  auto size = blob_header_size(bytes);
  if (!size) return size.error();
  if (bytes.size() < *size)
    return make_error(Errc::malformed, "encrypted blob is shorter than its " +
                                           std::to_string(*size) + "-byte header (" +
                                           std::to_string(bytes.size()) + " bytes)");
  BlobHeader h;
  h.version = bytes[6];
  h.chunk_size = 0;
  for (int i = 0; i < 4; ++i) h.chunk_size = (h.chunk_size << 8) | bytes[8 + i];
  std::copy(bytes.begin() + kBlobPreambleBytes, bytes.begin() + static_cast<long>(*size),
            h.nonce.bytes.begin());
  return h;
}

FixedBytes<8> blob_chunk_nonce_tail(std::uint64_t index, bool last) {
  FixedBytes<8> tail;
  for (int i = 0; i < 7; ++i) tail.bytes[i] = static_cast<std::uint8_t>(index >> (48 - 8 * i));
  tail.bytes[7] = last ? 1 : 0;
  return tail;
}

std::uint64_t blob_ciphertext_size(std::uint64_t plain_size, std::uint32_t chunk_size) {
  std::uint64_t chunks = plain_size == 0 ? 1 : (plain_size + chunk_size - 1) / chunk_size;
  return kBlobHeaderBytes + plain_size + chunks * kBlobChunkOverhead;
}

}  // namespace pv
