#pragma once
// Emergency access as the ledger state holds it (docs/consent.md sections 8 and 9). Written only
// by ledger/emergency_rules.hpp (and the access-event rule, for emergency events); read by those
// rules and by the node's emergency routes.
//
// State keys:
//   "empol/<patient>"                          EmergencyPolicyState, the current epoch
//   "empolv/<patient>/<epoch, 8 hex>"          EmergencyPolicyState of every epoch
//   "emev/<access event id>"                   EmergencyEventState of a permitted emergency read
//   "emrel/<access event id>/<share, 2 hex>"   EmergencyReleaseState
// List (ledger/consent_state.hpp): "ix/emerg/all", every emergency event id in commit order.

#include "ledger/emergency_payloads.hpp"

namespace pv {

struct EmergencyPolicyState {
  EmergencyPolicy policy;
  std::uint64_t height = 0;
};

struct EmergencyEventState {
  RecordId record;
  std::string patient, reader, organization;  // organization: the credential's issuer
  std::uint32_t epoch = 0;                    // the record's shares' policy epoch; 0: none
  std::uint64_t height = 0, time_ms = 0;      // the access event's block
};

struct EmergencyReleaseState {
  EmergencyRelease release;
  std::string custodian;  // the signer's DID
  TxId tx;                // the release transaction
  std::uint64_t height = 0, time_ms = 0;
};

std::string emergency_policy_state_key(const std::string& patient,
                                       std::optional<std::uint32_t> epoch = {});
std::string emergency_event_state_key(const TxId& event);
std::string emergency_release_state_key(const TxId& event, std::uint8_t share);
// The list of every emergency event id.
std::string emergency_events_list();

Bytes encode_emergency_policy_state(const EmergencyPolicyState& p);
[[nodiscard]] Result<EmergencyPolicyState> decode_emergency_policy_state(ByteView b);
Bytes encode_emergency_event_state(const EmergencyEventState& e);
[[nodiscard]] Result<EmergencyEventState> decode_emergency_event_state(ByteView b);
Bytes encode_emergency_release_state(const EmergencyReleaseState& r);
[[nodiscard]] Result<EmergencyReleaseState> decode_emergency_release_state(ByteView b);

// nullopt when absent; Errc::corruption when present and undecodable.
[[nodiscard]] Result<std::optional<EmergencyPolicyState>> load_emergency_policy(
    const StateView& state, const std::string& patient, std::optional<std::uint32_t> epoch = {});
[[nodiscard]] Result<std::optional<EmergencyEventState>> load_emergency_event(
    const StateView& state, const TxId& event);
// Every release for `event`, by share number.
[[nodiscard]] Result<std::vector<EmergencyReleaseState>> load_emergency_releases(
    const StateView& state, const TxId& event);

}  // namespace pv
