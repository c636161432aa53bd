#pragma once
// Appends blocks to pack files (<dir>/0000000001.pack, ...) for PackBlockStore. Each block is
// copied into an aligned staging buffer at a kPackAlignment boundary; a full buffer goes to a
// writer thread, which writes it with O_DIRECT (no copy into the page cache) while the caller
// fills the other buffer, so hashing and the disk overlap. sync() makes everything appended so
// far durable. A pack is never appended to after the appender that wrote it is gone: a new
// appender starts a new pack, so a crash can only leave an unsynced tail in the newest packs.
// Not thread-safe: the store calls it under its own lock. After a write error every call
// returns that error; the store then starts a new appender.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "content/pack_location.hpp"

namespace pv::content {

struct PackAppenderOptions {
  // A pack is closed and the next one started once it would pass this size.
  std::uint64_t pack_limit = 1ull << 30;
  // Write with O_DIRECT where the file system allows it (not tmpfs: then buffered writes).
  bool direct_io = true;
  // Each of the two staging buffers; also the largest block a pack takes.
  std::size_t buffer_bytes = 8u << 20;
};

class PackAppender {
 public:
  // Packs `first_pack`, `first_pack` + 1, ... are created in `dir` as blocks arrive.
  [[nodiscard]] static Result<std::unique_ptr<PackAppender>> create(
      const std::filesystem::path& dir, std::uint32_t first_pack, PackAppenderOptions options);
  ~PackAppender();  // writes out what is staged, without syncing
  PackAppender(const PackAppender&) = delete;
  PackAppender& operator=(const PackAppender&) = delete;

  // Copies the block into the staging buffer (may wait for the writer); where it will live.
  [[nodiscard]] Result<PackLocation> append(ByteView block);
  // Everything appended so far reaches the pack files (not necessarily durable): after this,
  // every location append() returned can be read from its file.
  [[nodiscard]] Status write_out();
  // write_out(), then fdatasync of every pack written since the last sync (and of the
  // directory when a pack was created): the packs' durable lengths.
  [[nodiscard]] Result<std::vector<PackExtent>> sync();
  // The newest pack number this appender has used or will use next.
  std::uint32_t last_pack() const { return pack_; }
  // The pack being appended to, if one is open.
  std::optional<std::uint32_t> current_pack() const {
    return file_ ? std::optional<std::uint32_t>(pack_ - 1) : std::nullopt;
  }

 private:
  struct Buffer;
  struct PackFile;
  struct Staged;
  PackAppender(std::filesystem::path dir, std::uint32_t first_pack, PackAppenderOptions options);
  [[nodiscard]] Status open_next_pack();
  [[nodiscard]] Status hand_off();   // the filling buffer to the writer
  [[nodiscard]] Status wait_idle();  // until the writer has nothing
  void writer_loop();

  const std::filesystem::path dir_;
  const PackAppenderOptions options_;
  std::uint32_t pack_;
  std::shared_ptr<PackFile> file_;                   // the pack being appended to
  std::vector<std::shared_ptr<PackFile>> unsynced_;  // packs written since the last sync
  bool created_since_sync_ = false;
  std::unique_ptr<Staged> filling_;

  std::mutex mutex_;  // guards what the writer thread shares: below
  std::condition_variable changed_;
  std::unique_ptr<Staged> writing_;
  std::unique_ptr<Buffer> spare_;
  std::optional<Error> error_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace pv::content
