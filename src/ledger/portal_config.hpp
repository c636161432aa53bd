#pragma once
// The network's patient portal, as its genesis names it (docs/passkeys.md, "Network
// configuration"): the web origins a passkey's assertion may come from and the WebAuthn relying
// party id its credentials are scoped to. Consensus rules: every node judges a WebAuthn proof
// against these, so they live in the genesis, not in any node's flags.

#include <string>
#include <vector>

#include "base/result.hpp"

namespace pv {

inline constexpr std::size_t kMaxPortalOrigins = 8;
inline constexpr std::size_t kMaxPortalOriginBytes = 256;

struct PortalConfig {
  // "https://host[:port]", or "http://localhost[:port]" / "http://127.0.0.1[:port]" for tests;
  // lower case, no path, no trailing slash, each once, ascending.
  std::vector<std::string> origins;
  // A domain equal to every origin's host or a suffix of it after a dot ("portal.example.org",
  // "example.org"); "localhost" or "127.0.0.1" for local origins.
  std::string rp_id;
  bool empty() const { return origins.empty() && rp_id.empty(); }
  friend bool operator==(const PortalConfig&, const PortalConfig&) = default;
};

// The host of a well-formed origin (without the port); an error naming what is wrong otherwise.
[[nodiscard]] Result<std::string> portal_origin_host(std::string_view origin);
// Every rule above; an empty config (no portal) is valid.
[[nodiscard]] Status check_portal_config(const PortalConfig& p);

}  // namespace pv
