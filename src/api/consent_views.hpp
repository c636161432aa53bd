#pragma once
// JSON views of records, consents and access events (docs/api.md, "Records, consent and
// access"). Consents are served as FHIR R4 `Consent` resources and access events as FHIR R4
// `AuditEvent` resources, following the mapping in docs/consent.md; records as a plain JSON
// object (they are not FHIR resources: the resource itself is encrypted content). DIDs appear as
// FHIR identifiers with system "urn:ietf:rfc:3986"; record and consent ids as identifiers with
// systems "urn:pv:record" and "urn:pv:consent".

#include <nlohmann/json.hpp>
#include <string>

#include "ledger/consent_state.hpp"
#include "node/node.hpp"

namespace pv::api {

inline constexpr const char* kDidIdentifierSystem = "urn:ietf:rfc:3986";
inline constexpr const char* kRecordIdentifierSystem = "urn:pv:record";
inline constexpr const char* kConsentIdentifierSystem = "urn:pv:consent";

// {"id", "patient", "author", "organization", "cid", "commitment", "category", "mediaType",
//  "size", "height", "time", "keys": {"patient", "author", "category"?}}; wrapped keys as
// {"recipient": hex Ed25519 key, "sealed": base64}.
nlohmann::json record_json(const RecordId& id, const RecordState& record);

// FHIR R4 Consent. `now_ms` decides status: "active" while in force or not yet started,
// "inactive" once revoked or ended.
nlohmann::json consent_resource(const ConsentId& id, const ConsentState& consent,
                                std::uint64_t now_ms);

// What an access event's view needs besides the payload: who wrote it and where it sits.
struct AccessEventContext {
  TxId id;
  std::string node;  // the signer (a member node's DID)
  CommittedTx committed;
  std::string record_category;  // empty when the record is unknown
};
// FHIR R4 AuditEvent (docs/consent.md, "Access events").
nlohmann::json audit_event_resource(const AccessEvent& event, const AccessEventContext& context);

// A FHIR R4 Bundle of type searchset holding `resources`.
nlohmann::json searchset_bundle(const nlohmann::json& resources, std::uint64_t total);

// Pieces of the FHIR views, shared by the erasure entries of the access log
// (api/access_log_erasures.hpp): a reference to a DID (`type` may be null), a reference to a
// record or consent id, a Coding, and the "urn:pv:fhir:ledger" extension holding `values`
// (strings as valueString, booleans as valueBoolean, anything else dumped to valueString).
nlohmann::json did_reference(const std::string& did, const char* type = nullptr);
nlohmann::json id_reference(const char* system, const Hash32& id, const char* type);
nlohmann::json coding(const char* system, std::string_view code);
nlohmann::json ledger_extension(
    std::initializer_list<std::pair<const char*, nlohmann::json>> values);

// "YYYY-MM-DDThh:mm:ss.sssZ" (a FHIR instant).
std::string fhir_instant(std::uint64_t ms);

}  // namespace pv::api
