#include "webauthn/client_data.hpp"

#include <algorithm>

#include "base/base64url.hpp"
#include "codec/strict_json.hpp"

namespace pv::webauthn {
namespace {

// The string member `name`, or an error naming it.
Result<std::string> string_member(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end())
    return make_error(Errc::malformed, std::string("clientDataJSON has no \"") + name + "\"");
  if (!it->is_string())
    return make_error(Errc::malformed,
                      std::string("clientDataJSON \"") + name + "\" is not a string");
  return it->get<std::string>();
}

}  // namespace

Status check_assertion_client_data(ByteView client_data_json, ByteView expected_challenge,
                                   std::span<const std::string> allowed_origins) {
  if (client_data_json.size() > kClientDataMaxSize)
    return make_error(Errc::too_large, "clientDataJSON is " +
                                           std::to_string(client_data_json.size()) +
                                           " bytes, over " + std::to_string(kClientDataMaxSize));
  auto parsed = parse_json_strict(as_chars(client_data_json));
  if (!parsed) return make_error(Errc::malformed, "clientDataJSON: " + parsed.error().message);
  const nlohmann::json& cd = *parsed;
  if (!cd.is_object()) return make_error(Errc::malformed, "clientDataJSON is not a JSON object");

  auto type = string_member(cd, "type");
  if (!type) return type.error();
  if (*type != "webauthn.get")
    return make_error(Errc::forbidden,
                      "clientDataJSON type is \"" + *type + "\", expected \"webauthn.get\"");

  auto challenge = string_member(cd, "challenge");
  if (!challenge) return challenge.error();
  if (*challenge != base64url_encode(expected_challenge))
    return make_error(Errc::forbidden,
                      "clientDataJSON challenge is not the expected challenge (an assertion for "
                      "another message)");

  auto origin = string_member(cd, "origin");
  if (!origin) return origin.error();
  if (std::find(allowed_origins.begin(), allowed_origins.end(), *origin) == allowed_origins.end())
    return make_error(Errc::forbidden,
                      "clientDataJSON origin \"" + *origin + "\" is not an allowed origin");

  if (auto it = cd.find("crossOrigin"); it != cd.end()) {
    if (!it->is_boolean())
      return make_error(Errc::malformed, "clientDataJSON crossOrigin is not a boolean");
    if (it->get<bool>()) return make_error(Errc::forbidden, "clientDataJSON crossOrigin is true");
  }
  return Status::ok();
}

}  // namespace pv::webauthn
