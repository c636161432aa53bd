#include "identity/wallet_identity.hpp"

#include <ctime>

#include "codec/did_key.hpp"

namespace pv {

const char* did_method_name(DidMethod m) {
  return m == DidMethod::key ? "key" : "pv";
}

Result<DidMethod> parse_did_method(std::string_view text) {
  if (text == "key") return DidMethod::key;
  if (text == "pv") return DidMethod::pv;
  return make_error(Errc::invalid_argument, "unknown DID method (expected \"key\" or \"pv\")");
}

Status check_identity_name(std::string_view name) {
  auto bad = [&] {
    return make_error(Errc::invalid_argument,
                      "invalid identity name \"" + std::string(name.substr(0, 64)) +
                          "\": use 1 to 64 characters A-Z a-z 0-9 . _ -, not starting with '.'");
  };
  if (name.empty() || name.size() > 64 || name[0] == '.') return bad();
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return bad();
  }
  return Status::ok();
}

bool looks_like_did_pv(std::string_view did) {
  constexpr std::string_view prefix = "did:pv:";
  if (did.size() <= prefix.size() || did.size() > prefix.size() + 120) return false;
  if (did.substr(0, prefix.size()) != prefix) return false;
  for (char c : did.substr(prefix.size())) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == ':' || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string ed25519_multibase(const PublicKey& key) {
  return did_key_from_public_key(key).substr(std::string_view("did:key:").size());
}

Result<PublicKey> parse_ed25519_multibase(std::string_view text) {
  if (text.size() > 64) return make_error(Errc::malformed, "public key is too long");
  return public_key_from_did_key("did:key:" + std::string(text));
}

std::string utc_now_rfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool is_rfc3339_utc(std::string_view t) {
  // Shape only: "YYYY-MM-DDTHH:MM:SSZ".
  constexpr std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
  if (t.size() != shape.size()) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (shape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != shape[i]) return false;
  }
  return true;
}

Status check_identity_metadata(const IdentityMetadata& m) {
  PV_TRY(check_identity_name(m.name));
  if (!is_rfc3339_utc(m.created_at))
    return make_error(Errc::malformed, "identity creation time is not RFC 3339 UTC");
  if (m.device_keys.size() > kMaxDeviceKeys)
    return make_error(Errc::too_large, "too many device keys");
  if (m.retired_keys.size() > kMaxRetiredKeys)
    return make_error(Errc::too_large, "too many retired keys");
  for (const auto& r : m.retired_keys)
    if (!is_rfc3339_utc(r.retired_at))
      return make_error(Errc::malformed, "retired key time is not RFC 3339 UTC");
  if (m.method == DidMethod::key) {
    if (m.recovery_key)
      return make_error(Errc::malformed, "a did:key identity has no recovery key");
    if (m.did != did_key_from_public_key(m.current_key))
      return make_error(Errc::malformed, "did:key does not match the identity's current key");
  } else {
    if (!m.recovery_key)
      return make_error(Errc::malformed, "a did:pv identity needs a recovery key");
    if (!looks_like_did_pv(m.did)) return make_error(Errc::malformed, "not a did:pv DID");
  }
  return Status::ok();
}

Status check_secrets_match(const IdentityMetadata& m, const IdentitySecrets& s) {
  auto mismatch = [] {
    return make_error(Errc::corruption, "wallet secrets do not match the identity's public keys");
  };
  if (s.current.public_key() != m.current_key) return mismatch();
  if (s.devices.size() != m.device_keys.size()) return mismatch();
  for (std::size_t i = 0; i < s.devices.size(); ++i)
    if (s.devices[i].public_key() != m.device_keys[i]) return mismatch();
  if (s.recovery.has_value() != m.recovery_key.has_value()) return mismatch();
  if (s.recovery && s.recovery->public_key() != *m.recovery_key) return mismatch();
  return Status::ok();
}

}  // namespace pv
