#include "api/consent_views.hpp"

#include <ctime>

#include "content/cid.hpp"
#include "ledger/record_key_envelope.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

constexpr const char* kPurposeSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
constexpr const char* kConsentActionSystem = "http://terminology.hl7.org/CodeSystem/consentaction";

json wrapped_json(const WrappedKey& k) {
  return {{"recipient", to_hex(k.recipient.view())}, {"sealed", to_base64(k.sealed.view())}};
}

std::string cid_text(const Bytes& cid) {
  auto parsed = content::Cid::decode(cid);
  return parsed ? parsed->to_string() : to_hex(cid);  // the rules accept any 1..128 bytes
}

}  // namespace

json did_reference(const std::string& did, const char* type) {
  json r = {{"identifier", {{"system", kDidIdentifierSystem}, {"value", did}}}};
  if (type) r["type"] = type;
  return r;
}

json id_reference(const char* system, const Hash32& id, const char* type) {
  return {{"type", type}, {"identifier", {{"system", system}, {"value", id.hex()}}}};
}

json coding(const char* system, std::string_view code) {
  return {{"system", system}, {"code", code}};
}

json ledger_extension(std::initializer_list<std::pair<const char*, json>> values) {
  json inner = json::array();
  for (const auto& [name, value] : values) {
    json e = {{"url", name}};
    if (value.is_boolean())
      e["valueBoolean"] = value;
    else
      e["valueString"] = value.is_string() ? value : json(value.dump());
    inner.push_back(e);
  }
  return json::array({{{"url", "urn:pv:fhir:ledger"}, {"extension", inner}}});
}

std::string fhir_instant(std::uint64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03uZ", buf, static_cast<unsigned>(ms % 1000));
  return out;
}

json record_json(const RecordId& id, const RecordState& r) {
  const RecordAnchor& a = r.anchor;
  json keys = {{"patient", wrapped_json(a.for_patient)}, {"author", wrapped_json(a.for_author)}};
  if (a.for_category)
    keys["category"] = {{"epoch", a.for_category->epoch},
                        {"key", to_hex(a.for_category->category_key.view())},
                        {"sealed", to_base64(a.for_category->sealed.view())}};
  if (a.emergency) {
    json shares = json::array();
    for (const auto& w : a.emergency->shares) shares.push_back(wrapped_json(w));
    keys["emergency"] = {{"epoch", a.emergency->epoch}, {"shares", shares}};
  }
  json out = {{"id", id.hex()},
              {"patient", a.patient},
              {"author", r.author},
              {"organization", a.organization},
              {"cid", cid_text(a.cid)},
              {"commitment", a.commitment.hex()},
              {"category", a.category},
              {"mediaType", a.media_type},
              {"size", a.size},
              {"height", r.height},
              {"time", fhir_instant(r.time_ms)},
              {"keys", keys}};
  if (has_key_envelope(a)) out["keyEnvelope"] = cid_text(a.key_envelope);
  return out;
}

