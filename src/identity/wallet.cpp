#include "identity/wallet.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "codec/did_key.hpp"
#include "identity/wallet_file.hpp"

namespace pv {
namespace {

namespace fs = std::filesystem;

// Reads and parses `path`; the file's own name must match the name inside it.
Result<IdentityFile> load(const fs::path& path) {
  auto text = read_identity_file_text(path);
  if (!text) return text.error();
  auto file = parse_identity_file(*text);
  if (!file)
    return make_error(file.error().code, path.filename().string() + ": " + file.error().message);
  if (path.filename().string() != file->identity.name + std::string(kIdentityFileSuffix))
    return make_error(Errc::corruption,
                      path.filename().string() + " holds identity \"" + file->identity.name + "\"");
  return file;
}

Result<IdentitySecrets> decrypt(const IdentityFile& file, std::string_view passphrase) {
  auto key = derive_wallet_file_key(passphrase, file.kdf, file.salt);
  if (!key) return key.error();
  auto secrets = open_identity(file, *key);
  if (!secrets && secrets.error().code == Errc::unauthorized)
    return make_error(Errc::unauthorized, "wrong passphrase for identity " + file.identity.name);
  return secrets;
}

bool holds(const IdentitySecrets& s, const PublicKey& k) {
  if (s.current.public_key() == k) return true;
  if (s.recovery && s.recovery->public_key() == k) return true;
  return std::any_of(s.devices.begin(), s.devices.end(),
                     [&](const SigningKey& d) { return d.public_key() == k; });
}

IdentityMetadata with_keys(IdentityMetadata m, const IdentitySecrets& s) {
  m.current_key = s.current.public_key();
  m.device_keys.clear();
  for (const auto& d : s.devices) m.device_keys.push_back(d.public_key());
  m.recovery_key.reset();
  if (s.recovery) m.recovery_key = s.recovery->public_key();
  return m;
}

}  // namespace

Result<Wallet> Wallet::open(fs::path dir, WalletOptions options) {
  PV_TRY(check_kdf_params_for_write(options.kdf));
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec)
      return make_error(Errc::io, "cannot create wallet " + dir.string() + ": " + ec.message());
    if (::chmod(dir.c_str(), 0700) != 0)
      return make_error(Errc::io,
                        "cannot chmod wallet " + dir.string() + ": " + std::strerror(errno));
  }
  if (!fs::is_directory(dir, ec))
    return make_error(Errc::invalid_argument, "wallet " + dir.string() + " is not a directory");
  return Wallet(std::move(dir), options);
}

fs::path Wallet::path_of(std::string_view name) const {
  return dir_ / (std::string(name) + std::string(kIdentityFileSuffix));
}

Result<IdentityMetadata> Wallet::create(std::string_view name, DidMethod method,
                                        std::string_view passphrase,
                                        const DidPvAssigner& assign_did) {
  PV_TRY(check_identity_name(name));
  if (passphrase.empty()) return make_error(Errc::invalid_argument, "empty passphrase");
  if (method == DidMethod::pv && !assign_did)
    return make_error(Errc::invalid_argument,
                      "a did:pv identity needs its DID from the ledger method");
  std::error_code ec;
  if (fs::exists(path_of(name), ec))
    return make_error(Errc::conflict, "identity " + std::string(name) + " already exists");
  IdentitySecrets secrets{SigningKey::generate(), {}, std::nullopt};
  IdentityMetadata m;
  m.name = std::string(name);
  m.method = method;
  m.created_at = utc_now_rfc3339();
  if (method == DidMethod::pv) secrets.recovery = SigningKey::generate();
  m = with_keys(std::move(m), secrets);
  if (method == DidMethod::key) {
    m.did = did_key_from_public_key(m.current_key);
  } else {
    auto did = assign_did(m);
    if (!did) return did.error();
    m.did = std::move(*did);
  }
  auto file = seal_identity(m, secrets, passphrase, options_.kdf);
  if (!file) return file.error();
  // Not replacing: a concurrent create of the same name loses with Errc::conflict.
  PV_TRY(write_identity_file_text(path_of(name), encode_identity_file(*file), /*replace=*/false));
  return m;
}

