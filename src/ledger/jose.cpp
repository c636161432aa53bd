#include "ledger/jose.hpp"

#include <set>
#include <vector>

namespace pv {
namespace {

using nlohmann::json;

// Splits "a.b.c" into exactly three parts; anything else is nullopt-like (empty vector).
std::vector<std::string_view> split_compact(std::string_view compact) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = compact.find('.', start);
    if (dot == std::string_view::npos) {
      parts.push_back(compact.substr(start));
      break;
    }
    parts.push_back(compact.substr(start, dot - start));
    start = dot + 1;
    if (parts.size() > 3) break;
  }
  return parts;
}

}  // namespace

Result<std::string> dump_json(const json& value) {
  try {
    return value.dump();
  } catch (const json::exception&) {
    return make_error(Errc::invalid_argument, "JSON string is not valid UTF-8");
  }
}

Result<std::string> jws_sign_eddsa(json header, ByteView payload, const SigningKey& key) {
  if (!header.is_object())
    return make_error(Errc::invalid_argument, "JWS header must be an object");
  header["alg"] = std::string(kJwsAlgEdDSA);
  auto header_text = dump_json(header);
  if (!header_text) return header_text.error();
  std::string signing_input = base64url_encode(as_bytes(*header_text));
  signing_input += '.';
  signing_input += base64url_encode(payload);
  Signature sig = key.sign(as_bytes(signing_input));
  return signing_input + "." + base64url_encode(sig.view());
}

Result<VerifiedJws> jws_verify_eddsa(std::string_view compact, const JwsKeySelector& select_key) {
  if (compact.size() > kMaxCompactJwsSize)
    return make_error(Errc::too_large,
                      "JWS is larger than " + std::to_string(kMaxCompactJwsSize) + " bytes");
  auto parts = split_compact(compact);
  if (parts.size() != 3)
    return make_error(Errc::malformed, "JWS compact serialization must have exactly three parts");
  if (parts[0].empty() || parts[1].empty() || parts[2].empty())
    return make_error(Errc::malformed, "JWS has an empty header, payload or signature");

  auto header_bytes = base64url_decode(parts[0]);
  if (!header_bytes)
    return make_error(Errc::malformed, "JWS header: " + header_bytes.error().message);
  auto header = parse_json_strict(as_chars(*header_bytes));
  if (!header) return make_error(Errc::malformed, "JWS header: " + header.error().message);
  if (!header->is_object()) return make_error(Errc::malformed, "JWS header is not a JSON object");
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string())
    return make_error(Errc::malformed, "JWS header has no \"alg\"");
  if (alg->get_ref<const std::string&>() != kJwsAlgEdDSA)
    return make_error(Errc::malformed, "JWS alg \"" + alg->get_ref<const std::string&>() +
                                           "\" is not accepted; only EdDSA is");
  if (header->contains("crit"))
    return make_error(Errc::malformed, "JWS header lists critical extensions we do not implement");

  auto payload = base64url_decode(parts[1]);
  if (!payload) return make_error(Errc::malformed, "JWS payload: " + payload.error().message);
  auto sig_bytes = base64url_decode(parts[2]);
  if (!sig_bytes) return make_error(Errc::malformed, "JWS signature: " + sig_bytes.error().message);
  auto sig = Signature::from(*sig_bytes);
  if (!sig) return make_error(Errc::malformed, "JWS EdDSA signature must be 64 bytes");

  auto key = select_key(*header);
  if (!key) return key.error();
  // The signing input is the received text itself, never a re-encoding of what we decoded.
  std::string_view signing_input = compact.substr(0, parts[0].size() + 1 + parts[1].size());
  if (!ed25519_verify(*key, as_bytes(signing_input), *sig))
    return make_error(Errc::bad_signature, "JWS signature does not verify");
  return VerifiedJws{std::move(*header), std::move(*payload)};
}

Result<VerifiedJws> jws_verify_eddsa(std::string_view compact, const PublicKey& key) {
  return jws_verify_eddsa(compact, [&key](const json&) -> Result<PublicKey> { return key; });
}

}  // namespace pv