json consent_resource(const ConsentId& id, const ConsentState& c, std::uint64_t now_ms) {
  const ConsentGrant& g = c.grant;
  const bool ended = now_ms >= g.not_after_ms;
  json provision = {
      {"type", "permit"},
      {"period",
       {{"start", fhir_instant(g.not_before_ms)}, {"end", fhir_instant(g.not_after_ms)}}}};
  provision["actor"] = json::array(
      {{{"role",
         {{"coding", json::array({coding(
                         "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP")})}}},
        {"reference",
         did_reference(g.grantee, g.grantee_kind == GranteeKind::organization ? "Organization"
                                                                              : "Practitioner")}}});
  json actions = json::array();
  for (std::uint8_t bit = 1; bit <= 16; bit <<= 1)
    if (g.actions & bit)
      actions.push_back({{"coding", json::array({coding(
                                        kConsentActionSystem,
                                        consent_action_code(static_cast<ConsentAction>(bit)))})}});
  provision["action"] = actions;
  json purposes = json::array();
  for (const auto& p : g.purposes) purposes.push_back(coding(kPurposeSystem, p));
  provision["purpose"] = purposes;
  if (g.scope == ScopeKind::category) {
    provision["class"] = json::array({coding("http://hl7.org/fhir/resource-types", g.category)});
  } else {
    json data = json::array();
    for (const auto& rec : g.records)
      data.push_back({{"meaning", "instance"},
                      {"reference", id_reference(kRecordIdentifierSystem, rec, "Binary")}});
    provision["data"] = data;
  }
  json consent = {
      {"resourceType", "Consent"},
      {"id", id.hex()},
      {"identifier", json::array({{{"system", kConsentIdentifierSystem}, {"value", id.hex()}}})},
      {"status", c.revoked || ended ? "inactive" : "active"},
      {"scope",
       {{"coding", json::array({coding("http://terminology.hl7.org/CodeSystem/consentscope",
                                       "patient-privacy")})}}},
      {"category", json::array({{{"coding", json::array({{{"system", "http://loinc.org"},
                                                          {"code", "59284-0"},
                                                          {"display", "Patient Consent"}}})}}})},
      {"patient", did_reference(c.patient, "Patient")},
      {"dateTime", fhir_instant(c.time_ms)},
      {"performer", json::array({did_reference(c.patient, "Patient")})},
      {"policyRule",
       {{"coding",
         json::array({coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN")})}}},
      {"provision", provision}};
  json ext = ledger_extension({{"height", std::to_string(c.height)}, {"revoked", c.revoked}});
  if (c.revoked) {
    ext[0]["extension"].push_back(
        {{"url", "revokedHeight"}, {"valueString", std::to_string(c.revoked_height)}});
    ext[0]["extension"].push_back(
        {{"url", "revokedTime"}, {"valueString", fhir_instant(c.revoked_time_ms)}});
  }
  consent["extension"] = ext;
  return consent;
}

json audit_event_resource(const AccessEvent& e, const AccessEventContext& ctx) {
  const bool permitted = e.outcome == AccessOutcome::permitted;
  json purpose_of_use =
      json::array({{{"coding", json::array({coding(kPurposeSystem, e.purpose)})}}});
  json agents = json::array();
  agents.push_back(
      {{"type",
        {{"coding", json::array({coding(
                        "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP")})}}},
       {"who",
        did_reference(e.reader, e.basis == AccessBasis::patient ? "Patient" : "Practitioner")},
       {"requestor", true},
       {"purposeOfUse", purpose_of_use}});
  if (!e.reader_organization.empty())
    agents.push_back(
        {{"type",
          {{"coding",
            json::array({coding("http://terminology.hl7.org/CodeSystem/v3-RoleClass", "PROV")})}}},
         {"who", did_reference(e.reader_organization, "Organization")},
         {"requestor", false}});
  agents.push_back({{"type",
                     {{"coding", json::array({coding("http://dicom.nema.org/resources/ontology/DCM",
                                                     "110153")})}}},
                    {"who", did_reference(ctx.node, "Device")},
                    {"requestor", false}});
  json record_entity = {
      {"what", id_reference(kRecordIdentifierSystem, e.record, "Binary")},
      {"type", coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2")}};
  if (!ctx.record_category.empty()) record_entity["name"] = ctx.record_category;
  json entities = json::array({record_entity});
  if (e.basis == AccessBasis::consent)
    entities.push_back(
        {{"what", id_reference(kConsentIdentifierSystem, e.consent, "Consent")},
         {"type", coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2")}});
  json event = {
      {"resourceType", "AuditEvent"},
      {"id", ctx.id.hex()},
      {"type",
       {{"system", "http://terminology.hl7.org/CodeSystem/audit-event-type"}, {"code", "rest"}}},
      {"subtype", json::array({coding("http://hl7.org/fhir/restful-interaction", "read")})},
      {"action", "R"},
      {"recorded", fhir_instant(ctx.committed.block_time_ms)},
      {"outcome", permitted ? "0" : "4"},
      {"purposeOfEvent", purpose_of_use},
      {"agent", agents},
      {"source",
       {{"observer", did_reference(ctx.node, "Device")},
        {"type", json::array({coding("http://terminology.hl7.org/CodeSystem/security-source-type",
                                     "4")})}}},
      {"entity", entities}};
  if (!permitted) event["outcomeDesc"] = e.reason;
  json ext = ledger_extension({{"basis", std::string(access_basis_name(e.basis))},
                               {"decidedHeight", std::to_string(e.decided_height)},
                               {"height", std::to_string(ctx.committed.location.height)},
                               {"action", std::string(consent_action_code(e.action))}});
  if (e.basis == AccessBasis::emergency)
    ext[0]["extension"].push_back({{"url", "credential"}, {"valueString", e.credential.hex()}});
  if (!e.contract_code.is_zero())
    ext[0]["extension"].push_back(
        {{"url", "contractCode"}, {"valueString", e.contract_code.hex()}});
  event["extension"] = ext;
  return event;
}

json searchset_bundle(const json& resources, std::uint64_t total) {
  json entries = json::array();
  for (const auto& r : resources) entries.push_back({{"resource", r}});
  return {{"resourceType", "Bundle"}, {"type", "searchset"}, {"total", total}, {"entry", entries}};
}

}  // namespace pv::api
