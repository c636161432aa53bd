#include "identity/org_json.hpp"

#include "codec/did_key.hpp"
#include "identity/did_pv_document.hpp"

namespace pv {
namespace {

using nlohmann::json;

Error shape(const std::string& what) {
  return make_error(Errc::malformed, "organization JSON: " + what);
}

bool is_string(const json& j, const char* field) {
  return j.contains(field) && j[field].is_string();
}

}  // namespace

json organization_json(const NamedOrganization& org) {
  json keys = json::array();
  for (const auto& k : org.record.node_keys) keys.push_back(did_key_from_public_key(k));
  return {{"did", org.did},
          {"name", org.record.name},
          {"role", org.record.role},
          {"status", org.record.status == OrgStatus::member ? "member" : "removed"},
          {"since", org.record.changed_height},
          {"admins", org.record.admins},
          {"nodeKeys", keys},
          {"mayIssuePractitionerCredentials",
           role_may_issue_practitioner_credentials(org.record.role)}};
}

Result<NamedOrganization> parse_organization_json(const json& j) {
  if (!j.is_object()) return shape("an organization is an object");
  for (const char* field : {"did", "name", "role", "status"})
    if (!is_string(j, field)) return shape(std::string("\"") + field + "\" (string) is required");
  if (!j.contains("since") || !j["since"].is_number_unsigned())
    return shape("\"since\" (height) is required");
  if (!j.contains("admins") || !j["admins"].is_array() || !j.contains("nodeKeys") ||
      !j["nodeKeys"].is_array())
    return shape("\"admins\" and \"nodeKeys\" (arrays) are required");
  NamedOrganization out;
  out.did = j["did"].get<std::string>();
  out.record.name = j["name"].get<std::string>();
  out.record.role = j["role"].get<std::string>();
  const std::string status = j["status"].get<std::string>();
  if (status != "member" && status != "removed") return shape("\"status\" is member or removed");
  out.record.status = status == "member" ? OrgStatus::member : OrgStatus::removed;
  out.record.changed_height = j["since"].get<std::uint64_t>();
  for (const auto& a : j["admins"]) {
    if (!a.is_string()) return shape("admins are DID strings");
    out.record.admins.push_back(a.get<std::string>());
  }
  for (const auto& k : j["nodeKeys"]) {
    if (!k.is_string()) return shape("node keys are did:key strings");
    auto key = public_key_from_did_key(k.get<std::string>());
    if (!key) return shape("node key: " + key.error().message);
    out.record.node_keys.push_back(*key);
  }
  return out;
}

json membership_json(const MembershipRecord& m, const std::vector<NamedOrganization>& members) {
  json orgs = json::array();
  for (const auto& org : members) orgs.push_back(organization_json(org));
  return {{"version", m.version},
          {"threshold",
           {{"numerator", m.threshold.numerator}, {"denominator", m.threshold.denominator}}},
          {"approvalsNeeded", approvals_needed(m.threshold, m.members.size())},
          {"organizations", orgs}};
}

json credential_status_json(const std::string& jti, const std::vector<CredentialRevocation>& list,
                            const std::optional<std::string>& issuer) {
  json entries = json::array();
  for (const auto& e : list)
    entries.push_back({{"issuer", e.issuer},
                       {"height", e.height},
                       {"time", rfc3339_from_ms(e.time_ms)},
                       {"tx", e.tx.hex()}});
  json out = {{"id", jti}, {"revocations", entries}};
  if (issuer) {
    out["issuer"] = *issuer;
    out["revoked"] = revocation_by(list, *issuer).has_value();
  } else {
    out["revoked"] = !list.empty();
  }
  return out;
}

Result<std::vector<CredentialRevocation>> parse_credential_status_json(const json& j) {
  if (!j.is_object() || !j.contains("revocations") || !j["revocations"].is_array())
    return make_error(Errc::malformed, "credential status: \"revocations\" (array) is required");
  std::vector<CredentialRevocation> out;
  for (const auto& e : j["revocations"]) {
    if (!e.is_object() || !is_string(e, "issuer") || !is_string(e, "time") || !is_string(e, "tx") ||
        !e.contains("height") || !e["height"].is_number_unsigned())
      return make_error(Errc::malformed,
                        "credential status: a revocation has issuer, height, time and tx");
    auto time = ms_from_rfc3339(e["time"].get<std::string>());
    if (!time) return time.error();
    auto tx = Hash32::from_hex(e["tx"].get<std::string>());
    if (!tx) return make_error(Errc::malformed, "credential status: tx is 32 bytes of hex");
    out.push_back({e["issuer"].get<std::string>(), e["height"].get<std::uint64_t>(), *time, *tx});
  }
  return out;
}

}  // namespace pv
