#pragma once
// Minimal byte streams for CAR files and file import/export: a source to read from and a sink
// to write to, with in-memory and file implementations. Not thread-safe.

#include <cstdio>
#include <filesystem>
#include <memory>

#include "base/bytes.hpp"

namespace pv::content {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `size` bytes into `buf`; 0 only at the end of the stream.
  [[nodiscard]] virtual Result<std::size_t> read(std::uint8_t* buf, std::size_t size) = 0;
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  [[nodiscard]] virtual Status write(ByteView data) = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(ByteView data) : data_(data) {}
  [[nodiscard]] Result<std::size_t> read(std::uint8_t* buf, std::size_t size) override;

 private:
  ByteView data_;
  std::size_t pos_ = 0;
};

class MemorySink final : public ByteSink {
 public:
  [[nodiscard]] Status write(ByteView data) override {
    bytes.insert(bytes.end(), data.begin(), data.end());
    return Status::ok();
  }
  Bytes bytes;
};

// A file opened for reading; errors name the path.
class FileSource final : public ByteSource {
 public:
  [[nodiscard]] static Result<std::unique_ptr<FileSource>> open(const std::filesystem::path& path);
  ~FileSource() override;
  [[nodiscard]] Result<std::size_t> read(std::uint8_t* buf, std::size_t size) override;

 private:
  FileSource(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  std::FILE* file_;
  std::string path_;
};

// A file created (or truncated) for writing. close() flushes and reports write errors; the
// destructor closes without reporting.
class FileSink final : public ByteSink {
 public:
  [[nodiscard]] static Result<std::unique_ptr<FileSink>> create(const std::filesystem::path& path);
  ~FileSink() override;
  [[nodiscard]] Status write(ByteView data) override;
  // Overwrites bytes at `offset` (already written) and returns to the end: used to put the root
  // into a CAR header once an import has finished.
  [[nodiscard]] Status overwrite_at(std::uint64_t offset, ByteView data);
  [[nodiscard]] Status close();

 private:
  FileSink(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  std::FILE* file_;
  std::string path_;
};

}  // namespace pv::content
