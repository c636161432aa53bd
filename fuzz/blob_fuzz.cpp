// Fuzzes the encrypted-blob reader (encryption/blob_decryptor.hpp), which reads bytes a node
// served. Invariants:
//  - the input read as a container under a fixed key never crashes, a refusal names what failed,
//    and the verdict and plaintext are the same whether it is fed whole or in 7-byte pieces;
//  - the input as plaintext, encrypted in format v2 with 1 KiB chunks, decrypts back to itself,
//    and the container with one byte flipped (where the input says) or cut after a whole chunk
//    is refused without releasing plaintext of the chunk that failed.

#include <cstdio>
#include <cstdlib>

#include "encryption/blob_decryptor.hpp"
#include "encryption/blob_encryptor.hpp"

namespace {

using namespace pv;

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "blob_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

const DataKey& fixed_key() {
  static const DataKey key = DataKey::from(Bytes(kDataKeyBytes, 0x5a)).value();
  return key;
}

Result<Bytes> decrypt(ByteView cipher, std::size_t piece) {
  BlobDecryptor dec(fixed_key());
  Bytes out;
  for (std::size_t at = 0; at < cipher.size(); at += piece)
    PV_TRY(dec.update(cipher.subspan(at, std::min(piece, cipher.size() - at)), out));
  PV_TRY(dec.finish(out));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);

  auto whole = decrypt(input, size + 1);
  auto pieces = decrypt(input, 7);
  require(whole.is_ok() == pieces.is_ok(), "the verdict does not depend on how input is split");
  if (!whole) require(!whole.error().message.empty(), "a refusal names what failed");
  if (whole) require(*whole == *pieces, "the plaintext does not depend on the split");

  constexpr std::uint32_t kChunk = kBlobMinChunk;
  auto enc = BlobEncryptor::create(fixed_key(), kChunk);
  require(enc.is_ok(), "the writer accepts the minimum chunk size");
  Bytes blob;
  enc->update(input, blob);
  enc->finish(blob);
  require(blob.size() == blob_ciphertext_size(size, kChunk), "the documented size");
  auto back = decrypt(blob, size % 97 + 1);
  require(back.is_ok() && *back == Bytes(input.begin(), input.end()), "round trip");

  const std::size_t at = size == 0 ? 0 : (input[0] * 131u + size) % blob.size();
  Bytes flipped = blob;
  flipped[at] ^= static_cast<std::uint8_t>(1u << (size % 8));
  require(!decrypt(flipped, size + 1).is_ok(), "a flipped byte is refused");
  const std::size_t chunks = size == 0 ? 1 : (size + kChunk - 1) / kChunk;
  if (chunks > 1) {
    const std::size_t keep = kBlobHeaderBytes + (size % (chunks - 1) + 1) * (kChunk + 16);
    require(!decrypt(ByteView(blob).first(keep), keep + 1).is_ok(), "a cut stream is refused");
  }
  return 0;
}
