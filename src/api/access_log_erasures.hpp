#pragma once
// The erasure side of a patient's access log (docs/erasure.md, "The patient's side"): every
// erasure of one of the patient's records, and every legal hold active on one of them, as FHIR
// R4 AuditEvents shaped like the access events (api/consent_views.hpp). The ledger extension's
// "event" says which: "erasure" or "legal-hold".
//
// No index links an erasure to the patient (a tombstone names no patient), so the erasures are
// found by walking every tombstone ("ix/erased/all") and reading the erased record's v1 anchor,
// still in its block, for the patient's DID: one transaction lookup per erasure on the ledger.

#include <nlohmann/json.hpp>
#include <string>

#include "api/routes.hpp"

namespace pv {
class StateView;
}

namespace pv::api {

// An AuditEvent (action "D", id = the erase transaction) for every erased record whose anchor
// names `patient`, in erasure order: when (block time and height), who signed (the patient, or
// a data-protection officer and the officer's organization), the reason code, the record, and
// how many member nodes have committed an erasure receipt for it.
[[nodiscard]] Result<nlohmann::json> erasure_audit_events(ApiContext& ctx, const StateView& state,
                                                          const std::string& patient);

// An AuditEvent (action "U", no id: a hold is state, not one transaction) for every legal hold
// active on a live record of `patient`: the officer, the organization, the reason and when it
// was placed.
[[nodiscard]] Result<nlohmann::json> legal_hold_audit_events(const StateView& state,
                                                             const std::string& patient);

}  // namespace pv::api
