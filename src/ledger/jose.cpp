#include "ledger/jose.hpp"

#include <set>
#include <vector>

namespace pv {
namespace {

using nlohmann::json;

constexpr char kBase64UrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

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

std::string base64url_encode(ByteView data) {
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    std::uint32_t v =
        (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += kBase64UrlAlphabet[(v >> 18) & 63];
    out += kBase64UrlAlphabet[(v >> 12) & 63];
    out += kBase64UrlAlphabet[(v >> 6) & 63];
    out += kBase64UrlAlphabet[v & 63];
  }
  std::size_t rest = data.size() - i;
  if (rest == 1) {
    std::uint32_t v = std::uint32_t{data[i]} << 16;
    out += kBase64UrlAlphabet[(v >> 18) & 63];
    out += kBase64UrlAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
    out += kBase64UrlAlphabet[(v >> 18) & 63];
    out += kBase64UrlAlphabet[(v >> 12) & 63];
    out += kBase64UrlAlphabet[(v >> 6) & 63];
  }
  return out;
}

Result<Bytes> base64url_decode(std::string_view text) {
  // A final group of one character cannot carry a whole byte.
  if (text.size() % 4 == 1) return make_error(Errc::malformed, "base64url length is impossible");
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = base64url_value(c);
    if (v < 0) {
      return make_error(Errc::malformed, c == '='
                                             ? "base64url must not be padded"
                                             : "base64url has a character outside its alphabet");
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  // Invariant: 0, 2 or 4 bits are left over; they must be zero for the encoding to be canonical.
  if ((acc & ((1u << bits) - 1)) != 0)
    return make_error(Errc::malformed, "base64url has non-zero trailing bits");
  return out;
}

Result<json> parse_json_strict(std::string_view text) {
  // One set of member names per open object; a repeated name fails the parse.
  std::vector<std::set<std::string>> open_objects;
  bool duplicate = false;
  json::parser_callback_t track = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open_objects.empty() && parsed.is_string() &&
            !open_objects.back().insert(parsed.get_ref<const std::string&>()).second)
          duplicate = true;
        break;
      default:
        break;
    }
    return true;
  };
  json value;
  try {
    value = json::parse(text.begin(), text.end(), track, /*allow_exceptions=*/false,
                        /*ignore_comments=*/false);
  } catch (...) {  // allow_exceptions=false covers parse errors; this guards allocation failure
    return make_error(Errc::malformed, "JSON could not be parsed");
  }
  if (value.is_discarded()) return make_error(Errc::malformed, "not valid JSON");
  if (duplicate) return make_error(Errc::malformed, "JSON object repeats a member name");
  return value;
}

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
