#include "ledger/vc_jwt.hpp"

#include <cmath>

#include "codec/did_key.hpp"
#include "ledger/jose.hpp"

namespace pv {
namespace {

using nlohmann::json;

// Latest NumericDate we accept: 9999-12-31T23:59:59Z. Bounds every time before arithmetic.
constexpr std::int64_t kMaxNumericDate = 253402300799;

std::string random_urn_uuid() {
  std::uint8_t b[16];
  random_bytes(b, sizeof b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string hex = to_hex(ByteView(b, sizeof b));
  return "urn:uuid:" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

// The DID part of a DID URL "did:...#fragment"; empty if `key_id` is not of that form.
std::string_view did_of_method(std::string_view key_id) {
  auto hash = key_id.find('#');
  if (hash == std::string_view::npos || hash + 1 == key_id.size()) return {};
  std::string_view did = key_id.substr(0, hash);
  if (did.rfind("did:", 0) != 0) return {};
  return did;
}

Error shape_error(std::string what) {
  return make_error(Errc::malformed, "role credential: " + std::move(what));
}

// A required non-empty string member.
Result<std::string> string_member(const json& object, const char* name, const char* where) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return shape_error(std::string(where) + " \"" + name + "\" must be a non-empty string");
  return it->get<std::string>();
}

// A NumericDate member; `required` false returns 0 when absent.
Result<std::int64_t> time_member(const json& object, const char* name, bool required) {
  auto it = object.find(name);
  if (it == object.end()) {
    if (required) return shape_error(std::string("claim \"") + name + "\" is missing");
    return std::int64_t{0};
  }
  if (it->is_number_unsigned()) {
    auto v = it->get<std::uint64_t>();
    if (v <= static_cast<std::uint64_t>(kMaxNumericDate)) return static_cast<std::int64_t>(v);
  } else if (it->is_number_integer()) {
    auto v = it->get<std::int64_t>();
    if (v >= 0 && v <= kMaxNumericDate) return v;
  } else if (it->is_number_float()) {
    double v = it->get<double>();
    if (std::isfinite(v) && v >= 0 && v <= static_cast<double>(kMaxNumericDate))
      return static_cast<std::int64_t>(std::floor(v));
  }
  return shape_error(std::string("claim \"") + name +
                     "\" must be a date in seconds (0..9999-12-31)");
}

bool array_has_string(const json& array, std::string_view wanted) {
  for (const auto& item : array)
    if (item.is_string() && item.get_ref<const std::string&>() == wanted) return true;
  return false;
}

Status check_vc_claim(const json& claims, RoleCredentialForm form, RoleCredential& out) {
  auto vc_it = claims.find("vc");
  if (vc_it == claims.end() || !vc_it->is_object())
    return shape_error("claim \"vc\" must be an object");
  const json& vc = *vc_it;

  auto context = vc.find("@context");
  if (context == vc.end() || !context->is_array() || context->empty() ||
      !(*context)[0].is_string() || (*context)[0].get_ref<const std::string&>() != kVcContextV1)
    return shape_error("vc \"@context\" must be an array starting with " +
                       std::string(kVcContextV1));
  auto type = vc.find("type");
  if (type == vc.end() || !type->is_array() || !array_has_string(*type, kVcTypeBase) ||
      !array_has_string(*type, kVcTypeRole))
    return shape_error(
        "vc \"type\" must include VerifiableCredential and PractitionerRoleCredential");

  // VC-JWT: iss and jti stand for issuer and id; if the vc repeats them they must agree.
  if (auto issuer = vc.find("issuer"); issuer != vc.end()) {
    const json* issuer_id = &*issuer;
    if (issuer->is_object()) {
      auto id = issuer->find("id");
      issuer_id = id == issuer->end() ? nullptr : &*id;
    }
    if (!issuer_id || !issuer_id->is_string() ||
        issuer_id->get_ref<const std::string&>() != out.issuer)
      return shape_error("vc \"issuer\" differs from iss");
  }
  if (auto id = vc.find("id"); id != vc.end()) {
    if (!id->is_string() || id->get_ref<const std::string&>() != out.id)
      return shape_error("vc \"id\" differs from jti");
  }

  auto subject_it = vc.find("credentialSubject");
  if (subject_it == vc.end() || !subject_it->is_object())
    return shape_error("vc \"credentialSubject\" must be a single object");
  const json& subject = *subject_it;
  // VC-JWT (VC Data Model 1.1, section 6.3.1): "sub" stands for credentialSubject.id, and an
  // encoder may leave the id out of credentialSubject (did-jwt-vc does); when present it must
  // agree.
  if (subject.contains("id")) {
    auto subject_id = string_member(subject, "id", "credentialSubject");
    if (!subject_id) return subject_id.error();
    if (*subject_id != out.subject) return shape_error("credentialSubject.id differs from sub");
  }
  auto role = string_member(subject, "role", "credentialSubject");
  if (!role) return role.error();
  auto organization = string_member(subject, "organization", "credentialSubject");
  if (!organization) return organization.error();
  out.role = std::move(*role);
  out.organization = std::move(*organization);
  if (form == RoleCredentialForm::ledger) {
    // Invariant 2: what goes on the ledger names no person beyond the DID.
    for (const auto& [name, value] : subject.items())
      if (name != "id" && name != "role" && name != "organization")
        return shape_error(
            "a ledger credential's subject may hold only id, role and "
            "organization, not \"" +
            name + "\"");
    if (out.organization != out.issuer)
      return shape_error(
          "a ledger credential's credentialSubject.organization must be the "
          "issuer's DID");
    return Status::ok();
  }
  auto license = string_member(subject, "licenseNumber", "credentialSubject");
  if (!license) return license.error();
  out.license_number = std::move(*license);
  return Status::ok();
}

}  // namespace

std::string did_key_method_id(std::string_view did_key) {
  constexpr std::string_view prefix = "did:key:";
  std::string_view id = did_key.rfind(prefix, 0) == 0 ? did_key.substr(prefix.size()) : did_key;
  return std::string(did_key) + "#" + std::string(id);
}

Result<PublicKey> resolve_did_key_method(std::string_view key_id) {
  std::string_view did = did_of_method(key_id);
  if (did.empty() || did.rfind("did:key:", 0) != 0 || did_key_method_id(did) != key_id)
    return make_error(Errc::not_found, "not a did:key verification method: " + std::string(key_id));
  auto key = public_key_from_did_key(did);
  if (!key) return make_error(Errc::not_found, "did:key does not decode: " + key.error().message);
  return *key;
}

Result<std::string> issue_role_credential(RoleCredential c, const SigningKey& issuer_key) {
  // A ledger credential (no licence number, the organization named by its DID) is the form an
  // attestation may carry on the ledger; every other credential needs a licence number.
  const bool ledger_form = c.license_number.empty() && c.organization == c.issuer;
  if (c.issuer.empty() || c.subject.empty() || c.role.empty() ||
      (c.license_number.empty() && !ledger_form) || c.organization.empty())
    return make_error(Errc::invalid_argument,
                      "role credential needs issuer, subject, role, license number, organization "
                      "(a ledger credential: no license number, organization = issuer DID)");
  if (did_of_method(c.key_id) != c.issuer)
    return make_error(Errc::invalid_argument, "key id must be a DID URL of the issuer");
  if (c.not_before < 0 || c.expires > kMaxNumericDate || c.expires <= c.not_before)
    return make_error(Errc::invalid_argument, "validity must satisfy 0 <= nbf < exp <= year 9999");
  if (c.id.empty()) c.id = random_urn_uuid();

  json subject = {{"id", c.subject}, {"role", c.role}, {"organization", c.organization}};
  if (!ledger_form) subject["licenseNumber"] = c.license_number;
  json vc = {{"@context", json::array({std::string(kVcContextV1)})},
             {"type", json::array({std::string(kVcTypeBase), std::string(kVcTypeRole)})},
             {"credentialSubject", std::move(subject)}};
  json claims = {{"iss", c.issuer},     {"sub", c.subject}, {"jti", c.id},
                 {"nbf", c.not_before}, {"exp", c.expires}, {"vc", std::move(vc)}};
  if (c.issued_at > 0) claims["iat"] = c.issued_at;
  auto payload = dump_json(claims);
  if (!payload) return payload.error();
  json header = {{"kid", c.key_id}, {"typ", "JWT"}};
  return jws_sign_eddsa(std::move(header), as_bytes(*payload), issuer_key);
}

Result<RoleCredentialHandle> peek_role_credential(std::string_view jwt) {
  auto first = jwt.find('.'), last = jwt.rfind('.');
  if (jwt.size() > kMaxCompactJwsSize || first == std::string_view::npos || first == last)
    return shape_error("not a compact JWS");
  auto payload = base64url_decode(jwt.substr(first + 1, last - first - 1));
  if (!payload) return payload.error();
  auto claims = parse_json_strict(as_chars(*payload));
  if (!claims) return shape_error("claims: " + claims.error().message);
  if (!claims->is_object()) return shape_error("claims are not a JSON object");
  RoleCredentialHandle h;
  auto jti = string_member(*claims, "jti", "claim");
  if (!jti) return jti.error();
  auto iss = string_member(*claims, "iss", "claim");
  if (!iss) return iss.error();
  h.id = std::move(*jti);
  h.issuer = std::move(*iss);
  auto vc = claims->find("vc");
  if (vc != claims->end() && vc->is_object()) {
    auto subject = vc->find("credentialSubject");
    h.ledger_form =
        subject != vc->end() && subject->is_object() && !subject->contains("licenseNumber");
  }
  return h;
}

Result<RoleCredential> verify_role_credential(std::string_view jwt,
                                              const IssuerKeyResolver& resolve,
                                              const RoleCredentialCheck& check) {
  RoleCredential out;
  auto jws = jws_verify_eddsa(jwt, [&](const json& header) -> Result<PublicKey> {
    auto typ = header.find("typ");
    if (typ != header.end() && (!typ->is_string() || typ->get_ref<const std::string&>() != "JWT"))
      return shape_error("JOSE header \"typ\" must be \"JWT\"");
    auto kid = string_member(header, "kid", "JOSE header");
    if (!kid) return kid.error();
    out.key_id = std::move(*kid);
    return resolve(out.key_id);
  });
  if (!jws) return jws.error();

  // Everything below is covered by the signature.
  auto claims = parse_json_strict(as_chars(jws->payload));
  if (!claims) return shape_error("claims: " + claims.error().message);
  if (!claims->is_object()) return shape_error("claims are not a JSON object");
  auto iss = string_member(*claims, "iss", "claim");
  if (!iss) return iss.error();
  out.issuer = std::move(*iss);
  // Invariant: the signing key is one of the issuer's own verification methods.
  if (did_of_method(out.key_id) != out.issuer)
    return make_error(Errc::bad_signature, "role credential: signing key " + out.key_id +
                                               " does not belong to issuer " + out.issuer);
  auto sub = string_member(*claims, "sub", "claim");
  if (!sub) return sub.error();
  out.subject = std::move(*sub);
  auto jti = string_member(*claims, "jti", "claim");
  if (!jti) return jti.error();
  out.id = std::move(*jti);
  auto nbf = time_member(*claims, "nbf", true);
  if (!nbf) return nbf.error();
  auto exp = time_member(*claims, "exp", true);
  if (!exp) return exp.error();
  auto iat = time_member(*claims, "iat", false);
  if (!iat) return iat.error();
  out.not_before = *nbf;
  out.expires = *exp;
  out.issued_at = *iat;
  PV_TRY(check_vc_claim(*claims, check.form, out));

  // Times are bounded by kMaxNumericDate, so this arithmetic cannot overflow for sane `check`.
  if (check.now + check.clock_skew < out.not_before)
    return make_error(Errc::unauthorized, "role credential is not yet valid (nbf " +
                                              std::to_string(out.not_before) + ", now " +
                                              std::to_string(check.now) + ")");
  if (check.now - check.clock_skew >= out.expires)
    return make_error(Errc::unauthorized, "role credential has expired (exp " +
                                              std::to_string(out.expires) + ", now " +
                                              std::to_string(check.now) + ")");
  if (check.now + check.clock_skew < out.issued_at)
    return make_error(Errc::unauthorized, "role credential is issued in the future (iat " +
                                              std::to_string(out.issued_at) + ")");
  return out;
}

}  // namespace pv
