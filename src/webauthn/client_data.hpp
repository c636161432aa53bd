#pragma once
// WebAuthn clientDataJSON (W3C WebAuthn Level 2, section 5.8.1), checked strictly for an
// assertion (docs/passkeys.md section 2, step 1).

#include <span>
#include <string>
#include <string_view>

#include "base/bytes.hpp"

namespace pv::webauthn {

// The largest clientDataJSON a kind-3 proof carries (docs/passkeys.md section 2).
inline constexpr std::size_t kClientDataMaxSize = 2048;

// Checks, in order: size; one JSON object under the strict parser (no duplicate member names,
// valid UTF-8); `type` is the string "webauthn.get"; `challenge` is exactly the base64url text
// (no padding) of `expected_challenge`; `origin` is a string equal to one of `allowed_origins`;
// `crossOrigin` is absent or false. Other members (topOrigin, browsers' own) are ignored. The
// error names the member that failed.
[[nodiscard]] Status check_assertion_client_data(ByteView client_data_json,
                                                 ByteView expected_challenge,
                                                 std::span<const std::string> allowed_origins);

}  // namespace pv::webauthn
