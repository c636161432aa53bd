#include "cli/encrypt_ahead.hpp"

#include <sodium.h>

namespace pv::cli {

EncryptAhead::EncryptAhead(content::ByteSource& file, BlobEncryptor encryptor)
    : encryptor_(std::move(encryptor)), thread_([this, &file] { run(file); }) {}

EncryptAhead::~EncryptAhead() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool EncryptAhead::push(CipherPiece piece) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return ready_.size() < kEncryptAheadPieces || stopped_; });
  if (stopped_) return false;
  ready_.push_back(std::move(piece));
  cv_.notify_all();
  return true;
}

void EncryptAhead::run(content::ByteSource& file) {
  Bytes plain(kEncryptPieceBytes);
  Bytes carry;  // ciphertext after the last whole UnixFS chunk of the previous piece
  auto fail = [&](Error e) {
    std::lock_guard lock(mu_);
    error_ = std::move(e);
    done_ = true;
    cv_.notify_all();
  };
  for (;;) {
    auto n = file.read(plain.data(), plain.size());
    if (!n) {
      sodium_memzero(plain.data(), plain.size());
      return fail(n.error());
    }
    CipherPiece piece;
    {
      std::lock_guard lock(mu_);
      if (!spare_.empty()) {
        piece.bytes = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    piece.bytes.clear();
    piece.plain_bytes = *n;
    piece.bytes.reserve(carry.size() + *n + kPieceSlack);
    piece.bytes.insert(piece.bytes.end(), carry.begin(), carry.end());
    carry.clear();
    if (*n == 0) {
      encryptor_.finish(piece.bytes);
    } else {
      encryptor_.update(ByteView(plain).first(*n), piece.bytes);
      // Cut at a UnixFS chunk boundary of the ciphertext stream, so that the importer takes
      // every leaf straight from this buffer instead of copying it into its own.
      const std::size_t whole = piece.bytes.size() / content::kChunkSize * content::kChunkSize;
      carry.assign(piece.bytes.begin() + static_cast<long>(whole), piece.bytes.end());
      piece.bytes.resize(whole);
    }
    if (!push(std::move(piece)) || *n == 0) break;
  }
  sodium_memzero(plain.data(), plain.size());
  std::lock_guard lock(mu_);
  done_ = true;
  cv_.notify_all();
}

Result<std::optional<CipherPiece>> EncryptAhead::next() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !ready_.empty() || done_; });
  if (ready_.empty()) {
    if (error_) return *error_;
    return std::optional<CipherPiece>();
  }
  CipherPiece piece = std::move(ready_.front());
  ready_.pop_front();
  cv_.notify_all();
  return std::optional<CipherPiece>(std::move(piece));
}

void EncryptAhead::recycle(Bytes buffer) {
  std::lock_guard lock(mu_);
  if (spare_.size() < kEncryptAheadPieces) spare_.push_back(std::move(buffer));
}

}  // namespace pv::cli
