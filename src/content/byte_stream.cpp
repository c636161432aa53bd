#include "content/byte_stream.hpp"

#include <cerrno>
#include <cstring>

namespace pv::content {
namespace {

Error io_error(const std::string& what, const std::string& path) {
  return make_error(Errc::io, what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Result<std::size_t> MemorySource::read(std::uint8_t* buf, std::size_t size) {
  const std::size_t n = std::min(size, data_.size() - pos_);
  if (n > 0) std::memcpy(buf, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

Result<std::unique_ptr<FileSource>> FileSource::open(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return io_error("cannot open", path.string());
  return std::unique_ptr<FileSource>(new FileSource(f, path.string()));
}

FileSource::~FileSource() {
  std::fclose(file_);
}

Result<std::size_t> FileSource::read(std::uint8_t* buf, std::size_t size) {
  const std::size_t n = std::fread(buf, 1, size, file_);
  if (n == 0 && std::ferror(file_)) return io_error("cannot read", path_);
  return n;
}

Result<std::unique_ptr<FileSink>> FileSink::create(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return io_error("cannot create", path.string());
  return std::unique_ptr<FileSink>(new FileSink(f, path.string()));
}

FileSink::~FileSink() {
  if (file_) std::fclose(file_);
}

Status FileSink::write(ByteView data) {
  if (!file_) return make_error(Errc::internal, "write to closed file " + path_);
  // An empty view may carry a null pointer, which fwrite must not be given (UBSan: nonnull).
  if (data.empty()) return Status::ok();
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size())
    return io_error("cannot write", path_);
  return Status::ok();
}

Status FileSink::overwrite_at(std::uint64_t offset, ByteView data) {
  if (!file_) return make_error(Errc::internal, "write to closed file " + path_);
  if (std::fseek(file_, static_cast<long>(offset), SEEK_SET) != 0)
    return io_error("cannot seek", path_);
  if (auto s = write(data); !s) return s;
  if (std::fseek(file_, 0, SEEK_END) != 0) return io_error("cannot seek", path_);
  return Status::ok();
}

Status FileSink::close() {
  std::FILE* f = file_;
  file_ = nullptr;
  if (!f) return Status::ok();
  const bool flushed = std::fflush(f) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!flushed || !closed) return io_error("cannot finish writing", path_);
  return Status::ok();
}

}  // namespace pv::content
