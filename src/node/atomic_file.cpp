#include "node/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace pv {
namespace {

Error os_error(const std::string& what, const std::string& path) {
  return make_error(Errc::io, what + " " + path + ": " + std::strerror(errno));
}

Status make_parent_dirs(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    return make_error(Errc::io, "cannot create directory " + parent.string() + ": " + ec.message());
  return Status::ok();
}

Status write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return os_error("cannot write", path);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return os_error("cannot sync", path);
  return Status::ok();
}

}  // namespace

Status write_file_atomically(const std::string& path, const std::string& text, unsigned mode) {
  PV_TRY(make_parent_dirs(path));
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return os_error("cannot create", tmp);
  Status written = write_all(fd, text, tmp);
  ::close(fd);
  if (written && ::rename(tmp.c_str(), path.c_str()) != 0)
    written = os_error("cannot rename to", path);
  if (!written) ::unlink(tmp.c_str());
  return written;
}

}  // namespace pv
