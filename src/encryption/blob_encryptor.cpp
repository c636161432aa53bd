#include "encryption/blob_encryptor.hpp"

#include <algorithm>

#include "encryption/blob_stream_state.hpp"

namespace pv {

Result<BlobEncryptor> BlobEncryptor::create(const DataKey& key, std::uint32_t chunk_size) {
  if (chunk_size < kBlobMinChunk || chunk_size > kBlobMaxChunk)
    return make_error(Errc::invalid_argument, "chunk size must be between 1 KiB and 16 MiB, got " +
                                                  std::to_string(chunk_size));
  crypto_init();
  BlobEncryptor e;
  e.chunk_size_ = chunk_size;
  e.state_ = std::make_unique<BlobStreamState>();
  BlobHeader h;
  h.chunk_size = chunk_size;
  crypto_secretstream_xchacha20poly1305_init_push(&e.state_->s, h.stream_header.data(), key.data());
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
  out.insert(out.end(), header_.bytes.begin(), header_.bytes.end());
  header_written_ = true;
}

void BlobEncryptor::push(ByteView plain, bool final, Bytes& out) {
  std::size_t at = out.size();
  out.resize(at + plain.size() + kBlobChunkOverhead);
  // The first chunk authenticates the container header as associated data.
  const std::uint8_t* ad = first_chunk_ ? header_.data() : nullptr;
  std::size_t ad_len = first_chunk_ ? header_.size() : 0;
  crypto_secretstream_xchacha20poly1305_push(
      &state_->s, out.data() + at, nullptr, plain.data(), plain.size(), ad, ad_len,
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  first_chunk_ = false;
}

void BlobEncryptor::update(ByteView plain, Bytes& out) {
  emit_header(out);
  while (!plain.empty()) {
    if (pending_.size() == chunk_size_) {
      // More plaintext follows, so the held chunk is not the last one.
      push(pending_, false, out);
      sodium_memzero(pending_.data(), pending_.size());
      pending_.clear();
    }
    if (pending_.empty() && plain.size() > chunk_size_) {
      // Fast path: a whole chunk straight from the caller's buffer, with a byte after it.
      push(plain.first(chunk_size_), false, out);
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
  push(pending_, true, out);
  if (!pending_.empty()) sodium_memzero(pending_.data(), pending_.size());
  pending_.clear();
  finished_ = true;
}

}  // namespace pv
