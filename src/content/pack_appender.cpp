#include "content/pack_appender.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace pv::content {
namespace {

Error os_error(const std::string& what, int err) {
  return make_error(Errc::io, "blockstore: " + what + ": " + std::strerror(err));
}

Status write_all(int fd, const std::uint8_t* data, std::size_t size, std::uint64_t offset,
                 const std::filesystem::path& path) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return os_error("cannot write " + path.string(), n < 0 ? errno : EIO);
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return Status::ok();
}

}  // namespace

struct PackAppender::Buffer {
  explicit Buffer(std::size_t bytes)
      : size(pack_slot(bytes)),
        data(static_cast<std::uint8_t*>(std::aligned_alloc(kPackAlignment, size))) {}
  ~Buffer() { std::free(data); }
  std::size_t size;
  std::uint8_t* data;
};

struct PackAppender::PackFile {
  ~PackFile() {
    if (fd >= 0) ::close(fd);
  }
  int fd = -1;
  std::uint32_t pack = 0;
  std::filesystem::path path;
  std::uint64_t end = 0;  // its length once everything handed to the writer is written
};

struct PackAppender::Staged {
  std::unique_ptr<Buffer> buffer;
  std::size_t used = 0;
  std::shared_ptr<PackFile> file;
  std::uint64_t offset = 0;  // where buffer[0] goes in the file
};

PackAppender::PackAppender(std::filesystem::path dir, std::uint32_t first_pack,
                           PackAppenderOptions options)
    : dir_(std::move(dir)), options_(options), pack_(first_pack) {
  filling_ = std::make_unique<Staged>();
  filling_->buffer = std::make_unique<Buffer>(options_.buffer_bytes);
  spare_ = std::make_unique<Buffer>(options_.buffer_bytes);
}

Result<std::unique_ptr<PackAppender>> PackAppender::create(const std::filesystem::path& dir,
                                                           std::uint32_t first_pack,
                                                           PackAppenderOptions options) {
  std::unique_ptr<PackAppender> appender(new PackAppender(dir, first_pack, options));
  if (!appender->filling_->buffer->data || !appender->spare_->data)
    return make_error(Errc::io, "blockstore: cannot allocate the pack staging buffers");
  appender->writer_ = std::thread([a = appender.get()] { a->writer_loop(); });
  return appender;
}

PackAppender::~PackAppender() {
  (void)write_out();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  writer_.join();
}

Status PackAppender::open_next_pack() {
  auto file = std::make_shared<PackFile>();
  file->pack = pack_;
  file->path = dir_ / pack_file_name(pack_);
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
  file->fd = options_.direct_io ? ::open(file->path.c_str(), flags | O_DIRECT, 0600) : -1;
  // EINVAL: this file system does not do O_DIRECT (tmpfs); the open created nothing.
  if (file->fd < 0 && (!options_.direct_io || errno == EINVAL))
    file->fd = ::open(file->path.c_str(), flags, 0600);
  if (file->fd < 0) return os_error("cannot create " + file->path.string(), errno);
  ++pack_;
  file_ = std::move(file);
  filling_->file = file_;
  filling_->offset = 0;
  created_since_sync_ = true;
  return Status::ok();
}

Result<PackLocation> PackAppender::append(ByteView block) {
  {
    std::lock_guard lock(mutex_);
    if (error_) return *error_;
  }
  const std::uint64_t slot = pack_slot(block.size());
  if (slot > filling_->buffer->size)
    return make_error(Errc::too_large, "blockstore: a block of " + std::to_string(block.size()) +
                                           " bytes is larger than the " +
                                           std::to_string(filling_->buffer->size) +
                                           "-byte limit of a pack block");
  const std::uint64_t end = filling_->offset + filling_->used;
  if (!file_ || (end > 0 && end + slot > options_.pack_limit)) {
    PV_TRY(hand_off());
    PV_TRY(open_next_pack());
  } else if (filling_->used + slot > filling_->buffer->size) {
    PV_TRY(hand_off());
  }
  if (unsynced_.empty() || unsynced_.back() != file_) unsynced_.push_back(file_);
  std::uint8_t* at = filling_->buffer->data + filling_->used;
  if (!block.empty()) std::memcpy(at, block.data(), block.size());
  std::memset(at + block.size(), 0, slot - block.size());
  const PackLocation where{file_->pack, filling_->offset + filling_->used,
                           static_cast<std::uint32_t>(block.size())};
  filling_->used += slot;
  file_->end = filling_->offset + filling_->used;
  return where;
}

Status PackAppender::hand_off() {
  if (filling_->used == 0) return Status::ok();
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !writing_ || error_; });
  if (error_) return *error_;
  auto next = std::make_unique<Staged>();
  next->buffer = std::move(spare_);
  next->file = filling_->file;
  next->offset = filling_->offset + filling_->used;
  writing_ = std::move(filling_);
  filling_ = std::move(next);
  changed_.notify_all();
  return Status::ok();
}

Status PackAppender::wait_idle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !writing_; });
  if (error_) return *error_;
  return Status::ok();
}

Status PackAppender::write_out() {
  PV_TRY(hand_off());
  return wait_idle();
}

Result<std::vector<PackExtent>> PackAppender::sync() {
  PV_TRY(write_out());
  std::vector<PackExtent> extents;
  for (const auto& file : unsynced_) {
    if (::fdatasync(file->fd) != 0) {
      Error e = os_error("cannot sync " + file->path.string(), errno);
      std::lock_guard lock(mutex_);
      error_ = e;
      return e;
    }
    extents.push_back({file->pack, file->end});
  }
  if (created_since_sync_) {
    // The new pack's directory entry must be durable too, or a crash could lose the whole file.
    const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int err = dir_fd < 0 ? errno : (::fsync(dir_fd) != 0 ? errno : 0);
    if (dir_fd >= 0) ::close(dir_fd);
    if (err != 0) return os_error("cannot sync " + dir_.string(), err);
    created_since_sync_ = false;
  }
  unsynced_.clear();
  return extents;
}

void PackAppender::writer_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || writing_; });
    if (!writing_) return;  // stopping, nothing left
    Staged& job = *writing_;
    lock.unlock();
    Status written =
        write_all(job.file->fd, job.buffer->data, job.used, job.offset, job.file->path);
    lock.lock();
    if (!written && !error_) error_ = written.error();
    spare_ = std::move(writing_->buffer);
    writing_.reset();
    changed_.notify_all();
  }
}

}  // namespace pv::content
