#include "node/node_key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "codec/did_key.hpp"
#include "identity/wallet_file.hpp"

namespace pv {
namespace {

namespace fs = std::filesystem;

Status write_sealed(const std::string& path, const SigningKey& key,
                    const NodeKeyPassphrase& passphrase, const KdfParams& kdf) {
  auto pass = passphrase(/*creating=*/true);
  if (!pass) return pass.error();
  IdentityMetadata meta;
  meta.name = "node";
  meta.did = did_key_from_public_key(key.public_key());
  meta.method = DidMethod::key;
  meta.created_at = utc_now_rfc3339();
  meta.current_key = key.public_key();
  IdentitySecrets secrets{key, {}, std::nullopt};
  auto file = seal_identity(meta, secrets, pass->view(), kdf);
  if (!file) return file.error();
  return write_identity_file_text(path, encode_identity_file(*file), /*replace=*/false);
}

Result<SigningKey> open_sealed(const std::string& path, const NodeKeyPassphrase& passphrase) {
  auto text = read_identity_file_text(path);
  if (!text) return text.error();
  auto file = parse_identity_file(*text);
  if (!file)
    return make_error(file.error().code,
                      "node key file " + path + " is damaged: " + file.error().message);
  auto pass = passphrase(/*creating=*/false);
  if (!pass) return pass.error();
  auto key = derive_wallet_file_key(pass->view(), file->kdf, file->salt);
  if (!key) return key.error();
  auto secrets = open_identity(*file, *key);
  if (!secrets) {
    if (secrets.error().code == Errc::unauthorized)
      return make_error(Errc::unauthorized,
                        "wrong passphrase for the node key " + path +
                            " (or the file was edited); check --key-passphrase-file or "
                            "PV_NODE_PASSPHRASE");
    return secrets.error();
  }
  return secrets->current;
}

// Reads the plaintext key file of earlier versions: JSON {"seed": hex, ...}.
Result<SigningKey> read_legacy(const std::string& path) {
  auto text = read_identity_file_text(path);
  if (!text) return text.error();
  auto doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  sodium_memzero(text->data(), text->size());
  if (!doc.is_object() || !doc.contains("seed") || !doc["seed"].is_string())
    return make_error(Errc::malformed, "legacy node key " + path + " has no \"seed\"");
  auto seed = Seed::from_hex(doc["seed"].get<std::string>());
  if (!seed) return make_error(Errc::malformed, "legacy node key " + path + " has a bad seed");
  return SigningKey::from_seed(*seed);
}

// Overwrites the plaintext file with zeros (best effort on copy-on-write file systems) and
// removes it.
Status destroy_legacy(const std::string& path) {
  struct stat st {};
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd >= 0 && ::fstat(fd, &st) == 0) {
    std::string zeros(static_cast<std::size_t>(st.st_size), '\0');
    [[maybe_unused]] auto written = ::write(fd, zeros.data(), zeros.size());  // then removed anyway
    ::fsync(fd);
  }
  if (fd >= 0) ::close(fd);
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) return make_error(Errc::io, "cannot remove the plaintext node key " + path);
  return Status::ok();
}

}  // namespace

Result<SigningKey> load_or_create_node_key(const std::string& data_dir,
                                           const NodeKeyPassphrase& passphrase,
                                           const KdfParams& kdf) {
  if (!passphrase)
    return make_error(Errc::invalid_argument,
                      "no source for the node key passphrase; pass --key-passphrase-file FILE or "
                      "set PV_NODE_PASSPHRASE");
  const std::string path = data_dir + "/" + kNodeKeyFileName;
  const std::string legacy = data_dir + "/" + kLegacyNodeKeyFileName;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (fs::exists(legacy, ec)) PV_TRY(destroy_legacy(legacy));  // an interrupted migration
    return open_sealed(path, passphrase);
  }
  if (fs::exists(legacy, ec)) {
    auto key = read_legacy(legacy);
    if (!key) return key.error();
    PV_TRY(write_sealed(path, *key, passphrase, kdf));
    PV_TRY(destroy_legacy(legacy));
    spdlog::warn("encrypted the plaintext node key {} into {} and removed the plaintext file",
                 legacy, path);
    return key;
  }
  SigningKey key = SigningKey::generate();
  PV_TRY(write_sealed(path, key, passphrase, kdf));
  return key;
}

}  // namespace pv
