#include "identity/wallet_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "identity/wallet_secrets.hpp"

namespace pv {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "pv-identity";
constexpr std::string_view kKdfAlgorithm = "argon2id13";
constexpr std::string_view kAeadAlgorithm = "xchacha20poly1305-ietf";

json key_list(const std::vector<PublicKey>& keys) {
  json out = json::array();
  for (const auto& k : keys) out.push_back(ed25519_multibase(k));
  return out;
}

json identity_json(const IdentityMetadata& m) {
  json j = {{"name", m.name},
            {"did", m.did},
            {"method", did_method_name(m.method)},
            {"created", m.created_at},
            {"currentKey", ed25519_multibase(m.current_key)},
            {"deviceKeys", key_list(m.device_keys)}};
  if (m.recovery_key) j["recoveryKey"] = ed25519_multibase(*m.recovery_key);
  json retired = json::array();
  for (const auto& r : m.retired_keys)
    retired.push_back({{"key", ed25519_multibase(r.key)}, {"retired", r.retired_at}});
  j["retiredKeys"] = std::move(retired);
  return j;
}

json header_json(const IdentityFile& f) {
  return {{"format", kFormat},
          {"version", kIdentityFileVersion},
          {"identity", identity_json(f.identity)},
          {"kdf",
           {{"algorithm", kKdfAlgorithm},
            {"opslimit", f.kdf.opslimit},
            {"memlimit", f.kdf.memlimit},
            {"salt", to_base64(f.salt.view())}}}};
}

// Strict field access: every object must have exactly the expected keys.
Status expect_keys(const json& j, std::initializer_list<std::string_view> required,
                   std::initializer_list<std::string_view> optional, const char* where) {
  if (!j.is_object()) return make_error(Errc::malformed, std::string(where) + " is not an object");
  for (auto k : required)
    if (!j.contains(k))
      return make_error(Errc::malformed, std::string(where) + " lacks \"" + std::string(k) + "\"");
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (auto k : required) known = known || key == k;
    for (auto k : optional) known = known || key == k;
    if (!known)
      return make_error(Errc::malformed,
                        std::string(where) + " has an unknown field \"" + key + "\"");
  }
  return Status::ok();
}

Result<std::string> get_string(const json& j, const char* key) {
  const json& v = j.at(key);
  if (!v.is_string()) return make_error(Errc::malformed, std::string(key) + " is not a string");
  return v.get<std::string>();
}

Result<std::uint64_t> get_uint(const json& j, const char* key) {
  const json& v = j.at(key);
  if (!v.is_number_unsigned())
    return make_error(Errc::malformed, std::string(key) + " is not an unsigned integer");
  return v.get<std::uint64_t>();
}

template <std::size_t N>
Result<FixedBytes<N>> get_fixed_b64(const json& j, const char* key) {
  auto text = get_string(j, key);
  if (!text) return text.error();
  auto raw = from_base64(*text);
  if (!raw) return raw.error();
  return FixedBytes<N>::from(*raw);
}

Result<PublicKey> parse_key(const json& v) {
  if (!v.is_string()) return make_error(Errc::malformed, "public key is not a string");
  return parse_ed25519_multibase(v.get<std::string>());
}

Result<IdentityMetadata> parse_identity(const json& j) {
  PV_TRY(expect_keys(
      j, {"name", "did", "method", "created", "currentKey", "deviceKeys", "retiredKeys"},
      {"recoveryKey"}, "identity"));
  IdentityMetadata m;
  auto name = get_string(j, "name");
  auto did = get_string(j, "did");
  auto method = get_string(j, "method");
  auto created = get_string(j, "created");
  if (!name || !did || !method || !created)
    return make_error(Errc::malformed, "identity has a field of the wrong type");
  m.name = *name;
  m.did = *did;
  m.created_at = *created;
  auto parsed_method = parse_did_method(*method);
  if (!parsed_method) return make_error(Errc::malformed, "identity has an unknown DID method");
  m.method = *parsed_method;
  auto current = parse_key(j.at("currentKey"));
  if (!current) return current.error();
  m.current_key = *current;
  const json& devices = j.at("deviceKeys");
  if (!devices.is_array() || devices.size() > kMaxDeviceKeys)
    return make_error(Errc::malformed, "deviceKeys is not a short array");
  for (const auto& d : devices) {
    auto k = parse_key(d);
    if (!k) return k.error();
    m.device_keys.push_back(*k);
  }
  if (j.contains("recoveryKey")) {
    auto k = parse_key(j.at("recoveryKey"));
    if (!k) return k.error();
    m.recovery_key = *k;
  }
  const json& retired = j.at("retiredKeys");
  if (!retired.is_array() || retired.size() > kMaxRetiredKeys)
    return make_error(Errc::malformed, "retiredKeys is not a bounded array");
  for (const auto& r : retired) {
    PV_TRY(expect_keys(r, {"key", "retired"}, {}, "retired key"));
    auto k = parse_key(r.at("key"));
    if (!k) return k.error();
    auto at = get_string(r, "retired");
    if (!at) return at.error();
    m.retired_keys.push_back({*k, *at});
  }
  PV_TRY(check_identity_metadata(m));
  return m;
}

