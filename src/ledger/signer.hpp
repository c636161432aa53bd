#pragma once
// Who signed a transaction, and with which key, at a given state. A did:key carries its key; a
// did:pv key URL is looked up in the DID's current document, so a rotated-out or removed key,
// or any key of a deactivated DID, no longer signs anything that is accepted.

#include "ledger/tx_registry.hpp"

namespace pv {

// The key `tx` must be signed with, in `state`. Errc::bad_signature when there is none.
[[nodiscard]] Result<PublicKey> resolve_signer_key(const TxRegistry& registry, const StateView& state,
                                                   const NetworkId& network, const Transaction& tx);

// The key a DID URL names in `state`: the key of a did:key, or the active key #fragment of a
// live did:pv. Errc::bad_signature when there is none. Used for transaction signers and for
// signatures carried inside payloads (membership approvals).
[[nodiscard]] Result<PublicKey> resolve_did_url_key(const StateView& state, std::string_view signer);

// Resolves the key in `state` and checks the signature.
[[nodiscard]] Status verify_signature_in_state(const TxRegistry& registry, const StateView& state,
                                               const NetworkId& network, const Transaction& tx);

// True when the signing key is a pure function of the transaction's bytes (a did:key signer of a
// type without its own signer-key rule): its signature can be checked once, anywhere, without
// state. Otherwise the key depends on the state at the block that executes it.
bool signature_is_stateless(const TxTypeRules& rules, const Transaction& tx);

// Whose nonce a transaction spends: the DID, whichever of its keys signed.
std::string nonce_owner(const std::string& signer);

}  // namespace pv
