#include "encryption/blob_encryptor.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>

namespace pv {

Result<BlobEncryptor> BlobEncryptor::create(const DataKey& key, std::uint32_t chunk_size) {
  if (chunk_size < kBlobMinChunk || chunk_size > kBlobMaxChunk)
    return make_error(Errc::invalid_argument, "chunk size must be between 1 KiB and 16 MiB, got " +
                                                  std::to_string(chunk_size));
  crypto_init();
  BlobHeader h;
  h.version = kBlobVersion;
  h.chunk_size = chunk_size;
  randombytes_buf(h.nonce.data(), kBlobNonceHeadBytes);
  auto cipher = XChaCha20Poly1305::create(key.view(), h.nonce.view().first(kBlobNonceHeadBytes));
  if (!cipher) return cipher.error();
  BlobEncryptor e;
  e.cipher_.emplace(std::move(*cipher));
  e.chunk_size_ = chunk_size;
  e.header_ = h.encode();
  e.pending_.reserve(chunk_size);
  return e;
}

BlobEncryptor::~BlobEncryptor() {
  if (!pending_.empty()) sodium_memzero(pending_.data(), pending_.size());
}
BlobEncryptor::BlobEncryptor(BlobEncryptor&&) noexcept = default;
BlobEncryptor& BlobEncryptor::operator=(BlobEncryptor&&) noexcept = default;

void BlobEncryptor::emit_header(Bytes& out) {
  if (header_written_) return;
  out.insert(out.end(), header_.begin(), header_.end());
  header_written_ = true;
}

void BlobEncryptor::seal(ByteView plain, bool last, Bytes& out) {
  // 2^56 chunks of at least 1 KiB is 64 ZiB: no file gets here.
  if (chunk_index_ >= kBlobMaxChunks) std::abort();
  std::size_t at = out.size();
  out.resize(at + plain.size() + kBlobChunkOverhead);
  // Every chunk authenticates the whole header, so the chunk size and version are bound to each.
  cipher_->seal(blob_chunk_nonce_tail(chunk_index_, last), header_, plain, out.data() + at);
  ++chunk_index_;
}

void BlobEncryptor::update(ByteView plain, Bytes& out) {
  emit_header(out);
  while (!plain.empty()) {
    if (pending_.size() == chunk_size_) {
      // More plaintext follows, so the held chunk is not the last one.
      seal(pending_, false, out);
      sodium_memzero(pending_.data(), pending_.size());
      pending_.clear();
    }
    if (pending_.empty() && plain.size() > chunk_size_) {
      // Fast path: a whole chunk straight from the caller's buffer, with a byte after it.
      seal(plain.first(chunk_size_), false, out);
      plain = plain.subspan(chunk_size_);
      continue;
    }
    std::size_t take = std::min<std::size_t>(chunk_size_ - pending_.size(), plain.size());
    pending_.insert(pending_.end(), plain.begin(), plain.begin() + static_cast<long>(take));
    plain = plain.subspan(take);
  }
}

void BlobEncryptor::finish(Bytes& out) {
  if (finished_) return;
  emit_header(out);
  seal(pending_, true, out);
  if (!pending_.empty()) sodium_memzero(pending_.data(), pending_.size());
  pending_.clear();
  finished_ = true;
}

}  // namespace pv
