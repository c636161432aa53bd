#include "encryption/blob_decryptor.hpp"

#include <algorithm>

#include "encryption/blob_stream_state.hpp"

namespace pv {

BlobDecryptor::BlobDecryptor(const DataKey& key)
    : state_(std::make_unique<BlobStreamState>()), key_(key) {
  crypto_init();
}
BlobDecryptor::~BlobDecryptor() = default;
BlobDecryptor::BlobDecryptor(BlobDecryptor&&) noexcept = default;
BlobDecryptor& BlobDecryptor::operator=(BlobDecryptor&&) noexcept = default;

Status BlobDecryptor::fail(Errc code, std::string message) {
  failed_ = make_error(code, std::move(message));
  return *failed_;
}

Status BlobDecryptor::open_chunk(ByteView frame, bool at_end, Bytes& out) {
  if (frame.size() < kBlobChunkOverhead)
    return fail(Errc::corruption, "encrypted blob is truncated inside chunk " +
                                      std::to_string(chunk_index_) + " (" +
                                      std::to_string(frame.size()) + " bytes left)");
  std::size_t at = out.size();
  out.resize(at + frame.size() - kBlobChunkOverhead);
  unsigned char tag = 0;
  bool first = chunk_index_ == 0;
  int rc = crypto_secretstream_xchacha20poly1305_pull(
      &state_->s, out.data() + at, nullptr, &tag, frame.data(), frame.size(),
      first ? header_bytes_.data() : nullptr, first ? header_bytes_.size() : 0);
  if (rc != 0) {
    out.resize(at);
    return fail(Errc::corruption,
                "encrypted blob chunk " + std::to_string(chunk_index_) +
                    " failed authentication: wrong data key, or the ciphertext was altered, "
                    "reordered or cut");
  }
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    final_seen_ = true;
  } else if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE || at_end) {
    // Writers only use MESSAGE and FINAL, and only full chunks may be non-final.
    out.resize(at);
    return fail(Errc::corruption, "encrypted blob ends at chunk " + std::to_string(chunk_index_) +
                                      " without its final chunk (truncated)");
  }
  plaintext_bytes_ += frame.size() - kBlobChunkOverhead;
  ++chunk_index_;
  return Status::ok();
}

Status BlobDecryptor::update(ByteView cipher, Bytes& out) {
  if (failed_) return *failed_;
  if (chunk_size_ == 0) {
    std::size_t take = std::min(kBlobHeaderBytes - pending_.size(), cipher.size());
    pending_.insert(pending_.end(), cipher.begin(), cipher.begin() + static_cast<long>(take));
    cipher = cipher.subspan(take);
    if (pending_.size() < kBlobHeaderBytes) return Status::ok();
    auto h = BlobHeader::decode(pending_);
    if (!h) return fail(h.error().code, h.error().message);
    std::copy(pending_.begin(), pending_.end(), header_bytes_.bytes.begin());
    if (crypto_secretstream_xchacha20poly1305_init_pull(&state_->s, h->stream_header.data(),
                                                        key_.data()) != 0)
      return fail(Errc::corruption, "the blob's stream header is not usable");
    chunk_size_ = h->chunk_size;
    pending_.clear();
    pending_.reserve(chunk_size_ + kBlobChunkOverhead);
  }
  const std::size_t frame = chunk_size_ + kBlobChunkOverhead;
  while (!cipher.empty()) {
    if (final_seen_)
      return fail(Errc::corruption, std::to_string(cipher.size() + pending_.size()) +
                                        " unexpected bytes after the blob's final chunk");
    if (pending_.empty() && cipher.size() >= frame) {
      PV_TRY(open_chunk(cipher.first(frame), false, out));
      cipher = cipher.subspan(frame);
      continue;
    }
    std::size_t take = std::min(frame - pending_.size(), cipher.size());
    pending_.insert(pending_.end(), cipher.begin(), cipher.begin() + static_cast<long>(take));
    cipher = cipher.subspan(take);
    if (pending_.size() == frame) {
      PV_TRY(open_chunk(pending_, false, out));
      pending_.clear();
    }
  }
  return Status::ok();
}

Status BlobDecryptor::finish(Bytes& out) {
  if (failed_) return *failed_;
  if (chunk_size_ == 0)
    return fail(Errc::malformed, "encrypted blob is shorter than its 36-byte header (" +
                                     std::to_string(pending_.size()) + " bytes)");
  if (!final_seen_) {
    if (pending_.empty())
      return fail(Errc::corruption, "encrypted blob ends after chunk " +
                                        std::to_string(chunk_index_) +
                                        " without its final chunk (truncated)");
    PV_TRY(open_chunk(pending_, true, out));
    pending_.clear();
  }
  return Status::ok();
}

}  // namespace pv
