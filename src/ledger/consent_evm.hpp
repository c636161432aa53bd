#pragma once
// The consent rules run as the Solidity contract contracts/ConsentRules.sol on the embedded EVM
// (docs/evm.md, "The consent contract"). The record-anchor, consent-grant and consent-revoke
// rules and the membership rule call it after their own checks, with msg.sender the signer's
// identity address (ledger/contract_state.hpp), or the ledger's address for membership and
// erasure (forgetRecord); a call that fails refuses the transaction with the contract's
// verdict. EvmConsentContract answers access requests by a static call of `decide`. The native
// rules (LedgerConsentContract) stay as the reference the tests compare it with.

#include "ledger/consent_contract.hpp"
#include "ledger/contract_call.hpp"
#include "ledger/tx_registry.hpp"

namespace pv {

// The bit of a purpose of use: bit i for the i-th code of known_purposes(); 0 when unknown.
std::uint64_t purpose_bit(std::string_view code);
std::uint64_t purpose_bits(const std::vector<std::string>& codes);

// Transaction calls. Each returns the contract's refusal or failure as an error, and writes
// the contract's storage changes into `ctx.state` on success.
[[nodiscard]] Status contract_anchor_record(TxContext& ctx, const RecordAnchor& anchor,
                                            const std::string& author);
[[nodiscard]] Status contract_grant(TxContext& ctx, const ConsentGrant& grant,
                                    const std::string& patient);
[[nodiscard]] Status contract_revoke(TxContext& ctx, const ConsentId& consent,
                                     const std::string& patient);
// Membership, called by the ledger itself (genesis and the org-membership rule).
[[nodiscard]] Status set_member_in_contract(StateOverlay& state, const std::string& organization,
                                            bool member, std::uint64_t height,
                                            std::uint64_t time_ms);

// What an erasure's call of the contract did.
enum class ContractForgetting : std::uint8_t {
  forgotten,           // forgetRecord ran: the record's and its consents' slots are zero
  code_lacks_function  // the code in force has no forgetRecord (a version from before it)
};

// Erasure, called by the ledger itself (the record-erase rule): `forgetRecord(record,
// consents)` from the ledger's address, so the contract's storage no longer maps `record` to
// its patient, author and category, nor marks it covered by any of `consents` (the patient's
// consents that named it). The consents go in batches of kForgetConsentsPerCall, one call each.
// When the code in force does not push forgetRecord's selector (evm::abi::code_pushes_selector)
// nothing is called and its storage keeps the record: code_lacks_function. Any failure of a
// call (a revert, out of gas, NotLedger ...) is an error, and the erasure is refused with it.
// Then `forgetConsent(c)` for each of `dropped` (the records consents the erasure deleted from
// the ledger's state), so that the contract and the native rules still know the same consents;
// code without forgetConsent is left as it is, like code without forgetRecord.
inline constexpr std::size_t kForgetConsentsPerCall = 256;
[[nodiscard]] Result<ContractForgetting> forget_record_in_contract(
    StateOverlay& state, const RecordId& record, const std::vector<ConsentId>& consents,
    const std::vector<ConsentId>& dropped, std::uint64_t height, std::uint64_t time_ms);

// The decision as the contract returns it, before it is put in words.
struct ContractDecision {
  bool permitted = false;
  AccessBasis basis = AccessBasis::none;
  ConsentId consent;
  std::uint64_t via = 0;     // permitted: 0 the reader, i+1 reader_organizations[i]
  std::uint8_t reason = 0;   // refused: REFUSED_* of the contract
  std::uint64_t detail = 0;  // refused: organization index or consent stage
  std::int64_t gas_used = 0;
  evm::Bytes32 code_hash;
};

// The static call of `decide` for `request` on `state` at `height` (its block number). An error
// when the call does not return a decision (the contract failed, or the state cannot run it).
[[nodiscard]] Result<ContractDecision> contract_decide(const StateView& state,
                                                       const AccessRequest& request,
                                                       std::uint64_t height = 0);

// The consent contract on the EVM: contract_decide, its answer put in the same words as the
// native rules'. A call that fails is a refusal naming the failure.
class EvmConsentContract final : public ConsentContract {
 public:
  AccessDecision decide(const StateView& state, const AccessRequest& request) const override;
};

}  // namespace pv
