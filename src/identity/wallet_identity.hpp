#pragma once
// What a wallet holds for one identity: public metadata (readable without the passphrase) and
// the secrets (Ed25519 seeds, only ever stored encrypted).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"

namespace pv {

enum class DidMethod {
  key,  // did:key: the DID is the current key, so it never rotates
  pv,   // ledger-anchored: a stable DID, keys rotate, an offline recovery key controls it
};
const char* did_method_name(DidMethod m);  // "key" / "pv"
[[nodiscard]] Result<DidMethod> parse_did_method(std::string_view text);

struct RetiredKey {
  PublicKey key;
  std::string retired_at;  // RFC 3339 UTC, seconds precision
  friend bool operator==(const RetiredKey&, const RetiredKey&) = default;
};

inline constexpr std::size_t kMaxDeviceKeys = 16;
inline constexpr std::size_t kMaxRetiredKeys = 4096;

// Public metadata, stored in the clear and authenticated as AEAD associated data.
struct IdentityMetadata {
  std::string name;  // see check_identity_name
  std::string did;   // did:key:z6Mk... or did:pv:z...
  DidMethod method = DidMethod::key;
  std::string created_at;  // RFC 3339 UTC
  PublicKey current_key;
  std::vector<PublicKey> device_keys;
  std::optional<PublicKey> recovery_key;  // present exactly for did:pv
  std::vector<RetiredKey> retired_keys;   // oldest first; never shrinks
  friend bool operator==(const IdentityMetadata&, const IdentityMetadata&) = default;
};

// The seeds. SigningKey wipes itself on destruction.
struct IdentitySecrets {
  SigningKey current;
  std::vector<SigningKey> devices;
  std::optional<SigningKey> recovery;
};

// Names: 1..64 characters of [A-Za-z0-9._-], not starting with '.' (dot files are the wallet's
// temporary files).
[[nodiscard]] Status check_identity_name(std::string_view name);

// Shape check for a did:pv DID: "did:pv:" then 1..120 characters of [A-Za-z0-9:._-]. The
// method's own parser (the ledger-anchored DID method) is stricter; the wallet only stores what
// the caller assigned at creation.
bool looks_like_did_pv(std::string_view did);

// Checks the metadata's own consistency: name, DID form and its agreement with the method (a
// did:key must be the current key), recovery key present exactly for did:pv, limits.
[[nodiscard]] Status check_identity_metadata(const IdentityMetadata& m);
// Checks that the secrets are exactly the private halves of the metadata's public keys.
[[nodiscard]] Status check_secrets_match(const IdentityMetadata& m, const IdentitySecrets& s);

// Current UTC time, RFC 3339 with seconds ("2025-01-31T12:00:00Z").
std::string utc_now_rfc3339();
bool is_rfc3339_utc(std::string_view text);

// "z6Mk..." (the did:key method-specific id) for an Ed25519 public key, and back.
std::string ed25519_multibase(const PublicKey& key);
[[nodiscard]] Result<PublicKey> parse_ed25519_multibase(std::string_view text);

}  // namespace pv
