#pragma once
// did:pv identifiers (docs/did-pv.md): "did:pv:<network prefix>:<id>", and DID URLs naming one
// of its keys, "did:pv:<network prefix>:<id>#<key id>".

#include <optional>
#include <string>
#include <string_view>

#include "crypto/sha256.hpp"

namespace pv {

inline constexpr std::size_t kMaxDidKeyIdBytes = 32;

struct DidPvUrl {
  std::string did;       // "did:pv:<16 hex>:<base58btc id>"
  std::string fragment;  // key id without '#', empty for a bare DID
};

// The DID a create operation with `create_payload` makes on `network`.
std::string did_pv_from_create(const Hash32& network, ByteView create_payload);

// Strict: lower-case 16-hex network prefix, canonical base58btc of a 16-byte id, and a key id of
// [a-z0-9-]{1,32} after '#' when present.
[[nodiscard]] Result<DidPvUrl> parse_did_pv_url(std::string_view text);
bool is_did_pv(std::string_view text);
[[nodiscard]] Status check_did_key_id(std::string_view key_id);

// The DID part of a DID URL (everything before '#').
std::string_view did_without_fragment(std::string_view did_url);

}  // namespace pv
