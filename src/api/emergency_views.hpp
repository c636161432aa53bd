#pragma once
// JSON views of emergency access (docs/api.md, "Emergency access"; docs/consent.md section 8).
// Everything here is public ledger data: DIDs, ids and keys sealed to someone; never a share or
// a data key in the clear.

#include <nlohmann/json.hpp>

#include "ledger/emergency_state.hpp"
#include "ledger/record_key_envelope.hpp"

namespace pv::api {

// {"patient", "epoch", "threshold", "custodians": [{"organization", "share"}], "height"}.
nlohmann::json emergency_policy_json(const std::string& patient, const EmergencyPolicyState& p);

// One emergency event with everything custodians and the reader act on:
// {"event", "record", "patient", "reader", "organization", "height", "time", "epoch",
//  "threshold", "custodians": [{"organization", "share", "sealedShare": wrapped}],
//  "releases": [{"share", "custodian", "recipient", "sealed", "tx", "height", "time"}],
//  "released", "open"}. "open": the 24-hour release window has not passed at `now_ms`.
// Errc::not_found when `event` is not a permitted emergency access.
[[nodiscard]] Result<nlohmann::json> emergency_event_json(const StateView& state, const TxId& event,
                                                          std::uint64_t now_ms,
                                                          const KeyEnvelopeReader& read_envelope);

}  // namespace pv::api
