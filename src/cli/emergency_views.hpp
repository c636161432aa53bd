#pragma once
// The client's reading of the emergency routes (docs/api.md, "Emergency access"): the patient's
// policy and one emergency event with its custodians' sealed shares and their releases. Shape
// checks only: what a custodian acts on it first proves with inclusion proofs, and what a reader
// combines is checked by decryption against the anchored commitment.

#include <nlohmann/json.hpp>
#include <optional>

#include "api/client.hpp"
#include "ledger/emergency_payloads.hpp"

namespace pv::cli {

struct EmergencyPolicyView {
  std::string patient;
  std::uint32_t epoch = 0;
  std::uint8_t threshold = 0;
  std::vector<std::string> custodians;  // share i + 1 belongs to custodians[i]
  nlohmann::json json;
};
// GET /v1/patients/{did}/emergency-policy; nullopt when the patient has none.
[[nodiscard]] Result<std::optional<EmergencyPolicyView>> fetch_emergency_policy(
    api::NodeClient& client, const std::string& patient);

struct EmergencyCustodianView {
  std::string organization;
  std::uint8_t share = 0;
  WrappedKey sealed_share;  // the record's share sealed to the custodian
};
struct EmergencyReleaseView {
  std::string custodian;
  EmergencyRelease release;
  TxId tx;
  std::uint64_t height = 0;
};
struct EmergencyEventView {
  TxId event;
  RecordId record;
  std::string patient, reader, organization, time;
  std::uint32_t epoch = 0;  // 0: the record has no shares
  std::uint8_t threshold = 0;
  bool open = false;  // custodians may still release
  std::vector<EmergencyCustodianView> custodians;
  std::vector<EmergencyReleaseView> releases;
  nlohmann::json json;
};
[[nodiscard]] Result<EmergencyEventView> parse_emergency_event(const nlohmann::json& j);
// GET /v1/emergency/events/{id} (signed).
[[nodiscard]] Result<EmergencyEventView> fetch_emergency_event(api::NodeClient& client,
                                                               const TxId& event);
// GET /v1/emergency/events?from=N (signed): the events from N on, and the list's total size.
[[nodiscard]] Result<std::pair<std::vector<EmergencyEventView>, std::uint64_t>>
fetch_emergency_events(api::NodeClient& client, std::uint64_t from);

}  // namespace pv::cli
