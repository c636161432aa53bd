#pragma once
// JOSE pieces for role credentials: base64url (RFC 4648 section 5, unpadded as RFC 7515
// requires), strict JSON parsing, and JWS compact serialization restricted to alg "EdDSA" with
// Ed25519 keys (RFC 8037). Nothing here throws: nlohmann::json is used with exceptions caught
// at this boundary.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/base64url.hpp"
#include "base/bytes.hpp"
#include "codec/strict_json.hpp"
#include "crypto/ed25519.hpp"

namespace pv {

// The only JWS algorithm we produce or accept.
inline constexpr std::string_view kJwsAlgEdDSA = "EdDSA";
// Upper bound on a compact JWS we are willing to parse; role credentials are well under 2 KiB.
inline constexpr std::size_t kMaxCompactJwsSize = 16 * 1024;

// Compact serialization (no whitespace, members in sorted order). Fails on strings that are
// not valid UTF-8 instead of throwing.
[[nodiscard]] Result<std::string> dump_json(const nlohmann::json& value);

// Signs `payload` as a JWS compact serialization. `header` must be a JSON object; its "alg" is
// set to "EdDSA" (any other value is overwritten). The signature is Ed25519 over the ASCII bytes
// of BASE64URL(header) "." BASE64URL(payload).
[[nodiscard]] Result<std::string> jws_sign_eddsa(nlohmann::json header, ByteView payload,
                                                 const SigningKey& key);

struct VerifiedJws {
  nlohmann::json header;  // the protected header, a JSON object with "alg": "EdDSA"
  Bytes payload;          // the decoded payload bytes, covered by the signature
};

// Chooses the verification key from the (not yet verified) protected header, e.g. by "kid".
using JwsKeySelector = std::function<Result<PublicKey>(const nlohmann::json& header)>;

// Verifies a compact JWS. Checks, in order: size limit; exactly three non-empty dot-separated
// parts (detached or empty payloads are refused); each part is strict base64url; the header is
// a JSON object whose "alg" is exactly "EdDSA" ("none", HMAC, RSA, ECDSA and anything else are
// refused) and which carries no "crit" (we implement no extensions); the signature is 64 bytes;
// the key chosen by `select_key` verifies it over the signing input as received.
// Errors: Errc::too_large, Errc::malformed for shape, Errc::bad_signature for a signature that
// does not verify; errors from `select_key` are passed through.
[[nodiscard]] Result<VerifiedJws> jws_verify_eddsa(std::string_view compact,
                                                   const JwsKeySelector& select_key);
// The same with a key known in advance.
[[nodiscard]] Result<VerifiedJws> jws_verify_eddsa(std::string_view compact, const PublicKey& key);

}  // namespace pv
