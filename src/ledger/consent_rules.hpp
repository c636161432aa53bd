#pragma once
// The record, consent and access transaction types (docs/consent.md): record-anchor (30),
// consent-grant (31), consent-revoke (32), access-event (33) and category-key (34). Their
// payloads are in ledger/consent_payloads.hpp, their state in ledger/consent_state.hpp.

#include "ledger/tx_registry.hpp"

namespace pv {

TxTypeRules record_anchor_rules();
TxTypeRules consent_grant_rules();
TxTypeRules consent_revoke_rules();
TxTypeRules category_key_rules();
TxTypeRules access_event_rules();

// Registers the five types.
[[nodiscard]] Status add_consent_rules(TxRegistry& registry);

}  // namespace pv
