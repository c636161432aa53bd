#pragma once
// Strict JSON parsing shared by the JOSE decoder (ledger/jose.hpp) and WebAuthn's
// clientDataJSON (webauthn/). Nothing here throws: nlohmann::json exceptions are caught at this
// boundary.

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/result.hpp"

namespace pv {

// Parses one JSON document. Rejects syntax errors, invalid UTF-8 and objects with a repeated
// member name (RFC 7515 section 5.2 allows a parser to reject them; we always do, so a header
// or claim set cannot mean two things to two parsers).
[[nodiscard]] Result<nlohmann::json> parse_json_strict(std::string_view text);

}  // namespace pv
