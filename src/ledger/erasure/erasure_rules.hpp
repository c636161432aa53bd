#pragma once
// Validity rules of record-erase (37), legal-hold (38) and erasure-receipt (39)
// (docs/erasure.md, "Transactions"). Verdicts a patient or officer sees:
//   "record <id> is already erased at height N"
//   "record under legal hold by <organization> since height N (<reason>)"
//   "only the record's patient or a data-protection officer of its author organization ..."
//   "patient <did> accepts records only under her pseudonyms (since height N): ..."

#include "ledger/tx_registry.hpp"

namespace pv {

TxTypeRules record_erase_rules();
TxTypeRules legal_hold_rules();
TxTypeRules erasure_receipt_rules();
TxTypeRules pseudonyms_only_rules();
[[nodiscard]] Status add_erasure_rules(TxRegistry& registry);

// Refuses (Errc::forbidden) an anchor naming `patient` when she set the pseudonyms-only rule.
[[nodiscard]] Status check_anchor_patient_allowed(const StateView& state,
                                                  const std::string& patient);

// Accepts an officer's ledger-form role credential at block time: it verifies on the ledger
// (ledger/credential_check.hpp), names the signer as its subject and `role` as its role.
// Returns the issuing organization.
[[nodiscard]] Result<std::string> check_officer_credential(const StateView& state,
                                                           std::string_view credential,
                                                           const std::string& signer,
                                                           std::string_view role,
                                                           std::uint64_t block_time_ms);

}  // namespace pv
