#pragma once
// The two halves of `pv blob put` on two cores: EncryptAhead reads and encrypts a file on a
// thread of its own, at most kEncryptAheadPieces pieces ahead of the caller, who chunks, hashes,
// builds the DAG and uploads. The bounded queue keeps memory flat (about 4 MiB of ciphertext in
// flight) whatever the file's size; buffers go back and forth instead of being reallocated.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "content/byte_stream.hpp"
#include "content/file_importer.hpp"
#include "encryption/blob_encryptor.hpp"

namespace pv::cli {

inline constexpr std::size_t kEncryptAheadPieces = 4;
inline constexpr std::size_t kEncryptPieceBytes = 1u << 20;  // plaintext read per piece
inline constexpr std::size_t kPieceSlack = 4096;             // chunk tags and the header

// Every piece but the last holds a whole number of UnixFS chunks (content::kChunkSize) of the
// ciphertext stream, so FileImporter::write never has to copy a leaf; the ciphertext after the
// last whole chunk moves on to the next piece.
struct CipherPiece {
  Bytes bytes;                    // ciphertext (the container header comes with the first piece)
  std::uint64_t plain_bytes = 0;  // plaintext bytes this piece covers, for progress
};

class EncryptAhead {
 public:
  // Starts encrypting `file` (which must outlive this object) at once.
  EncryptAhead(content::ByteSource& file, BlobEncryptor encryptor);
  ~EncryptAhead();  // stops the thread if it is still running, wipes the plaintext buffer
  EncryptAhead(const EncryptAhead&) = delete;
  EncryptAhead& operator=(const EncryptAhead&) = delete;

  // The next piece in order; nullopt after the last one (which holds the final chunk). A read
  // error of the file is returned here, once the pieces before it have been taken.
  [[nodiscard]] Result<std::optional<CipherPiece>> next();
  // Hands a piece's buffer back for reuse (optional; saves page faults on large buffers).
  void recycle(Bytes buffer);

 private:
  void run(content::ByteSource& file);
  bool push(CipherPiece piece);  // false when stopped

  BlobEncryptor encryptor_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<CipherPiece> ready_;
  std::vector<Bytes> spare_;
  bool done_ = false, stopped_ = false;
  std::optional<Error> error_;
  std::thread thread_;
};

}  // namespace pv::cli