Error os_error(const std::string& what, const std::filesystem::path& path) {
  return make_error(Errc::io, what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

std::string encode_identity_file(const IdentityFile& f) {
  json j = header_json(f);
  j["secrets"] = {{"algorithm", kAeadAlgorithm},
                  {"nonce", to_base64(f.nonce.view())},
                  {"ciphertext", to_base64(f.ciphertext)}};
  return j.dump(2) + "\n";
}

Bytes identity_file_associated_data(const IdentityFile& f) {
  // nlohmann::json sorts object keys, so dump() is canonical for a given IdentityFile.
  return to_bytes("pv-identity-ad-v1\n" + header_json(f).dump());
}

Result<IdentityFile> parse_identity_file(std::string_view text) {
  if (text.size() > kMaxIdentityFileBytes)
    return make_error(Errc::too_large, "identity file is over 1 MiB");
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return make_error(Errc::malformed, "identity file is not valid JSON");
  PV_TRY(expect_keys(j, {"format", "version", "identity", "kdf", "secrets"}, {}, "identity file"));
  if (j.at("format") != kFormat)
    return make_error(Errc::malformed, "not a PatientVault identity file");
  if (j.at("version") != kIdentityFileVersion)
    return make_error(Errc::malformed, "unsupported identity file version");

  IdentityFile f;
  // KDF first: its bounds are checked before anything else is decoded.
  const json& kdf = j.at("kdf");
  PV_TRY(expect_keys(kdf, {"algorithm", "opslimit", "memlimit", "salt"}, {}, "kdf"));
  if (kdf.at("algorithm") != kKdfAlgorithm)
    return make_error(Errc::malformed, "unsupported KDF (expected argon2id13)");
  auto ops = get_uint(kdf, "opslimit");
  if (!ops) return ops.error();
  auto mem = get_uint(kdf, "memlimit");
  if (!mem) return mem.error();
  f.kdf = {*ops, *mem};
  PV_TRY(check_kdf_params_for_read(f.kdf));
  auto salt = get_fixed_b64<WalletSalt::size()>(kdf, "salt");
  if (!salt) return salt.error();
  f.salt = *salt;

  auto identity = parse_identity(j.at("identity"));
  if (!identity) return identity.error();
  f.identity = std::move(*identity);

  const json& sec = j.at("secrets");
  PV_TRY(expect_keys(sec, {"algorithm", "nonce", "ciphertext"}, {}, "secrets"));
  if (sec.at("algorithm") != kAeadAlgorithm)
    return make_error(Errc::malformed, "unsupported cipher (expected xchacha20poly1305-ietf)");
  auto nonce = get_fixed_b64<WalletNonce::size()>(sec, "nonce");
  if (!nonce) return nonce.error();
  f.nonce = *nonce;
  auto ct_text = get_string(sec, "ciphertext");
  if (!ct_text) return ct_text.error();
  auto ct = from_base64(*ct_text);
  if (!ct) return ct.error();
  if (ct->size() < kWalletTagBytes)
    return make_error(Errc::malformed, "ciphertext is shorter than its tag");
  f.ciphertext = std::move(*ct);
  return f;
}

Result<IdentityFile> seal_identity(const IdentityMetadata& identity, const IdentitySecrets& secrets,
                                   std::string_view passphrase, const KdfParams& params) {
  PV_TRY(check_kdf_params_for_write(params));
  PV_TRY(check_identity_metadata(identity));
  PV_TRY(check_secrets_match(identity, secrets));
  IdentityFile f;
  f.identity = identity;
  f.kdf = params;
  random_bytes(f.salt.data(), f.salt.size());
  random_bytes(f.nonce.data(), f.nonce.size());
  auto key = derive_wallet_file_key(passphrase, f.kdf, f.salt);
  if (!key) return key.error();
  SecretBytes plain = encode_identity_secrets(secrets);
  f.ciphertext = wallet_seal(*key, f.nonce, plain.view(), identity_file_associated_data(f));
  return f;
}

Result<IdentitySecrets> open_identity(const IdentityFile& f, const WalletFileKey& key) {
  auto plain = wallet_open(key, f.nonce, f.ciphertext, identity_file_associated_data(f));
  if (!plain) return plain.error();
  auto secrets = decode_identity_secrets(plain->view());
  if (!secrets) return secrets.error();
  PV_TRY(check_secrets_match(f.identity, *secrets));
  return secrets;
}

Result<std::string> read_identity_file_text(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return make_error(Errc::not_found, "no identity file " + path.string());
    return os_error("cannot open", path);
  }
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = os_error("cannot read", path);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxIdentityFileBytes) {
      ::close(fd);
      return make_error(Errc::too_large, "identity file " + path.string() + " is over 1 MiB");
    }
  }
  ::close(fd);
  return text;
}

Status write_identity_file_text(const std::filesystem::path& path, std::string_view text,
                                bool replace) {
  auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::uint8_t tag[8];
  random_bytes(tag, sizeof tag);
  auto tmp = dir / ("." + path.filename().string() + ".tmp." + to_hex(ByteView(tag, sizeof tag)));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return os_error("cannot create", tmp);
  auto fail = [&](const std::string& what, const std::filesystem::path& p) -> Status {
    Error e = os_error(what, p);
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  // The umask may have narrowed the mode; make it exactly 0600 either way.
  if (::fchmod(fd, 0600) != 0) return fail("cannot chmod", tmp);
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write", tmp);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot sync", tmp);
  if (::close(fd) != 0) {
    fd = -1;
    return fail("cannot close", tmp);
  }
  fd = -1;
  if (replace) {
    if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot rename onto", path);
  } else {
    // link() refuses an existing target atomically, so two creators cannot both win.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      if (errno == EEXIST) {
        ::unlink(tmp.c_str());
        return make_error(Errc::conflict, path.string() + " already exists");
      }
      return fail("cannot link", path);
    }
    ::unlink(tmp.c_str());
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return os_error("cannot open directory", dir);
  int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return os_error("cannot sync directory", dir);
  return Status::ok();
}

}  // namespace pv
