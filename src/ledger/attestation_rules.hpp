#pragma once
// Rules of the attestation types (docs/attestations.md):
//   attestation-issue (40): the signer is a member organization whose role may attest
//     (provider or lab) at this height; the patient is a person DID other than the issuer; the
//     openings key is sealed to one of the patient's current keys. State: attestation/<id> and
//     the patient's list.
//   attestation-revoke (41): only the attestation's issuer, only once; state marks it revoked.

#include "ledger/attestation_state.hpp"
#include "ledger/tx_registry.hpp"

namespace pv {

// Roles of member organizations that may issue attestations.
bool role_may_attest(std::string_view role);

TxTypeRules attestation_issue_rules();
TxTypeRules attestation_revoke_rules();
// Registers both.
[[nodiscard]] Status add_attestation_rules(TxRegistry& registry);

}  // namespace pv
