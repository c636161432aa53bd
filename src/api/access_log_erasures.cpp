#include "api/access_log_erasures.hpp"

#include "api/consent_views.hpp"
#include "ledger/erasure/erasure_state.hpp"
#include "ledger/org_state.hpp"
#include "ledger/signer.hpp"
#include "ledger/transaction.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

constexpr const char* kAuditEventTypeSystem =
    "http://terminology.hl7.org/CodeSystem/audit-event-type";
constexpr const char* kEntityTypeSystem = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
constexpr const char* kParticipationSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
constexpr const char* kRoleClassSystem = "http://terminology.hl7.org/CodeSystem/v3-RoleClass";
constexpr const char* kErasureEventSystem = "urn:pv:erasure";

// How many member node keys have a committed receipt for the erasure of `record`.
Result<std::uint64_t> receipt_count(const StateView& state, const RecordId& record) {
  auto membership = load_membership(state);
  if (!membership) return membership.error();
  std::uint64_t count = 0;
  for (const auto& org_did : membership->members) {
    auto org = load_organization(state, org_did);
    if (!org) return org.error();
    if (!*org) continue;
    for (const auto& key : (*org)->node_keys) {
      auto r = load_erasure_receipt(state, record, key);
      if (!r) return r.error();
      if (*r) ++count;
    }
  }
  return count;
}

// The anchor of `record`, from its (kept) transaction; nullopt when the node has no such
// committed anchor.
Result<std::optional<RecordAnchor>> committed_anchor(ApiContext& ctx, const RecordId& record) {
  TxView view = ctx.node.get_tx(record);
  if (view.state != TxState::committed || !view.committed) return std::optional<RecordAnchor>();
  auto tx = decode_transaction(view.encoded);
  if (!tx)
    return make_error(Errc::corruption,
                      "stored record anchor " + record.hex() + ": " + tx.error().message);
  if (tx->type != kTxTypeRecordAnchor) return std::optional<RecordAnchor>();
  auto anchor = decode_record_anchor(tx->payload);
  if (!anchor)
    return make_error(Errc::corruption,
                      "stored record anchor " + record.hex() + ": " + anchor.error().message);
  return std::optional<RecordAnchor>(std::move(*anchor));
}

// The signer's DID of the committed erase transaction `id`.
Result<std::string> erase_signer(ApiContext& ctx, const TxId& id) {
  TxView view = ctx.node.get_tx(id);
  if (view.state != TxState::committed || !view.committed)
    return make_error(Errc::corruption, "erase transaction " + id.hex() +
                                            " is named by a tombstone but not committed");
  auto tx = decode_transaction(view.encoded);
  if (!tx)
    return make_error(Errc::corruption,
                      "stored erase transaction " + id.hex() + ": " + tx.error().message);
  return nonce_owner(tx->signer);
}

json erasure_event(const RecordId& record, const RecordAnchor& anchor, const ErasureTombstone& t,
                   const std::string& signer, std::uint64_t receipts) {
  const bool officer = t.by == ErasedBy::officer;
  json agents = json::array();
  agents.push_back({{"type", {{"coding", json::array({coding(kParticipationSystem, "AUT")})}}},
                    {"who", did_reference(signer, officer ? "Practitioner" : "Patient")},
                    {"requestor", true}});
  if (officer)
    agents.push_back({{"type", {{"coding", json::array({coding(kRoleClassSystem, "PROV")})}}},
                      {"who", did_reference(t.officer_organization, "Organization")},
                      {"requestor", false}});
  json record_entity = {{"what", id_reference(kRecordIdentifierSystem, record, "Binary")},
                        {"type", coding(kEntityTypeSystem, "2")}};
  if (!anchor.category.empty()) record_entity["name"] = anchor.category;
  json event = {
      {"resourceType", "AuditEvent"},
      {"id", t.erase_tx.hex()},
      {"type", {{"system", kAuditEventTypeSystem}, {"code", "rest"}}},
      {"subtype", json::array({coding("http://hl7.org/fhir/restful-interaction", "delete"),
                               coding(kErasureEventSystem, "erasure")})},
      {"action", "D"},
      {"recorded", fhir_instant(t.time_ms)},
      {"outcome", "0"},
      {"agent", agents},
      {"source", {{"observer", did_reference(t.record_organization, "Organization")}}},
      {"entity", json::array({record_entity})}};
  json ext = ledger_extension({{"event", "erasure"},
                               {"height", std::to_string(t.height)},
                               {"erasedBy", std::string(erased_by_name(t.by))},
                               {"reason", std::string(erasure_reason_code(t.reason))},
                               {"recordOrganization", t.record_organization},
                               {"keySlotsDeleted", std::to_string(t.key_slots)},
                               {"receipts", std::to_string(receipts)}});
  if (officer)
    ext[0]["extension"].push_back(
        {{"url", "organization"}, {"valueString", t.officer_organization}});
  event["extension"] = ext;
  return event;
}

