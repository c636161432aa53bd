#include "node/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "codec/did_key.hpp"

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

Status write_key_file(const std::string& path, const SigningKey& key, bool overwrite) {
  nlohmann::json doc{{"did", did_key_from_public_key(key.public_key())},
                     {"publicKey", key.public_key().hex()},
                     {"seed", key.seed().hex()}};
  std::string text = doc.dump(2) + "\n";
  if (overwrite) return write_file_atomically(path, text, 0600);
  PV_TRY(make_parent_dirs(path));
  // O_EXCL: never replace an existing key by accident.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST)
    return make_error(Errc::conflict, "key file " + path + " already exists");
  if (fd < 0) return os_error("cannot create", path);
  Status written = write_all(fd, text, path);
  ::close(fd);
  if (!written) ::unlink(path.c_str());
  return written;
}

Result<KeyFile> read_key_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return make_error(Errc::not_found, "no key file at " + path);
    return os_error("cannot read", path);
  }
  if ((st.st_mode & 077) != 0)
    return make_error(
        Errc::forbidden,
        "key file " + path + " is readable by other users; run `chmod 600 " + path + "`");
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in) return os_error("cannot read", path);
  auto doc = nlohmann::json::parse(buf.str(), nullptr, /*allow_exceptions=*/false);
  auto bad = [&](const std::string& why) {
    return make_error(Errc::malformed, "key file " + path + " is not a pv key file: " + why);
  };
  if (!doc.is_object()) return bad("not a JSON object");
  auto seed_it = doc.find("seed");
  if (seed_it == doc.end() || !seed_it->is_string()) return bad("no \"seed\"");
  auto seed = Seed::from_hex(seed_it->get<std::string>());
  if (!seed) return bad("\"seed\" is not 32 bytes of hex");
  KeyFile kf{SigningKey::from_seed(*seed), {}};
  kf.did = did_key_from_public_key(kf.key.public_key());
  auto did_it = doc.find("did");
  if (did_it != doc.end() && (!did_it->is_string() || did_it->get<std::string>() != kf.did))
    return bad("\"did\" does not belong to the seed");
  auto pk_it = doc.find("publicKey");
  if (pk_it != doc.end() &&
      (!pk_it->is_string() || pk_it->get<std::string>() != kf.key.public_key().hex()))
    return bad("\"publicKey\" does not belong to the seed");
  return kf;
}

}  // namespace pv