Result<std::vector<WalletEntry>> Wallet::list() const {
  std::vector<WalletEntry> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::string file = p.filename().string();
    // Temporary files start with '.', and names cannot, so they never show up here.
    if (file.empty() || file[0] == '.' || p.extension() != kIdentityFileSuffix) continue;
    auto loaded = load(p);
    out.push_back({p, loaded ? Result<IdentityMetadata>(loaded->identity)
                             : Result<IdentityMetadata>(loaded.error())});
  }
  if (ec) return make_error(Errc::io, "cannot list wallet " + dir_.string() + ": " + ec.message());
  std::sort(out.begin(), out.end(),
            [](const WalletEntry& a, const WalletEntry& b) { return a.path < b.path; });
  return out;
}

Result<IdentityMetadata> Wallet::find(std::string_view name_or_did) const {
  if (name_or_did.substr(0, 4) != "did:") {
    PV_TRY(check_identity_name(name_or_did));
    auto file = load(path_of(name_or_did));
    if (!file) return file.error();
    return file->identity;
  }
  auto entries = list();
  if (!entries) return entries.error();
  for (const auto& e : *entries)
    if (e.metadata && e.metadata->did == name_or_did) return *e.metadata;
  return make_error(Errc::not_found, "no identity with DID " + std::string(name_or_did));
}

Result<IdentitySecrets> Wallet::unlock(std::string_view name, std::string_view passphrase) const {
  PV_TRY(check_identity_name(name));
  auto file = load(path_of(name));
  if (!file) return file.error();
  return decrypt(*file, passphrase);
}

Result<IdentityMetadata> Wallet::replace_keys(std::string_view name, std::string_view passphrase,
                                              const IdentitySecrets& next) {
  PV_TRY(check_identity_name(name));
  auto file = load(path_of(name));
  if (!file) return file.error();
  const IdentityMetadata& m = file->identity;
  if (m.method == DidMethod::key && next.current.public_key() != m.current_key)
    return make_error(Errc::invalid_argument,
                      "a did:key identity cannot change its key (its DID is the key); use did:pv");
  if (next.recovery.has_value() != (m.method == DidMethod::pv))
    return make_error(Errc::invalid_argument,
                      "did:pv identities, and only they, hold a recovery key");
  if (next.devices.size() > kMaxDeviceKeys)
    return make_error(Errc::too_large, "too many device keys");
  // The checks above only read public data; the passphrase is checked before anything changes.
  auto old = decrypt(*file, passphrase);
  if (!old) return old.error();
  IdentityMetadata updated = with_keys(m, next);
  std::string now = utc_now_rfc3339();
  std::vector<PublicKey> old_keys = {m.current_key};
  old_keys.insert(old_keys.end(), m.device_keys.begin(), m.device_keys.end());
  if (m.recovery_key) old_keys.push_back(*m.recovery_key);
  for (const auto& k : old_keys)
    if (!holds(next, k)) updated.retired_keys.push_back({k, now});
  auto sealed = seal_identity(updated, next, passphrase, options_.kdf);
  if (!sealed) return sealed.error();
  PV_TRY(write_identity_file_text(path_of(name), encode_identity_file(*sealed), /*replace=*/true));
  return updated;
}

Status Wallet::export_identity(std::string_view name, const fs::path& dest) const {
  PV_TRY(check_identity_name(name));
  auto text = read_identity_file_text(path_of(name));
  if (!text) return text.error();
  auto file = parse_identity_file(*text);
  if (!file) return file.error();
  return write_identity_file_text(dest, *text, /*replace=*/false);
}

Result<IdentityMetadata> Wallet::import_identity(const fs::path& src, std::string_view passphrase) {
  auto text = read_identity_file_text(src);
  if (!text) return text.error();
  auto file = parse_identity_file(*text);
  if (!file) return file.error();
  const IdentityMetadata& m = file->identity;
  std::error_code ec;
  if (fs::exists(path_of(m.name), ec))  // cheap refusal first; link() below is the real guard
    return make_error(Errc::conflict, "identity " + m.name + " already exists");
  auto secrets = decrypt(*file, passphrase);
  if (!secrets) return secrets.error();
  auto same_did = find(m.did);
  if (same_did)
    return make_error(Errc::conflict,
                      "the wallet already holds " + m.did + " as identity " + same_did->name);
  PV_TRY(write_identity_file_text(path_of(m.name), *text, /*replace=*/false));
  return m;
}

}  // namespace pv
