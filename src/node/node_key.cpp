#include "node/node_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "codec/did_key.hpp"

namespace pv {

Status write_key_file(const std::string& path, const SigningKey& key) {
  nlohmann::json j = {{"did", did_key_from_public_key(key.public_key())},
                      {"publicKey", key.public_key().hex()},
                      {"seed", key.seed().hex()}};
  std::string text = j.dump(2) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return make_error(Errc::io, "cannot create key file " + path + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return make_error(Errc::io, "cannot write key file " + path);
  return Status::ok();
}

Result<SigningKey> load_key_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(Errc::not_found, "cannot read key file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("seed") || !j["seed"].is_string())
    return make_error(Errc::malformed, "key file " + path + " is not a JSON object with a \"seed\"");
  auto seed = Seed::from_hex(j["seed"].get<std::string>());
  if (!seed) return make_error(Errc::malformed, "key file " + path + ": seed must be 64 hex digits");
  return SigningKey::from_seed(*seed);
}

Result<SigningKey> load_or_create_node_key(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return load_key_file(path);
  SigningKey key = SigningKey::generate();
  PV_TRY(write_key_file(path, key));
  return key;
}

}  // namespace pv
