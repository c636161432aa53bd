#include "node/node_key.hpp"

#include <sys/stat.h>

#include "node/key_file.hpp"

namespace pv {

Result<SigningKey> load_or_create_node_key(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    auto kf = read_key_file(path);
    if (!kf) return kf.error();
    return kf->key;
  }
  SigningKey key = SigningKey::generate();
  PV_TRY(write_key_file(path, key, /*overwrite=*/false));
  return key;
}

}  // namespace pv
