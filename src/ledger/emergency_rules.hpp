#pragma once
// Rules of emergency access (docs/consent.md section 8): the emergency-policy (35) and
// emergency-release (36) types, the check every record anchor passes against its patient's
// policy, and what a permitted emergency access event records.

#include "ledger/consent_state.hpp"
#include "ledger/emergency_state.hpp"
#include "ledger/tx_registry.hpp"

namespace pv {

TxTypeRules emergency_policy_rules();
TxTypeRules emergency_release_rules();
// Registers both.
[[nodiscard]] Status add_emergency_rules(TxRegistry& registry);

// A record anchor of a patient with an emergency policy carries one share per custodian of the
// current epoch, each sealed to a current key of that custodian; without a policy, none.
[[nodiscard]] Status check_emergency_shares(const StateView& state, const RecordAnchor& anchor);

// For a permitted access event of basis emergency: the emergency event custodians release
// against (state "emev/<id>", list "ix/emerg/all").
void record_emergency_event(TxContext& ctx, const AccessEvent& event, const RecordState& record);

}  // namespace pv
