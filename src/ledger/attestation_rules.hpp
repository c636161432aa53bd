#pragma once
// Rules of the attestation types (docs/attestations.md):
//   attestation-issue (40): the signer is a member organization whose role may attest
//     (provider or lab) at this height, or (version 2) a practitioner whose ledger credential in
//     the payload check_practitioner_issuer accepts, the organization being the issuer of
//     record; the patient is a person DID other than the issuer and the signer; the
//     openings key is sealed to one of the patient's current keys. State: attestation/<id> and
//     the patient's list.
//   attestation-revoke (41): only the attestation's issuer, only once; state marks it revoked.

#include "ledger/attestation_state.hpp"
#include "ledger/tx_registry.hpp"

namespace pv {

// Roles of member organizations that may issue attestations.
bool role_may_attest(std::string_view role);

// A practitioner's ledger credential, checked at the block's time: verify_credential_on_ledger
// (signature under the issuer's key on the ledger, issuer a member provider, within nbf/exp,
// not revoked) in RoleCredentialForm::ledger (no licence number or other personal claim), and
// its subject is `signer`. Returns the issuing organization's DID, the issuer of record.
[[nodiscard]] Result<std::string> check_practitioner_issuer(const StateView& state,
                                                            std::string_view credential,
                                                            const std::string& signer,
                                                            std::uint64_t block_time_ms);

TxTypeRules attestation_issue_rules();
TxTypeRules attestation_revoke_rules();
// Registers both.
[[nodiscard]] Status add_attestation_rules(TxRegistry& registry);

}  // namespace pv