json legal_hold_event(const RecordId& record, const std::string& category,
                      const LegalHoldState& h) {
  json agents = json::array();
  agents.push_back({{"type", {{"coding", json::array({coding(kParticipationSystem, "AUT")})}}},
                    {"who", did_reference(h.officer, "Practitioner")},
                    {"requestor", true}});
  agents.push_back({{"type", {{"coding", json::array({coding(kRoleClassSystem, "PROV")})}}},
                    {"who", did_reference(h.organization, "Organization")},
                    {"requestor", false}});
  json record_entity = {{"what", id_reference(kRecordIdentifierSystem, record, "Binary")},
                        {"type", coding(kEntityTypeSystem, "2")}};
  if (!category.empty()) record_entity["name"] = category;
  json event = {{"resourceType", "AuditEvent"},
                {"type", {{"system", kAuditEventTypeSystem}, {"code", "rest"}}},
                {"subtype", json::array({coding(kErasureEventSystem, "legal-hold")})},
                {"action", "U"},
                {"recorded", fhir_instant(h.time_ms)},
                {"outcome", "0"},
                {"outcomeDesc", legal_hold_verdict(h)},
                {"agent", agents},
                {"source", {{"observer", did_reference(h.organization, "Organization")}}},
                {"entity", json::array({record_entity})}};
  event["extension"] = ledger_extension({{"event", "legal-hold"},
                                         {"action", "place"},
                                         {"active", true},
                                         {"height", std::to_string(h.height)},
                                         {"organization", h.organization},
                                         {"reason", std::string(hold_reason_code(h.reason))}});
  return event;
}

}  // namespace

Result<json> erasure_audit_events(ApiContext& ctx, const StateView& state,
                                  const std::string& patient) {
  auto erased = index_read(state, erased_records_list());
  if (!erased) return erased.error();
  json events = json::array();
  for (const auto& record : *erased) {
    auto anchor = committed_anchor(ctx, record);
    if (!anchor) return anchor.error();
    if (!*anchor || (*anchor)->patient != patient) continue;
    auto tombstone = load_erasure_tombstone(state, record);
    if (!tombstone) return tombstone.error();
    if (!*tombstone)
      return make_error(Errc::corruption,
                        "record " + record.hex() + " is listed as erased but has no tombstone");
    auto signer = erase_signer(ctx, (*tombstone)->erase_tx);
    if (!signer) return signer.error();
    auto receipts = receipt_count(state, record);
    if (!receipts) return receipts.error();
    events.push_back(erasure_event(record, **anchor, **tombstone, *signer, *receipts));
  }
  return events;
}

Result<json> legal_hold_audit_events(const StateView& state, const std::string& patient) {
  auto records = index_read(state, index_key("rec-patient", {patient}));
  if (!records) return records.error();
  json events = json::array();
  for (const auto& record : *records) {
    auto holds = load_legal_holds(state, record);
    if (!holds) return holds.error();
    if (holds->empty()) continue;
    auto rec = load_record(state, record);
    if (!rec) return rec.error();
    const std::string category = *rec ? (*rec)->anchor.category : std::string();
    for (const auto& h : *holds) events.push_back(legal_hold_event(record, category, h));
  }
  return events;
}

}  // namespace pv::api
