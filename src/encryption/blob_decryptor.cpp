#include "encryption/blob_decryptor.hpp"

#include <algorithm>

#include "encryption/blob_stream_state.hpp"

namespace pv {

BlobDecryptor::BlobDecryptor(const DataKey& key) : key_(key) {
  crypto_init();
}
BlobDecryptor::~BlobDecryptor() = default;
BlobDecryptor::BlobDecryptor(BlobDecryptor&&) noexcept = default;
BlobDecryptor& BlobDecryptor::operator=(BlobDecryptor&&) noexcept = default;

Status BlobDecryptor::fail(Errc code, std::string message) {
  failed_ = make_error(code, std::move(message));
  return *failed_;
}

std::string BlobDecryptor::chunk_name() const {
  return "encrypted blob chunk " + std::to_string(chunk_index_);
}

Status BlobDecryptor::read_header(ByteView& cipher) {
  // The first 12 bytes say how long the header is; then the rest of it.
  std::size_t want = pending_.size() < kBlobPreambleBytes ? kBlobPreambleBytes : 0;
  if (want == 0) {
    auto size = blob_header_size(pending_);
    if (!size) return fail(size.error().code, size.error().message);
    want = *size;
  }
  std::size_t take = std::min(want - pending_.size(), cipher.size());
  pending_.insert(pending_.end(), cipher.begin(), cipher.begin() + static_cast<long>(take));
  cipher = cipher.subspan(take);
  if (pending_.size() < want) return Status::ok();
  if (want == kBlobPreambleBytes) return read_header(cipher);  // now the rest of it
  auto h = BlobHeader::decode(pending_);
  if (!h) return fail(h.error().code, h.error().message);
  header_bytes_ = pending_;
  if (h->version == kBlobVersion1) {
    v1_ = std::make_unique<BlobStreamState>();
    if (crypto_secretstream_xchacha20poly1305_init_pull(&v1_->s, h->nonce.data(), key_.data()) != 0)
      return fail(Errc::corruption, "the blob's stream header is not usable");
  } else {
    auto c = XChaCha20Poly1305::create(key_.view(), h->nonce.view().first(kBlobNonceHeadBytes));
    if (!c) return fail(c.error().code, c.error().message);
    v2_.emplace(std::move(*c));
  }
  frame_ = h->chunk_size + h->chunk_overhead();
  header_ = *h;
  pending_.clear();
  pending_.reserve(frame_);
  return Status::ok();
}

Status BlobDecryptor::open_chunk(ByteView frame, bool last, Bytes& out) {
  if (frame.size() < header_->chunk_overhead())
    return fail(Errc::corruption, "encrypted blob is truncated inside chunk " +
                                      std::to_string(chunk_index_) + " (" +
                                      std::to_string(frame.size()) + " bytes left)");
  PV_TRY(header_->version == kBlobVersion1 ? open_v1(frame, last, out) : open_v2(frame, last, out));
  plaintext_bytes_ += frame.size() - header_->chunk_overhead();
  ++chunk_index_;
  return Status::ok();
}

Status BlobDecryptor::open_v2(ByteView frame, bool last, Bytes& out) {
  if (chunk_index_ >= kBlobMaxChunks)
    return fail(Errc::corruption, "encrypted blob has more chunks than its format allows");
  const std::size_t at = out.size();
  out.resize(at + frame.size() - kBlobChunkOverhead);
  auto opens_as = [&](bool as_last) {
    return v2_->open(blob_chunk_nonce_tail(chunk_index_, as_last), header_bytes_, frame,
                     out.data() + at);
  };
  if (opens_as(last)) {
    last_seen_ = last;
    return Status::ok();
  }
  // Name the attack when the chunk is genuine but in the wrong place in the stream; its
  // plaintext is not released either way.
  const bool opens_otherwise = opens_as(!last);
  out.resize(at);
  if (opens_otherwise && last)
    return fail(Errc::corruption, "encrypted blob ends after chunk " +
                                      std::to_string(chunk_index_) +
                                      " without its final chunk (truncated)");
  if (opens_otherwise)
    return fail(Errc::corruption, "unexpected bytes after the blob's final chunk (chunk " +
                                      std::to_string(chunk_index_) + ")");
  return fail(Errc::corruption, chunk_name() +
                                    " failed authentication: wrong data key, or the ciphertext "
                                    "was altered, reordered, cut or taken from another blob");
}

Status BlobDecryptor::open_v1(ByteView frame, bool last, Bytes& out) {
  const std::size_t at = out.size();
  out.resize(at + frame.size() - kBlobV1ChunkOverhead);
  unsigned char tag = 0;
  const bool first = chunk_index_ == 0;
  int rc = crypto_secretstream_xchacha20poly1305_pull(
      &v1_->s, out.data() + at, nullptr, &tag, frame.data(), frame.size(),
      first ? header_bytes_.data() : nullptr, first ? header_bytes_.size() : 0);
  if (rc != 0) {
    out.resize(at);
    return fail(Errc::corruption,
                chunk_name() +
                    " failed authentication: wrong data key, or the ciphertext was altered, "
                    "reordered or cut");
  }
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    last_seen_ = true;  // bytes after it are refused by update()
  } else if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE || last) {
    // Writers only use MESSAGE and FINAL, and only full chunks may be non-final.
    sodium_memzero(out.data() + at, out.size() - at);
    out.resize(at);
    return fail(Errc::corruption, "encrypted blob ends at chunk " + std::to_string(chunk_index_) +
                                      " without its final chunk (truncated)");
  }
  return Status::ok();
}

Status BlobDecryptor::update(ByteView cipher, Bytes& out) {
  if (failed_) return *failed_;
  if (!header_) {
    PV_TRY(read_header(cipher));
    if (!header_) return Status::ok();
  }
  while (!cipher.empty()) {
    if (last_seen_)
      return fail(Errc::corruption, std::to_string(cipher.size() + pending_.size()) +
                                        " unexpected bytes after the blob's final chunk");
    if (pending_.size() == frame_) {
      // A byte follows the held-back chunk, so it is not the last one.
      PV_TRY(open_chunk(pending_, false, out));
      pending_.clear();
      continue;
    }
    if (pending_.empty() && cipher.size() > frame_) {
      PV_TRY(open_chunk(cipher.first(frame_), false, out));
      cipher = cipher.subspan(frame_);
      continue;
    }
    std::size_t take = std::min(frame_ - pending_.size(), cipher.size());
    pending_.insert(pending_.end(), cipher.begin(), cipher.begin() + static_cast<long>(take));
    cipher = cipher.subspan(take);
  }
  return Status::ok();
}

Status BlobDecryptor::finish(Bytes& out) {
  if (failed_) return *failed_;
  if (!header_)
    return fail(Errc::malformed, "encrypted blob is shorter than its header (" +
                                     std::to_string(pending_.size()) + " bytes)");
  if (!last_seen_) {
    if (pending_.empty())
      return fail(Errc::corruption,
                  "encrypted blob ends after its header, with no chunk "
                  "(truncated)");
    PV_TRY(open_chunk(pending_, true, out));
    pending_.clear();
  }
  return Status::ok();
}

}  // namespace pv
